package httpapi

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/tandem"
)

const goRequest = `{"topics":["Go"],"goal":"Write idiomatic concurrent Go.","durationMin":30,
  "preferredTimes":[{"weekday":"wed","startHour":13,"endHour":18},{"weekday":"thu","startHour":13,"endHour":18}],
  "language":"en","urgency":"normal","timezone":"Europe/London"}`

var hrUser = &tandem.Caller{UserID: "u-hr", OrgID: "acme", Name: "Hana HR", Department: "People", Roles: []tandem.Role{tandem.RoleHR}}

func (f *fixture) postRequest(t *testing.T, c *tandem.Caller) requestJSON {
	t.Helper()
	res := f.requests.do("POST", "/v1/requests", goRequest, c)
	if res.Status != 201 {
		t.Fatalf("post request: %d %s", res.Status, res.Body)
	}
	var r requestJSON
	res.decode(t, &r)
	return r
}

func (f *fixture) offerOn(c *tandem.Caller, reqID string, starts ...string) response {
	return f.requests.do("POST", "/v1/requests/"+reqID+"/offers",
		fmt.Sprintf(`{"sessionType":"intro","starts":["%s"]}`, strings.Join(starts, `","`)), c)
}

func (f *fixture) accept(c *tandem.Caller, reqID, key, expertID, start string) response {
	return f.requests.do("POST", "/v1/requests/"+reqID+"/accept", fmt.Sprintf(`{"expertId":"%s","start":"%s"}`, expertID, start), c, "Idempotency-Key", key)
}

func TestRequestMatchOfferAcceptFlow(t *testing.T) {
	f := newBookingFixture(t, "instant", 0)
	// A second Go expert, in another department than Bob (Sales) is Alice too; Erin is in
	// Sales and has no free time, so Alice should rank first.
	erin := &tandem.Caller{UserID: "u-erin", OrgID: "acme", Name: "Erin", Department: "Sales", Roles: []tandem.Role{tandem.RoleExpert}}
	f.api.do("PUT", "/v1/experts/me", strings.Replace(fmt.Sprintf(bookingProfile, "instant", 0), "America/New_York", "Asia/Tokyo", 1), erin)

	req := f.postRequest(t, bobLearner)
	if req.Status != tandem.RequestOpen || req.ExpiresAt.IsZero() {
		t.Fatalf("request = %+v", req)
	}
	f.counter.Reset()
	res := f.requests.do("GET", "/v1/requests/"+req.ID+"/matches", "", bobLearner)
	if res.Status != 200 {
		t.Fatalf("matches: %d %s", res.Status, res.Body)
	}
	if n := f.counter.Count("Scan"); n != 0 {
		t.Errorf("matching scanned the table %d times", n)
	}
	// Bounded reads: request, settings, history (two index queries); one topic query; two
	// per scored candidate.
	if n, limit := f.counter.Total(), 4+1+2*2; n > limit {
		t.Errorf("matches made %d calls %v, want ≤ %d", n, f.counter.Calls(), limit)
	}
	var m struct {
		Items []matchJSON
	}
	res.decode(t, &m)
	if len(m.Items) != 2 || m.Items[0].Expert.ID != "u-alice" {
		t.Fatalf("matches = %+v, want alice first of two", m.Items)
	}
	for _, it := range m.Items {
		sum := 0.0
		for _, s := range it.Signals {
			sum += s.Points
		}
		if math.Abs(sum-it.Score) > 1e-9 || len(it.Signals) != 7 {
			t.Errorf("%s: signals sum to %v, score %v (%d signals)", it.Expert.ID, sum, it.Score, len(it.Signals))
		}
	}

	// Alice sees the request on her board and offers two times.
	board := f.requests.do("GET", "/v1/requests/board", "", aliceExpert)
	var bd struct{ Items []requestJSON }
	board.decode(t, &bd)
	if len(bd.Items) != 1 || bd.Items[0].ID != req.ID {
		t.Fatalf("board = %d %s", board.Status, board.Body)
	}
	if res := f.offerOn(aliceExpert, req.ID, wed0900, "2027-03-04T14:00:00Z"); res.Status != 201 {
		t.Fatalf("offer: %d %s", res.Status, res.Body)
	}
	var got requestJSON
	f.requests.do("GET", "/v1/requests/"+req.ID, "", bobLearner).decode(t, &got)
	if got.Status != tandem.RequestOffered || len(got.Offers) != 1 || len(got.Offers[0].Starts) != 2 {
		t.Fatalf("after the offer: %+v", got)
	}
	// Accepting a time that was not offered is refused; an offered one books.
	if res := f.accept(bobLearner, req.ID, "accept-key-0", "u-alice", "2027-03-05T14:00:00Z"); res.Status != 400 {
		t.Errorf("accepting an unoffered time: %d %s", res.Status, res.Body)
	}
	res = f.accept(bobLearner, req.ID, "accept-key-1", "u-alice", wed0900)
	if res.Status != 201 {
		t.Fatalf("accept: %d %s", res.Status, res.Body)
	}
	var b bookingJSON
	res.decode(t, &b)
	if b.RequestID != req.ID || b.Status != tandem.StatusConfirmed {
		t.Errorf("booking = %+v", b)
	}
	f.requests.do("GET", "/v1/requests/"+req.ID, "", bobLearner).decode(t, &got)
	if got.Status != tandem.RequestBooked || got.BookingID != b.ID || got.MatchedAt == nil {
		t.Errorf("request after accept: %+v", got)
	}
	// The other offered time cannot be accepted too, and no new offers are taken.
	if res := f.accept(bobLearner, req.ID, "accept-key-2", "u-alice", "2027-03-04T14:00:00Z"); res.Status != 409 || res.problem(t).Extra["conflict"] != "request_closed" {
		t.Errorf("second accept: %d %s, want 409 request_closed", res.Status, res.Body)
	}
	if res := f.offerOn(aliceExpert, req.ID, "2027-03-05T14:00:00Z"); res.Status != 409 {
		t.Errorf("offer on a booked request: %d", res.Status)
	}
	// A poor match reopens the request for new matches.
	f.setNow(b.End.Add(time.Hour))
	fb := f.feedback.do("POST", "/v1/bookings/"+b.ID+"/feedback", `{"rating":2,"recommend":3,"matchFit":"poor"}`, bobLearner)
	var fj feedbackJSON
	fb.decode(t, &fj)
	if fb.Status != 201 || !fj.RematchOffered {
		t.Errorf("poor-fit feedback: %d %s, want rematchOffered", fb.Status, fb.Body)
	}
	f.requests.do("GET", "/v1/requests/"+req.ID, "", bobLearner).decode(t, &got)
	if got.Status != tandem.RequestOpen || got.MatchedAt == nil {
		t.Errorf("after a poor match: %+v, want open again with the first match time kept", got)
	}
}

// TestAcceptOfferInApprovalMode: an expert in approval mode who offers times herself is not
// asked to approve the learner's acceptance again (issue 19): the booking is confirmed at
// once, while a direct booking with her still waits for approval.
func TestAcceptOfferInApprovalMode(t *testing.T) {
	f := newBookingFixture(t, "approval", 0)
	req := f.postRequest(t, bobLearner)
	if res := f.offerOn(aliceExpert, req.ID, wed0900); res.Status != 201 {
		t.Fatalf("offer: %d %s", res.Status, res.Body)
	}
	res := f.accept(bobLearner, req.ID, "approval-accept-1", "u-alice", wed0900)
	if res.Status != 201 {
		t.Fatalf("accept: %d %s", res.Status, res.Body)
	}
	var b bookingJSON
	res.decode(t, &b)
	if b.Status != tandem.StatusConfirmed || b.HoldUntil != nil {
		t.Errorf("accepted offer in approval mode: status %q hold %v, want confirmed without a hold", b.Status, b.HoldUntil)
	}
	var got requestJSON
	f.requests.do("GET", "/v1/requests/"+req.ID, "", bobLearner).decode(t, &got)
	if got.Status != tandem.RequestBooked {
		t.Errorf("request status %q, want booked", got.Status)
	}
	// A direct booking still asks her.
	direct := f.bookings.do("POST", "/v1/bookings", `{"expertId":"u-alice","sessionType":"intro","start":"2027-03-04T14:00:00Z"}`, bobLearner, "Idempotency-Key", "approval-direct-1")
	var d bookingJSON
	direct.decode(t, &d)
	if direct.Status != 201 || d.Status != tandem.StatusPending {
		t.Errorf("direct booking in approval mode: %d %q, want 201 pending", direct.Status, d.Status)
	}
}

// TestOfferRaces: Alice offers the same time to two learners; both accept at once and only
// one gets it. Then she offers a time that has meanwhile been booked: a clear 409.
func TestOfferRaces(t *testing.T) {
	f := newBookingFixture(t, "instant", 0)
	r1, r2 := f.postRequest(t, bobLearner), f.postRequest(t, learner(1))
	for _, r := range []requestJSON{r1, r2} {
		if res := f.offerOn(aliceExpert, r.ID, wed0900); res.Status != 201 {
			t.Fatalf("offer: %d %s", res.Status, res.Body)
		}
	}
	var wg sync.WaitGroup
	results := make([]response, 2)
	for i, c := range []*tandem.Caller{bobLearner, learner(1)} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = f.accept(c, []requestJSON{r1, r2}[i].ID, fmt.Sprintf("race-accept-%d", i), "u-alice", wed0900)
		}()
	}
	wg.Wait()
	codes := []int{results[0].Status, results[1].Status}
	if !(codes[0] == 201 && codes[1] == 409 || codes[0] == 409 && codes[1] == 201) {
		t.Errorf("accept race: %v, want one 201 and one 409", codes)
	}
	// The loser's request is still open for another time.
	r3 := f.postRequest(t, learner(2))
	f.mustBook(t, learner(3), "meanwhile-1", "2027-03-04T14:00:00Z", "intro")
	res := f.offerOn(aliceExpert, r3.ID, "2027-03-04T14:00:00Z")
	if res.Status != 409 || res.problem(t).Extra["conflict"] != "slot_taken" {
		t.Errorf("offering a booked time: %d %s, want 409 slot_taken", res.Status, res.Body)
	}
}

func TestRequestAuthorization(t *testing.T) {
	f := newBookingFixture(t, "instant", 0)
	req := f.postRequest(t, bobLearner)
	for _, c := range []*tandem.Caller{learner(2), oscarOtherOrg} {
		if res := f.requests.do("GET", "/v1/requests/"+req.ID, "", c); res.Status != 404 {
			t.Errorf("%s reading bob's request: %d, want 404", c.UserID, res.Status)
		}
		if res := f.requests.do("GET", "/v1/requests/"+req.ID+"/matches", "", c); res.Status != 404 {
			t.Errorf("%s reading bob's matches: %d, want 404", c.UserID, res.Status)
		}
	}
	var mine struct{ Items []requestJSON }
	f.requests.do("GET", "/v1/requests", "", learner(2)).decode(t, &mine)
	if len(mine.Items) != 0 {
		t.Errorf("learner 2 lists %d requests, want none", len(mine.Items))
	}
	if res := f.requests.do("GET", "/v1/requests/board", "", bobLearner); res.Status != 403 {
		t.Errorf("learner on the board: %d, want 403", res.Status)
	}
	weights := `{"matching":{"topic":0.5,"capacity":0.1,"language":0.1,"timezone":0.1,"rating":0.1,"load":0.05,"connection":0.05},"lateCancelHours":12,"requestExpiryDays":7}`
	for _, c := range []*tandem.Caller{bobLearner, aliceExpert} {
		if res := f.requests.do("PUT", "/v1/org/settings", weights, c); res.Status != 403 {
			t.Errorf("%s changing weights: %d, want 403", c.UserID, res.Status)
		}
	}
	if res := f.requests.do("PUT", "/v1/org/settings", strings.Replace(weights, `"topic":0.5`, `"topic":7`, 1), hrUser); res.Status != 400 || res.problem(t).Errors[0].Field != "matching.topic" {
		t.Errorf("bad weight: %d %s", res.Status, res.Body)
	}
	if res := f.requests.do("PUT", "/v1/org/settings", weights, hrUser); res.Status != 200 {
		t.Fatalf("HR sets weights: %d %s", res.Status, res.Body)
	}
	var m struct{ Weights tandem.MatchingWeights }
	f.requests.do("GET", "/v1/requests/"+req.ID+"/matches", "", bobLearner).decode(t, &m)
	if m.Weights.Topic != 0.5 {
		t.Errorf("matches used weights %+v, want HR's", m.Weights)
	}
	// Another org's HR sees its own defaults, not acme's.
	var other tandem.OrgSettings
	f.requests.do("GET", "/v1/org/settings", "", oscarOtherOrg).decode(t, &other)
	if other.Matching.Topic != 0.3 {
		t.Errorf("globex settings = %+v, want defaults", other)
	}
}

func TestRequestBadInput(t *testing.T) {
	f := newBookingFixture(t, "instant", 0)
	for _, tt := range []struct{ name, body, field string }{
		{"no topics", strings.Replace(goRequest, `["Go"]`, `[]`, 1), "topics"},
		{"no goal", strings.Replace(goRequest, "Write idiomatic concurrent Go.", "", 1), "goal"},
		{"bad window", strings.Replace(goRequest, `"startHour":13,"endHour":18},{`, `"startHour":19,"endHour":18},{`, 1), "preferredTimes[0]"},
		{"bad weekday", strings.Replace(goRequest, `"wed"`, `"wednesday"`, 1), "preferredTimes[0].weekday"},
		{"bad urgency", strings.Replace(goRequest, `"normal"`, `"asap"`, 1), "urgency"},
		{"bad zone", strings.Replace(goRequest, "Europe/London", "Moon/Base", 1), "timezone"},
		{"unknown field", strings.Replace(goRequest, `"goal"`, `"budget":1,"goal"`, 1), "budget"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := f.requests.do("POST", "/v1/requests", tt.body, bobLearner)
			if res.Status != 400 {
				t.Fatalf("status %d: %s", res.Status, res.Body)
			}
			var fields []string
			for _, fe := range res.problem(t).Errors {
				fields = append(fields, fe.Field)
			}
			if !slices.Contains(fields, tt.field) {
				t.Errorf("fields %v, want %q", fields, tt.field)
			}
		})
	}
}
