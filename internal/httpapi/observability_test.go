package httpapi

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/internal/metrics"
	"github.com/tandemhq/tandem/internal/obs/obstest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// linesWith returns the JSON lines of buf whose requestId is id.
func linesWith(t *testing.T, buf *obstest.Buffer, id string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range buf.Lines() {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil && m["requestId"] == id {
			out = append(out, m)
		}
	}
	return out
}

// TestAccessLogAndMetrics: one request line per request with the request id, route, status,
// latency and problem code, the feed token redacted from the path; the metrics of the answer
// (a refusal by code and reason, a conflict, a booking created, a server error).
func TestAccessLogAndMetrics(t *testing.T) {
	var logs, emf obstest.Buffer
	prev := metrics.SetDefault(metrics.New(&emf))
	t.Cleanup(func() { metrics.SetDefault(prev) })

	rt := newRouter(slog.New(slog.NewJSONHandler(&logs, nil)))
	rt.handlePublic("GET /v1/calendar/{token}/feed.ics", func(w http.ResponseWriter, r *http.Request) error {
		e := tandem.Errorf(tandem.EConflict, "The expert is already booked at that time.")
		e.Detail = map[string]any{"reason": "busy"}
		return e
	})
	rt.handlePublic("POST /v1/bookings", func(w http.ResponseWriter, r *http.Request) error {
		writeJSON(w, http.StatusCreated, map[string]string{"id": "b-1"})
		return nil
	})
	rt.handlePublic("GET /v1/boom", func(w http.ResponseWriter, r *http.Request) error {
		return &tandem.Error{Code: tandem.EInternal, Message: "store down for token=abcdef123456"}
	})
	do := func(method, target string) string {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(method, target, nil)
		req.Header.Set("Authorization", "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1LTEifQ.")
		rt.ServeHTTP(rec, req)
		return rec.Header().Get("X-Request-Id")
	}
	const token = "0f3c9a7be21d4c5f8a6b0e9d7c3a1f2e"

	id := do("GET", "/v1/calendar/"+token+"/feed.ics")
	lines := linesWith(t, &logs, id)
	if len(lines) != 1 {
		t.Fatalf("%d log lines for the request, want 1: %s", len(lines), logs.String())
	}
	for k, want := range map[string]any{"msg": "request", "method": "GET", "path": "/v1/calendar/{token}/feed.ics",
		"route": "GET /v1/calendar/{token}/feed.ics", "status": 409.0, "code": "conflict", "reason": "busy"} {
		if lines[0][k] != want {
			t.Errorf("%s = %v, want %v", k, lines[0][k], want)
		}
	}
	if _, ok := lines[0]["latencyMs"].(float64); !ok {
		t.Error("no latencyMs")
	}
	refusal, conflict := false, false
	for _, m := range linesWith(t, &emf, id) {
		refusal = refusal || (m["Refusals"] == 1.0 && m["Code"] == "conflict" && m["Reason"] == "busy")
		conflict = conflict || (m["Conflicts"] == 1.0 && m["Reason"] == "busy")
	}
	if !refusal || !conflict {
		t.Errorf("metrics for the 409: refusal %v, conflict %v: %s", refusal, conflict, emf.String())
	}

	id = do("POST", "/v1/bookings")
	if m := linesWith(t, &emf, id); len(m) != 1 || m[0]["BookingsCreated"] != 1.0 {
		t.Errorf("BookingsCreated: %v", m)
	}

	id = do("GET", "/v1/boom")
	lines = linesWith(t, &logs, id)
	if len(lines) != 2 || lines[0]["msg"] != "internal error" || lines[1]["status"] != 500.0 {
		t.Fatalf("internal error: want the error logged once, then the request line: %v", lines)
	}
	if strings.Contains(lines[0]["error"].(string), "abcdef123456") {
		t.Errorf("the error text was not redacted: %v", lines[0]["error"])
	}
	if m := linesWith(t, &emf, id); len(m) != 1 || m[0]["ServerErrors"] != 1.0 {
		t.Errorf("ServerErrors: %v", m)
	}

	if strings.Contains(logs.String(), token) || strings.Contains(logs.String(), "eyJ") || strings.Contains(emf.String(), token) {
		t.Errorf("a credential reached the logs:\n%s\n%s", logs.String(), emf.String())
	}
}
