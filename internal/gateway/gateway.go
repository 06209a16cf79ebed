package gateway

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/obs"
	"github.com/tandemhq/tandem/internal/problem"
	"github.com/tandemhq/tandem/internal/samtemplate"
	"github.com/tandemhq/tandem/internal/tandem"
)

// DefaultMaxBody is the request body limit when Config.MaxBody is zero: 10 MiB, the HTTP API
// payload quota.
const DefaultMaxBody int64 = 10 << 20

// Config is what a Gateway serves.
type Config struct {
	Routes    []samtemplate.Route // usually (*samtemplate.Template).Routes()
	Functions map[string]Invoker  // by logical id; every route's function must be present
	Verifier  *Verifier           // required when any route is not Public
	Issuer    *Issuer             // enables POST /dev/token and GET /dev/jwks.json
	Users     DevDirectory        // the users /dev/users lists and /dev/token signs in
	WebDir    string              // built SPA (e.g. web/dist); optional
	Logger    *slog.Logger        // JSON to stdout when nil
	Now       func() time.Time    // the clock stamped into events; time.Now when nil
	MaxBody   int64               // DefaultMaxBody when zero
}

// Gateway is the local HTTP API: an http.Handler serving Config's routes, the dev routes and
// the web app. Build it with New.
type Gateway struct {
	cfg     Config
	mux     *http.ServeMux
	methods []string // every method some pattern accepts, to compute Allow
}

// New checks cfg and registers its routes. It fails when a route's function has no Invoker,
// when a protected route has no Verifier, or when a route path is not a valid pattern or
// clashes with another route.
func New(cfg Config) (*Gateway, error) {
	if cfg.Logger == nil {
		cfg.Logger = obs.NewLogger(os.Stdout)
	}
	cfg.Logger = obs.Ensure(cfg.Logger) // redacted and captured like every logger (internal/obs)
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	g := &Gateway{cfg: cfg, mux: http.NewServeMux()}
	for _, rt := range cfg.Routes {
		inv, ok := cfg.Functions[rt.Function]
		if !ok || inv == nil {
			return nil, fmt.Errorf("gateway.New: route %s: no invoker for function %s", rt.Key(), rt.Function)
		}
		if !rt.Public && cfg.Verifier == nil {
			return nil, fmt.Errorf("gateway.New: route %s needs a token but Config.Verifier is nil", rt.Key())
		}
		pattern, params, err := muxPattern(rt)
		if err != nil {
			return nil, fmt.Errorf("gateway.New: %w", err)
		}
		if err := g.handle(rt.Method, pattern, g.serveRoute(rt, params, inv)); err != nil {
			return nil, fmt.Errorf("gateway.New: route %s: %w", rt.Key(), err)
		}
	}
	dev := map[string]http.HandlerFunc{"GET /dev/users": g.devUsers, "GET " + OpenAPIPath: g.serveOpenAPI}
	if cfg.Issuer != nil {
		dev["POST /dev/token"] = g.devToken
		dev["GET /dev/jwks.json"] = g.devJWKS
	}
	for pattern, h := range dev {
		method, _, _ := strings.Cut(pattern, " ")
		if err := g.handle(method, pattern, h); err != nil {
			return nil, fmt.Errorf("gateway.New: %s: %w", pattern, err)
		}
	}
	g.mux.HandleFunc("/", g.fallback)
	return g, nil
}

// handle registers h, turning ServeMux's panic on a bad or conflicting pattern into an error.
func (g *Gateway) handle(method, pattern string, h http.Handler) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%v", p)
		}
	}()
	g.mux.Handle(pattern, h)
	if method != "ANY" && !slices.Contains(g.methods, method) {
		g.methods = append(g.methods, method)
		slices.Sort(g.methods)
	}
	return nil
}

// ServeHTTP serves one request and logs one line about it. The line has the method, the path
// (secret path parameters redacted, no query string), route, function, status, latency and
// request id; never a token.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	info := &reqInfo{id: newRequestID(), logPath: r.URL.Path}
	rec := &statusRecorder{ResponseWriter: w}
	rec.Header().Set("Apigw-Requestid", info.id)
	g.mux.ServeHTTP(rec, r.WithContext(withInfo(r.Context(), info)))
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	g.cfg.Logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
		slog.String("requestId", info.id),
		slog.String("method", r.Method),
		slog.String("path", info.logPath),
		slog.String("route", info.route),
		slog.String("function", info.function),
		slog.Int("status", rec.status),
		slog.Float64("latencyMs", float64(time.Since(start).Microseconds())/1000),
	)
}

// serveRoute is the API Gateway pipeline for one route: method, size, authorizer, event,
// invoke, response.
func (g *Gateway) serveRoute(rt samtemplate.Route, params []string, inv Invoker) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		info := infoFrom(r.Context())
		info.route, info.function = rt.Key(), rt.Function
		info.logPath = redactPath(rt.Path, r.URL.Path)
		if rt.Method != "ANY" && r.Method != rt.Method { // ServeMux lets HEAD through to GET
			g.fallback(w, r)
			return
		}
		if r.ContentLength > g.cfg.MaxBody {
			writeTooLarge(w, r, g.cfg.MaxBody)
			return
		}
		var claims map[string]string
		if !rt.Public {
			var err error
			if claims, err = g.authorize(r); err != nil {
				w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
				writeProblem(w, r, http.StatusUnauthorized, asError(err))
				return
			}
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, g.cfg.MaxBody))
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			writeTooLarge(w, r, g.cfg.MaxBody)
			return
		} else if err != nil {
			writeProblem(w, r, http.StatusBadRequest, tandem.Errorf(tandem.EInvalid, "The request body could not be read."))
			return
		}
		ev := g.event(r, rt, params, claims, body)
		resp, err := inv.Invoke(r.Context(), ev)
		if err == nil {
			err = writeResponse(w, resp)
		}
		if err != nil {
			g.cfg.Logger.ErrorContext(r.Context(), "function failed",
				slog.String("requestId", info.id), slog.String("function", rt.Function), slog.String("error", err.Error()))
			writeProblem(w, r, http.StatusBadGateway, &tandem.Error{Code: tandem.EInternal, Err: err})
		}
	}
}

// authorize is the JWT authorizer: the token from the Authorization header, verified.
func (g *Gateway) authorize(r *http.Request) (map[string]string, error) {
	token, ok := bearerToken(r.Header.Values("Authorization"))
	if !ok {
		return nil, tandem.Errorf(tandem.EUnauthenticated, "A bearer token is required in the Authorization header.")
	}
	return g.cfg.Verifier.Verify(r.Context(), token)
}

// bearerToken extracts the token from the Authorization header values. Like API Gateway it
// accepts "Bearer <token>" (scheme case-insensitive) or the bare token, and exactly one header.
func bearerToken(values []string) (string, bool) {
	if len(values) != 1 {
		return "", false
	}
	v := strings.TrimSpace(values[0])
	if scheme, rest, ok := strings.Cut(v, " "); ok && strings.EqualFold(scheme, "Bearer") {
		v = strings.TrimSpace(rest)
	}
	if v == "" || strings.ContainsAny(v, " \t\r\n") {
		return "", false
	}
	return v, true
}

// fallback answers requests no pattern took: 405 when the path exists with other methods, 404
// problem+json under /v1 and /dev, and the web app elsewhere.
func (g *Gateway) fallback(w http.ResponseWriter, r *http.Request) {
	if allow := g.allowed(r); len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		writeProblem(w, r, http.StatusMethodNotAllowed,
			tandem.Errorf(problem.CodeMethodNotAllowed, "%s is not allowed here; use %s.", r.Method, strings.Join(allow, " or ")))
		return
	}
	if isAPIPath(r.URL.Path) {
		writeProblem(w, r, http.StatusNotFound, tandem.Errorf(tandem.ENotFound, "No route matches %s %s.", r.Method, r.URL.Path))
		return
	}
	g.serveWeb(w, r)
}

// allowed lists the methods whose patterns match r's path, other than r's own method.
func (g *Gateway) allowed(r *http.Request) []string {
	var allow []string
	for _, m := range g.methods {
		if m == r.Method {
			continue
		}
		probe := new(http.Request)
		*probe = *r
		probe.Method = m
		if _, pattern := g.mux.Handler(probe); pattern != "" && pattern != "/" {
			allow = append(allow, m)
		}
	}
	return allow
}

func isAPIPath(p string) bool {
	return p == "/v1" || strings.HasPrefix(p, "/v1/") || p == "/dev" || strings.HasPrefix(p, "/dev/")
}

func writeTooLarge(w http.ResponseWriter, r *http.Request, limit int64) {
	writeProblem(w, r, http.StatusRequestEntityTooLarge,
		tandem.Errorf(tandem.ELimitExceeded, "The request body is larger than %d bytes.", limit))
}

// asError returns err as a *tandem.Error, keeping anything else as an internal cause.
func asError(err error) *tandem.Error {
	var e *tandem.Error
	if errors.As(err, &e) {
		return e
	}
	return &tandem.Error{Code: tandem.EInternal, Err: err}
}
