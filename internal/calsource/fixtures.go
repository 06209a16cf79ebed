package calsource

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tandemhq/tandem/internal/icalbusy/fixtures"
)

// NewFixtureServer serves iCalendar subscriptions for tests and `tandem dev`, with ETag and
// Last-Modified and conditional GETs as the real services answer them:
//
//	GET  /ics/{google,outlook,apple}.ics   the fixtures of internal/icalbusy/fixtures
//	GET  /ics/generated-{N}.ics            fixtures.Generate(N) from today (UTC), N ≤ 5000
//	PUT  /ics/custom/{name}.ics            store a document (tests change a calendar between syncs)
//	GET  /ics/custom/{name}.ics            read it back (404 until stored)
//	GET  /status/{code}                    answer that status (401, 403, 404, 500, ...)
//	GET  /malformed.ics                    200 with a body that is not iCalendar
//	GET  /huge.ics                         200 with a body over MaxBody
//	GET  /redirect/{n}                     n redirects, then /ics/google.ics
//	GET  /slow                             no answer until the client gives up (at most 60 s)
//
// Every GET counts in Hits, so tests can tell a conditional GET from a download.
func NewFixtureServer() *FixtureServer {
	return &FixtureServer{custom: map[string][]byte{}, hits: map[string]int{}}
}

// FixtureServer is the handler NewFixtureServer answers.
type FixtureServer struct {
	mu     sync.Mutex
	custom map[string][]byte
	hits   map[string]int
}

// Hits answers how many GETs a path had, and how many of them were answered 200 with a body.
func (s *FixtureServer) Hits(path string) (gets, bodies int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path], s.hits["200 "+path]
}

// fixtureModified is the Last-Modified of every fixed document.
var fixtureModified = time.Date(2026, 10, 28, 9, 0, 0, 0, time.UTC)

func (s *FixtureServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		s.mu.Lock()
		s.hits[p]++
		s.mu.Unlock()
	}
	switch {
	case strings.HasPrefix(p, "/ics/custom/") && r.Method == http.MethodPut:
		body, err := io.ReadAll(io.LimitReader(r.Body, MaxBody+1))
		if err != nil {
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		s.mu.Lock()
		s.custom[p] = body
		s.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	case strings.HasPrefix(p, "/ics/custom/"):
		s.mu.Lock()
		body, ok := s.custom[p]
		s.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		s.serveDoc(w, r, body, time.Time{})
	case strings.HasPrefix(p, "/ics/generated-") && strings.HasSuffix(p, ".ics"):
		n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(p, "/ics/generated-"), ".ics"))
		if err != nil || n < 1 || n > 5000 {
			http.NotFound(w, r)
			return
		}
		today := time.Now().UTC().Truncate(24 * time.Hour)
		s.serveDoc(w, r, fixtures.Generate(n, today, time.UTC, uint64(n)), today)
	case strings.HasPrefix(p, "/ics/"):
		body, err := fs.ReadFile(fixtures.FS(), strings.TrimPrefix(p, "/ics/"))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		s.serveDoc(w, r, body, fixtureModified)
	case strings.HasPrefix(p, "/status/"):
		code, err := strconv.Atoi(strings.TrimPrefix(p, "/status/"))
		if err != nil || code < 200 || code > 599 {
			code = http.StatusBadRequest
		}
		if code == http.StatusUnauthorized {
			w.Header().Set("WWW-Authenticate", `Basic realm="calendar"`)
		}
		http.Error(w, http.StatusText(code), code)
	case p == "/malformed.ics":
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<!doctype html><title>Sign in</title><p>Please sign in to see this calendar.</p>\n"))
	case p == "/huge.ics":
		w.Header().Set("Content-Type", "text/calendar")
		_, _ = w.Write([]byte("BEGIN:VCALENDAR\r\n"))
		line := []byte("X-PADDING:" + strings.Repeat("x", 1000) + "\r\n")
		for n := 0; n <= MaxBody; n += len(line) {
			if _, err := w.Write(line); err != nil {
				return
			}
		}
	case strings.HasPrefix(p, "/redirect/"):
		n, _ := strconv.Atoi(strings.TrimPrefix(p, "/redirect/"))
		if n <= 0 {
			http.Redirect(w, r, "/ics/google.ics", http.StatusFound)
			return
		}
		http.Redirect(w, r, "/redirect/"+strconv.Itoa(n-1), http.StatusFound)
	case p == "/slow":
		select {
		case <-r.Context().Done():
		case <-time.After(60 * time.Second):
		}
	default:
		http.NotFound(w, r)
	}
}

func (s *FixtureServer) serveDoc(w http.ResponseWriter, r *http.Request, body []byte, modified time.Time) {
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "private, max-age=0")
	if !modified.IsZero() {
		w.Header().Set("Last-Modified", modified.Format(http.TimeFormat))
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		if inm == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	} else if ims := r.Header.Get("If-Modified-Since"); ims != "" && !modified.IsZero() {
		if t, err := http.ParseTime(ims); err == nil && !modified.After(t) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	s.mu.Lock()
	s.hits["200 "+r.URL.Path]++
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	_, _ = w.Write(body)
}

// StartFixtureServer serves NewFixtureServer's handler on 127.0.0.1 (port 0: any free port) until stop is
// called, and answers its base URL ("http://127.0.0.1:N").
func StartFixtureServer(port int) (baseURL string, server *FixtureServer, stop func(), err error) {
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return "", nil, nil, err
	}
	h := NewFixtureServer()
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), h, func() { _ = srv.Close() }, nil
}
