package mail_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/tandemhq/tandem/internal/mail"
	"github.com/tandemhq/tandem/internal/mail/mailtest"
	"github.com/tandemhq/tandem/internal/tandem"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestFormatAcrossDST: the same UTC session times around the March 2027 clock changes (US on
// the 14th, Europe on the 28th) read correctly in New York and London, each with the
// abbreviation and offset in force on that day; a span across the switch itself labels both
// ends. Zones without a letter abbreviation, half-hour offsets and unknown zones too.
func TestFormatAcrossDST(t *testing.T) {
	tests := []struct {
		start, end, zone, want string
	}{
		// New York: EST (UTC−5) until 14 March 2027, EDT (UTC−4) after.
		{"2027-03-09T15:00:00Z", "2027-03-09T16:00:00Z", "America/New_York", "Tue 9 Mar 2027, 10:00–11:00 EST (UTC−5)"},
		{"2027-03-16T14:00:00Z", "2027-03-16T15:00:00Z", "America/New_York", "Tue 16 Mar 2027, 10:00–11:00 EDT (UTC−4)"},
		// London: GMT (UTC+0) until 28 March 2027, BST (UTC+1) after; the same instants.
		{"2027-03-16T14:00:00Z", "2027-03-16T15:00:00Z", "Europe/London", "Tue 16 Mar 2027, 14:00–15:00 GMT (UTC+0)"},
		{"2027-03-30T14:00:00Z", "2027-03-30T15:00:00Z", "Europe/London", "Tue 30 Mar 2027, 15:00–16:00 BST (UTC+1)"},
		{"2027-03-30T14:00:00Z", "2027-03-30T15:00:00Z", "America/New_York", "Tue 30 Mar 2027, 10:00–11:00 EDT (UTC−4)"},
		// Across the switch: 01:30 EST is 06:30Z; two hours later it is 03:30 EDT.
		{"2027-03-14T06:30:00Z", "2027-03-14T07:30:00Z", "America/New_York", "Sun 14 Mar 2027, 01:30 EST (UTC−5) – 03:30 EDT (UTC−4)"},
		{"2027-03-28T00:30:00Z", "2027-03-28T01:30:00Z", "Europe/London", "Sun 28 Mar 2027, 00:30 GMT (UTC+0) – 02:30 BST (UTC+1)"},
		// Autumn back: 01:30 EDT, then 01:30 EST an hour later (7 November 2027).
		{"2027-11-07T05:30:00Z", "2027-11-07T06:30:00Z", "America/New_York", "Sun 7 Nov 2027, 01:30 EDT (UTC−4) – 01:30 EST (UTC−5)"},
		// Across midnight.
		{"2027-03-17T03:30:00Z", "2027-03-17T04:30:00Z", "America/New_York", "Tue 16 Mar 2027, 23:30 – Wed 17 Mar 2027, 00:30 EDT (UTC−4)"},
		// Half-hour offset, no letter abbreviation, UTC, unknown zone.
		{"2027-03-16T14:00:00Z", "2027-03-16T15:00:00Z", "Asia/Kolkata", "Tue 16 Mar 2027, 19:30–20:30 IST (UTC+5:30)"},
		{"2027-03-16T14:00:00Z", "2027-03-16T15:00:00Z", "America/Sao_Paulo", "Tue 16 Mar 2027, 11:00–12:00 UTC−3"},
		{"2027-03-16T14:00:00Z", "2027-03-16T15:00:00Z", "UTC", "Tue 16 Mar 2027, 14:00–15:00 UTC"},
		{"2027-03-16T14:00:00Z", "2027-03-16T15:00:00Z", "Mars/Olympus", "Tue 16 Mar 2027, 14:00–15:00 UTC"},
		{"2027-03-16T14:00:00Z", "2027-03-16T15:00:00Z", "", "Tue 16 Mar 2027, 14:00–15:00 UTC"},
	}
	for _, tt := range tests {
		got := mail.FormatSpan(mail.Span{Start: at(tt.start), End: at(tt.end)}, tt.zone)
		if got != tt.want {
			t.Errorf("FormatSpan(%s, %s, %s) = %q, want %q", tt.start, tt.end, tt.zone, got, tt.want)
		}
	}
	if got, want := mail.FormatTime(at("2027-03-15T14:00:00Z"), "America/New_York"), "Mon 15 Mar 2027, 10:00 EDT (UTC−4)"; got != want {
		t.Errorf("FormatTime = %q, want %q", got, want)
	}
}

// TestRenderDST: the rendered e-mail (text and HTML) of one session shows it in each
// recipient's zone, before and after the clock change, and the deadline too.
func TestRenderDST(t *testing.T) {
	m := newMailer(t, "")
	for _, tt := range []struct {
		zone, start, when, deadline string
	}{
		{"America/New_York", "2027-03-12T15:00:00Z", "Fri 12 Mar 2027, 10:00–11:00 EST (UTC−5)", "Thu 11 Mar 2027, 10:00 EST (UTC−5)"},
		{"America/New_York", "2027-03-15T14:00:00Z", "Mon 15 Mar 2027, 10:00–11:00 EDT (UTC−4)", "Sun 14 Mar 2027, 10:00 EDT (UTC−4)"},
		{"Europe/London", "2027-03-26T10:00:00Z", "Fri 26 Mar 2027, 10:00–11:00 GMT (UTC+0)", "Thu 25 Mar 2027, 10:00 GMT (UTC+0)"},
		{"Europe/London", "2027-03-29T09:00:00Z", "Mon 29 Mar 2027, 10:00–11:00 BST (UTC+1)", "Sun 28 Mar 2027, 10:00 BST (UTC+1)"},
	} {
		e := confirmed("ben@acme.example")
		e.To.Zone = tt.zone
		e.When = &mail.Span{Start: at(tt.start), End: at(tt.start).Add(time.Hour)}
		e.Deadline = at(tt.start).Add(-24 * time.Hour)
		p := render(t, m, e)
		for _, body := range []string{p.Text, html.UnescapeString(p.HTML)} {
			if !strings.Contains(body, tt.when) || !strings.Contains(body, tt.deadline) {
				t.Errorf("%s: body lacks %q or %q:\n%s", tt.zone, tt.when, tt.deadline, body)
			}
		}
	}
}

func render(t testing.TB, m *mail.Mailer, e mail.Email) *mailtest.Parsed {
	t.Helper()
	raw, err := m.Render(e)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	for i, l := range bytes.Split(raw, []byte("\r\n")) {
		if len(l) > 998 {
			t.Errorf("line %d has %d octets", i, len(l))
		}
		if bytes.ContainsAny(l, "\r\n") {
			t.Errorf("line %d has a bare CR or LF: %q", i, l)
		}
		for _, c := range l {
			if c >= 0x80 {
				t.Fatalf("line %d is not 7-bit: %q", i, l)
			}
		}
	}
	p, err := mailtest.Parse(raw)
	if err != nil {
		t.Fatalf("Parse: %v\n%s", err, raw)
	}
	return p
}

// TestRenderHeaders: the fixed headers, RFC 8058's pair with a working one-click token for this
// user and kind, and a Message-ID that depends on the notification id only.
func TestRenderHeaders(t *testing.T) {
	m := newMailer(t, "")
	e := confirmed("ben@acme.example")
	p := render(t, m, e)
	h := p.Header
	for name, want := range map[string]string{
		"From":                  `"Tandem" <noreply@tandem.example>`,
		"To":                    `"Ben Hall" <ben@acme.example>`,
		"Subject":               "Session confirmed: Deep dive with Maya Okafor",
		"Date":                  "Wed, 10 Mar 2027 09:00:00 +0000",
		"MIME-Version":          "1.0",
		"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
		"Auto-Submitted":        "auto-generated",
	} {
		if got := h.Get(name); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	lu := h.Get("List-Unsubscribe")
	const prefix = "<https://api.tandem.example/v1/unsubscribe/"
	if !strings.HasPrefix(lu, prefix) || !strings.HasSuffix(lu, ">") {
		t.Fatalf("List-Unsubscribe %q", lu)
	}
	tok := strings.TrimSuffix(strings.TrimPrefix(lu, prefix), ">")
	c, err := mail.VerifyLink(testKey, tok, fixedNow())
	if err != nil {
		t.Fatalf("unsubscribe token: %v", err)
	}
	if c.Purpose != mail.PurposeUnsubscribe || c.Kind != "booking.confirmed" || c.UserID != "u-ben" || c.Org != "acme" {
		t.Errorf("unsubscribe claims %+v", c)
	}
	if !c.Expires.Equal(fixedNow().Add(mail.UnsubscribeTTL)) {
		t.Errorf("unsubscribe expires %v", c.Expires)
	}
	if !strings.Contains(p.Text, "https://app.tandem.example/unsubscribe?t="+tok) {
		t.Errorf("text lacks the unsubscribe page link:\n%s", p.Text)
	}

	mid := h.Get("Message-ID")
	if !strings.HasPrefix(mid, "<n-") || !strings.HasSuffix(mid, "@tandem.example>") {
		t.Errorf("Message-ID %q", mid)
	}
	if again := render(t, m, e).Header.Get("Message-ID"); again != mid {
		t.Errorf("Message-ID of a re-render %q, want %q", again, mid)
	}
	e.ID += "x"
	if other := render(t, m, e).Header.Get("Message-ID"); other == mid {
		t.Errorf("another notification has the same Message-ID %q", other)
	}

	// The action link carries a token for this user, verb and booking.
	var actionURL string
	for _, l := range strings.Split(p.Text, "\r\n") {
		if s, ok := strings.CutPrefix(l, "Cancel: "); ok {
			actionURL = s
		}
	}
	u, err := url.Parse(actionURL)
	if err != nil || u.Path != "/bookings/bk1" || u.Query().Get("do") != "cancel" {
		t.Fatalf("action link %q", actionURL)
	}
	ac, err := mail.VerifyLink(testKey, u.Query().Get("t"), fixedNow())
	if err != nil || ac.Purpose != mail.PurposeAction || ac.Verb != "cancel" || ac.BookingID != "bk1" || ac.UserID != "u-ben" {
		t.Errorf("action claims %+v, %v", ac, err)
	}
	if _, err := mail.VerifyLink(testKey, u.Query().Get("t"), fixedNow().Add(mail.ActionTTL)); err == nil {
		t.Error("action link still valid after ActionTTL")
	}
}

// TestRenderInjection: CR/LF in names and the subject never make a header of their own, HTML in
// the text is escaped, and an address with CR/LF or a display name is refused outright.
func TestRenderInjection(t *testing.T) {
	m := newMailer(t, "")
	e := confirmed("ben@acme.example")
	e.Subject = "Hi\r\nBcc: eve@evil.example\r\n\r\n<b>body</b>"
	e.To.Name = "Ben\r\nBcc: eve@evil.example"
	e.Lines = []string{`<script>alert("x")</script> & "quotes"`, "line one\r\nline two"}
	e.Actions = []mail.Action{{Label: "Confirm\r\nX-Evil: 1", Verb: "confirm", BookingID: "bk1"}}
	p := render(t, m, e)
	for _, name := range []string{"Bcc", "X-Evil", "Cc"} {
		if v, ok := p.Header[name]; ok {
			t.Errorf("injected header %s: %q", name, v)
		}
	}
	if got, want := p.Subject, "Hi Bcc: eve@evil.example <b>body</b>"; got != want {
		t.Errorf("subject %q, want %q", got, want)
	}
	if to := p.Header.Get("To"); strings.ContainsAny(to, "\r\n") || !strings.HasSuffix(to, "<ben@acme.example>") {
		t.Errorf("To %q", to)
	}
	if strings.Contains(p.HTML, "<script>") || !strings.Contains(p.HTML, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#34;quotes&#34;") {
		t.Errorf("HTML not escaped:\n%s", p.HTML)
	}
	if !strings.Contains(p.Text, `<script>alert("x")</script> & "quotes"`) || !strings.Contains(p.Text, "line one\r\nline two") {
		t.Errorf("text:\n%q", p.Text)
	}
	if !strings.Contains(p.Text, "Confirm X-Evil: 1: https://") {
		t.Errorf("action label not flattened:\n%s", p.Text)
	}

	for _, addr := range []string{"ben@acme.example\r\nBcc: eve@evil.example", "Ben <ben@acme.example>", "ben", "ben@acme.example,eve@evil.example", "bén@acme.example", " ben@acme.example", ""} {
		e := confirmed(addr)
		_, err := m.Render(e)
		if tandem.ErrorCode(err) != tandem.EInvalid || !mail.Permanent(err) {
			t.Errorf("Render to %q: %v, want a permanent EInvalid", addr, err)
		}
	}
	for name, mutate := range map[string]func(*mail.Email){
		"no id":          func(e *mail.Email) { e.ID = " " },
		"no kind":        func(e *mail.Email) { e.Kind = "" },
		"no user":        func(e *mail.Email) { e.To.UserID = "" },
		"blank subject":  func(e *mail.Email) { e.Subject = "\r\n\t " },
		"other origin":   func(e *mail.Email) { e.Path = "//evil.example/x" },
		"absolute path":  func(e *mail.Email) { e.Path = "https://evil.example/x" },
		"unknown verb":   func(e *mail.Email) { e.Actions[0].Verb = "delete" },
		"booking id":     func(e *mail.Email) { e.Actions[0].BookingID = "../x" },
		"backwards span": func(e *mail.Email) { e.When.Start, e.When.End = e.When.End, e.When.Start },
		"bad invite":     func(e *mail.Email) { e.Invite.Expert.Email = "maya\r\n@acme.example" },
	} {
		e := confirmed("ben@acme.example")
		mutate(&e)
		if _, err := m.Render(e); tandem.ErrorCode(err) != tandem.EInvalid {
			t.Errorf("%s: %v, want EInvalid", name, err)
		}
	}
}

// TestRenderEncodedSubject: a long non-ASCII subject is RFC 2047-encoded in folded words and
// decodes back; display names too.
func TestRenderEncodedSubject(t *testing.T) {
	m := newMailer(t, "")
	e := confirmed("ben@acme.example")
	e.Subject = strings.Repeat("Sitzung bestätigt – Jürgen Åström 日本語 ", 3)
	e.To.Name = "Jürgen \"JJ\" Åström"
	p := render(t, m, e)
	if got, want := p.Subject, strings.TrimSpace(e.Subject); got != want {
		t.Errorf("subject %q, want %q", got, want)
	}
	to, err := p.Header.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Name != e.To.Name || to[0].Address != "ben@acme.example" {
		t.Errorf("To %v, %v", to, err)
	}
	long := confirmed("ben@acme.example")
	long.Subject = strings.Repeat("x", 400)
	if got := []rune(render(t, m, long).Subject); len(got) != 150 || got[149] != '…' {
		t.Errorf("long subject not cut to 150 runes: %d", len(got))
	}
}

// TestRenderStructure: mixed(alternative(text, html), calendar) with an invite, and just the
// alternative without one; the invite's method follows the session's status.
func TestRenderStructure(t *testing.T) {
	m := newMailer(t, "")
	e := confirmed("ben@acme.example")
	p := render(t, m, e)
	if ct := p.Header.Get("Content-Type"); !strings.HasPrefix(ct, "multipart/mixed;") {
		t.Errorf("Content-Type %q", ct)
	}
	var types []string
	for _, part := range p.Parts {
		types = append(types, part.ContentType)
	}
	if got := strings.Join(types, ","); got != "text/plain,text/html,text/calendar" {
		t.Errorf("parts %s", got)
	}
	c := p.Calendar
	if c.Params["method"] != "REQUEST" || c.Disposition != "attachment" || c.Filename != "invite.ics" || c.Params["charset"] != "utf-8" {
		t.Errorf("calendar part %+v", c)
	}
	s := *e.Invite
	s.Status, s.Sequence = tandem.StatusCancelled, 1
	e.Invite = &s
	if got := render(t, m, e).Calendar.Params["method"]; got != "CANCEL" {
		t.Errorf("cancelled: method %q", got)
	}
	e.Invite = nil
	p = render(t, m, e)
	if ct := p.Header.Get("Content-Type"); !strings.HasPrefix(ct, "multipart/alternative;") || p.Calendar != nil || len(p.Parts) != 2 {
		t.Errorf("no invite: Content-Type %q, %d parts", ct, len(p.Parts))
	}
}

// TestInviteUpdatesThroughEmulator: a booking's confirmation, reschedule and cancellation as
// received by the emulator: one UID, SEQUENCE 0, 1, 2, METHOD REQUEST, REQUEST, CANCEL, the
// new time after the reschedule, and a VALARM in each REQUEST only.
func TestInviteUpdatesThroughEmulator(t *testing.T) {
	ep := mailtest.Endpoint(t)
	m := newMailer(t, ep)
	to := address(t, "ben")
	booked := confirmed(to)
	moved := booked
	ms := *booked.Invite
	ms.Start, ms.End, ms.Sequence = ms.Start.Add(48*time.Hour), ms.End.Add(48*time.Hour), 1
	ms.Updated = fixedNow()
	moved.ID, moved.Kind, moved.Subject, moved.Invite = booked.ID+"-r", "booking.rescheduled", "Session moved", &ms
	moved.When = &mail.Span{Start: ms.Start, End: ms.End}
	cancelled := moved
	cs := ms
	cs.Sequence, cs.Status = 2, tandem.StatusCancelled
	cancelled.ID, cancelled.Kind, cancelled.Subject, cancelled.Invite, cancelled.Actions = booked.ID+"-c", "booking.cancelled", "Session cancelled", &cs, nil
	for _, e := range []mail.Email{booked, moved, cancelled} {
		if _, err := m.Send(context.Background(), e); err != nil {
			t.Fatalf("Send %s: %v", e.Kind, err)
		}
	}
	got := mailtest.WaitFor(t, ep, to, 3, 5*time.Second)
	type view struct{ Subject, Method, UID, Seq, Start string }
	var views []view
	for i, msg := range got {
		a := msg.Calendar()
		if a == nil {
			t.Fatalf("message %d has no calendar attachment", i)
		}
		data, _ := a.Data()
		cal, err := mailtest.ParseCalendar(data)
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		ev := cal.Events()[0]
		views = append(views, view{msg.Subject, cal.Props.Get("METHOD").Value, ev.Props.Get("UID").Value, ev.Props.Get("SEQUENCE").Value, ev.Props.Get("DTSTART").Value})
		alarms := 0
		for _, c := range ev.Children {
			if c.Name == "VALARM" {
				alarms++
			}
		}
		if want := map[string]int{"REQUEST": 1, "CANCEL": 0}[views[i].Method]; alarms != want {
			t.Errorf("message %d (%s): %d VALARMs, want %d", i, views[i].Method, alarms, want)
		}
	}
	want := []view{
		{"Session confirmed: Deep dive with Maya Okafor", "REQUEST", "bk1@tandem", "0", "20270316T140000Z"},
		{"Session moved", "REQUEST", "bk1@tandem", "1", "20270318T140000Z"},
		{"Session cancelled", "CANCEL", "bk1@tandem", "2", "20270318T140000Z"},
	}
	if fmt.Sprint(views) != fmt.Sprint(want) {
		t.Errorf("received\n%v\nwant\n%v", views, want)
	}
	if !strings.Contains(got[1].Body.Text, "Thu 18 Mar 2027, 10:00–11:00 EDT (UTC−4)") {
		t.Errorf("reschedule text lacks the new time:\n%s", got[1].Body.Text)
	}
}

// TestInjectionThroughEmulator: what a real MIME parser (the emulator's mailparser) makes of a
// message with CR/LF in the subject and name: one recipient, no Bcc, the subject on one line.
func TestInjectionThroughEmulator(t *testing.T) {
	ep := mailtest.Endpoint(t)
	m := newMailer(t, ep)
	to := address(t, "ben")
	e := confirmed(to)
	e.Subject = "Hi\r\nBcc: eve@evil.example"
	e.To.Name = "Ben\nCc: eve@evil.example"
	if _, err := m.Send(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	got := mailtest.WaitFor(t, ep, to, 1, 5*time.Second)[0]
	if got.Subject != "Hi Bcc: eve@evil.example" || len(got.Destination.Bcc) != 0 || len(got.Destination.Cc) != 0 || len(got.Destination.To) != 1 {
		t.Errorf("emulator saw subject %q, destination %+v", got.Subject, got.Destination)
	}
}

// TestPermanent classifies SES's errors, and a real one: the emulator refuses a raw message
// without a From (HTTP 400), which is permanent.
func TestPermanent(t *testing.T) {
	resp := func(status int, err error) error {
		return &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}}, Err: err}
	}
	api := func(code string) error { return &smithy.GenericAPIError{Code: code, Message: "x"} }
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"message rejected", &smithy.GenericAPIError{Code: "MessageRejected", Message: "Email address is not verified."}, true},
		{"bad request", &smithy.GenericAPIError{Code: "BadRequestException", Message: "Illegal address"}, true},
		{"mail-from not verified", &smithy.GenericAPIError{Code: "MailFromDomainNotVerifiedException"}, true},
		{"account suspended", &smithy.GenericAPIError{Code: "AccountSuspendedException"}, true},
		{"not found", &smithy.GenericAPIError{Code: "NotFoundException"}, true},
		{"sending paused", &smithy.GenericAPIError{Code: "SendingPausedException"}, false},
		{"too many requests", &smithy.GenericAPIError{Code: "TooManyRequestsException"}, false},
		{"limit exceeded", &smithy.GenericAPIError{Code: "LimitExceededException"}, false},
		{"throttling (wrapped in 400)", resp(400, api("Throttling")), false},
		{"unknown 400", resp(400, api("Whatever")), true},
		{"403", resp(403, errors.New("denied")), true},
		{"408", resp(408, errors.New("timeout")), false},
		{"429", resp(429, errors.New("slow down")), false},
		{"500", resp(500, api("InternalFailure")), false},
		{"503", resp(503, errors.New("unavailable")), false},
		{"connection refused", &net.OpError{Op: "dial", Err: errors.New("connection refused")}, false},
		{"deadline", fmt.Errorf("send: %w", context.DeadlineExceeded), false},
		{"canceled", context.Canceled, false},
		{"invalid email", tandem.Errorf(tandem.EInvalid, "bad"), true},
		{"internal", errors.New("boom"), false},
	}
	for _, tt := range tests {
		if got := mail.Permanent(tt.err); got != tt.want {
			t.Errorf("%s: Permanent(%v) = %v, want %v", tt.name, tt.err, got, tt.want)
		}
	}

	ep := mailtest.Endpoint(t)
	client, err := mail.NewClient(context.Background(), ep)
	if err != nil {
		t.Fatal(err)
	}
	in := &mail.SendEmailInput{}
	in.Content.Raw.Data = []byte("Subject: no sender\r\n\r\nhi\r\n")
	_, err = client.SendEmail(context.Background(), in)
	if err == nil || !mail.Permanent(err) {
		t.Errorf("emulator's refusal: %v, Permanent = %v", err, mail.Permanent(err))
	}
}
