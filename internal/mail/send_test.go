package mail_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/awsaccess"
	"github.com/tandemhq/tandem/internal/calendar"
	"github.com/tandemhq/tandem/internal/mail"
	"github.com/tandemhq/tandem/internal/mail/mailtest"
	"github.com/tandemhq/tandem/internal/tandem"
)

var testKey = []byte("0123456789abcdef0123456789abcdef-test-key")

var seq atomic.Int64

// address is a recipient address no other test (or earlier run against the same emulator)
// used, so reading by recipient sees only this test's mail.
func address(t testing.TB, name string) string {
	return fmt.Sprintf("%s+%d-%d-%d@acme.example", name, time.Now().UnixNano(), seq.Add(1), len(t.Name()))
}

func fixedNow() time.Time { return time.Date(2027, 3, 10, 9, 0, 0, 0, time.UTC) }

func newMailer(t testing.TB, endpoint string, opts ...func(*mail.ClientOptions)) *mail.Mailer {
	t.Helper()
	var client *mail.Client
	if endpoint != "" {
		c, err := mail.NewClient(context.Background(), endpoint, opts...)
		if err != nil {
			t.Fatal(err)
		}
		client = c
	}
	m, err := mail.New(mail.Config{
		Client: client, From: "Tandem <noreply@tandem.example>",
		AppURL: "https://app.tandem.example", APIURL: "https://api.tandem.example/",
		LinkKey: testKey, Now: fixedNow,
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func session(learner, expert string) calendar.Session {
	return calendar.Session{
		BookingID: "bk1", OrgID: "acme", Title: "Deep dive with Maya Okafor",
		Start: time.Date(2027, 3, 16, 14, 0, 0, 0, time.UTC), End: time.Date(2027, 3, 16, 15, 0, 0, 0, time.UTC),
		Expert:  calendar.Person{Name: "Maya Okafor", Email: expert},
		Learner: calendar.Person{Name: "Ben Hall", Email: learner},
		Status:  tandem.StatusConfirmed, Sequence: 0,
		Created: time.Date(2027, 3, 10, 8, 0, 0, 0, time.UTC),
	}
}

func confirmed(to string) mail.Email {
	s := session(to, "maya@acme.example")
	return mail.Email{
		ID: "ntf-" + to, Kind: "booking.confirmed",
		To:      mail.Recipient{UserID: "u-ben", Org: "acme", Name: "Ben Hall", Address: to, Zone: "America/New_York"},
		Subject: "Session confirmed: Deep dive with Maya Okafor",
		Lines:   []string{"Maya Okafor confirmed your session."},
		When:    &mail.Span{Start: s.Start, End: s.End},
		Path:    "/bookings/bk1",
		Actions: []mail.Action{{Label: "Cancel", Verb: "cancel", BookingID: "bk1"}},
		Invite:  &s,
	}
}

// TestSendToEmulator sends one confirmation through the SDK to the real emulator and reads it
// back from the emulator's store: subject, recipient, bodies, and the invite attachment, which
// an independent iCalendar parser reads as METHOD:REQUEST with the booking's UID and a VALARM.
func TestSendToEmulator(t *testing.T) {
	ep := mailtest.Endpoint(t)
	var capture mailtest.Capture
	m := newMailer(t, ep, func(o *mail.ClientOptions) { o.APIOptions = append(o.APIOptions, capture.Middleware) })
	to := address(t, "ben")
	e := confirmed(to)
	id, err := m.Send(context.Background(), e)
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	if id == "" {
		t.Fatal("Send returned no message id")
	}
	got := mailtest.WaitFor(t, ep, to, 1, 5*time.Second)
	if len(got) != 1 {
		t.Fatalf("%d messages to %s, want 1", len(got), to)
	}
	msg := got[0]
	if msg.MessageID != id {
		t.Errorf("stored message id %q, Send returned %q", msg.MessageID, id)
	}
	if msg.Subject != e.Subject {
		t.Errorf("subject %q, want %q", msg.Subject, e.Subject)
	}
	if !strings.Contains(msg.From, "noreply@tandem.example") {
		t.Errorf("from %q", msg.From)
	}
	for _, want := range []string{"Maya Okafor confirmed your session.", "Tue 16 Mar 2027, 10:00–11:00 EDT (UTC−4)", "https://app.tandem.example/bookings/bk1?do=cancel&t="} {
		if !strings.Contains(msg.Body.Text, want) {
			t.Errorf("text body lacks %q:\n%s", want, msg.Body.Text)
		}
		if !strings.Contains(msg.Body.HTML, strings.ReplaceAll(want, "&", "&amp;")) {
			t.Errorf("HTML body lacks %q:\n%s", want, msg.Body.HTML)
		}
	}
	att := msg.Calendar()
	if att == nil {
		t.Fatalf("no text/calendar attachment; attachments: %+v", msg.Attachments)
	}
	if att.Filename != "invite.ics" {
		t.Errorf("attachment filename %q", att.Filename)
	}
	data, err := att.Data()
	if err != nil {
		t.Fatal(err)
	}
	cal, err := mailtest.ParseCalendar(data)
	if err != nil {
		t.Fatalf("invite does not parse: %v\n%s", err, data)
	}
	if v := cal.Props.Get("METHOD"); v == nil || v.Value != "REQUEST" {
		t.Errorf("METHOD = %v, want REQUEST", v)
	}
	ev := cal.Events()
	if len(ev) != 1 {
		t.Fatalf("%d events", len(ev))
	}
	if uid := ev[0].Props.Get("UID"); uid == nil || uid.Value != "bk1@tandem" {
		t.Errorf("UID = %v", uid)
	}
	if n := len(ev[0].Children); n != 1 || ev[0].Children[0].Name != "VALARM" {
		t.Errorf("event children %v, want one VALARM", ev[0].Children)
	} else if tr := ev[0].Children[0].Props.Get("TRIGGER"); tr == nil || tr.Value != "-PT15M" {
		t.Errorf("TRIGGER = %v, want -PT15M", tr)
	}

	// What went over the wire is exactly what Render makes.
	raw := capture.Raw()
	if len(raw) != 1 {
		t.Fatalf("captured %d messages", len(raw))
	}
	want, err := m.Render(e)
	if err != nil {
		t.Fatal(err)
	}
	if p, err := mailtest.Parse(raw[0]); err != nil {
		t.Fatal(err)
	} else if q, _ := mailtest.Parse(want); p.Header.Get("Message-ID") != q.Header.Get("Message-ID") || p.Text != q.Text {
		t.Errorf("sent message differs from Render's")
	}
}

// TestSendEmulatorStopped: with the emulator gone, Send fails with an error Permanent calls
// retryable; once an emulator answers again the same e-mail goes through.
func TestSendEmulatorStopped(t *testing.T) {
	emu := mailtest.Start(t)
	m := newMailer(t, emu.Endpoint)
	to := address(t, "ben")
	if _, err := m.Send(context.Background(), confirmed(to)); err != nil {
		t.Fatalf("Send while running: %v", err)
	}
	emu.Stop(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	start := time.Now()
	_, err := m.Send(ctx, confirmed(to))
	if err == nil {
		t.Fatal("Send to a stopped emulator succeeded")
	}
	if mail.Permanent(err) {
		t.Errorf("Permanent(%v) = true, want a retryable error", err)
	}
	t.Logf("Send to the stopped emulator failed after %v: %v", time.Since(start).Round(time.Millisecond), err)
	if errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Send waited for the whole context instead of failing: %v", err)
	}

	// Back on the same endpoint, the retry of the same e-mail arrives.
	emu.Restart(t)
	if _, err := m.Send(context.Background(), confirmed(to)); err != nil {
		t.Fatalf("Send after the restart: %v", err)
	}
	if got := mailtest.WaitFor(t, emu.Endpoint, to, 1, 5*time.Second); len(got) != 1 {
		t.Errorf("%d messages after the restart, want 1", len(got))
	}
}

// TestClientRecordsIAMAction: the SES client takes awsaccess.Recorder like the DynamoDB client,
// so the harness of the function that sends records ses:SendEmail for the IAM check. (Recorded
// here into a directory of the test's own, under a made-up function name, so this package's
// test does not stand in for the real harness.)
func TestClientRecordsIAMAction(t *testing.T) {
	ep := mailtest.Endpoint(t)
	dir := t.TempDir()
	t.Setenv(awsaccess.DirEnv, dir)
	rec := awsaccess.Recorder("MailPackageTest", nil)
	m := newMailer(t, ep, func(o *mail.ClientOptions) { o.APIOptions = append(o.APIOptions, rec) })
	if _, err := m.Send(context.Background(), confirmed(address(t, "ben"))); err != nil {
		t.Fatal(err)
	}
	got, err := awsaccess.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Function != "MailPackageTest" || got[0].Action != "ses:SendEmail" {
		t.Errorf("recorded %v, want MailPackageTest ses:SendEmail", got)
	}
}
