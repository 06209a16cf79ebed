package calsource_test

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/calsource"
)

func start(t *testing.T) (string, *calsource.FixtureServer) {
	t.Helper()
	base, srv, stop, err := calsource.StartFixtureServer(0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return base, srv
}

func local() *http.Client { return calsource.NewClient(calsource.ClientOptions{AllowPrivate: true}) }

func TestFetchConditional(t *testing.T) {
	base, srv := start(t)
	ctx := context.Background()
	url := base + "/ics/google.ics"
	body, etag, lm, nm, err := calsource.Fetch(ctx, local(), url, "", "")
	if err != nil || nm || !strings.HasPrefix(string(body), "BEGIN:VCALENDAR") || etag == "" || lm == "" {
		t.Fatalf("first fetch: %d bytes etag %q lm %q notModified %v err %v", len(body), etag, lm, nm, err)
	}
	body, etag2, lm2, nm, err := calsource.Fetch(ctx, local(), url, etag, lm)
	if err != nil || !nm || body != nil || etag2 != etag || lm2 != lm {
		t.Fatalf("conditional fetch: %d bytes etag %q notModified %v err %v", len(body), etag2, nm, err)
	}
	// Last-Modified alone also works (servers without ETags).
	if _, _, _, nm, err := calsource.Fetch(ctx, local(), url, "", lm); err != nil || !nm {
		t.Fatalf("If-Modified-Since: notModified %v err %v", nm, err)
	}
	// webcal:// is https://, which the plain-http fixture server cannot answer: only check the rewrite.
	if u, err := calsource.Normalize("webcal://calendar.example/x.ics"); err != nil || u != "https://calendar.example/x.ics" {
		t.Fatalf("Normalize webcal: %q %v", u, err)
	}
	if gets, bodies := srv.Hits("/ics/google.ics"); gets != 3 || bodies != 1 {
		t.Fatalf("hits %d, bodies %d; want 3 and 1", gets, bodies)
	}
	// A changed document is downloaded again.
	put(t, base+"/ics/custom/a.ics", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n")
	_, e1, _, _, err := calsource.Fetch(ctx, local(), base+"/ics/custom/a.ics", "", "")
	if err != nil {
		t.Fatal(err)
	}
	put(t, base+"/ics/custom/a.ics", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nX-CHANGED:1\r\nEND:VCALENDAR\r\n")
	b, e2, _, nm, err := calsource.Fetch(ctx, local(), base+"/ics/custom/a.ics", e1, "")
	if err != nil || nm || e2 == e1 || !strings.Contains(string(b), "X-CHANGED") {
		t.Fatalf("changed: notModified %v etag %q→%q err %v", nm, e1, e2, err)
	}
}

func put(t *testing.T, url, body string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPut, url, strings.NewReader(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

func TestFetchFailuresInPlainWords(t *testing.T) {
	base, _ := start(t)
	closed := func() string { // a port nothing listens on
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		return "http://" + addr + "/secret-token-abcdef123456/basic.ics"
	}()
	cases := []struct {
		name, url string
		client    *http.Client
		kind      calsource.Kind
		words     string
	}{
		{"401", base + "/status/401", local(), calsource.Refused, "refused the credentials"},
		{"403", base + "/status/403", local(), calsource.Refused, "refused the credentials"},
		{"404", base + "/status/404", local(), calsource.NotFound, "not found"},
		{"500", base + "/status/500", local(), calsource.ServerError, "HTTP 500"},
		{"html", base + "/malformed.ics", local(), calsource.Malformed, "not a valid calendar"},
		{"huge", base + "/huge.ics", local(), calsource.TooLarge, "too large"},
		{"redirects", base + "/redirect/5", local(), calsource.Unreachable, "redirected too many times"},
		{"down", closed, local(), calsource.Unreachable, "connection was refused"},
		{"slow", base + "/slow", calsource.NewClient(calsource.ClientOptions{AllowPrivate: true, Timeout: 300 * time.Millisecond}), calsource.Unreachable, "in time"},
		{"loopback refused in production", base + "/ics/google.ics", calsource.NewClient(calsource.ClientOptions{}), calsource.BadURL, "not a public"},
		{"metadata service", "http://169.254.169.254/latest/meta-data/", calsource.NewClient(calsource.ClientOptions{}), calsource.BadURL, "not a public"},
		{"not http", "ftp://calendar.example/x.ics", local(), calsource.BadURL, "not a public"},
		{"user info", "https://maya:hunter2@calendar.example/x.ics", local(), calsource.BadURL, "own fields"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, _, _, err := calsource.Fetch(context.Background(), c.client, c.url, "", "")
			if calsource.KindOf(err) != c.kind {
				t.Fatalf("kind %q (%v), want %q", calsource.KindOf(err), err, c.kind)
			}
			msg := calsource.Message(err)
			if !strings.Contains(msg, c.words) {
				t.Errorf("message %q lacks %q", msg, c.words)
			}
			for _, leak := range []string{"127.0.0.1", "/status/", "secret-token", "hunter2", "169.254", "http://", "https://"} {
				if strings.Contains(err.Error(), leak) {
					t.Errorf("error %q quotes %q", err.Error(), leak)
				}
			}
		})
	}
}

func TestGeneratedFixture(t *testing.T) {
	base, _ := start(t)
	body, _, _, _, err := calsource.Fetch(context.Background(), local(), base+"/ics/generated-500.ics", "", "")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(body), "BEGIN:VEVENT"); n < 500 {
		t.Fatalf("%d events", n)
	}
}
