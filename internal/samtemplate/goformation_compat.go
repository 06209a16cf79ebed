package samtemplate

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// goformationCompat works around goformation v7's AWS::Serverless::HttpApi, which names SAM's
// AccessLogSettings property AccessLogSetting and rejects the real name as an unknown field.
// It renames the key on the lines where an HttpApi's Properties have it and changes nothing
// else (SAM and cfn-lint read the template itself, where the name is right). A template that
// does not parse as YAML is returned as is, for goformation to report.
func goformationCompat(data []byte) []byte {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
		return data
	}
	lines := strings.Split(string(data), "\n")
	changed := false
	resources := mappingValue(doc.Content[0], "Resources")
	if resources == nil || resources.Kind != yaml.MappingNode {
		return data
	}
	for i := 1; i < len(resources.Content); i += 2 {
		res := resources.Content[i]
		if typ := mappingValue(res, "Type"); typ == nil || typ.Value != "AWS::Serverless::HttpApi" {
			continue
		}
		props := mappingValue(res, "Properties")
		if props == nil || props.Kind != yaml.MappingNode {
			continue
		}
		for j := 0; j < len(props.Content); j += 2 {
			if k := props.Content[j]; k.Value == "AccessLogSettings" && k.Line > 0 && k.Line <= len(lines) {
				l := lines[k.Line-1]
				lines[k.Line-1] = l[:k.Column-1] + strings.Replace(l[k.Column-1:], "AccessLogSettings", "AccessLogSetting", 1)
				changed = true
			}
		}
	}
	if !changed {
		return data
	}
	return []byte(strings.Join(lines, "\n"))
}

func mappingValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}
