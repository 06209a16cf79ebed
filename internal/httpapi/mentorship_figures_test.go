package httpapi

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/google/go-cmp/cmp"
	"github.com/tandemhq/tandem/internal/analytics"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/dynamo/dynamotest"
	"github.com/tandemhq/tandem/internal/dynamo/streamreader"
	"github.com/tandemhq/tandem/internal/mentorships"
	"github.com/tandemhq/tandem/internal/streams"
	"github.com/tandemhq/tandem/internal/tandem"
)

// newMentorStreamFixture is newMentorFixture on a table with a stream, and deliver runs the
// stream consumer over what was written since the last call.
func newMentorStreamFixture(t *testing.T) (*fixture, func()) {
	t.Helper()
	f := &fixture{counter: &dynamo.CallCounter{}, now: time.Date(2027, 9, 1, 12, 0, 0, 0, time.UTC)}
	f.cfg = dynamotest.Config(t, dynamotest.Options{Counter: f.counter, Now: f.clock, Stream: true})
	store, err := dynamo.New(context.Background(), f.cfg)
	if err != nil {
		t.Fatal(err)
	}
	f.store = store
	routers := FunctionsWith(func(fn string) Deps {
		return Deps{Store: functionStore(t, f.cfg, fn), Logger: quietLog, Now: f.clock, VerifyLink: testVerifyLink, Sealer: testSealer}
	})
	f.api = newLambdaClient(t, routers["ExpertsFunction"])
	f.bookings = newLambdaClient(t, routers["BookingsFunction"])
	f.requests = newLambdaClient(t, routers["RequestsFunction"])
	f.reports = newLambdaClient(t, routers["ReportsFunction"])
	if res := f.api.do("PUT", "/v1/experts/me", mentorProfile, aliceExpert); res.Status != 200 {
		t.Fatalf("profile: %d %s", res.Status, res.Body)
	}
	if res := f.api.do("PUT", "/v1/experts/me/availability", bookingSchedule, aliceExpert); res.Status != 200 {
		t.Fatalf("availability: %d %s", res.Status, res.Body)
	}
	ctx := context.Background()
	reader, err := streamreader.New(ctx, f.cfg)
	if err != nil {
		t.Fatal(err)
	}
	handle := streams.Handler(functionStore(t, f.cfg, "StreamsFunction"), quietLog)
	return f, func() {
		t.Helper()
		recs, err := reader.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < len(recs); i += 100 { // redelivery and order: internal/streams' recount tests
			resp, err := handle(ctx, events.DynamoDBEvent{Records: recs[i:min(i+100, len(recs))]})
			if err != nil || len(resp.BatchItemFailures) > 0 {
				t.Fatalf("stream batch: %v %+v", err, resp.BatchItemFailures)
			}
		}
	}
}

// TestMentorshipFiguresReport: after a seeded history through the API (proposals, accepts,
// series booked, sessions completed, check-ins) and the stream, HR's report carries the
// figures, equal to a recount from the raw items, with a department under 3 suppressed; the
// CSV has the same figures; and reading the figures costs one Query whatever the history.
func TestMentorshipFiguresReport(t *testing.T) {
	f, deliver := newMentorStreamFixture(t)
	finance := func(n int) *tandem.Caller {
		return &tandem.Caller{UserID: fmt.Sprintf("u-fin-%02d", n), OrgID: "acme", Email: fmt.Sprintf("f%d@acme.test", n),
			Name: fmt.Sprintf("Finance %d", n), Department: "Finance", Roles: []tandem.Role{tandem.RoleLearner}}
	}
	propose := func(c *tandem.Caller) string {
		m := f.mentorship(t, c, "POST", "/v1/mentorships", fmt.Sprintf(`{"expertId":"u-alice","agreement":%s}`, mentorAgreement), 201)
		f.mentorship(t, aliceExpert, "POST", "/v1/mentorships/"+m.ID+"/accept", "", 200)
		return m.ID
	}
	checkIn := func(c *tandem.Caller, id, body string) {
		if res := f.requests.do("POST", "/v1/mentorships/"+id+"/checkins", body, c); res.Status != 201 {
			t.Fatalf("check-in: %d %s", res.Status, res.Body)
		}
		f.setNow(f.clock().Add(time.Minute))
	}
	var series [][]string
	ids := map[string]string{}
	for i, clock := range []string{"14:00", "15:00", "16:00"} {
		id := propose(learner(i + 1))
		ids[clock] = id
		var s scheduledJSON
		res := f.requests.do("POST", "/v1/mentorships/"+id+"/schedule", `{"from":"2027-09-06","time":"`+clock+`"}`, learner(i+1))
		res.decode(t, &s)
		if res.Status != 200 || len(s.Booked) != 6 {
			t.Fatalf("schedule: %d %s", res.Status, res.Body)
		}
		var bids []string
		for _, o := range s.Mentorship.Occurrences {
			bids = append(bids, o.BookingID)
		}
		series = append(series, bids)
		checkIn(learner(i+1), id, `{"kind":"start","ratings":[2,3]}`)
	}
	fin1, fin2 := propose(finance(1)), propose(finance(2))
	checkIn(finance(1), fin1, `{"kind":"start","ratings":[1,1]}`)
	_ = fin2
	f.setNow(time.Date(2027, 9, 23, 12, 0, 0, 0, time.UTC))
	for s, held := range []int{2, 1, 0} { // 14:00 held both sessions so far, 15:00 one, 16:00 none
		for k := range held {
			if res := f.bookings.do("POST", "/v1/bookings/"+series[s][k]+"/complete", "", aliceExpert); res.Status != 200 {
				t.Fatalf("complete: %d %s", res.Status, res.Body)
			}
		}
	}
	checkIn(learner(1), ids["14:00"], `{"kind":"session","ratings":[4,4],"occurrence":1}`)
	checkIn(learner(2), ids["15:00"], `{"kind":"session","ratings":[3,5],"occurrence":0}`)
	checkIn(learner(3), ids["16:00"], `{"kind":"session","ratings":[1,3]}`)
	deliver()

	var rep mentorships.Report
	res := f.reports.do("GET", "/v1/reports/mentorships", "", hrUser)
	if res.Status != 200 {
		t.Fatalf("report: %d %s", res.Status, res.Body)
	}
	res.decode(t, &rep)
	if rep.Figures == nil {
		t.Fatalf("no figures: %s", res.Body)
	}
	// The recount from the raw items.
	ctx := context.Background()
	ms, err := f.store.ListOrgMentorships(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	var bids []string
	checkIns := map[string][]*tandem.CheckIn{}
	for _, m := range ms {
		for _, o := range m.Occurrences {
			bids = append(bids, o.BookingID)
		}
		if checkIns[m.ID], err = f.store.CheckIns(ctx, "acme", m.ID); err != nil {
			t.Fatal(err)
		}
	}
	books, err := f.store.GetBookings(ctx, "acme", bids)
	if err != nil {
		t.Fatal(err)
	}
	want := mentorships.FiguresFrom("acme", analytics.RecountMentorships(ms, books, checkIns))
	if diff := cmp.Diff(want, rep.Figures); diff != "" {
		t.Errorf("figures differ from the recount (-recount +report):\n%s", diff)
	}
	org := rep.Figures.Org
	if org.Counts == nil || org.Counts.Active != 5 || org.Pairs != 5 || org.SessionsPerPair == nil || org.SessionsPerPair.Mean != 0.6 ||
		org.SessionsPerPair.Median != "0" || org.CrossDepartmentShare == nil {
		t.Errorf("org figures = %+v", org)
	}
	if org.TimeToFirstSession != nil || !contains(org.Withheld, "timeToFirstSession") {
		t.Errorf("time to first session covers 2 pairs: it must be withheld, got %+v", org)
	}
	if g := org.GoalProgress; g == nil || g.Pairs != 3 || g.Goals != 6 || g.MeanChange != 0.83 {
		t.Errorf("goal progress = %+v, want 3 pairs, 6 goals, mean (2+1+1+2+(-1)+0)/6", g)
	}
	var fin *analytics.MentorshipFigures
	for i, d := range rep.Figures.Departments {
		if d.Group.Key == "Finance" {
			fin = &rep.Figures.Departments[i]
		}
	}
	if fin == nil || fin.Counts != nil || fin.SessionsPerPair != nil || !contains(fin.Withheld, "counts") {
		t.Errorf("Finance (2 mentorships) must be suppressed: %+v", fin)
	}
	if !strings.Contains(res.Body, `"suppression":"A figure covering fewer than 3 pairs is null`) {
		t.Errorf("the report should say how suppression reads: %s", res.Body)
	}

	// CSV: one row per group, the same figures; format=csv and Accept: text/csv.
	csvRes := f.reports.do("GET", "/v1/reports/mentorships?format=csv", "", hrUser)
	lines := strings.Split(strings.TrimSpace(csvRes.Body), "\r\n")
	if csvRes.Status != 200 || !strings.HasPrefix(csvRes.Headers["Content-Type"], "text/csv") || len(lines) != 1+1+len(rep.Figures.Departments) ||
		!strings.HasPrefix(lines[0], "kind,key,name,mentorships,proposed,active") || !strings.HasPrefix(lines[1], "org,,acme,5,0,5,0,0,0,5,0.6,0,") {
		t.Errorf("csv: %d %v\n%s", csvRes.Status, csvRes.Headers, csvRes.Body)
	}
	if acc := f.reports.do("GET", "/v1/reports/mentorships", "", hrUser, "Accept", "text/csv"); acc.Body != csvRes.Body {
		t.Errorf("Accept: text/csv gave %s", acc.Body)
	}
	if res := f.reports.do("GET", "/v1/reports/mentorships?format=xml", "", hrUser); res.Status != 400 {
		t.Errorf("format=xml: %d, want 400", res.Status)
	}
	if res := f.reports.do("GET", "/v1/reports/mentorships?format=csv", "", bobLearner); res.Status != 403 {
		t.Errorf("csv as a learner: %d, want 403", res.Status)
	}

	// Cost: the figures are one Query of one partition, reading one item per group, with 5
	// mentorships as with 25.
	cost := func() (string, int) {
		f.counter.Reset()
		if res := f.reports.do("GET", "/v1/reports/mentorships?format=csv", "", hrUser); res.Status != 200 {
			t.Fatalf("csv: %d", res.Status)
		}
		c := f.counter.Calls()
		sort.Strings(c)
		return strings.Join(c, ","), f.counter.ItemsRead()
	}
	smallCalls, smallItems := cost()
	for i := range 20 {
		c := learner(10 + i)
		if i%2 == 0 {
			c = finance(10 + i)
		}
		propose(c)
	}
	deliver()
	bigCalls, bigItems := cost()
	if smallCalls != "Query" || bigCalls != smallCalls || smallItems != 3 || bigItems != 3 {
		t.Errorf("figures cost: %s (%d items) with 5 mentorships, %s (%d items) with 25; want one Query of the 3 groups",
			smallCalls, smallItems, bigCalls, bigItems)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
