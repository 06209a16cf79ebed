package httpapi

import (
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
)

// TestRouterMatchesServeMux holds the Router's own matching equal to http.ServeMux's on every
// route of every function: for each pattern, paths made by filling its wildcards with plain,
// escaped and other routes' literal values, and paths one segment off, under every method,
// the same pattern wins (or the same 405 with the same Allow, or the same 404) and the
// wildcards get the same values.
func TestRouterMatchesServeMux(t *testing.T) {
	methods := []string{"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"}
	for name, rt := range Functions(Deps{}) {
		rt.match(httptest.NewRequest("GET", "/", nil)) // splits the patterns (done on first use)
		mux := http.NewServeMux()
		for _, p := range rt.patterns {
			mux.HandleFunc(p, func(http.ResponseWriter, *http.Request) {})
		}
		// Every literal segment any route has, to try as a wildcard's value.
		literals := map[string]bool{"x1": true, "a%2Fb": true, "caf%C3%A9": true, "%7Bid%7D": true}
		for _, r := range rt.routes {
			for _, s := range r.segs {
				if !isWildcard(s) {
					literals[s] = true
				}
			}
		}
		var paths []string
		for _, r := range rt.routes {
			paths = append(paths, fill(r.segs, "x1"))
			for lit := range literals {
				paths = append(paths, fill(r.segs, lit))
			}
			paths = append(paths, fill(r.segs, "x1")+"/extra", fill(r.segs[:len(r.segs)-1], "x1")+"/zz", fill(r.segs, "x1")+"/")
		}
		sort.Strings(paths)
		checked := 0
		for _, path := range paths {
			for _, m := range methods {
				req := httptest.NewRequest(m, path, nil)
				_, want := mux.Handler(req)
				found, values, allow := rt.match(req)
				got := ""
				if found != nil {
					got = found.pattern
				}
				if got != want {
					t.Errorf("%s %s %s: router matched %q, ServeMux %q", name, m, path, got, want)
					continue
				}
				if found == nil {
					rec := httptest.NewRecorder()
					mux.ServeHTTP(rec, req)
					if rec.Code == http.StatusMethodNotAllowed {
						if len(allow) == 0 || allowHeader(allow) != rec.Header().Get("Allow") {
							t.Errorf("%s %s %s: router allows %q, ServeMux %q", name, m, path, allowHeader(allow), rec.Header().Get("Allow"))
						}
					} else if len(allow) > 0 {
						t.Errorf("%s %s %s: router answers 405 (%v), ServeMux %d", name, m, path, allow, rec.Code)
					}
					checked++
					continue
				}
				// The wildcard values ServeMux would give.
				var muxReq *http.Request
				mux2 := http.NewServeMux()
				mux2.HandleFunc(want, func(_ http.ResponseWriter, r *http.Request) { muxReq = r })
				mux2.ServeHTTP(httptest.NewRecorder(), req)
				for i := 0; i < len(values); i += 2 {
					if muxReq == nil || muxReq.PathValue(values[i]) != values[i+1] {
						t.Errorf("%s %s %s: %s = %q, ServeMux gives %q", name, m, path, values[i], values[i+1], muxReq.PathValue(values[i]))
					}
				}
				checked++
			}
		}
		if checked < len(rt.routes)*len(methods) {
			t.Fatalf("%s: only %d requests compared", name, checked)
		}
	}
}

func fill(segs []string, value string) string {
	out := make([]string, len(segs))
	for i, s := range segs {
		if isWildcard(s) {
			s = value
		}
		out[i] = s
	}
	return "/" + strings.Join(out, "/")
}
