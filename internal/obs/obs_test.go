package obs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/lambdacontext"
)

// Credentials shaped like the real ones, planted in the tests below.
const (
	plantedJWT   = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImRldiJ9.eyJzdWIiOiJ1LTEiLCJjdXN0b206b3JnIjoiYWNtZSJ9.c2lnbmF0dXJlLWJ5dGVzLWhlcmU"
	plantedFeed  = "0f3c9a7be21d4c5f8a6b0e9d7c3a1f2e9b8d7c6a5f4e3d2c"
	plantedBasic = "dXNlcjpodW50ZXIy"
)

func TestRedact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/v1/calendar/" + plantedFeed + "/feed.ics", "/v1/calendar/{token}/feed.ics"},
		{"GET https://x.example/v1/calendar/" + plantedFeed + "/feed.ics?x=1", "GET https://x.example/v1/calendar/{token}/feed.ics?x=1"},
		{"/v1/calendar/{token}/feed.ics", "/v1/calendar/{token}/feed.ics"},
		{"Authorization: Bearer " + plantedJWT, "Authorization: Bearer [REDACTED]"},
		{"bearer abcdefgh.ijk", "bearer [REDACTED]"},
		{"Basic " + plantedBasic, "Basic [REDACTED]"},
		{"token " + plantedJWT + " expired", "token [REDACTED] expired"},
		{"https://cal.example/dav?user=a&password=hunter22&x=1", "https://cal.example/dav?user=a&password=[REDACTED]&x=1"},
		{"X-Amz-Signature=abcdef0123&X-Amz-Credential=AKIA/x", "X-Amz-Signature=[REDACTED]&X-Amz-Credential=[REDACTED]"},
		{`{"calendarPassword":"s3cr\"et","user":"ann"}`, `{"calendarPassword":"[REDACTED]","user":"ann"}`},
		{`{"access_token": "abc.def"}`, `{"access_token": "[REDACTED]"}`},
		// left alone: prose, ids, idempotency keys, the redacted forms themselves
		{"calendar token: not found", "calendar token: not found"},
		{"booking b-123 for idempotency key 7f0c-11", "booking b-123 for idempotency key 7f0c-11"},
		{"token=[REDACTED]", "token=[REDACTED]"},
		{"/v1/bookings/b-1/invite.ics", "/v1/bookings/b-1/invite.ics"},
	}
	for _, tt := range tests {
		if got := Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRedactPath(t *testing.T) {
	feed := "/v1/calendar/" + plantedFeed + "/feed.ics"
	for route, want := range map[string]string{
		"GET /v1/calendar/{token}/feed.ics": "/v1/calendar/{token}/feed.ics",
		"/v1/calendar/{token}/feed.ics":     "/v1/calendar/{token}/feed.ics",
		"":                                  "/v1/calendar/{token}/feed.ics", // no route matched: Redact still knows the path
	} {
		if got := RedactPath(route, feed); got != want {
			t.Errorf("RedactPath(%q) = %q, want %q", route, got, want)
		}
	}
	if got := RedactPath("GET /v1/links/{linkSecret}/{id}", "/v1/links/abc123/b-1"); got != "/v1/links/{linkSecret}/b-1" {
		t.Errorf("secret parameter by name: %q", got)
	}
	if got := RedactPath("GET /v1/bookings/{bookingId}", "/v1/bookings/b-1"); got != "/v1/bookings/b-1" {
		t.Errorf("ids stay: %q", got)
	}
}

func TestRegisterSecretPath(t *testing.T) {
	saved := secretPaths
	t.Cleanup(func() {
		secretPathMu.Lock()
		secretPaths, compiledPaths = saved, nil
		secretPathMu.Unlock()
	})
	RegisterSecretPath("/v1/share/{orgId}/{signedToken}")
	if got := Redact("GET /v1/share/acme/sig-abcdef123 200"); got != "GET /v1/share/acme/{signedToken} 200" {
		t.Errorf("Redact = %q", got)
	}
}

func TestParseLevel(t *testing.T) {
	for in, want := range map[string]slog.Level{"": slog.LevelInfo, "debug": slog.LevelDebug, "INFO": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError} {
		if got, bad := ParseLevel(in); got != want || bad {
			t.Errorf("ParseLevel(%q) = %v, %v", in, got, bad)
		}
	}
	if got, bad := ParseLevel("verbose"); got != slog.LevelInfo || !bad {
		t.Errorf("ParseLevel(verbose) = %v, %v; want info, bad", got, bad)
	}
}

func decodeLines(t *testing.T, b []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatalf("not a JSON line: %s", line)
		}
		out = append(out, m)
	}
	return out
}

func TestLoggerLevelIdsAndRedaction(t *testing.T) {
	t.Setenv("LOG_LEVEL", "warn")
	var buf bytes.Buffer
	log := NewLogger(&buf)
	ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "lambda-req-1"})
	ctx = WithRequestID(ctx, "apigw-req-1")
	ctx = context.WithValue(ctx, "x-amzn-trace-id", "Root=1-67891233-abcdef012345678912345678;Parent=53995c3f42cd8ad8;Sampled=1") //nolint:staticcheck // aws-lambda-go's key

	log.InfoContext(ctx, "dropped at warn")
	log.WarnContext(ctx, "request",
		slog.String("path", "/v1/calendar/"+plantedFeed+"/feed.ics"),
		slog.String("authorization", "Bearer "+plantedJWT),
		slog.Any("error", errors.New("upstream said password=hunter22")),
		slog.Any("headers", map[string]string{"Cookie": "sid=abc", "Idempotency-Key": "k-1"}),
		slog.Group("caldav", slog.String("password", "hunter22"), slog.String("user", "ann")),
	)
	lines := decodeLines(t, buf.Bytes())
	if len(lines) != 1 {
		t.Fatalf("LOG_LEVEL=warn: got %d lines, want 1:\n%s", len(lines), buf.String())
	}
	l := lines[0]
	for k, want := range map[string]any{
		"level": "WARN", "requestId": "apigw-req-1", "lambdaRequestId": "lambda-req-1", "traceId": "1-67891233-abcdef012345678912345678",
		"path": "/v1/calendar/{token}/feed.ics", "authorization": Redacted, "error": "upstream said password=[REDACTED]",
	} {
		if l[k] != want {
			t.Errorf("%s = %v, want %v", k, l[k], want)
		}
	}
	if h := l["headers"].(map[string]any); h["Cookie"] != Redacted || h["Idempotency-Key"] != "k-1" {
		t.Errorf("headers = %v, want Cookie redacted and the idempotency key kept", h)
	}
	if g := l["caldav"].(map[string]any); g["password"] != Redacted || g["user"] != "ann" {
		t.Errorf("group = %v", g)
	}
	findings, _, err := CheckLogs(&buf, []string{plantedFeed, plantedJWT})
	if err != nil || len(findings) > 0 {
		t.Errorf("the redacted line still holds credentials: %v %v", findings, err)
	}
}

func TestEnsureWrapsForeignLoggers(t *testing.T) {
	var buf bytes.Buffer
	foreign := slog.New(slog.NewJSONHandler(&buf, nil))
	log := Ensure(foreign)
	if Ensure(log) != log {
		t.Error("Ensure wrapped an obs logger twice")
	}
	log.With(slog.String("token", plantedFeed)).Info("feed " + "/v1/calendar/" + plantedFeed + "/feed.ics")
	if strings.Contains(buf.String(), plantedFeed) {
		t.Errorf("foreign logger leaked: %s", buf.String())
	}
	if Ensure(nil) == nil {
		t.Error("Ensure(nil) = nil")
	}
}

// TestCheckLogsFindsPlantedSecrets: every kind of credential, logged without obs's handler,
// is found; the same records through NewLogger are clean.
func TestCheckLogsFindsPlantedSecrets(t *testing.T) {
	records := []struct {
		rule string
		log  func(*slog.Logger)
	}{
		{"JWT", func(l *slog.Logger) { l.Info("verify failed for " + plantedJWT) }},
		{"secret path segment", func(l *slog.Logger) {
			l.Info("request", slog.String("path", "/v1/calendar/"+plantedFeed+"/feed.ics"))
		}},
		{"HTTP credential", func(l *slog.Logger) { l.Info("upstream", slog.String("hdr", "Basic "+plantedBasic)) }},
		{`attribute "Authorization"`, func(l *slog.Logger) { l.Info("headers", slog.String("Authorization", "opaque-abc")) }},
		{`attribute "password"`, func(l *slog.Logger) { l.Info("caldav", slog.String("password", "hunter22")) }},
		{"credential key=value", func(l *slog.Logger) { l.Error("dial", slog.String("url", "https://dav.example/?password=hunter22")) }},
		{"a credential the run handled", func(l *slog.Logger) { l.Error("store", slog.String("error", "no item CALTOKEN#"+plantedFeed)) }},
	}
	for _, r := range records {
		t.Run(r.rule, func(t *testing.T) {
			var raw, viaObs bytes.Buffer
			r.log(slog.New(slog.NewJSONHandler(&raw, nil)))
			findings, n, err := CheckLogs(&raw, []string{plantedFeed})
			if err != nil || n != 1 {
				t.Fatalf("CheckLogs read %d lines, err %v", n, err)
			}
			found := false
			for _, f := range findings {
				found = found || f.Rule == r.rule
				if strings.Contains(f.Text, plantedFeed) || strings.Contains(f.Text, plantedJWT) {
					t.Errorf("the report repeats the secret: %s", f.Text)
				}
			}
			if !found {
				t.Errorf("planted %s not found; findings %v in %s", r.rule, findings, raw.String())
			}
			if r.rule == "a credential the run handled" {
				return // an unknown-shaped secret: only the list of handled ones can catch it
			}
			r.log(NewLogger(&viaObs))
			if findings, _, _ := CheckLogs(&viaObs, []string{plantedFeed}); len(findings) > 0 {
				t.Errorf("through NewLogger: %v", findings)
			}
		})
	}
}

// TestCapturedLogsHaveNoSecret is the check of `make test` (infra/test.sh): with
// TANDEM_LOG_CHECK=<capture file> it reads every line the test run logged and the
// credentials it handled, and fails on any line holding one. Skipped otherwise.
func TestCapturedLogsHaveNoSecret(t *testing.T) {
	name := os.Getenv("TANDEM_LOG_CHECK")
	if name == "" {
		t.Skip("TANDEM_LOG_CHECK is not set (infra/test.sh sets it after the test run)")
	}
	logs, err := os.Open(name)
	if err != nil {
		t.Fatalf("no captured logs: %v (was %s set for the test run?)", err, CaptureEnv)
	}
	defer logs.Close()
	secrets, _ := os.ReadFile(name + SecretsSuffix)
	known := strings.Split(string(secrets), "\n")
	findings, n, err := CheckLogs(logs, known)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range findings {
		t.Errorf("%s: %s", filepath.Base(name), f)
	}
	// A vacuous pass proves nothing: the run must have logged requests and handled secrets.
	if n < 100 {
		t.Errorf("only %d lines captured; is every logger built with obs.NewLogger or obs.Ensure?", n)
	}
	if len(strings.Fields(string(secrets))) == 0 {
		t.Error("no credential was noted during the run (obs.NoteSecret); the check had nothing to look for")
	}
	t.Logf("checked %d log lines against %d credentials the run handled: %d findings", n, len(strings.Fields(string(secrets))), len(findings))
}

// TestEveryLoggerGoesThroughObs: outside internal/obs no production code builds a slog
// handler or uses the standard log package, so every line is redacted and captured.
func TestEveryLoggerGoesThroughObs(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	banned := regexp.MustCompile(`slog\.New(JSON|Text)Handler\(|slog\.New\(|slog\.SetDefault\(|"log"$|log\.(Print|Fatal|Panic)`)
	err = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules" || d.Name() == "web" || d.Name() == "testdata" || rel == filepath.Join("internal", "obs") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(data), "\n") {
			if m := banned.FindString(strings.TrimSpace(line)); m != "" {
				t.Errorf("%s:%d: %s — build loggers with obs.NewLogger (or pass them through obs.Ensure)", rel, i+1, m)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Filler of one repeated character is not noted as a credential: the property test uses the
// same filler for ids, and every log line naming such an id would be a false finding.
func TestOneRuneFillerIsNoSecret(t *testing.T) {
	for s, want := range map[string]bool{"aaaaaaaaaaaaaaaa": true, "😀😀😀😀😀😀😀😀😀😀😀😀": true,
		"aaaaaaaaaaaaaaab": false, "s3cr3t-pa55w0rd!": false, "😀😀😀😀😀😀a😀😀😀😀": false} {
		if got := oneRune(s); got != want {
			t.Errorf("oneRune(%q) = %v, want %v", s, got, want)
		}
	}
}
