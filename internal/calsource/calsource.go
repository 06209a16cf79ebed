// Package calsource reaches calendars outside Tandem over HTTP: it fetches iCalendar
// subscriptions (the "secret address" Google, Outlook, Apple and Fastmail publish) with
// conditional GETs, classifies every failure in plain words for the calendar's owner, and
// serves realistic fixtures locally for tests and `tandem dev` (NewFixtureServer, StartFixtureServer). CalDAV is in
// internal/caldav, which shares this package's client and errors; reading busy time out of the
// bytes is internal/icalbusy.
//
//	func NewClient(opts ClientOptions) *http.Client
//	func Fetch(ctx, client, url, etag, lastModified string) (body []byte, newETag, newLastModified string, notModified bool, err error)
//	func KindOf(err error) Kind; func Message(err error) string; func Host(rawURL string) string
//
// # Secrets
//
// A subscription URL is a credential: whoever has it reads the calendar. So is a CalDAV
// password. Neither appears in an error string or a log line: errors are built here from the
// status and the kind of failure, never from net/http's errors (which quote the URL), and Fetch
// notes the URL and its path with obs.NoteSecret so the log check of `make test` proves it. Show
// Host(url) where the owner needs to recognise the source.
//
// # Limits
//
// NewClient's client times out after 20 s, follows at most 3 redirects (never from https to
// http), reads at most MaxBody bytes, and refuses to connect to loopback, private, link-local
// (169.254.169.254, the instance metadata service) and other non-public addresses unless
// ClientOptions.AllowPrivate is set (local development and tests, where the fixture server and
// Radicale listen on 127.0.0.1). The address is checked when the connection is made, after DNS,
// so a name that resolves to a private address is refused too.
package calsource

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/tandemhq/tandem/internal/obs"
)

// MaxBody is the largest calendar document read (Google's exports of years of history stay far
// below it).
const MaxBody = 8 << 20

// Timeout is a whole request's time limit in NewClient's client.
const Timeout = 20 * time.Second

// MaxRedirects is how many redirects NewClient's client follows.
const MaxRedirects = 3

// Kind is the class of a calendar source failure.
type Kind string

// Failure kinds. Each has a plain-words message (Message).
const (
	Unreachable Kind = "unreachable" // DNS, refused connection, TLS, timeout
	Refused     Kind = "refused"     // 401 or 403
	NotFound    Kind = "not_found"   // 404 or 410
	Malformed   Kind = "malformed"   // not iCalendar, or a CalDAV answer that cannot be read
	TooLarge    Kind = "too_large"   // over MaxBody or the expansion limits
	ServerError Kind = "server_error"
	Conflict    Kind = "conflict" // 412: the event changed meanwhile (CalDAV If-Match/If-None-Match)
	BadURL      Kind = "bad_url"  // not an http(s) URL, or an address that is not allowed
)

var messages = map[Kind]string{
	Unreachable: "the calendar server could not be reached",
	Refused:     "the calendar refused the credentials",
	NotFound:    "the calendar address was not found (it may have been reset or removed)",
	Malformed:   "the calendar sent something that is not a valid calendar",
	TooLarge:    "the calendar is too large to read",
	ServerError: "the calendar server answered with an error",
	Conflict:    "the event was changed in the calendar meanwhile",
	BadURL:      "the calendar address is not a public http or https address",
}

// Error is a classified failure. Its message is plain words without the URL.
type Error struct {
	Kind   Kind
	Status int    // HTTP status, 0 when there was no answer
	Detail string // plain words added to the kind's message, may be ""
	err    error
}

func (e *Error) Error() string {
	msg := messages[e.Kind]
	if msg == "" {
		msg = string(e.Kind)
	}
	if e.Status != 0 && e.Kind != Refused && e.Kind != NotFound {
		msg += fmt.Sprintf(" (HTTP %d)", e.Status)
	}
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	return msg
}

func (e *Error) Unwrap() error { return e.err }

// Errorf builds a classified error; err (may be nil) is kept for errors.Is but never printed.
func Errorf(kind Kind, status int, err error, detail string) *Error {
	return &Error{Kind: kind, Status: status, Detail: detail, err: err}
}

// KindOf answers the kind of a classified error, or "" for other errors.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return ""
}

// Message answers the plain-words text for an error to show the calendar's owner; errors not
// made here get a generic text rather than their own (which may quote a URL).
func Message(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Error()
	}
	if err == nil {
		return ""
	}
	return "the calendar could not be read"
}

// ForStatus classifies an HTTP status that is not a success.
func ForStatus(status int) *Error {
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return Errorf(Refused, status, nil, "")
	case status == http.StatusNotFound || status == http.StatusGone:
		return Errorf(NotFound, status, nil, "")
	case status == http.StatusPreconditionFailed:
		return Errorf(Conflict, status, nil, "")
	case status == http.StatusRequestEntityTooLarge:
		return Errorf(TooLarge, status, nil, "")
	default:
		return Errorf(ServerError, status, nil, "")
	}
}

// Transport classifies an error from http.Client.Do without quoting its URL.
func Transport(err error) *Error {
	var ce *Error
	if errors.As(err, &ce) { // from the dialer's address check or the redirect policy
		return ce
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // url.Error's message has the URL; keep only what is under it
		if errors.As(err, &ce) {
			return ce
		}
	}
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	switch {
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return Errorf(Unreachable, 0, err, "it did not answer in time")
	case errors.Is(err, context.Canceled):
		return Errorf(Unreachable, 0, err, "the request was cancelled")
	case errors.As(err, &dnsErr):
		return Errorf(Unreachable, 0, err, "its name does not resolve")
	case errors.Is(err, syscall.ECONNREFUSED):
		return Errorf(Unreachable, 0, err, "the connection was refused")
	case errors.As(err, &certErr):
		return Errorf(Unreachable, 0, err, "its TLS certificate is not valid")
	default:
		return Errorf(Unreachable, 0, err, "")
	}
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

// Host answers the host of a URL, without credentials, path or query: what the owner may see.
func Host(rawURL string) string {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil {
		return ""
	}
	return u.Hostname()
}

// Normalize checks a calendar URL given by a person and answers it with webcal:// and webcals://
// turned into https://. Only http and https URLs with a host are accepted; user info in the
// URL is refused (credentials go in their own fields).
func Normalize(rawURL string) (string, error) {
	s := strings.TrimSpace(rawURL)
	lower := strings.ToLower(s)
	switch {
	case strings.HasPrefix(lower, "webcal://"):
		s = "https://" + s[len("webcal://"):]
	case strings.HasPrefix(lower, "webcals://"):
		s = "https://" + s[len("webcals://"):]
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "" {
		return "", Errorf(BadURL, 0, nil, "")
	}
	if u.User != nil {
		return "", Errorf(BadURL, 0, nil, "put the user name and password in their own fields, not in the address")
	}
	u.Fragment = ""
	return u.String(), nil
}

// ClientOptions configure NewClient.
type ClientOptions struct {
	AllowPrivate bool          // allow loopback and private addresses (local development, tests)
	Timeout      time.Duration // 0: Timeout
}

// NewClient answers the HTTP client for calendar sources (see the package doc's limits).
func NewClient(opts ClientOptions) *http.Client {
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	if !opts.AllowPrivate {
		dialer.Control = func(network, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return Errorf(BadURL, 0, nil, "")
			}
			ip := net.ParseIP(host)
			if ip == nil || !public(ip) {
				return Errorf(BadURL, 0, nil, "")
			}
			return nil
		}
	}
	tr := &http.Transport{
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 15 * time.Second,
		MaxIdleConns:          16,
		IdleConnTimeout:       60 * time.Second,
		ForceAttemptHTTP2:     true,
	}
	timeout := opts.Timeout
	if timeout == 0 {
		timeout = Timeout
	}
	return &http.Client{
		Transport: tr,
		Timeout:   timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= MaxRedirects {
				return Errorf(Unreachable, 0, nil, "it redirected too many times")
			}
			if via[0].URL.Scheme == "https" && req.URL.Scheme != "https" {
				return Errorf(BadURL, 0, nil, "it redirected from https to plain http")
			}
			obs.NoteSecret(req.URL.String())
			return nil
		},
	}
}

// public reports whether an IP address is a public unicast address.
func public(ip net.IP) bool {
	if ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsMulticast() || ip.IsUnspecified() || ip.IsInterfaceLocalMulticast() {
		return false
	}
	if ip4 := ip.To4(); ip4 != nil {
		switch {
		case ip4[0] == 0, ip4[0] == 100 && ip4[1]&0xc0 == 64, // 0/8, 100.64/10 (carrier-grade NAT)
			ip4[0] == 192 && ip4[1] == 0 && ip4[2] == 0, // 192.0.0/24
			ip4[0] == 198 && ip4[1]&0xfe == 18,          // 198.18/15
			ip4[0] >= 240:                               // reserved, broadcast
			return false
		}
	}
	return true
}

// Fetch GETs an iCalendar subscription. etag and lastModified are what the last successful
// fetch answered ("" for none): they are sent as If-None-Match and If-Modified-Since, and an
// unchanged calendar answers notModified with no body. client nil means NewClient with
// defaults. Errors are *Error (see KindOf and Message); the body is checked to look like
// iCalendar (BEGIN:VCALENDAR) but not parsed.
func Fetch(ctx context.Context, client *http.Client, rawURL, etag, lastModified string) (body []byte, newETag, newLastModified string, notModified bool, err error) {
	obs.NoteSecret(rawURL)
	u, err := Normalize(rawURL)
	if err != nil {
		return nil, "", "", false, err
	}
	noteURLSecrets(u)
	if client == nil {
		client = NewClient(ClientOptions{})
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, "", "", false, Errorf(BadURL, 0, nil, "")
	}
	req.Header.Set("Accept", "text/calendar, */*;q=0.5")
	req.Header.Set("User-Agent", "Tandem-calendar-sync/1")
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	if lastModified != "" {
		req.Header.Set("If-Modified-Since", lastModified)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, "", "", false, Transport(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotModified {
		return nil, firstNonEmpty(resp.Header.Get("ETag"), etag), firstNonEmpty(resp.Header.Get("Last-Modified"), lastModified), true, nil
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return nil, "", "", false, ForStatus(resp.StatusCode)
	}
	body, err = io.ReadAll(io.LimitReader(resp.Body, MaxBody+1))
	if err != nil {
		return nil, "", "", false, Transport(err)
	}
	if len(body) > MaxBody {
		return nil, "", "", false, Errorf(TooLarge, 0, nil, fmt.Sprintf("it is over %d MB", MaxBody>>20))
	}
	if !LooksLikeICalendar(body) {
		return nil, "", "", false, Errorf(Malformed, 0, nil, "it does not start with BEGIN:VCALENDAR (is it the calendar's iCal/ICS address?)")
	}
	return body, resp.Header.Get("ETag"), resp.Header.Get("Last-Modified"), false, nil
}

// LooksLikeICalendar reports whether a body starts (after a BOM and blank lines) with
// BEGIN:VCALENDAR.
func LooksLikeICalendar(b []byte) bool {
	s := strings.TrimPrefix(string(b[:min(len(b), 512)]), "\ufeff")
	s = strings.TrimLeft(s, " \t\r\n")
	return len(s) >= 15 && strings.EqualFold(s[:15], "BEGIN:VCALENDAR")
}

// noteURLSecrets notes the parts of a subscription URL that carry its secret: the whole URL
// (done by the caller), its path and its query.
func noteURLSecrets(u string) {
	pu, err := url.Parse(u)
	if err != nil {
		return
	}
	obs.NoteSecret(pu.EscapedPath())
	obs.NoteSecret(pu.RawQuery)
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
