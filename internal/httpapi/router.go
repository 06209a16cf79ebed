package httpapi

import (
	"log/slog"
	"net/http"
	"sort"

	"github.com/tandemhq/tandem/internal/obs"
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
// runs, and a request without valid claims gets 401.
func (rt *Router) handle(pattern string, h func(w http.ResponseWriter, r *http.Request, c Caller) error) {
	rt.handlePublic(pattern, func(w http.ResponseWriter, r *http.Request) error {
		c, err := callerFrom(r)
		if err != nil {
			return err
		}
		return h(w, r, c)
	})
}

// handlePublic registers a route that needs no caller (it authenticates by other means).
func (rt *Router) handlePublic(pattern string, h handlerFunc) {
	rt.patterns = append(rt.patterns, pattern)
	rt.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			writeError(w, r, err)
		}
	})
}

// Routes returns the patterns ("GET /v1/experts/{expertId}") this router serves, sorted.
func (rt *Router) Routes() []string {
	out := append([]string(nil), rt.patterns...)
	sort.Strings(out)
	return out
}
