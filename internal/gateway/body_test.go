package gateway

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"io"
	"net/http"
	"strconv"
	"testing"
)

func TestBodyLimit(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.MaxBody = 1024 })
	tok := f.token(t, nil)
	big := bytes.Repeat([]byte("x"), 2000)
	tests := []struct {
		name string
		body io.Reader
	}{
		{"content-length", bytes.NewReader(big)},
		{"chunked", io.MultiReader(bytes.NewReader(big))}, // unknown length: sent chunked
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := f.do(t, "POST", "/v1/blobs", tok, tt.body, "Content-Type", "text/plain")
			wantProblem(t, resp, http.StatusRequestEntityTooLarge, "limit_exceeded")
		})
	}
	if n := f.blobs.count(); n != 0 {
		t.Errorf("function invoked %d times for oversize bodies, want 0", n)
	}
	resp := f.do(t, "POST", "/v1/blobs", tok, bytes.NewReader(big[:1024]), "Content-Type", "text/plain")
	if resp.StatusCode != http.StatusCreated {
		t.Errorf("status at the limit = %d, want 201", resp.StatusCode)
	}
}

func TestBodiesTravelAsAPIGatewayEncodesThem(t *testing.T) {
	f := newFixture(t)
	tok := f.token(t, nil)
	binary := make([]byte, 512)
	if _, err := rand.Read(binary); err != nil {
		t.Fatal(err)
	}
	binary[0] = 0xff // never valid UTF-8
	tests := []struct {
		name, contentType string
		body              []byte
		wantBase64        bool
	}{
		{"json", "application/json", []byte(`{"note":"héllo"}`), false},
		{"problem json", "application/problem+json; charset=utf-8", []byte(`{"a":1}`), false},
		{"text", "text/plain; charset=utf-8", []byte("plain text"), false},
		{"binary", "application/octet-stream", binary, true},
		{"png", "image/png", []byte("\x89PNG\r\n"), true},
		{"invalid utf-8 labelled text", "text/plain", binary, true},
		{"form", "application/x-www-form-urlencoded", []byte("a=1&b=2"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := f.do(t, "POST", "/v1/blobs", tok, bytes.NewReader(tt.body), "Content-Type", tt.contentType)
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("status = %d, want 201", resp.StatusCode)
			}
			if got := readBody(t, resp); !bytes.Equal(got, tt.body) {
				t.Errorf("round trip changed the body: got %d bytes %q…", len(got), got[:min(len(got), 16)])
			}
			ev := f.blobs.last(t)
			if ev.IsBase64Encoded != tt.wantBase64 {
				t.Errorf("isBase64Encoded = %v, want %v", ev.IsBase64Encoded, tt.wantBase64)
			}
			want := string(tt.body)
			if tt.wantBase64 {
				want = base64.StdEncoding.EncodeToString(tt.body)
			}
			if ev.Body != want {
				t.Errorf("event body = %.40q, want %.40q", ev.Body, want)
			}
			if got := ev.Headers["content-length"]; got != strconv.Itoa(len(tt.body)) {
				t.Errorf("content-length header = %q, want %d", got, len(tt.body))
			}
		})
	}
}
