package obs

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Finding is a log line that holds a credential.
type Finding struct {
	Line int    // 1-based
	Rule string // which check found it
	Text string // the line with the credential masked, for the report
}

func (f Finding) String() string { return fmt.Sprintf("line %d: %s: %s", f.Line, f.Rule, f.Text) }

// CheckLogs reads log lines (JSON or not) and returns every line that holds a credential: a
// JWT, a "Bearer …"/"Basic …" credential, the secret segment of a RegisterSecretPath route
// (a calendar feed token), a key=value or "key":"value" pair or a JSON attribute whose key
// names a credential with a value that is not [REDACTED], or any of secrets (the exact
// values the run handled, from NoteSecret).
func CheckLogs(r io.Reader, secrets []string) ([]Finding, int, error) {
	var known []string
	for _, s := range secrets {
		if s = strings.TrimSpace(s); len(s) >= minSecretLen {
			known = append(known, s)
		}
	}
	sort.Slice(known, func(i, j int) bool { return len(known[i]) > len(known[j]) })
	var findings []Finding
	re, paths := res(), secretPathRes()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		add := func(rule, secret string) {
			findings = append(findings, Finding{Line: n, Rule: rule, Text: mask(line, secret)})
		}
		for _, s := range known {
			if strings.Contains(line, s) {
				add("a credential the run handled", s)
			}
		}
		if m := re.jwt.FindString(line); m != "" {
			add("JWT", m)
		}
		if m := re.checkAuth.FindString(line); m != "" {
			add("HTTP credential", m)
		}
		for _, p := range paths {
			if m := p.re.FindString(line); m != "" {
				add("secret path segment", m)
			}
		}
		for _, m := range re.keyEq.FindAllStringSubmatch(line, -1) {
			if !strings.HasPrefix(m[2], "[REDACTED") && !strings.HasPrefix(m[2], "{") {
				add("credential key=value", m[0])
			}
		}
		var obj map[string]any
		if strings.HasPrefix(line, "{") && json.Unmarshal([]byte(line), &obj) == nil {
			walkJSON(obj, func(key string, v any) {
				if s, ok := v.(string); ok && IsSecretName(key) && s != "" && s != Redacted {
					add(fmt.Sprintf("attribute %q", key), s)
				}
			})
		} else {
			for _, m := range re.keyJSON.FindAllStringSubmatch(line, -1) {
				if m[2] != Redacted && m[2] != "" {
					add("credential \"key\":\"value\"", m[0])
				}
			}
		}
	}
	return findings, n, sc.Err()
}

func walkJSON(v any, fn func(key string, v any)) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			fn(k, x)
			walkJSON(x, fn)
		}
	case []any:
		for _, x := range v {
			walkJSON(x, fn)
		}
	case string:
		// A JSON document inside a string value (an error quoting a response body).
		if strings.HasPrefix(v, "{") {
			var inner map[string]any
			if json.Unmarshal([]byte(v), &inner) == nil {
				walkJSON(inner, fn)
			}
		}
	}
}

// mask shortens line around secret and hides all but its first four characters, so a
// report of a leak does not leak it again.
func mask(line, secret string) string {
	shown := secret
	if len(shown) > 4 {
		shown = shown[:4]
	}
	line = strings.ReplaceAll(line, secret, shown+"…[masked]")
	if len(line) > 300 {
		line = line[:300] + "…"
	}
	return line
}
