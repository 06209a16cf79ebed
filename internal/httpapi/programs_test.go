package httpapi

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/analytics"
	"github.com/tandemhq/tandem/internal/tandem"
)

const programBody = `{"title":"Leading across teams","topic":"Leadership","description":"Small cross-team cohorts.",
  "cohortSize":4,"start":"2027-03-22T17:00:00Z","timezone":"Europe/London","cadence":"weekly","sessions":3,"sessionMin":60,
  "facilitators":["u-alice"],"maxSpreadHours":6}`

// enrollee is a learner of department dept in zone tz.
func enrollee(i int, dept string) *tandem.Caller {
	return &tandem.Caller{UserID: fmt.Sprintf("u-enr-%02d", i), OrgID: "acme", Name: fmt.Sprintf("Enrollee %02d", i),
		Department: dept, Roles: []tandem.Role{tandem.RoleLearner}}
}

var enrolleeZones = []string{"Europe/London", "Europe/Berlin", "Europe/Lisbon", "Africa/Lagos", "America/New_York", "Asia/Kolkata"}
var enrolleeDepts = []string{"Sales", "Sales", "Sales", "Engineering", "Engineering", "Product", "Finance", "People"}

func (f *fixture) createProgram(t *testing.T, body string) programJSON {
	t.Helper()
	res := f.requests.do("POST", "/v1/programs", body, hrUser)
	if res.Status != 201 {
		t.Fatalf("create program: %d %s", res.Status, res.Body)
	}
	var p programJSON
	res.decode(t, &p)
	return p
}

func (f *fixture) enrollN(t *testing.T, programID string, from, n int) {
	t.Helper()
	for i := from; i < from+n; i++ {
		body := fmt.Sprintf(`{"interests":["leadership","%s"],"timezone":"%s"}`, []string{"negotiation", "hiring", "go"}[i%3], enrolleeZones[i%len(enrolleeZones)])
		if res := f.requests.do("POST", "/v1/programs/"+programID+"/enroll", body, enrollee(i, enrolleeDepts[i%len(enrolleeDepts)])); res.Status != 200 {
			t.Fatalf("enroll %d: %d %s", i, res.Status, res.Body)
		}
	}
}

func TestProgramsAndCohorts(t *testing.T) {
	f := newFixture(t) // Monday 2027-03-01
	// Only HR creates; bad input names its fields.
	if res := f.requests.do("POST", "/v1/programs", programBody, bobLearner); res.Status != 403 {
		t.Errorf("learner creates a program: %d, want 403", res.Status)
	}
	res := f.requests.do("POST", "/v1/programs", `{"title":"","topic":"x y","cohortSize":1,"start":"2020-01-01T00:00:00Z","timezone":"Mars/Base","cadence":"daily","sessions":0,"sessionMin":7}`, hrUser)
	fields := map[string]bool{}
	for _, fe := range res.problem(t).Errors {
		fields[fe.Field] = true
	}
	for _, want := range []string{"title", "cohortSize", "start", "timezone", "cadence", "sessions", "sessionMin"} {
		if !fields[want] {
			t.Errorf("bad program: field errors %v, missing %s", res.problem(t).Errors, want)
		}
	}
	p := f.createProgram(t, programBody)
	if p.Topic != "leadership" || p.Status != tandem.ProgramEnrolling || len(p.SessionTimes) != 3 {
		t.Fatalf("program = %+v", p)
	}

	f.enrollN(t, p.ID, 0, 13)
	// Enrolling twice changes nothing; withdrawing frees the place.
	f.enrollN(t, p.ID, 0, 1)
	if res := f.requests.do("DELETE", "/v1/programs/"+p.ID+"/enroll", "", enrollee(12, "People")); res.Status != 204 {
		t.Fatalf("withdraw: %d %s", res.Status, res.Body)
	}
	res = f.requests.do("GET", "/v1/programs/"+p.ID, "", enrollee(0, "Sales"))
	var got programJSON
	res.decode(t, &got)
	if got.Enrolled != 12 || got.Me == nil || !*got.Me {
		t.Errorf("after 13 enrollments, a repeat and a withdrawal: enrolled %d, me %v; want 12, true", got.Enrolled, got.Me)
	}

	// Build: three cohorts of four, explained, measured against random assignment.
	if res := f.requests.do("POST", "/v1/programs/"+p.ID+"/cohorts/build", `{"seed":7}`, bobLearner); res.Status != 403 {
		t.Errorf("learner builds: %d, want 403", res.Status)
	}
	res = f.requests.do("POST", "/v1/programs/"+p.ID+"/cohorts/build", `{"seed":7}`, hrUser)
	var plan cohortPlan
	res.decode(t, &plan)
	if res.Status != 200 || len(plan.Cohorts) != 3 || plan.Version != 1 || plan.Status != "draft" {
		t.Fatalf("build: %d %+v", res.Status, plan)
	}
	for _, c := range plan.Cohorts {
		if len(c.Members) != 4 || c.Explanation.Pairs != 6 || c.Explanation.SpreadHours > 6 || len(c.Explanation.Departments) < 2 {
			t.Errorf("cohort %d: %d members, %+v", c.Number, len(c.Members), c.Explanation)
		}
	}
	if plan.Measures.EIIndex < plan.Baseline.EIIndex || plan.Measures.Violations != 0 {
		t.Errorf("built %+v vs random %+v: want at least random's E-I index and no spread violations", plan.Measures, plan.Baseline)
	}
	// Members see nothing before publishing.
	if res := f.requests.do("GET", "/v1/programs/"+p.ID+"/cohorts", "", enrollee(0, "Sales")); res.Status != 404 {
		t.Errorf("member before publish: %d, want 404", res.Status)
	}

	// Adjust: stale version, a missing member, then a valid arrangement.
	var ids [][]string
	for _, c := range plan.Cohorts {
		var g []string
		for _, m := range c.Members {
			g = append(g, m.ID)
		}
		ids = append(ids, g)
	}
	ids[0][0], ids[1][0] = ids[1][0], ids[0][0] // HR swaps two people
	arrangement := func(version int, groups [][]string) string {
		var parts []string
		for _, g := range groups {
			parts = append(parts, `["`+strings.Join(g, `","`)+`"]`)
		}
		return fmt.Sprintf(`{"version":%d,"cohorts":[%s]}`, version, strings.Join(parts, ","))
	}
	if res := f.requests.do("PUT", "/v1/programs/"+p.ID+"/cohorts", arrangement(9, ids), hrUser); res.Status != 409 {
		t.Errorf("stale version: %d, want 409", res.Status)
	}
	if res := f.requests.do("PUT", "/v1/programs/"+p.ID+"/cohorts", arrangement(1, ids[:2]), hrUser); res.Status != 400 {
		t.Errorf("a cohort left out: %d, want 400", res.Status)
	}
	res = f.requests.do("PUT", "/v1/programs/"+p.ID+"/cohorts", arrangement(1, ids), hrUser)
	res.decode(t, &plan)
	if res.Status != 200 || !plan.Adjusted || plan.Version != 2 {
		t.Fatalf("adjust: %d %+v", res.Status, plan)
	}

	// Someone enrolls late: publishing waits until they are placed.
	f.enrollN(t, p.ID, 20, 1)
	res = f.requests.do("POST", "/v1/programs/"+p.ID+"/cohorts/publish", `{"version":2}`, hrUser)
	if res.Status != 409 || res.problem(t).Extra["conflict"] != "unplaced" {
		t.Fatalf("publish with an unplaced enrollee: %d %s", res.Status, res.Body)
	}
	res = f.requests.do("POST", "/v1/programs/"+p.ID+"/cohorts/build", `{"seed":7}`, hrUser)
	res.decode(t, &plan)
	if n := len(plan.Cohorts[0].Members) + len(plan.Cohorts[1].Members) + len(plan.Cohorts[2].Members); n != 13 {
		t.Fatalf("rebuilt with %d members, want 13", n)
	}
	res = f.requests.do("POST", "/v1/programs/"+p.ID+"/cohorts/publish", fmt.Sprintf(`{"version":%d}`, plan.Version), hrUser)
	if res.Status != 200 {
		t.Fatalf("publish: %d %s", res.Status, res.Body)
	}
	// The cohorts' peer ties reach HR's connection report, in the month of the first session.
	var published cohortPlan
	res.decode(t, &published)
	res = f.reports.do("GET", "/v1/reports/connections?from=2027-03&to=2027-03", "", hrUser)
	var con struct{ Graph analytics.Graph }
	res.decode(t, &con)
	if c := con.Graph.Cohorts; res.Status != 200 || c.Pairs != int64(published.Measures.Pairs) || c.CrossPairs != int64(published.Measures.CrossPairs) ||
		c.NewPairs != int64(published.Measures.NewPairs) || c.EIIndex == nil || len(c.Edges) == 0 {
		t.Errorf("connections' cohort ties = %d %+v, want the published plan's %+v", res.Status, c, published.Measures)
	}
	// Published: enrollment closed, members see their own cohort and its sessions.
	if res := f.requests.do("POST", "/v1/programs/"+p.ID+"/enroll", `{"timezone":"UTC"}`, enrollee(30, "Sales")); res.Status != 409 {
		t.Errorf("enroll after publishing: %d, want 409", res.Status)
	}
	res = f.requests.do("GET", "/v1/programs/"+p.ID+"/cohorts", "", enrollee(3, "Engineering"))
	var mine struct {
		Program programJSON
		Cohort  planCohort
	}
	res.decode(t, &mine)
	found := false
	for _, m := range mine.Cohort.Members {
		found = found || m.ID == "u-enr-03"
	}
	if res.Status != 200 || !found || len(mine.Program.SessionTimes) != 3 {
		t.Errorf("member's view: %d %+v", res.Status, mine)
	}
	if res := f.requests.do("GET", "/v1/programs/"+p.ID+"/cohorts", "", bobLearner); res.Status != 404 {
		t.Errorf("a learner not enrolled: %d, want 404", res.Status)
	}
	if res := f.requests.do("GET", "/v1/programs/"+p.ID, "", oscarOtherOrg); res.Status != 404 {
		t.Errorf("another org: %d, want 404", res.Status)
	}

	// A second program with the same people prefers pairs who have not met yet.
	q := f.createProgram(t, programBody)
	f.enrollN(t, q.ID, 0, 12)
	f.enrollN(t, q.ID, 20, 1)
	res = f.requests.do("POST", "/v1/programs/"+q.ID+"/cohorts/build", `{"seed":7}`, hrUser)
	var again cohortPlan
	res.decode(t, &again)
	// Random assignment meets some of the first program's pairs again (so they are known);
	// the built cohorts meet no more of them than random does.
	if again.Baseline.NewPairs == again.Baseline.Pairs || again.Measures.NewPairs < again.Baseline.NewPairs {
		t.Errorf("second program: %d new of %d pairs, random %d of %d; want the first program's pairs known and avoided",
			again.Measures.NewPairs, again.Measures.Pairs, again.Baseline.NewPairs, again.Baseline.Pairs)
	}
}

// TestProgramSessionsKeepLocalTime: weekly sessions at 17:00 London are 17:00 UTC before
// the clocks go forward on 28 March 2027 and 16:00 UTC after.
func TestProgramSessionsKeepLocalTime(t *testing.T) {
	p := &tandem.Program{Start: time.Date(2027, 3, 22, 17, 0, 0, 0, time.UTC), Timezone: "Europe/London", Cadence: tandem.CadenceWeekly, Sessions: 3}
	got := p.SessionTimes()
	want := []string{"2027-03-22T17:00:00Z", "2027-03-29T16:00:00Z", "2027-04-05T16:00:00Z"}
	for i := range want {
		if got[i].Format(time.RFC3339) != want[i] {
			t.Errorf("session %d = %s, want %s", i, got[i].Format(time.RFC3339), want[i])
		}
	}
}

// TestMonthlySessionsOnShortMonths: a monthly program starting on 31 January meets on the
// last day of shorter months, never twice in one month.
func TestMonthlySessionsOnShortMonths(t *testing.T) {
	p := &tandem.Program{Start: time.Date(2028, 1, 31, 8, 0, 0, 0, time.UTC), Timezone: "Europe/Berlin", Cadence: tandem.CadenceMonthly, Sessions: 4}
	var got []string
	for _, s := range p.SessionTimes() {
		got = append(got, s.Format(time.RFC3339))
	}
	want := []string{"2028-01-31T08:00:00Z", "2028-02-29T08:00:00Z", "2028-03-31T07:00:00Z", "2028-04-30T07:00:00Z"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("sessions %v, want %v (09:00 Berlin, last day of short months)", got, want)
	}
}

// TestWithdrawAfterBuild: someone who withdraws after the build shows as withdrawn, blocks
// publishing, and leaves their cohort when HR saves the cohorts as loaded. Enrolling twice
// answers with the enrollment as stored.
func TestWithdrawAfterBuild(t *testing.T) {
	f := newFixture(t)
	p := f.createProgram(t, programBody)
	f.enrollN(t, p.ID, 0, 9)
	res := f.requests.do("POST", "/v1/programs/"+p.ID+"/enroll", `{"interests":["cooking"],"timezone":"Asia/Tokyo"}`, enrollee(0, "Sales"))
	var e tandem.Enrollment
	res.decode(t, &e)
	if res.Status != 200 || e.Timezone != enrolleeZones[0] || len(e.Interests) != 2 {
		t.Errorf("enrolling again = %d %+v, want the stored enrollment", res.Status, e)
	}
	res = f.requests.do("POST", "/v1/programs/"+p.ID+"/cohorts/build", `{"seed":3}`, hrUser)
	var plan cohortPlan
	res.decode(t, &plan)
	if res := f.requests.do("DELETE", "/v1/programs/"+p.ID+"/enroll", "", enrollee(4, "Engineering")); res.Status != 204 {
		t.Fatalf("withdraw: %d", res.Status)
	}
	res = f.requests.do("GET", "/v1/programs/"+p.ID+"/cohorts", "", hrUser)
	res.decode(t, &plan)
	if len(plan.Withdrawn) != 1 || plan.Withdrawn[0].ID != "u-enr-04" {
		t.Fatalf("withdrawn = %+v, want u-enr-04", plan.Withdrawn)
	}
	res = f.requests.do("POST", "/v1/programs/"+p.ID+"/cohorts/publish", fmt.Sprintf(`{"version":%d}`, plan.Version), hrUser)
	if res.Status != 409 || res.problem(t).Extra["conflict"] != "withdrawn" {
		t.Fatalf("publish with a withdrawn member: %d %s", res.Status, res.Body)
	}
	var groups []string
	for _, c := range plan.Cohorts {
		var ids []string
		for _, m := range c.Members {
			ids = append(ids, `"`+m.ID+`"`)
		}
		groups = append(groups, "["+strings.Join(ids, ",")+"]")
	}
	res = f.requests.do("PUT", "/v1/programs/"+p.ID+"/cohorts", fmt.Sprintf(`{"version":%d,"cohorts":[%s]}`, plan.Version, strings.Join(groups, ",")), hrUser)
	res.decode(t, &plan)
	members := 0
	for _, c := range plan.Cohorts {
		members += len(c.Members)
	}
	if res.Status != 200 || members != 8 {
		t.Fatalf("saving the cohorts as loaded: %d, %d members, want 8", res.Status, members)
	}
	if res := f.requests.do("POST", "/v1/programs/"+p.ID+"/cohorts/publish", fmt.Sprintf(`{"version":%d}`, plan.Version), hrUser); res.Status != 200 {
		t.Errorf("publish: %d %s", res.Status, res.Body)
	}
	// Publishing again (a retry) finishes the follow-up writes without counting twice.
	cohortsIn := func(from, to string) analytics.CohortTies {
		var con struct{ Graph analytics.Graph }
		f.reports.do("GET", "/v1/reports/connections?from="+from+"&to="+to, "", hrUser).decode(t, &con)
		return con.Graph.Cohorts
	}
	before := cohortsIn("2027-03", "2027-03")
	if res := f.requests.do("POST", "/v1/programs/"+p.ID+"/cohorts/publish", fmt.Sprintf(`{"version":%d}`, plan.Version), hrUser); res.Status != 200 {
		t.Errorf("publishing again: %d %s", res.Status, res.Body)
	}
	// Eight members in two cohorts meet weekly from 22 March, three times, for an hour: two
	// dates in March and one in April, each a session per cohort.
	after, both := cohortsIn("2027-03", "2027-03"), cohortsIn("2027-03", "2027-04")
	if before.Pairs != 13 || after.Pairs != 13 || after.Sessions != 4 || after.MemberHours != 16 || both.Sessions != 6 || both.MemberHours != 24 {
		t.Errorf("cohort figures: before %+v, after publishing again %+v, March-April %+v; want 13 pairs, 4 sessions and 16 member-hours in March, 6 and 24 with April",
			before, after, both)
	}
}
