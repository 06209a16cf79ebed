package httpapi

import (
	"log/slog"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"

	"github.com/tandemhq/tandem/internal/obs"
	"github.com/tandemhq/tandem/internal/tandem"
)

// handlerFunc is a handler that returns its error for the router to render.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// Router is one Lambda function's routes. It records every pattern it serves so a test can
// prove that the set equals the routes template.yaml gives that function.
//
// It matches its own "METHOD /path/{wildcard}" patterns rather than registering them on an
// http.ServeMux: ServeMux parses every pattern and checks it for conflicts against the others
// when it is registered, and for a function of 40 routes that was most of what its init did
// beyond the SDK's (`make coldstart`). Registering here is an append; matching follows
// ServeMux's rules for these patterns (segments unescaped, a literal segment more specific
// than a wildcard, GET also serving HEAD, 405 with Allow when only the method differs), and
// TestRouterMatchesServeMux holds the two equal on every route of every function.
type Router struct {
	routes   []route
	patterns []string
	log      *slog.Logger
	split    sync.Once // routes' segments, on the first request (not at init: `make coldstart`)
}

// route is one registered pattern split into its parts.
type route struct {
	pattern, method string
	segs            []string // literal segments, or "{name}" for a wildcard (split on first use)
	h               http.HandlerFunc
}

func newRouter(log *slog.Logger) *Router {
	return &Router{log: obs.Ensure(log)} // redacted, captured, with request ids
}

// match finds the route for r: the most specific pattern whose path and method match, with
// its wildcards' values; or none, with the methods the path allows (405 when there are some).
func (rt *Router) match(r *http.Request) (found *route, values []string, allow []string) {
	rt.split.Do(func() {
		for i := range rt.routes {
			_, path, _ := strings.Cut(rt.routes[i].pattern, " ")
			rt.routes[i].segs = strings.Split(path[1:], "/")
		}
	})
	path := r.URL.EscapedPath()
	if !strings.HasPrefix(path, "/") {
		return nil, nil, nil
	}
	parts := strings.Split(path[1:], "/")
	for i, p := range parts {
		if strings.IndexByte(p, '%') >= 0 {
			u, err := url.PathUnescape(p)
			if err != nil {
				return nil, nil, nil
			}
			parts[i] = u
		}
	}
	method := r.Method
	for i := range rt.routes {
		rr := &rt.routes[i]
		if len(rr.segs) != len(parts) || !segsMatch(rr.segs, parts) {
			continue
		}
		if rr.method != method && !(rr.method == http.MethodGet && method == http.MethodHead) {
			allow = append(allow, rr.method)
			continue
		}
		if found == nil || moreSpecific(rr.segs, found.segs) {
			found = rr
		}
	}
	if found == nil {
		return nil, nil, allow
	}
	for i, s := range found.segs {
		if isWildcard(s) {
			values = append(values, s[1:len(s)-1], parts[i])
		}
	}
	return found, values, nil
}

func isWildcard(seg string) bool { return strings.HasPrefix(seg, "{") }

// segsMatch: every literal equal, every wildcard given a value (ServeMux's wildcards do not
// match an empty segment).
func segsMatch(segs, parts []string) bool {
	for i, s := range segs {
		if isWildcard(s) {
			if parts[i] == "" {
				return false
			}
		} else if s != parts[i] {
			return false
		}
	}
	return true
}

// moreSpecific: at the first segment where a and b differ in kind, a has the literal.
func moreSpecific(a, b []string) bool {
	for i := range a {
		if wa, wb := isWildcard(a[i]), isWildcard(b[i]); wa != wb {
			return wb
		}
	}
	return false
}

// allowHeader is the Allow value ServeMux sends with a 405: the methods, HEAD with GET, sorted.
func allowHeader(methods []string) string {
	set := map[string]bool{}
	for _, m := range methods {
		set[m] = true
		if m == http.MethodGet {
			set[http.MethodHead] = true
		}
	}
	out := make([]string, 0, len(set))
	for m := range set {
		out = append(out, m)
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

// handle registers an authenticated route: the caller is resolved from the claims before h
// runs (a request without valid claims gets 401) and carried in the context (the store binds
// paging cursors to it); then the path and query values are checked (checkInputs) before
// h can hand any of them to the store.
func (rt *Router) handle(pattern string, h func(w http.ResponseWriter, r *http.Request, c Caller) error) {
	rt.register(pattern, func(w http.ResponseWriter, r *http.Request) error {
		c, err := callerFrom(r)
		if err != nil {
			return err
		}
		r = r.WithContext(tandem.WithCaller(r.Context(), c))
		if err := checkInputs(pattern, r); err != nil {
			return err
		}
		return h(w, r, c)
	})
}

// handlePublic registers a route that needs no caller (it authenticates by other means); its
// path and query values are checked like any other route's.
func (rt *Router) handlePublic(pattern string, h handlerFunc) {
	rt.register(pattern, func(w http.ResponseWriter, r *http.Request) error {
		if err := checkInputs(pattern, r); err != nil {
			return err
		}
		return h(w, r)
	})
}

func (rt *Router) register(pattern string, h handlerFunc) {
	rt.patterns = append(rt.patterns, pattern)
	method, _, _ := strings.Cut(pattern, " ")
	rt.routes = append(rt.routes, route{pattern: pattern, method: method,
		h: func(w http.ResponseWriter, r *http.Request) {
			w = &responder{ResponseWriter: w, req: r} // lets writeJSON render a failure as a problem
			if err := h(w, r); err != nil {
				writeError(w, r, err)
			}
		}})
}

// responder is the ResponseWriter handlers get: it knows its request, so writeJSON can turn an
// encoding failure into a logged problem+json 500 with the request id.
type responder struct {
	http.ResponseWriter
	req *http.Request
}

// Routes returns the patterns ("GET /v1/experts/{expertId}") this router serves, sorted.
func (rt *Router) Routes() []string {
	out := append([]string(nil), rt.patterns...)
	sort.Strings(out)
	return out
}
