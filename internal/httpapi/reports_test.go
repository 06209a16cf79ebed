package httpapi

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/analytics"
	"github.com/tandemhq/tandem/internal/streams"
	"github.com/tandemhq/tandem/internal/tandem"
)

var departments = []string{"Engineering", "Sales", "Product", "Finance", "People"}

// importHistory writes n past bookings in org acme through the bulk path.
func (f *fixture) importHistory(t testing.TB, n int) []*tandem.Booking {
	t.Helper()
	var experts, learners []tandem.Party
	for i := range 12 {
		experts = append(experts, tandem.Party{ID: fmt.Sprintf("e%02d", i), Name: fmt.Sprintf("Expert %02d", i), Department: departments[i%5]})
	}
	for i := range 60 {
		learners = append(learners, tandem.Party{ID: fmt.Sprintf("l%02d", i), Name: fmt.Sprintf("Learner %02d", i), Department: departments[(i/3)%5]})
	}
	sts := []tandem.SessionType{{ID: "intro", Name: "Intro", DurationMin: 30}, {ID: "deep", Name: "Deep dive", DurationMin: 60}}
	hist := streams.History("acme", experts, learners, sts, f.clock(), n)
	if err := streams.Import(context.Background(), f.store, "acme", "test", hist); err != nil {
		t.Fatal(err)
	}
	return hist
}

func TestUtilizationReport(t *testing.T) {
	f := newFixtureAt(t, time.Date(2027, 3, 15, 12, 0, 0, 0, time.UTC))
	hist := f.importHistory(t, 1000)
	var completed, cancelled int64
	for _, b := range hist {
		if m := b.Start.Format("2006-01"); m < "2026-10" || m > "2027-03" {
			continue
		}
		switch b.Status {
		case tandem.StatusCompleted:
			completed++
		case tandem.StatusCancelled:
			cancelled++
		}
	}
	res := f.reports.do("GET", "/v1/reports/utilization?from=2026-10&to=2027-03&groupBy=month", "", hrUser)
	if res.Status != 200 {
		t.Fatalf("report: %d %s", res.Status, res.Body)
	}
	var rep struct {
		Total analytics.Row
		Rows  []analytics.Row
	}
	res.decode(t, &rep)
	if rep.Total.Metrics.Completed != completed || rep.Total.Metrics.Cancelled != cancelled || len(rep.Rows) != 6 {
		t.Errorf("total %+v over %d rows; want %d completed, %d cancelled over 6 months", rep.Total.Metrics, len(rep.Rows), completed, cancelled)
	}
	if r := rep.Total.Metrics.CompletionRate; r == nil || *r < 0.8 || *r > 0.95 {
		t.Errorf("completion rate %v, want about 0.9 for the mix", r)
	}
	// By department: five departments, none suppressed (12 learners each).
	res = f.reports.do("GET", "/v1/reports/utilization?from=2026-10&to=2027-03&groupBy=department", "", hrUser)
	res.decode(t, &rep)
	if len(rep.Rows) != 5 {
		t.Errorf("department rows %d, want 5", len(rep.Rows))
	}
	// CSV: spreadsheet-ready, same rows.
	res = f.reports.do("GET", "/v1/reports/utilization?from=2026-10&to=2027-03&groupBy=expert&format=csv", "", hrUser)
	recs, err := csv.NewReader(strings.NewReader(res.Body)).ReadAll()
	if err != nil || res.Headers["Content-Type"] != "text/csv; charset=utf-8" || len(recs) != 13 {
		t.Errorf("csv: %v %q %d records", err, res.Headers["Content-Type"], len(recs))
	}
	// Connections: a graph over the five departments with a defined E-I index.
	res = f.reports.do("GET", "/v1/reports/connections?from=2026-10&to=2027-03", "", hrUser)
	var con struct{ Graph analytics.Graph }
	res.decode(t, &con)
	if res.Status != 200 || len(con.Graph.Nodes) != 5 || con.Graph.EIIndex == nil || con.Graph.NewTies == 0 {
		t.Errorf("connections = %d %+v", res.Status, con.Graph)
	}
}

func TestReportAuthorization(t *testing.T) {
	f := newFixtureAt(t, time.Date(2027, 3, 15, 12, 0, 0, 0, time.UTC))
	f.importHistory(t, 200)
	for _, c := range []*tandem.Caller{bobLearner, aliceExpert} {
		for _, path := range []string{"/v1/reports/utilization", "/v1/reports/connections"} {
			if res := f.reports.do("GET", path, "", c); res.Status != 403 {
				t.Errorf("%s on %s: %d, want 403", c.UserID, path, res.Status)
			}
		}
	}
	// HR of globex reads its own (empty) org, never acme's.
	globexHR := &tandem.Caller{UserID: "g-hr", OrgID: "globex", Roles: []tandem.Role{tandem.RoleHR}}
	res := f.reports.do("GET", "/v1/reports/utilization?from=2026-10&to=2027-03", "", globexHR)
	var rep struct{ Total analytics.Row }
	res.decode(t, &rep)
	if res.Status != 200 || rep.Total.Metrics.Booked != 0 {
		t.Errorf("globex HR sees %+v", rep.Total.Metrics)
	}
	for _, q := range []string{"from=2027-13", "from=2027-03&to=2026-01", "from=2020-01&to=2027-03", "groupBy=team", "format=xml"} {
		if res := f.reports.do("GET", "/v1/reports/utilization?"+q, "", hrUser); res.Status != 400 {
			t.Errorf("%s: %d, want 400", q, res.Status)
		}
	}
}

// TestReportCostIndependentOfHistory: the utilization report for one org and period makes
// the same DynamoDB calls with 1,000 bookings of history as with many more, and takes about
// as long: medians of interleaved runs, ratio under 1.3. make test uses 10,000 bookings for
// the large table (the bulk import dominates the run time); `make scale-test` sets
// TANDEM_REPORT_SCALE=100000.
func TestReportCostIndependentOfHistory(t *testing.T) {
	large := 10_000
	if n, err := strconv.Atoi(os.Getenv("TANDEM_REPORT_SCALE")); err == nil && n > 0 {
		large = n
	}
	const path = "/v1/reports/utilization?from=2026-10&to=2027-03&groupBy=expert"
	setup := func(n int) *fixture {
		f := newFixtureAt(t, time.Date(2027, 3, 15, 12, 0, 0, 0, time.UTC))
		f.importHistory(t, n)
		for range 3 { // warm up
			f.reports.do("GET", path, "", hrUser)
		}
		return f
	}
	small, big := setup(1_000), setup(large)
	run := func(f *fixture) (time.Duration, []string) {
		f.counter.Reset()
		start := time.Now()
		if res := f.reports.do("GET", path, "", hrUser); res.Status != 200 {
			t.Fatalf("report: %d", res.Status)
		}
		d := time.Since(start)
		calls := f.counter.Calls()
		sort.Strings(calls)
		return d, calls
	}
	var smallTimes, bigTimes []time.Duration
	var smallCalls, bigCalls []string
	for range 15 { // interleaved, so load on the machine hits both alike
		d, c := run(small)
		smallTimes, smallCalls = append(smallTimes, d), c
		d, c = run(big)
		bigTimes, bigCalls = append(bigTimes, d), c
	}
	if strings.Join(smallCalls, ",") != strings.Join(bigCalls, ",") {
		t.Errorf("calls differ: %v with 1,000 bookings, %v with %d", smallCalls, bigCalls, large)
	}
	med := func(ds []time.Duration) time.Duration {
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		return ds[len(ds)/2]
	}
	ratio := float64(med(bigTimes)) / float64(med(smallTimes))
	t.Logf("report latency median: %v with 1,000 bookings, %v with %d (ratio %.2f); calls %v",
		med(smallTimes), med(bigTimes), large, ratio, bigCalls)
	if ratio > 1.3 {
		t.Errorf("latency ratio %.2f, want under 1.3", ratio)
	}
}
