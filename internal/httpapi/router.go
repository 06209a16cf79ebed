package httpapi

import (
	"log/slog"
	"net/http"
	"sort"

	"github.com/tandemhq/tandem/internal/obs"
	"github.com/tandemhq/tandem/internal/tandem"
)

// handlerFunc is a handler that returns its error for the router to render.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// Router is one Lambda function's routes. It records every pattern it serves so a test can
// prove that the set equals the routes template.yaml gives that function.
type Router struct {
	mux      *http.ServeMux
	patterns []string
	log      *slog.Logger
}

func newRouter(log *slog.Logger) *Router {
	return &Router{mux: http.NewServeMux(), log: obs.Ensure(log)} // redacted, captured, with request ids
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
	rt.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		w = &responder{ResponseWriter: w, req: r} // lets writeJSON render a failure as a problem
		if err := h(w, r); err != nil {
			writeError(w, r, err)
		}
	})
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
