// Package mailtest lets tests see what Tandem mailed: it locates (or starts) the real SES v2
// emulator (aws-ses-v2-local, see infra/ses-local.sh), reads the messages it received through
// its API (GET /store), parses raw MIME messages with net/mail and mime/multipart, and parses
// calendar attachments with an iCalendar parser independent of the one that wrote them
// (github.com/emersion/go-ical; internal/calendar writes with arran4/golang-ical).
//
// What the emulator keeps: for a raw message it stores what mailparser makes of it (from, to,
// subject, text, HTML, attachments with their content and content type), not the raw bytes or
// the headers. Tests that check headers (List-Unsubscribe, Message-ID) capture the exact bytes
// sent with Capture, an SDK middleware that only observes.
//
// Endpoint: SES_ENDPOINT (infra/test.sh sets it); without it a test is skipped, unless
// REQUIRE_SES=1, which makes it fail. Start runs a private emulator through the script, for
// tests that must stop it.
package mailtest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/http"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/smithy-go/middleware"
	ical "github.com/emersion/go-ical"
)

// Endpoint returns the emulator's endpoint (SES_ENDPOINT), skipping the test without one, or
// failing it when REQUIRE_SES=1.
func Endpoint(tb testing.TB) string {
	tb.Helper()
	ep := os.Getenv("SES_ENDPOINT")
	if ep == "" {
		if os.Getenv("REQUIRE_SES") == "1" {
			tb.Fatal("REQUIRE_SES=1 but SES_ENDPOINT is not set; run `make test` (infra/test.sh starts the SES emulator)")
		}
		tb.Skip("SES_ENDPOINT not set; run `make test`, or EP=$(infra/ses-local.sh start) and SES_ENDPOINT=$EP")
	}
	return strings.TrimRight(ep, "/")
}

// Emulator is a private emulator started by Start.
type Emulator struct {
	Endpoint string
	script   string
	state    string
}

// Start runs a private emulator (infra/ses-local.sh start --state-dir <temp dir>) and stops it
// when the test ends. Without node/npm it skips, or fails when REQUIRE_SES=1.
func Start(tb testing.TB) *Emulator {
	tb.Helper()
	script, err := findScript()
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := exec.LookPath("node"); err != nil {
		if os.Getenv("REQUIRE_SES") == "1" {
			tb.Fatal("REQUIRE_SES=1 but node is not on PATH")
		}
		tb.Skip("node not on PATH; the SES emulator needs Node.js")
	}
	e := &Emulator{script: script, state: tb.TempDir()}
	cmd := exec.Command(script, "start", "--state-dir", e.state)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("%s start: %v\n%s", script, err, stderr.String())
	}
	e.Endpoint = strings.TrimSpace(string(out))
	tb.Cleanup(func() { e.Stop(tb) })
	return e
}

// Stop stops the emulator (idempotent). Its mailbox is in its memory: read what the test needs
// before stopping it.
func (e *Emulator) Stop(tb testing.TB) {
	tb.Helper()
	if out, err := exec.Command(e.script, "stop", "--state-dir", e.state).CombinedOutput(); err != nil {
		tb.Errorf("%s stop: %v\n%s", e.script, err, out)
	}
}

// Restart starts a stopped emulator again on the same endpoint (so clients built for it reach
// the new one), with an empty mailbox. A fault test stops it, lets sends fail, and restarts it.
func (e *Emulator) Restart(tb testing.TB) {
	tb.Helper()
	port := e.Endpoint[strings.LastIndexByte(e.Endpoint, ':')+1:]
	cmd := exec.Command(e.script, "start", "--state-dir", e.state, "--port", port)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("%s start --port %s: %v\n%s", e.script, port, err, stderr.String())
	}
	if got := strings.TrimSpace(string(out)); got != e.Endpoint {
		tb.Fatalf("restarted emulator at %s, want %s", got, e.Endpoint)
	}
}

func findScript() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, "infra", "ses-local.sh")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("mailtest: infra/ses-local.sh not found above the working directory")
		}
		dir = parent
	}
}

// Message is one e-mail as the emulator stored it (GET /store).
type Message struct {
	MessageID   string       `json:"messageId"`
	From        string       `json:"from"`
	Destination Destination  `json:"destination"`
	Subject     string       `json:"subject"`
	Body        Body         `json:"body"`
	Attachments []Attachment `json:"attachments"`
	At          int64        `json:"at"` // Unix seconds
}

// Destination holds the recipients as mailparser wrote them ("Ben Hall <ben@x.example>").
type Destination struct {
	To  []string `json:"to"`
	Cc  []string `json:"cc"`
	Bcc []string `json:"bcc"`
}

// Body is the text and HTML the emulator extracted.
type Body struct {
	Text string `json:"text"`
	HTML string `json:"html"`
}

// Attachment is one attachment; Content is base64 in the store, decoded by Data.
type Attachment struct {
	Filename    string `json:"filename"`
	ContentType string `json:"contentType"`
	Content     string `json:"content"`
	Method      string `json:"method"` // mailparser sets it for text/calendar parts
}

// Data is the attachment's decoded bytes.
func (a Attachment) Data() ([]byte, error) { return base64.StdEncoding.DecodeString(a.Content) }

// Calendar returns the message's text/calendar attachment, or nil.
func (m Message) Calendar() *Attachment {
	for i, a := range m.Attachments {
		if strings.HasPrefix(strings.ToLower(a.ContentType), "text/calendar") {
			return &m.Attachments[i]
		}
	}
	return nil
}

// All returns every message the emulator holds, oldest first.
func All(ctx context.Context, endpoint string) ([]Message, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(endpoint, "/")+"/store", nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return nil, fmt.Errorf("GET /store: %s: %s", resp.Status, b)
	}
	var store struct {
		Emails []Message `json:"emails"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&store); err != nil {
		return nil, fmt.Errorf("GET /store: %w", err)
	}
	return store.Emails, nil
}

// To returns the messages sent to address (compared case-insensitively), oldest first.
func To(ctx context.Context, endpoint, address string) ([]Message, error) {
	all, err := All(ctx, endpoint)
	if err != nil {
		return nil, err
	}
	var out []Message
	for _, m := range all {
		if sentTo(m, address) {
			out = append(out, m)
		}
	}
	return out, nil
}

func sentTo(m Message, address string) bool {
	for _, to := range m.Destination.To {
		list, err := mail.ParseAddressList(to)
		if err != nil {
			if strings.EqualFold(strings.TrimSpace(to), address) {
				return true
			}
			continue
		}
		for _, a := range list {
			if strings.EqualFold(a.Address, address) {
				return true
			}
		}
	}
	return false
}

// WaitFor polls until at least n messages to address arrived (the emulator stores a message
// before it answers SendEmail, so one poll normally suffices) and returns them; it fails the
// test after timeout.
func WaitFor(tb testing.TB, endpoint, address string, n int, timeout time.Duration) []Message {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for {
		got, err := To(context.Background(), endpoint, address)
		if err != nil {
			tb.Fatal(err)
		}
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			tb.Fatalf("%d messages to %s after %v, want %d", len(got), address, timeout, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Parsed is a raw message taken apart.
type Parsed struct {
	Header   mail.Header
	Subject  string // decoded
	Text     string // the text/plain part, decoded
	HTML     string // the text/html part, decoded
	Calendar *Part  // the text/calendar part, or nil
	Parts    []Part // every leaf part, in order
}

// Part is one leaf MIME part, its body decoded.
type Part struct {
	ContentType string            // media type, lower case
	Params      map[string]string // its parameters (charset, method, name, ...)
	Disposition string            // "attachment", "inline" or ""
	Filename    string
	Body        []byte
}

// Parse takes a raw message apart with net/mail and mime/multipart, decoding quoted-printable
// and base64 bodies and RFC 2047 subjects.
func Parse(raw []byte) (*Parsed, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	p := &Parsed{Header: msg.Header}
	if p.Subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return nil, fmt.Errorf("subject: %w", err)
	}
	if err := p.walk(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), "", msg.Body, 0); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *Parsed) walk(ctype, cte, disp string, body io.Reader, depth int) error {
	if depth > 5 {
		return fmt.Errorf("MIME nesting deeper than 5")
	}
	mt, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		return fmt.Errorf("content type %q: %w", ctype, err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			part, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			if err := p.walk(part.Header.Get("Content-Type"), part.Header.Get("Content-Transfer-Encoding"),
				part.Header.Get("Content-Disposition"), part, depth+1); err != nil {
				return err
			}
		}
	}
	var r io.Reader = body
	switch strings.ToLower(cte) {
	case "quoted-printable":
		r = quotedprintable.NewReader(body)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, newlineStripper{body})
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("%s body: %w", mt, err)
	}
	leaf := Part{ContentType: mt, Params: params, Body: b}
	if disp != "" {
		d, dp, err := mime.ParseMediaType(disp)
		if err != nil {
			return fmt.Errorf("content disposition %q: %w", disp, err)
		}
		leaf.Disposition, leaf.Filename = d, dp["filename"]
	}
	p.Parts = append(p.Parts, leaf)
	switch {
	case mt == "text/plain" && p.Text == "" && leaf.Disposition != "attachment":
		p.Text = string(b)
	case mt == "text/html" && p.HTML == "" && leaf.Disposition != "attachment":
		p.HTML = string(b)
	case mt == "text/calendar" && p.Calendar == nil:
		p.Calendar = &p.Parts[len(p.Parts)-1]
	}
	return nil
}

type newlineStripper struct{ r io.Reader }

func (s newlineStripper) Read(b []byte) (int, error) {
	n, err := s.r.Read(b)
	j := 0
	for _, c := range b[:n] {
		if c != '\r' && c != '\n' {
			b[j] = c
			j++
		}
	}
	return j, err
}

// ParseCalendar parses an iCalendar document with github.com/emersion/go-ical.
func ParseCalendar(b []byte) (*ical.Calendar, error) {
	return ical.NewDecoder(bytes.NewReader(b)).Decode()
}

// Capture records the raw message of every SendEmail call made through a client it is attached
// to (an SDK middleware that observes and changes nothing):
//
//	var c mailtest.Capture
//	client, _ := mail.NewClient(ctx, ep, func(o *mail.ClientOptions) { o.APIOptions = append(o.APIOptions, c.Middleware) })
type Capture struct {
	mu  sync.Mutex
	raw [][]byte
}

// Middleware is the capture as an API option of the SES client (mail.ClientOptions.APIOptions).
func (c *Capture) Middleware(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("mailtestCapture",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			if se, ok := in.Parameters.(interface{ RawMessage() []byte }); ok && se.RawMessage() != nil {
				c.mu.Lock()
				c.raw = append(c.raw, append([]byte(nil), se.RawMessage()...))
				c.mu.Unlock()
			}
			return next.HandleInitialize(ctx, in)
		}), middleware.After)
}

// Raw returns the raw messages captured so far, in call order.
func (c *Capture) Raw() [][]byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([][]byte(nil), c.raw...)
}
