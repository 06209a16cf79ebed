package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/mail"
	"github.com/tandemhq/tandem/internal/notify"
	"github.com/tandemhq/tandem/internal/tandem"
)

// testLinkKey signs the tests' links (and the sample events' unsubscribe token).
var testLinkKey = []byte(strings.Repeat("t", 32))

// testVerifyLink is NotificationsFunction's verifier with the tests' key.
func testVerifyLink(token string, now time.Time) (LinkClaims, error) {
	c, err := mail.VerifyLink(testLinkKey, token, now)
	return LinkClaims{Org: c.Org, UserID: c.UserID, Purpose: c.Purpose, Kind: c.Kind}, err
}

func testSigner(t *testing.T) *mail.Mailer {
	t.Helper()
	m, err := mail.New(mail.Config{From: "tandem@acme.test", AppURL: "https://app.test", APIURL: "https://api.test", LinkKey: testLinkKey})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestNotificationInbox: the inbox pages newest first with a cursor, counts unread, marks one
// and all read (again is a no-op, an unknown id 404).
func TestNotificationInbox(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	base := f.clock().Add(-48 * time.Hour)
	for i := range 25 {
		if err := notify.Raise(ctx, f.store, notify.Note{Org: "acme", UserID: bobLearner.UserID, Kind: notify.KindBookingConfirmed,
			EventKey: fmt.Sprintf("test-%d", i), At: base.Add(time.Duration(i) * time.Minute), Title: fmt.Sprintf("n%02d", i),
			Lines: []string{"line"}, Path: "/bookings/b1"}); err != nil {
			t.Fatal(err)
		}
	}
	// Raising the same event again creates nothing.
	if err := notify.Raise(ctx, f.store, notify.Note{Org: "acme", UserID: bobLearner.UserID, Kind: notify.KindBookingConfirmed,
		EventKey: "test-3", At: base.Add(3 * time.Minute), Title: "n03", Path: "/bookings/b1"}); err != nil {
		t.Fatal(err)
	}
	type page struct {
		Items []struct {
			ID, Kind, Title, Path string
			ReadAt                *time.Time
		} `json:"items"`
		NextCursor string `json:"nextCursor"`
		Unread     int    `json:"unread"`
	}
	get := func(target string) page {
		t.Helper()
		res := f.notifs.do("GET", target, "", bobLearner)
		if res.Status != 200 {
			t.Fatalf("GET %s: %d %s", target, res.Status, res.Body)
		}
		var p page
		if err := json.Unmarshal([]byte(res.Body), &p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	p1 := get("/v1/notifications")
	if len(p1.Items) != 20 || p1.Items[0].Title != "n24" || p1.Unread != 25 || p1.NextCursor == "" {
		t.Fatalf("first page: %d items, first %q, unread %d, cursor %q", len(p1.Items), p1.Items[0].Title, p1.Unread, p1.NextCursor)
	}
	p2 := get("/v1/notifications?cursor=" + p1.NextCursor)
	if len(p2.Items) != 5 || p2.Items[4].Title != "n00" || p2.NextCursor != "" {
		t.Fatalf("second page: %d items, cursor %q", len(p2.Items), p2.NextCursor)
	}
	// Another user's cursor is refused.
	if res := f.notifs.do("GET", "/v1/notifications?cursor="+p1.NextCursor, "", aliceExpert); res.Status != 400 {
		t.Errorf("someone else's cursor: %d", res.Status)
	}
	id := p1.Items[0].ID
	for range 2 {
		if res := f.notifs.do("POST", "/v1/notifications/"+id+"/read", "", bobLearner); res.Status != 204 {
			t.Fatalf("read: %d %s", res.Status, res.Body)
		}
	}
	if res := f.notifs.do("GET", "/v1/notifications/unread-count", "", bobLearner); res.Status != 200 || !strings.Contains(res.Body, `"unread":24`) {
		t.Errorf("unread count after one read: %d %s", res.Status, res.Body)
	}
	// The read one is filtered out of its page: 19 of the first 20, and a cursor to the rest.
	if p := get("/v1/notifications?unread=true"); len(p.Items) != 19 || p.Items[0].Title != "n23" || p.NextCursor == "" {
		t.Errorf("unread listing starts at %q (%d items)", p.Items[0].Title, len(p.Items))
	}
	if res := f.notifs.do("POST", "/v1/notifications/20270101T000000Z-00000000000000000000/read", "", bobLearner); res.Status != 404 {
		t.Errorf("read of an unknown id: %d", res.Status)
	}
	// Alice cannot read Bob's.
	if res := f.notifs.do("POST", "/v1/notifications/"+id+"/read", "", aliceExpert); res.Status != 404 {
		t.Errorf("read of someone else's: %d", res.Status)
	}
	if res := f.notifs.do("POST", "/v1/notifications/read-all", "", bobLearner); res.Status != 204 {
		t.Fatalf("read-all: %d %s", res.Status, res.Body)
	}
	p := get("/v1/notifications?unread=true")
	if p.Unread != 0 || len(p.Items) != 0 {
		t.Errorf("after read-all: unread %d, %d unread items", p.Unread, len(p.Items))
	}
	if p := get("/v1/notifications"); p.Items[5].ReadAt == nil {
		t.Error("a notification read by read-all has no readAt")
	}
}

// TestNotificationSettingsAndUnsubscribe: settings round-trip with their rules; a one-click
// unsubscribe works without sign-in, is idempotent, cannot be forged, and is honoured: the
// next notification of that kind is in the inbox but not e-mailed.
func TestNotificationSettingsAndUnsubscribe(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	res := f.notifs.do("GET", "/v1/me/notification-settings", "", bobLearner)
	if res.Status != 200 || !strings.Contains(res.Body, `"leadMinutes":[1440,60]`) || !strings.Contains(res.Body, `"email":true`) {
		t.Fatalf("defaults: %d %s", res.Status, res.Body)
	}
	for _, bad := range []string{
		`{"email":true,"kinds":[],"reminders":{"leadMinutes":[10]}}`,
		`{"email":true,"kinds":[],"reminders":{"leadMinutes":[60,60]}}`,
		`{"email":true,"kinds":[],"reminders":{"leadMinutes":[60,120,240]}}`,
		`{"email":true,"kinds":[{"kind":"nope","email":false}],"reminders":{"leadMinutes":[]}}`,
	} {
		if res := f.notifs.do("PUT", "/v1/me/notification-settings", bad, bobLearner); res.Status != 400 {
			t.Errorf("PUT %s: %d", bad, res.Status)
		}
	}
	res = f.notifs.do("PUT", "/v1/me/notification-settings", `{"email":true,"kinds":[{"kind":"booking.cancelled","email":false}],"reminders":{"leadMinutes":[]}}`, bobLearner)
	if res.Status != 200 || !strings.Contains(res.Body, `"leadMinutes":[]`) || !strings.Contains(res.Body, `{"kind":"booking.cancelled","label":"Session cancelled","email":false}`) {
		t.Fatalf("PUT: %d %s", res.Status, res.Body)
	}

	signer := testSigner(t)
	tok := signer.SignLink(mail.LinkClaims{Org: "acme", UserID: bobLearner.UserID, Purpose: "unsubscribe", Kind: notify.KindReminder,
		Expires: f.clock().Add(24 * time.Hour)})
	res = f.notifs.do("GET", "/v1/unsubscribe/"+tok, "", nil)
	if res.Status != 200 || !strings.Contains(res.Body, `"kind":"reminder"`) || !strings.Contains(res.Body, `"label":"Session reminders"`) {
		t.Fatalf("GET unsubscribe: %d %s", res.Status, res.Body)
	}
	for range 2 {
		if res := f.notifs.do("POST", "/v1/unsubscribe/"+tok, "List-Unsubscribe=One-Click", nil, "Content-Type", "application/x-www-form-urlencoded"); res.Status != 204 {
			t.Fatalf("POST unsubscribe: %d %s", res.Status, res.Body)
		}
	}
	s, err := f.store.GetNotificationSettings(ctx, "acme", bobLearner.UserID)
	if err != nil {
		t.Fatal(err)
	}
	if !notify.EmailWanted(s, notify.KindBookingConfirmed) || notify.EmailWanted(s, notify.KindReminder) || notify.EmailWanted(s, notify.KindBookingCancelled) {
		t.Errorf("settings after unsubscribing: %+v", s)
	}
	// Forged, expired, or not an unsubscribe link: 400, and nothing changes.
	forged := tok[:len(tok)-2] + map[bool]string{true: "AA", false: "BB"}[!strings.HasSuffix(tok, "AA")]
	expired := signer.SignLink(mail.LinkClaims{Org: "acme", UserID: bobLearner.UserID, Purpose: "unsubscribe", Kind: notify.KindFeedbackDue,
		Expires: f.clock().Add(-time.Minute)})
	action := signer.SignLink(mail.LinkClaims{Org: "acme", UserID: bobLearner.UserID, Purpose: "action", Verb: "cancel", BookingID: "b1",
		Expires: f.clock().Add(time.Hour)})
	other, _ := mail.New(mail.Config{From: "x@evil.test", AppURL: "https://evil.test", APIURL: "https://evil.test", LinkKey: []byte(strings.Repeat("e", 32))})
	wrongKey := other.SignLink(mail.LinkClaims{Org: "acme", UserID: bobLearner.UserID, Purpose: "unsubscribe", Kind: notify.KindFeedbackDue,
		Expires: f.clock().Add(time.Hour)})
	for name, bad := range map[string]string{"forged": forged, "expired": expired, "action": action, "wrong key": wrongKey} {
		if res := f.notifs.do("POST", "/v1/unsubscribe/"+bad, "", nil); res.Status != 400 {
			t.Errorf("%s token: %d %s", name, res.Status, res.Body)
		}
	}
	if s, _ := f.store.GetNotificationSettings(ctx, "acme", bobLearner.UserID); !notify.EmailWanted(s, notify.KindFeedbackDue) {
		t.Error("a refused token changed the settings")
	}
	// Honoured: a reminder is in the inbox, with no e-mail; a confirmation is e-mailed.
	if err := f.store.PutUser(ctx, &tandem.User{ID: bobLearner.UserID, OrgID: "acme", Email: bobLearner.Email, Name: bobLearner.Name}); err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{notify.KindReminder, notify.KindBookingConfirmed} {
		if err := notify.Raise(ctx, f.store, notify.Note{Org: "acme", UserID: bobLearner.UserID, Kind: kind, EventKey: "pref-" + kind,
			At: f.clock(), Title: kind, Path: "/bookings/b1"}); err != nil {
			t.Fatal(err)
		}
	}
	page, err := f.store.ListNotifications(tandem.WithCaller(ctx, *bobLearner), "acme", bobLearner.UserID, "", false, 20)
	if err != nil {
		t.Fatal(err)
	}
	mails := map[string]string{}
	for _, n := range page.Items {
		mails[n.Kind] = n.Mail
	}
	if mails[notify.KindReminder] != dynamo.MailNone || mails[notify.KindBookingConfirmed] != dynamo.MailPending {
		t.Errorf("mail states: %v; want the reminder not e-mailed and the confirmation pending", mails)
	}
}
