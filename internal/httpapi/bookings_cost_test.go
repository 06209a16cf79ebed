package httpapi

import (
	"context"
	"fmt"
	"math"
	"os"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/tandemhq/tandem/internal/samtemplate"
	"github.com/tandemhq/tandem/internal/tandem"
)

// costProfile is a demo expert's (internal/seed): a one-hour deep dive with a 5-minute buffer
// before and 10 after, off the lock cells' boundaries, with per-day and per-week limits.
const costProfile = `{"headline":"NY coach","topics":["go"],"languages":["en"],"timezone":"America/New_York",
  "sessionTypes":[{"id":"deep","name":"Deep dive","durationMin":60,"bufferBeforeMin":5,"bufferAfterMin":10}],
  "meetingUrl":"https://meet.example.com/alice","bookingMode":"instant",
  "limits":{"minNoticeMin":120,"horizonDays":30,"maxPerDay":4,"maxPerWeek":12,"startIncrementMin":30}}`

// bookingUnits books a one-hour session with buffers, limits and the budget (the second
// booking of the container, so warm: the rules' guards are in it) with the note and returns
// the write units of its transaction, computed from the items.
func bookingUnits(t *testing.T, note string) (cold, warm string, coldWCU, warmWCU int) {
	t.Helper()
	f := newFixture(t)
	if res := f.api.do("PUT", "/v1/experts/me", costProfile, aliceExpert); res.Status != 200 {
		t.Fatalf("profile: %d %s", res.Status, res.Body)
	}
	if res := f.api.do("PUT", "/v1/experts/me/availability", bookingSchedule, aliceExpert); res.Status != 200 {
		t.Fatalf("availability: %d %s", res.Status, res.Body)
	}
	f.setBudget(t, `{"period":"month","orgHours":100,"departmentHours":{"Sales":50}}`)
	ctx := context.Background()
	for i, start := range []string{"2027-03-03T14:00:00Z", "2027-03-03T16:00:00Z"} {
		f.txs.Reset()
		body := fmt.Sprintf(`{"expertId":"u-alice","sessionType":"deep","start":"%s","note":"%s"}`, start, note)
		if res := f.book(learner(i+1), fmt.Sprintf("cost-key-%04d", i), body); res.Status != 201 {
			t.Fatalf("book: %d %s", res.Status, res.Body)
		}
		if n := f.txs.Count(); n != 1 {
			t.Fatalf("%d transactions committed, want 1", n)
		}
		u, err := f.store.UnitsOf(ctx, f.txs, 0)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			cold, coldWCU = u.String(), u.WCU
		} else {
			warm, warmWCU = u.String(), u.WCU
		}
	}
	return cold, warm, coldWCU, warmWCU
}

// TestBookingWriteUnits: a one-hour booking with buffers (5 before, 10 after: the warm one's
// span crosses a lock window), limits and the budget costs at most 30 WCU, cold or warm (the
// warm one carries the 3 guards of the cached rules), with a note of any length up to
// tandem.MaxNote ASCII characters: the booking is its key's idempotency record, so the note is
// written once, and only the booking item passes 1 KB (2 KB with the longest note). A note of
// as many 4-byte characters (emoji) is 4 KB, and the booking item 5 KB: that one costs more,
// held to what it measured (36).
func TestBookingWriteUnits(t *testing.T) {
	for _, tt := range []struct {
		note string
		max  int
	}{{strings.Repeat("n", 20), 30}, {strings.Repeat("n", 250), 30}, {strings.Repeat("n", tandem.MaxNote), 30}, {strings.Repeat("🙂", tandem.MaxNote), 36}} {
		cold, warm, c, w := bookingUnits(t, tt.note)
		t.Logf("note of %d characters (%d bytes): cold %d WCU\n%s warm %d WCU\n%s", utf8.RuneCountInString(tt.note), len(tt.note), c, cold, w, warm)
		if c > tt.max || w > tt.max {
			t.Errorf("note of %d characters (%d bytes): cold %d WCU, warm %d WCU; want ≤ %d", utf8.RuneCountInString(tt.note), len(tt.note), c, w, tt.max)
		}
	}
}

// List prices, AWS us-east-1, as published on the AWS pricing pages in 2025 (DynamoDB
// on-demand after the 1 November 2024 reduction); not re-checked against the live pages on
// 2026-12-02, when this table was computed.
const (
	pricesAsOf        = "AWS us-east-1 list prices of 2025 (DynamoDB on-demand after the 1 Nov 2024 cut)"
	priceWriteUnit    = 0.625 / 1e6  // DynamoDB on-demand, per write request unit
	priceReadUnit     = 0.125 / 1e6  // DynamoDB on-demand, per read request unit
	priceLambdaGBs    = 0.0000133334 // Lambda arm64, per GB-second
	priceLambdaCall   = 0.20 / 1e6   // Lambda, per request
	priceHTTPAPICall  = 1.00 / 1e6   // API Gateway HTTP API, per request (first 300 million a month)
	priceSESMail      = 0.10 / 1000  // SES, per e-mail sent
	mailsPerBooking   = 2            // an instant booking confirms to the learner and the expert (internal/notify)
	costWarmBookings  = 6
	costBookingsTable = 1000
)

// bookingsMemoryMB is BookingsFunction's memory in template.yaml (its own, else Globals').
func bookingsMemoryMB(t *testing.T) int {
	t.Helper()
	path, err := samtemplate.Find(".")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var tpl struct {
		Globals struct {
			Function struct {
				MemorySize int `yaml:"MemorySize"`
			} `yaml:"Function"`
		} `yaml:"Globals"`
		Resources map[string]struct {
			Properties struct {
				MemorySize int `yaml:"MemorySize"`
			} `yaml:"Properties"`
		} `yaml:"Resources"`
	}
	if err := yaml.Unmarshal(raw, &tpl); err != nil {
		t.Fatal(err)
	}
	if m := tpl.Resources["BookingsFunction"].Properties.MemorySize; m > 0 {
		return m
	}
	if tpl.Globals.Function.MemorySize == 0 {
		t.Fatal("template.yaml: no MemorySize for BookingsFunction or in Globals")
	}
	return tpl.Globals.Function.MemorySize
}

// TestCostPerBooking prints the AWS cost of 1,000 bookings (go test -run TestCostPerBooking -v):
// DynamoDB write and read units computed from the items (a cold container's first booking and
// warm ones), Lambda GB-seconds from the measured handler duration (in process, against
// DynamoDB Local on this machine) and the template's memory, one HTTP API request and one
// Lambda request each, and the confirmation e-mails. Not counted: what the table's stream
// triggers afterwards (StreamsFunction and the notifications' inbox, outbox and aggregate
// writes, reminders).
func TestCostPerBooking(t *testing.T) {
	f := newFixture(t)
	if res := f.api.do("PUT", "/v1/experts/me", costProfile, aliceExpert); res.Status != 200 {
		t.Fatalf("profile: %d %s", res.Status, res.Body)
	}
	if res := f.api.do("PUT", "/v1/experts/me/availability", bookingSchedule, aliceExpert); res.Status != 200 {
		t.Fatalf("availability: %d %s", res.Status, res.Body)
	}
	f.setBudget(t, `{"period":"month","orgHours":100,"departmentHours":{"Sales":50}}`)
	ctx := context.Background()
	starts := []string{"2027-03-03T14:00:00Z", "2027-03-03T16:00:00Z", "2027-03-03T18:00:00Z", "2027-03-03T20:00:00Z",
		"2027-03-04T14:00:00Z", "2027-03-04T16:00:00Z", "2027-03-04T18:00:00Z"}
	type run struct {
		wcu, rcu int
		took     time.Duration
	}
	var runs []run
	for i, start := range starts[:1+costWarmBookings] {
		f.txs.Reset()
		f.counter.Reset()
		body := fmt.Sprintf(`{"expertId":"u-alice","sessionType":"deep","start":"%s","note":"Let's talk about Go"}`, start)
		began := time.Now()
		res := f.book(learner(i+1), fmt.Sprintf("cost-run-%04d", i), body)
		took := time.Since(began)
		if res.Status != 201 {
			t.Fatalf("book %s: %d %s", start, res.Status, res.Body)
		}
		// Every read here is strongly consistent and under 4 KB: 1 read unit each.
		rcu := f.counter.Count("GetItem") + f.counter.Count("Query")
		u, err := f.store.UnitsOf(ctx, f.txs, 0)
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, run{u.WCU, rcu, took})
	}
	cold, warm := runs[0], runs[1:]
	for _, r := range warm {
		if r.wcu > 30 || r.rcu != 0 {
			t.Errorf("warm booking: %d WCU, %d RCU; want ≤ 30 and 0", r.wcu, r.rcu)
		}
	}
	sort.Slice(warm, func(i, j int) bool { return warm[i].took < warm[j].took })
	median := warm[len(warm)/2]
	maxWCU := 0
	for _, r := range warm {
		maxWCU = max(maxWCU, r.wcu)
	}
	mem := bookingsMemoryMB(t)
	table := func(name string, wcu, rcu int, took time.Duration) string {
		ms := math.Ceil(float64(took) / float64(time.Millisecond)) // Lambda bills by the millisecond
		gbs := float64(mem) / 1024 * ms / 1000
		n := float64(costBookingsTable)
		rows := []struct {
			what         string
			per, total   float64
			unit, price  string
			priceEach, c float64
		}{
			{"DynamoDB writes", float64(wcu), n * float64(wcu), "WRU", "$0.625 / million", priceWriteUnit, n * float64(wcu) * priceWriteUnit},
			{"DynamoDB reads", float64(rcu), n * float64(rcu), "RRU", "$0.125 / million", priceReadUnit, n * float64(rcu) * priceReadUnit},
			{"Lambda duration", gbs, n * gbs, "GB-s", "$0.0000133334 / GB-s", priceLambdaGBs, n * gbs * priceLambdaGBs},
			{"Lambda requests", 1, n, "requests", "$0.20 / million", priceLambdaCall, n * priceLambdaCall},
			{"API Gateway HTTP API", 1, n, "requests", "$1.00 / million", priceHTTPAPICall, n * priceHTTPAPICall},
			{"SES e-mails", mailsPerBooking, n * mailsPerBooking, "e-mails", "$0.10 / 1,000", priceSESMail, n * mailsPerBooking * priceSESMail},
		}
		var b strings.Builder
		fmt.Fprintf(&b, "\n%s: %d WCU, %d RCU, handler %v (billed %.0f ms at %d MB)\n", name, wcu, rcu, took.Round(100*time.Microsecond), ms, mem)
		fmt.Fprintf(&b, "| %s | per booking | per 1,000 bookings | price | cost of 1,000 |\n|---|---|---|---|---|\n", name)
		total := 0.0
		for _, r := range rows {
			prec := 0
			if r.per != math.Trunc(r.per) {
				prec = 4
			}
			fmt.Fprintf(&b, "| %s | %.*f %s | %.*f %s | %s | $%.5f |\n", r.what, prec, r.per, r.unit, prec, r.total, r.unit, r.price, r.c)
			total += r.c
		}
		fmt.Fprintf(&b, "| total | | | | $%.5f |\n", total)
		return b.String()
	}
	t.Logf("prices: %s%s%s", pricesAsOf,
		table("warm container (steady state)", maxWCU, median.rcu, median.took),
		table("cold container (first booking)", cold.wcu, cold.rcu, cold.took))
}
