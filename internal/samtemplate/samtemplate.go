// Package samtemplate reads template.yaml, the single source of truth for Tandem's routes and
// table. The local gateway serves the routes it lists, the route tests compare them with the
// handlers, and the test helper and the local tool create tables from its table definition,
// so local and deployed shapes cannot drift.
package samtemplate

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/awslabs/goformation/v7"
	"github.com/awslabs/goformation/v7/cloudformation"
	"gopkg.in/yaml.v3"
)

// FileName is the template's name at the repository root.
const FileName = "template.yaml"

// Template is a parsed SAM template.
type Template struct {
	cf  *cloudformation.Template
	raw []byte // the file as read: what goformation cannot type is read from it
}

// Load parses the template at path.
func Load(path string) (*Template, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("samtemplate.Load(%q): %w", path, err)
	}
	cf, err := goformation.ParseYAML(goformationCompat(data))
	if err != nil {
		return nil, fmt.Errorf("samtemplate.Load(%q): %w", path, err)
	}
	return &Template{cf: cf, raw: data}, nil
}

// Find returns the path of template.yaml in dir or the nearest parent that has one; tests use
// it to find the repository root from their package directory.
func Find(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, FileName)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("samtemplate: no " + FileName + " in this directory or its parents")
		}
		dir = parent
	}
}

// LoadNearest finds and loads the template nearest to the working directory.
func LoadNearest() (*Template, error) {
	p, err := Find(".")
	if err != nil {
		return nil, err
	}
	return Load(p)
}

// Route is one HttpApi event of a function.
type Route struct {
	Function string // logical id, e.g. ExpertsFunction
	Event    string // event name in the template, e.g. GetExpert
	Method   string // upper case
	Path     string // API Gateway path, e.g. /v1/experts/{expertId}
	// Public is true when the route opts out of the JWT authorizer (Auth: Authorizer: NONE).
	Public bool
}

// Key returns the API Gateway route key, "GET /v1/experts/{expertId}", which is also a valid
// Go 1.22 ServeMux pattern.
func (r Route) Key() string { return r.Method + " " + r.Path }

// Routes returns every HttpApi route, sorted by path then method.
func (t *Template) Routes() []Route {
	var routes []Route
	for name, fn := range t.cf.GetAllServerlessFunctionResources() {
		for evName, ev := range fn.Events {
			if ev.Type != "HttpApi" || ev.Properties == nil || ev.Properties.HttpApiEvent == nil {
				continue
			}
			h := ev.Properties.HttpApiEvent
			r := Route{Function: name, Event: evName}
			if h.Method != nil {
				r.Method = strings.ToUpper(*h.Method)
			}
			if h.Path != nil {
				r.Path = *h.Path
			}
			if h.Auth != nil && h.Auth.Authorizer != nil && *h.Auth.Authorizer == "NONE" {
				r.Public = true
			}
			routes = append(routes, r)
		}
	}
	sort.Slice(routes, func(i, j int) bool {
		if routes[i].Path != routes[j].Path {
			return routes[i].Path < routes[j].Path
		}
		return routes[i].Method < routes[j].Method
	})
	return routes
}

// Functions returns the logical ids of all serverless functions, sorted.
func (t *Template) Functions() []string {
	var names []string
	for name := range t.cf.GetAllServerlessFunctionResources() {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// StreamEvent is a function's DynamoDB stream event source: how Lambda delivers the stream.
type StreamEvent struct {
	Function             string
	BatchSize            int  // 100 when the template does not say
	MaximumRetryAttempts int  // -1 (until the records expire) when the template does not say
	BisectOnError        bool // BisectBatchOnFunctionError
}

// StreamEvent returns the DynamoDB event of the function with the logical id.
func (t *Template) StreamEvent(function string) (StreamEvent, error) {
	fn, ok := t.cf.GetAllServerlessFunctionResources()[function]
	if !ok {
		return StreamEvent{}, fmt.Errorf("samtemplate: no function %s", function)
	}
	for _, ev := range fn.Events {
		if ev.Type != "DynamoDB" || ev.Properties == nil || ev.Properties.DynamoDBEvent == nil {
			continue
		}
		d := ev.Properties.DynamoDBEvent
		out := StreamEvent{Function: function, BatchSize: 100, MaximumRetryAttempts: -1}
		if d.BatchSize != nil {
			out.BatchSize = *d.BatchSize
		}
		if d.MaximumRetryAttempts != nil {
			out.MaximumRetryAttempts = *d.MaximumRetryAttempts
		}
		if d.BisectBatchOnFunctionError != nil {
			out.BisectOnError = *d.BisectBatchOnFunctionError
		}
		return out, nil
	}
	// goformation leaves an event's properties untyped when they hold a field its DynamoDB
	// event type lacks (DestinationConfig, FunctionResponseTypes): read them from the YAML.
	if out, ok := rawStreamEvent(t.raw, function); ok {
		return out, nil
	}
	return StreamEvent{}, fmt.Errorf("samtemplate: function %s has no DynamoDB event", function)
}

// rawStreamEvent reads the delivery settings of function's DynamoDB event from the YAML.
func rawStreamEvent(data []byte, function string) (StreamEvent, bool) {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
		return StreamEvent{}, false
	}
	fn := mappingValue(mappingValue(doc.Content[0], "Resources"), function)
	evs := mappingValue(mappingValue(fn, "Properties"), "Events")
	if evs == nil || evs.Kind != yaml.MappingNode {
		return StreamEvent{}, false
	}
	for i := 1; i < len(evs.Content); i += 2 {
		ev := evs.Content[i]
		if typ := mappingValue(ev, "Type"); typ == nil || typ.Value != "DynamoDB" {
			continue
		}
		props := mappingValue(ev, "Properties")
		out := StreamEvent{Function: function, BatchSize: 100, MaximumRetryAttempts: -1}
		if n := mappingValue(props, "BatchSize"); n != nil {
			if v, err := strconv.Atoi(n.Value); err == nil {
				out.BatchSize = v
			}
		}
		if n := mappingValue(props, "MaximumRetryAttempts"); n != nil {
			if v, err := strconv.Atoi(n.Value); err == nil {
				out.MaximumRetryAttempts = v
			}
		}
		if n := mappingValue(props, "BisectBatchOnFunctionError"); n != nil {
			out.BisectOnError = n.Value == "true"
		}
		return out, true
	}
	return StreamEvent{}, false
}
