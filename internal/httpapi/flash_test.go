package httpapi

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/flash"
	"github.com/tandemhq/tandem/internal/tandem"
)

var hanaHR = &tandem.Caller{UserID: "u-hana", OrgID: "acme", Email: "hana@acme.test", Name: "Hana Novak", Department: "People",
	Roles: []tandem.Role{tandem.RoleHR, tandem.RoleLearner}}

var flashZones = []string{"Europe/London", "America/New_York", "Europe/Berlin"}
var flashDepts = []string{"Sales", "Engineering", "Finance", "Legal"}

func flashMember(i int) *tandem.Caller {
	return &tandem.Caller{UserID: fmt.Sprintf("u-f%02d", i), OrgID: "acme", Email: fmt.Sprintf("f%d@acme.test", i),
		Name: fmt.Sprintf("Member %d", i), Department: flashDepts[i%len(flashDepts)], Roles: []tandem.Role{tandem.RoleLearner}}
}

// TestFlashThroughTheAPI: HR sets up flash rounds and runs one; members opt in, see their
// proposal in their own zone's working hours, accept (twice: safe); both see it confirmed and
// are told; a run again in the round proposes nothing; the scheduler (through
// SchedulerFunction's store: its actions are recorded for the IAM check) makes the next round
// two weeks later, with new partners.
func TestFlashThroughTheAPI(t *testing.T) {
	// Friday 23 October 2026: the next two weeks cross London's and New York's DST changes.
	f := newFixtureAt(t, time.Date(2026, 10, 23, 9, 0, 0, 0, time.UTC))
	ctx := context.Background()
	do := func(c *tandem.Caller, method, path, body string, want int) response {
		t.Helper()
		res := f.requests.do(method, path, body, c)
		if res.Status != want {
			t.Fatalf("%s %s as %s: %d %s, want %d", method, path, c.UserID, res.Status, res.Body, want)
		}
		return res
	}
	var g flashJSON
	do(bobLearner, "GET", "/v1/flash", "", 200).decode(t, &g)
	if g.Configured {
		t.Fatalf("before setup: %+v", g)
	}
	do(bobLearner, "PUT", "/v1/flash", `{"everyWeeks":2}`, 403)
	do(hanaHR, "PUT", "/v1/flash", `{"everyWeeks":13,"windowStart":"9"}`, 400)
	do(flashMember(0), "PUT", "/v1/flash/membership", `{"timezone":"Europe/London"}`, 404) // no group yet
	do(hanaHR, "PUT", "/v1/flash", `{"everyWeeks":2,"departments":["Sales","Engineering","Finance","Legal"]}`, 200).decode(t, &g)
	if !g.Configured || g.WindowStart != "09:00" || g.WindowEnd != "17:00" || len(g.Weekdays) != 5 || !g.Enabled {
		t.Fatalf("config: %+v", g)
	}
	// Members opt in; HR's own department (People) is not in the group.
	do(hanaHR, "PUT", "/v1/flash/membership", `{"timezone":"Europe/London"}`, 403)
	do(flashMember(0), "PUT", "/v1/flash/membership", `{"timezone":"Mars/Olympus"}`, 400)
	const n = 24
	for i := range n {
		do(flashMember(i), "PUT", "/v1/flash/membership", fmt.Sprintf(`{"timezone":%q}`, flashZones[i%3]), 200)
	}
	do(hanaHR, "GET", "/v1/flash", "", 200).decode(t, &g)
	if len(g.Members) != n || len(g.Rounds) != 0 {
		t.Fatalf("HR sees %d members, %d rounds", len(g.Members), len(g.Rounds))
	}

	// HR runs the round: 12 pairs; running it again proposes nothing new.
	var run struct {
		Created bool
		Round   flashRoundJSON
	}
	do(bobLearner, "POST", "/v1/flash/rounds", "", 403)
	do(hanaHR, "POST", "/v1/flash/rounds", "", 201).decode(t, &run)
	if !run.Created || run.Round.Proposals+run.Round.NoTime != n/2 || run.Round.Proposals < n/2-1 {
		t.Fatalf("round: %+v", run)
	}
	t.Logf("round 0: %+v", run.Round)
	do(hanaHR, "POST", "/v1/flash/rounds", "", 200).decode(t, &run)
	if run.Created || run.Round.Proposals+run.Round.NoTime != n/2 {
		t.Fatalf("again: %+v", run)
	}

	// Member 0's proposal: inside both people's 09:00-17:00 in their own zones, on a weekday.
	proposals := func(c *tandem.Caller) []flashProposalJSON {
		t.Helper()
		var list struct{ Items []flashProposalJSON }
		do(c, "GET", "/v1/flash/proposals", "", 200).decode(t, &list)
		return list.Items
	}
	var mine []flashProposalJSON
	var me *tandem.Caller
	for i := range n {
		if mine = proposals(flashMember(i)); len(mine) == 1 {
			me = flashMember(i)
			break
		}
	}
	if me == nil {
		t.Fatal("nobody has a proposal")
	}
	p := mine[0]
	check := func(zone string) {
		loc, _ := time.LoadLocation(zone)
		ls, le := p.Start.In(loc), p.End.In(loc)
		if ls.Weekday() == time.Saturday || ls.Weekday() == time.Sunday || ls.Hour() < 9 || le.Hour()*60+le.Minute() > 17*60 || p.End.Sub(p.Start) != 30*time.Minute {
			t.Errorf("proposal %s at %s is outside 09:00-17:00 weekdays in %s", p.ID, ls.Format(time.RFC1123), zone)
		}
	}
	check(p.Partner.Timezone)
	var myZone string
	for i := range n {
		if flashMember(i).UserID == me.UserID {
			myZone = flashZones[i%3]
		}
	}
	check(myZone)
	if p.Status != "proposed" || p.Partner.Department == me.Department || !p.Deadline.After(f.clock()) {
		t.Errorf("proposal: %+v (mine %s)", p, me.Department)
	}
	partner := &tandem.Caller{UserID: p.Partner.ID, OrgID: "acme", Name: p.Partner.Name, Department: p.Partner.Department, Roles: []tandem.Role{tandem.RoleLearner}}
	path := "/v1/flash/proposals/" + p.ID
	do(bobLearner, "POST", path+"/accept", "", 404) // not his
	var got flashProposalJSON
	for range 2 {
		do(me, "POST", path+"/accept", "", 200).decode(t, &got)
		if got.Status != "proposed" || !got.AcceptedByMe || got.AcceptedByPartner {
			t.Fatalf("after my accept: %+v", got)
		}
	}
	do(partner, "POST", path+"/accept", "", 200).decode(t, &got)
	if got.Status != "confirmed" || !got.AcceptedByMe || !got.AcceptedByPartner {
		t.Fatalf("after both: %+v", got)
	}
	do(partner, "POST", path+"/accept", "", 200).decode(t, &got)
	for _, c := range []*tandem.Caller{me, partner} {
		if l := proposals(c); len(l) != 1 || l[0].Status != "confirmed" {
			t.Errorf("%s sees %+v", c.UserID, l)
		}
		var inbox struct {
			Items []struct{ Kind, Title string }
		}
		if res := f.notifs.do("GET", "/v1/notifications", "", c); res.Status != 200 {
			t.Fatalf("inbox: %d %s", res.Status, res.Body)
		} else {
			res.decode(t, &inbox)
		}
		kinds := map[string]int{}
		for _, it := range inbox.Items {
			kinds[it.Kind]++
		}
		if kinds["flash.proposed"] != 1 || kinds["flash.confirmed"] != 1 {
			t.Errorf("%s's inbox: %v", c.UserID, kinds)
		}
	}

	// The group started on Friday: its first scheduled round starts on Monday 26 October, and HR
	// has run it early, so the scheduler makes none then; it makes round 1 (once) two weeks
	// later, and nobody meets the same partner again.
	sched := functionStore(t, f.cfg, "SchedulerFunction")
	f.setNow(time.Date(2026, 10, 26, 0, 30, 0, 0, time.UTC))
	if made, err := flash.New(sched, f.clock).RunDue(ctx); err != nil || made != 0 {
		t.Fatalf("scheduler at the first round's start: %d, %v", made, err)
	}
	f.setNow(time.Date(2026, 11, 9, 0, 30, 0, 0, time.UTC))
	for i, want := range []int{1, 0} {
		made, err := flash.New(sched, f.clock).RunDue(ctx)
		if err != nil || made != want {
			t.Fatalf("scheduler run %d: %d rounds, %v; want %d", i, made, err, want)
		}
	}
	group, err := f.store.LoadFlashGroup(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[[2]string]int{}
	for _, pr := range group.Pairs {
		seen[[2]string{pr.A.ID, pr.B.ID}]++
	}
	for k, c := range seen {
		if c > 1 {
			t.Errorf("pair %v proposed %d times", k, c)
		}
	}
	if len(group.Rounds) != 2 {
		t.Errorf("%d rounds, want 2", len(group.Rounds))
	}
	do(me, "DELETE", "/v1/flash/membership", "", 204)
}
