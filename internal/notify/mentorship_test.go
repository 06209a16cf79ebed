package notify_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/mail/mailtest"
	"github.com/tandemhq/tandem/internal/notify"
	"github.com/tandemhq/tandem/internal/tandem"
)

// mentorshipScript is a mentorship's life as item writes, as internal/mentorships makes them:
// whole-item puts guarded by version for each change of status, and conditional health writes.
type mentorshipScript struct {
	e *env
	m *tandem.Mentorship
}

func newMentorship(e *env, id string) *mentorshipScript {
	e.t.Helper()
	now := e.clk.Now()
	m := &tandem.Mentorship{ID: id, OrgID: "acme", Learner: ben, Expert: maya, Origin: tandem.OriginInvitation,
		ProposedBy: ben.ID, Accepted: []string{ben.ID}, Status: tandem.MentorshipProposed, ChangedBy: ben.ID,
		Agreement: tandem.Agreement{Goals: []tandem.Goal{{Title: "Lead a design review", Measure: "one led"}},
			Cadence: tandem.CadenceBiweekly, Months: 3, SessionType: "intro", Weekday: "tue",
			Window: tandem.Window{Start: "15:00", End: "17:00"}, Timezone: "Europe/London"},
		CreatedAt: now, UpdatedAt: now, Version: 1, Reflections: map[string]tandem.Reflection{}}
	if err := e.store.SaveMentorship(context.Background(), m, 0); err != nil {
		e.t.Fatal(err)
	}
	return &mentorshipScript{e: e, m: m}
}

// act changes the status as by (the whole item, guarded by the version).
func (s *mentorshipScript) act(by string, status tandem.MentorshipStatus) {
	s.e.t.Helper()
	cur, err := s.e.store.GetMentorship(context.Background(), "acme", s.m.ID)
	if err != nil {
		s.e.t.Fatal(err)
	}
	now := s.e.clk.Now()
	if status == tandem.MentorshipActive && cur.ActivatedAt.IsZero() {
		cur.ActivatedAt, cur.Accepted = now, []string{ben.ID, maya.ID}
	}
	prev := cur.Version
	cur.Status, cur.ChangedBy, cur.Version, cur.UpdatedAt = status, by, prev+1, now
	if err := s.e.store.SaveMentorship(context.Background(), cur, prev); err != nil {
		s.e.t.Fatal(err)
	}
	s.m = cur
}

// health stores a health decision as the mentorships package makes it; it reports whether
// the write changed the item.
func (s *mentorshipScript) health(from, to, reason, mark string, at time.Time) bool {
	s.e.t.Helper()
	fromReason := ""
	if from == "stalled" {
		fromReason = s.m.HealthReason
	}
	ok, err := s.e.store.SetMentorshipHealthIf(context.Background(), dynamo.MentorshipHealthWrite{Org: "acme", ID: s.m.ID,
		Status: tandem.MentorshipActive, OldHealth: from, OldReason: fromReason, Health: to, Reason: reason, StallKey: mark, StalledAt: at})
	if err != nil {
		s.e.t.Fatal(err)
	}
	if ok {
		s.m.Health, s.m.HealthReason = to, reason
	}
	return ok
}

// TestMentorshipNotificationsExactlyOnce: a mentorship's scripted life (proposed, accepted,
// stalled, a racing second decider and a stale whole-item write re-stalling the same stall,
// paused, resumed, cleared and stalled again for a new reason, closed) gives exactly the
// notifications the rules call for, each once, with every record delivered twice in shuffled
// order and then a third time.
func TestMentorshipNotificationsExactlyOnce(t *testing.T) {
	t0 := time.Date(2027, 2, 1, 9, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	e := newEnv(t, t0)
	ctx := context.Background()
	var want []string
	expect := func(user tandem.Party, kind string) {
		want = append(want, got{user.ID, kind, "/mentorships/m1"}.String())
	}
	s := newMentorship(e, "m1")
	expect(maya, notify.KindMentorshipProposed) // the other side is asked to accept
	e.clk.Set(t0.Add(time.Hour))
	s.act(maya.ID, tandem.MentorshipActive)
	expect(ben, notify.KindMentorshipActive)
	expect(maya, notify.KindMentorshipActive)

	// Day 22: stalled (no session since activation); both nudged once.
	stallAt := t0.Add(time.Hour + 21*day)
	e.clk.Set(stallAt.Add(time.Hour))
	mark := "no_session|" + t0.Add(time.Hour).Format(time.RFC3339)
	if !s.health("", "stalled", "no_session", mark, stallAt) {
		t.Fatal("the first stalled write did not change the item")
	}
	expect(ben, notify.KindMentorshipStalled)
	expect(maya, notify.KindMentorshipStalled)
	// A second decider that read the old health writes nothing.
	if s.health("", "stalled", "no_session", mark, stallAt) {
		t.Fatal("a second decider's write on the old health changed the item")
	}
	// A whole-item write from a read before the stall puts the old health back; the next
	// decider stalls it again with the same mark: no second nudge.
	stale := *s.m
	stale.Health, stale.HealthReason = "", ""
	stale.Version, stale.UpdatedAt = s.m.Version+1, e.clk.Now()
	if err := e.store.SaveMentorship(ctx, &stale, s.m.Version); err != nil {
		t.Fatal(err)
	}
	s.m = &stale
	if !s.health("", "stalled", "no_session", mark, stallAt) {
		t.Fatal("re-stalling after the stale write changed nothing")
	}

	// Ben pauses (Maya is told), Maya resumes (Ben is told).
	e.clk.Set(stallAt.Add(2 * day))
	s.act(ben.ID, tandem.MentorshipPaused)
	expect(maya, notify.KindMentorshipChanged)
	s.act(maya.ID, tandem.MentorshipActive)
	expect(ben, notify.KindMentorshipChanged)

	// A session is held: ok; then two cancellations in a row: a new stall, nudged once more.
	s.m.Health, s.m.HealthReason = "stalled", "no_session"
	if !s.health("stalled", "ok", "", "", time.Time{}) {
		t.Fatal("clearing the stall changed nothing")
	}
	e.clk.Set(stallAt.Add(10 * day))
	if !s.health("ok", "stalled", "cancellations", "cancellations|b-77", e.clk.Now()) {
		t.Fatal("the second stall changed nothing")
	}
	expect(ben, notify.KindMentorshipStalled)
	expect(maya, notify.KindMentorshipStalled)

	// Maya closes: Ben is told; both are asked for their reflection.
	e.clk.Set(stallAt.Add(12 * day))
	s.act(maya.ID, tandem.MentorshipClosed)
	expect(ben, notify.KindMentorshipChanged)
	expect(ben, notify.KindMentorshipReflection)
	expect(maya, notify.KindMentorshipReflection)

	// A proposal declined (closed while proposed): the proposer is told; no reflection.
	s2 := newMentorship(e, "m2")
	s2.act(maya.ID, tandem.MentorshipClosed)
	want = append(want, got{maya.ID, notify.KindMentorshipProposed, "/mentorships/m2"}.String(),
		got{ben.ID, notify.KindMentorshipChanged, "/mentorships/m2"}.String())
	sort.Strings(want)

	records := e.read()
	c := e.consumer(nil)
	twice := append(append([]events.DynamoDBEventRecord{}, records...), records...)
	rng := rand.New(rand.NewPCG(18, 5))
	rng.Shuffle(len(twice), func(i, j int) { twice[i], twice[j] = twice[j], twice[i] })
	deliver(t, c, twice, 7)
	items := e.notifications()
	if got := summary(items); !slices.Equal(got, want) {
		t.Fatalf("notifications:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, u := range []tandem.Party{ben, maya} {
		n, err := e.store.UnreadCount(ctx, "acme", u.ID)
		if err != nil {
			t.Fatal(err)
		}
		count := 0
		for _, w := range want {
			if strings.HasPrefix(w, u.ID+" ") {
				count++
			}
		}
		if n != count {
			t.Errorf("%s: unread count %d, want %d", u.ID, n, count)
		}
	}
	// The stall's nudge names its reason and is dated when the pair stalled.
	for _, it := range items {
		if it["kind"] != notify.KindMentorshipStalled {
			continue
		}
		body, _ := it["body"].(string)
		created, _ := it["createdAt"].(string)
		if !strings.Contains(body, "21 days") && !strings.Contains(body, "cancelled") {
			t.Errorf("stall nudge %q gives no reason", body)
		}
		if strings.Contains(body, "21 days") && !strings.HasPrefix(created, stallAt.Format("2006-01-02T15:04")) {
			t.Errorf("no-session nudge created %s, want the stall's instant %s", created, stallAt)
		}
	}
	rng.Shuffle(len(records), func(i, j int) { records[i], records[j] = records[j], records[i] })
	deliver(t, c, records, 13)
	if again := summary(e.notifications()); !slices.Equal(again, want) {
		t.Errorf("after a third delivery: %d notifications, want %d", len(again), len(want))
	}
}

// TestMentorshipEmails: the proposal and the nudges go out by e-mail through the SES
// emulator with a link to the mentorship; a user who switched the nudge kind off gets it in
// the inbox only.
func TestMentorshipEmails(t *testing.T) {
	ses := mailtest.Start(t)
	t0 := time.Date(2027, 6, 7, 9, 0, 0, 0, time.UTC)
	e := newEnv(t, t0)
	ctx := context.Background()
	if err := e.store.PutNotificationSettings(ctx, "acme", ben.ID, dynamo.NotificationSettings{KindsOff: []string{notify.KindMentorshipStalled}}); err != nil {
		t.Fatal(err)
	}
	c := e.consumer(sender(t, ses.Endpoint, e.clk.Now))
	s := newMentorship(e, "m9")
	s.act(maya.ID, tandem.MentorshipActive)
	stallAt := t0.Add(21 * 24 * time.Hour)
	e.clk.Set(stallAt)
	s.health("", "stalled", "no_session", "no_session|"+t0.Format(time.RFC3339), stallAt)
	e.drain(c)
	mayaMail := mailtest.WaitFor(t, ses.Endpoint, maya.Email, 3, 5*time.Second) // proposed, started, stalled
	mailtest.WaitFor(t, ses.Endpoint, ben.Email, 1, 5*time.Second)              // started; the nudge is off
	var subjects []string
	for _, m := range mayaMail {
		subjects = append(subjects, m.Subject)
		if !strings.Contains(m.Body.Text, "/mentorships/m9") {
			t.Errorf("%q has no link to the mentorship:\n%s", m.Subject, m.Body.Text)
		}
	}
	if !slices.ContainsFunc(subjects, func(s string) bool { return strings.Contains(s, "proposes a mentorship") }) ||
		!slices.ContainsFunc(subjects, func(s string) bool { return strings.Contains(s, "has stalled") }) {
		t.Errorf("Maya's subjects %q", subjects)
	}
	for _, m := range mayaMail {
		if strings.Contains(m.Subject, "has stalled") && !strings.Contains(m.Body.Text, "21 days without a session") {
			t.Errorf("the nudge gives no reason:\n%s", m.Body.Text)
		}
	}
	time.Sleep(300 * time.Millisecond)
	all, err := mailtest.All(ctx, ses.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range all {
		if strings.Contains(strings.Join(m.Destination.To, ","), ben.Email) && strings.Contains(m.Subject, "stalled") {
			t.Errorf("Ben switched nudges off but was e-mailed %q", m.Subject)
		}
	}
	inbox := 0
	for _, it := range e.notifications() {
		if it["userId"] == ben.ID && it["kind"] == notify.KindMentorshipStalled {
			inbox++
		}
	}
	if inbox != 1 {
		t.Errorf("Ben's inbox has %d nudges, want 1", inbox)
	}
}
