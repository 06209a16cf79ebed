package httpapi

import (
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/tandemhq/tandem/internal/samtemplate"
)

// TestTemplateRoutesEqualHandlerRoutes proves template.yaml and the handlers agree in both
// directions: every HttpApi event has a handler pattern in its function's router, every
// pattern a router serves is declared for that function, and a concrete request for each
// route resolves to exactly that pattern.
func TestTemplateRoutesEqualHandlerRoutes(t *testing.T) {
	tpl, err := samtemplate.LoadNearest()
	if err != nil {
		t.Fatal(err)
	}
	fromTemplate := map[string][]string{}
	for _, r := range tpl.Routes() {
		fromTemplate[r.Function] = append(fromTemplate[r.Function], r.Key())
	}
	routers := Functions(Deps{Logger: quietLog})
	for fn := range fromTemplate {
		if routers[fn] == nil {
			t.Errorf("template function %s has HttpApi routes but no router in Functions()", fn)
		}
	}
	param := regexp.MustCompile(`\{[^}]+\}`)
	for fn, rt := range routers {
		want := fromTemplate[fn]
		sort.Strings(want)
		if diff := cmp.Diff(want, rt.Routes()); diff != "" {
			t.Errorf("%s: template routes (-) vs handler routes (+):\n%s", fn, diff)
		}
		for _, key := range rt.Routes() {
			method, path, _ := strings.Cut(key, " ")
			concrete := param.ReplaceAllString(path, "x1")
			found, _, _ := rt.match(httptest.NewRequest(method, concrete, nil))
			if got := found; got == nil || got.pattern != key {
				t.Errorf("%s %s resolves to %v, want %q", method, concrete, got, key)
			}
		}
	}
}
