package mail

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tandemhq/tandem/internal/calendar"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Verbs an Action may carry.
var verbs = map[string]bool{"confirm": true, "decline": true, "reschedule": true, "cancel": true}

const maxSubjectRunes = 150

// Render builds the raw MIME message Send would send for e (see the package doc). It fails with
// tandem.EInvalid when e cannot make a safe message: no ID or Kind, an address that is not a
// plain addr-spec, a blank subject, an unknown verb, a path that is not an app path, or an
// invite calendar.InviteWithAlarm refuses.
func (m *Mailer) Render(e Email) (_ []byte, err error) {
	defer tandem.Wrap(&err, "mail.Render(%q)", e.ID)
	now := m.now()
	var v tandem.Validation
	v.Check(strings.TrimSpace(e.ID) != "", "id", "is required")
	v.Check(e.Kind != "", "kind", "is required")
	v.Check(plainAddress(e.To.Address), "to.address", "must be a plain e-mail address (local@domain, ASCII, no spaces or control characters)")
	v.Check(e.To.UserID != "", "to.userId", "is required (the links are bound to it)")
	subject := truncateRunes(headerText(e.Subject), maxSubjectRunes)
	v.Check(subject != "", "subject", "is required")
	if e.Path != "" {
		v.Check(appPath(e.Path), "path", "must be an app path such as /bookings/bk1")
	}
	for i, a := range e.Actions {
		v.Check(verbs[a.Verb], fmt.Sprintf("actions[%d].verb", i), "must be confirm, decline, reschedule or cancel")
		v.Check(a.BookingID != "" && url.PathEscape(a.BookingID) == a.BookingID, fmt.Sprintf("actions[%d].bookingId", i), "must be a booking id")
		v.Check(headerText(a.Label) != "", fmt.Sprintf("actions[%d].label", i), "is required")
	}
	if e.When != nil {
		v.Check(e.When.End.After(e.When.Start), "when", "must end after it starts")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var ics []byte
	if e.Invite != nil {
		if ics, err = calendar.InviteWithAlarm(*e.Invite, AlarmBefore); err != nil {
			return nil, err
		}
	}

	unsub := m.SignLink(LinkClaims{
		Org: e.To.Org, UserID: e.To.UserID, Purpose: PurposeUnsubscribe, Kind: e.Kind,
		Expires: now.Add(UnsubscribeTTL),
	})
	c := content{
		Lines:       paragraphs(e.Lines),
		Unsubscribe: m.appURL + "/unsubscribe?t=" + unsub,
	}
	if e.When != nil {
		c.When = FormatSpan(*e.When, e.To.Zone)
	}
	if !e.Deadline.IsZero() {
		c.Deadline = FormatTime(e.Deadline, e.To.Zone)
	}
	if e.Path != "" {
		c.Open = m.appURL + e.Path
	}
	for _, a := range e.Actions {
		tok := m.SignLink(LinkClaims{
			Org: e.To.Org, UserID: e.To.UserID, Purpose: PurposeAction, Verb: a.Verb,
			BookingID: a.BookingID, Kind: e.Kind, Expires: now.Add(ActionTTL),
		})
		c.Actions = append(c.Actions, link{
			Label: headerText(a.Label),
			URL:   m.appURL + "/bookings/" + a.BookingID + "?do=" + a.Verb + "&t=" + tok,
		})
	}

	var msg bytes.Buffer
	h := func(name, value string) { msg.WriteString(name + ": " + value + "\r\n") }
	h("From", address(m.from.Name, m.from.Address))
	h("To", address(headerText(e.To.Name), e.To.Address))
	h("Subject", encodeHeader(subject))
	h("Date", now.UTC().Format(time.RFC1123Z))
	h("Message-ID", m.messageID(e.ID))
	h("MIME-Version", "1.0")
	h("List-Unsubscribe", "<"+m.apiURL+"/v1/unsubscribe/"+unsub+">")
	h("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
	h("Auto-Submitted", "auto-generated")

	alt, err := alternative(c)
	if err != nil {
		return nil, err
	}
	if ics == nil {
		h("Content-Type", alt.contentType)
		msg.WriteString("\r\n")
		msg.Write(alt.body)
		return msg.Bytes(), nil
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	h("Content-Type", mime.FormatMediaType("multipart/mixed", map[string]string{"boundary": mw.Boundary()}))
	msg.WriteString("\r\n")
	pw, err := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {alt.contentType}})
	if err != nil {
		return nil, err
	}
	pw.Write(alt.body)
	method := "REQUEST"
	if bytes.Contains(ics, []byte("\r\nMETHOD:CANCEL\r\n")) {
		method = "CANCEL"
	}
	pw, err = mw.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {mime.FormatMediaType("text/calendar", map[string]string{"charset": "utf-8", "method": method, "name": "invite.ics"})},
		"Content-Disposition":       {mime.FormatMediaType("attachment", map[string]string{"filename": "invite.ics"})},
		"Content-Transfer-Encoding": {"base64"},
	})
	if err != nil {
		return nil, err
	}
	writeBase64(pw, ics)
	if err := mw.Close(); err != nil {
		return nil, err
	}
	msg.Write(body.Bytes())
	return msg.Bytes(), nil
}

// messageID is derived from the notification id, so every send of one notification carries the
// same Message-ID. (SES in AWS may replace it with its own; the emulator keeps what it gets.)
func (m *Mailer) messageID(id string) string {
	sum := sha256.Sum256([]byte("tandem-notification\x00" + id))
	domain := m.from.Address[strings.LastIndexByte(m.from.Address, '@')+1:]
	return "<n-" + hex.EncodeToString(sum[:16]) + "@" + domain + ">"
}

type link struct{ Label, URL string }

type content struct {
	Lines             []string
	When, Deadline    string
	Actions           []link
	Open, Unsubscribe string
}

type part struct {
	contentType string
	body        []byte
}

// alternative renders the text and HTML bodies as a multipart/alternative entity (without its
// Content-Type header, which is returned).
func alternative(c content) (part, error) {
	var text bytes.Buffer
	for _, l := range c.Lines {
		text.WriteString(l + "\n\n")
	}
	if c.When != "" {
		text.WriteString("When: " + c.When + "\n")
	}
	if c.Deadline != "" {
		text.WriteString("Respond by: " + c.Deadline + "\n")
	}
	if c.When != "" || c.Deadline != "" {
		text.WriteString("\n")
	}
	for _, a := range c.Actions {
		text.WriteString(a.Label + ": " + a.URL + "\n")
	}
	if len(c.Actions) > 0 {
		text.WriteString("\n")
	}
	if c.Open != "" {
		text.WriteString("Open in Tandem: " + c.Open + "\n\n")
	}
	text.WriteString("-- \nYou get this e-mail because of your Tandem notification settings.\nStop e-mails like this one: " + c.Unsubscribe + "\n")

	html := htmlBody(c)

	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, p := range []struct {
		ct   string
		body []byte
	}{{"text/plain; charset=utf-8", text.Bytes()}, {"text/html; charset=utf-8", html}} {
		w, err := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {p.ct}, "Content-Transfer-Encoding": {"quoted-printable"}})
		if err != nil {
			return part{}, err
		}
		qp := quotedprintable.NewWriter(w)
		if _, err := qp.Write(p.body); err != nil {
			return part{}, err
		}
		if err := qp.Close(); err != nil {
			return part{}, err
		}
	}
	if err := mw.Close(); err != nil {
		return part{}, err
	}
	return part{mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": mw.Boundary()}), b.Bytes()}, nil
}

// htmlBody is the HTML part, written by hand rather than with html/template: template's
// reflection (method lookup by name) makes the linker keep every exported method of every
// type in the binary, which cost NotificationsFunction about 2 MB (README, cold start). The
// escaping is html/template's for these contexts, byte for byte (a test holds it equal to
// the template this replaced): text and attribute values through htmlEscape, href values
// through safeURL first.
func htmlBody(c content) []byte {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"></head>
<body style="margin:0;padding:24px;background:#f6f6f4;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1f2328;line-height:1.5">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:24px">
`)
	for _, l := range c.Lines {
		b.WriteString(`<p style="margin:0 0 16px;white-space:pre-line">` + htmlEscape(l) + "</p>\n")
	}
	if c.When != "" || c.Deadline != "" {
		b.WriteString(`<table role="presentation" style="margin:0 0 16px;border-collapse:collapse">` + "\n")
		if c.When != "" {
			b.WriteString(`<tr><td style="padding:2px 12px 2px 0;color:#59636e">When</td><td style="padding:2px 0"><strong>` + htmlEscape(c.When) + "</strong></td></tr>\n")
		}
		if c.Deadline != "" {
			b.WriteString(`<tr><td style="padding:2px 12px 2px 0;color:#59636e">Respond by</td><td style="padding:2px 0"><strong>` + htmlEscape(c.Deadline) + "</strong></td></tr>\n")
		}
		b.WriteString("</table>\n")
	}
	if len(c.Actions) > 0 {
		b.WriteString(`<p style="margin:0 0 16px">`)
		for _, a := range c.Actions {
			b.WriteString(`<a href="` + htmlEscape(safeURL(a.URL)) + `" style="display:inline-block;margin:0 8px 8px 0;padding:8px 16px;border-radius:6px;background:#1f6f5c;color:#ffffff;text-decoration:none">` + htmlEscape(a.Label) + "</a>")
		}
		b.WriteString("</p>\n")
	}
	if c.Open != "" {
		b.WriteString(`<p style="margin:0 0 16px"><a href="` + htmlEscape(safeURL(c.Open)) + `" style="color:#1f6f5c">Open in Tandem</a></p>` + "\n")
	}
	b.WriteString(`<hr style="border:0;border-top:1px solid #e5e5e0;margin:24px 0 12px">
<p style="margin:0;font-size:12px;color:#59636e">You get this e-mail because of your Tandem notification settings. <a href="` + htmlEscape(safeURL(c.Unsubscribe)) + `" style="color:#59636e">Stop e-mails like this one</a>.</p>
</div>
</body></html>
`)
	return []byte(b.String())
}

// htmlEscape escapes text for an HTML text node or a quoted attribute value as html/template
// does: NUL becomes U+FFFD; " & ' + < > become entities.
func htmlEscape(s string) string {
	var b strings.Builder
	written := 0
	for i := 0; i < len(s); i++ {
		var repl string
		switch s[i] {
		case 0:
			repl = "\uFFFD"
		case '"':
			repl = "&#34;"
		case '&':
			repl = "&amp;"
		case '\'':
			repl = "&#39;"
		case '+':
			repl = "&#43;"
		case '<':
			repl = "&lt;"
		case '>':
			repl = "&gt;"
		default:
			continue
		}
		b.WriteString(s[written:i])
		b.WriteString(repl)
		written = i + 1
	}
	if written == 0 {
		return s
	}
	b.WriteString(s[written:])
	return b.String()
}

// safeURL is html/template's treatment of a whole href value: a URL with a scheme other than
// http, https or mailto becomes "#ZgotmplZ"; bytes outside RFC 3986's unreserved and reserved
// sets (and %) are percent-encoded.
func safeURL(s string) string {
	if scheme, _, ok := strings.Cut(s, ":"); ok && !strings.Contains(scheme, "/") &&
		!strings.EqualFold(scheme, "http") && !strings.EqualFold(scheme, "https") && !strings.EqualFold(scheme, "mailto") {
		return "#ZgotmplZ"
	}
	var b strings.Builder
	written := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$&*+,/:;=?@[]-._~%", c) >= 0 {
			continue
		}
		b.WriteString(s[written:i])
		fmt.Fprintf(&b, "%%%02x", c)
		written = i + 1
	}
	if written == 0 {
		return s
	}
	b.WriteString(s[written:])
	return b.String()
}

// writeBase64 writes b base64-encoded in lines of 76 characters.
func writeBase64(w interface{ Write([]byte) (int, error) }, b []byte) {
	s := base64.StdEncoding.EncodeToString(b)
	for len(s) > 76 {
		w.Write([]byte(s[:76] + "\r\n"))
		s = s[76:]
	}
	w.Write([]byte(s + "\r\n"))
}

// plainAddress: a bare ASCII addr-spec that net/mail parses back to itself.
func plainAddress(s string) bool {
	if s == "" || len(s) > 254 || strings.Count(s, "@") != 1 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),:;<>[\]`, c) >= 0 {
			return false
		}
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && a.Name == ""
}

// headerText makes untrusted text safe for a header or a one-line label: invalid UTF-8 becomes
// U+FFFD, every control character (CR and LF included) and other space becomes a plain space,
// runs of spaces collapse, and the ends are trimmed.
func headerText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.IsSpace(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// paragraphs cleans body text: valid UTF-8, LF line ends, no control characters but tab and LF.
func paragraphs(lines []string) []string {
	var out []string
	for _, l := range lines {
		l = strings.ToValidUTF8(l, "\uFFFD")
		l = strings.ReplaceAll(l, "\r\n", "\n")
		l = strings.Map(func(r rune) rune {
			switch {
			case r == '\r':
				return '\n'
			case r == '\n' || r == '\t':
				return r
			case unicode.IsControl(r):
				return -1
			}
			return r
		}, l)
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// appPath: "/bookings/bk1" and the like, never another origin ("//evil.example").
func appPath(p string) bool {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") {
		return false
	}
	for i := 0; i < len(p); i++ {
		if c := p[i]; c <= ' ' || c >= 0x7f || c == '\\' {
			return false
		}
	}
	u, err := url.Parse(p)
	return err == nil && u.Scheme == "" && u.Host == ""
}

// address formats "Name <addr>" with the name quoted or RFC 2047-encoded as needed, or the bare
// address when there is no name. name must already be headerText.
func address(name, addr string) string {
	if name == "" {
		return addr
	}
	if plainASCII(name) {
		return (&mail.Address{Name: name, Address: addr}).String()
	}
	return encodeHeader(name) + " <" + addr + ">"
}

// encodeHeader returns s (already headerText) as it is when it is printable ASCII that no
// decoder could take for an encoded word, else as RFC 2047 "B" encoded words, one per
// continuation line (white space between encoded words is not part of the text, RFC 2047 6.2).
// Forcing the encoding of ASCII that contains "=?" keeps a subject such as
// "=?utf-8?q?=0D=0ABcc:_x?=" from decoding to something else than what was written.
func encodeHeader(s string) string {
	if plainASCII(s) {
		return s
	}
	var words []string
	for s != "" {
		n := 0
		for n < len(s) {
			_, size := utf8.DecodeRuneInString(s[n:])
			if n+size > 45 { // 45 bytes → 60 base64 characters → a 72-character word
				break
			}
			n += size
		}
		words = append(words, "=?utf-8?b?"+base64.StdEncoding.EncodeToString([]byte(s[:n]))+"?=")
		s = s[n:]
	}
	return strings.Join(words, "\r\n ")
}

func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] > '~' {
			return false
		}
	}
	return !strings.Contains(s, "=?")
}
