package httpapi

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/tandem"
)

// boardPage reads one page of c's board.
func (f *fixture) boardPage(t *testing.T, c *tandem.Caller, query string) ([]requestJSON, string) {
	t.Helper()
	res := f.requests.do("GET", "/v1/requests/board"+query, "", c)
	if res.Status != 200 {
		t.Fatalf("board%s: %d %s", query, res.Status, res.Body)
	}
	var page struct {
		Items      []requestJSON
		NextCursor string
	}
	res.decode(t, &page)
	return page.Items, page.NextCursor
}

// wholeBoard pages through c's board, limit at a time.
func (f *fixture) wholeBoard(t *testing.T, c *tandem.Caller, limit int) [][]string {
	t.Helper()
	var pages [][]string
	cursor := ""
	for range 20 {
		items, next := f.boardPage(t, c, fmt.Sprintf("?limit=%d&cursor=%s", limit, cursor))
		var ids []string
		for _, it := range items {
			ids = append(ids, it.ID)
		}
		pages = append(pages, ids)
		if next == "" {
			return pages
		}
		cursor = next
	}
	t.Fatal("board did not end after 20 pages")
	return nil
}

func (f *fixture) openOn(t *testing.T, c *tandem.Caller) []string {
	t.Helper()
	ids, err := f.store.OpenRequests(context.Background(), c.OrgID, c.UserID)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(ids)
	return ids
}

// TestOpenRequestCap: a learner holds at most five open requests; a sixth is 429
// open_requests with a message saying what to do. Closing one, its booking and its expiry
// each free a place; others are not affected.
func TestOpenRequestCap(t *testing.T) {
	f := newBookingFixture(t, "instant", 0)
	var mine []requestJSON
	for range tandem.MaxOpenRequests {
		mine = append(mine, f.postRequest(t, bobLearner))
	}
	res := f.requests.do("POST", "/v1/requests", goRequest, bobLearner)
	p := res.problem(t)
	if res.Status != 429 || p.Code != tandem.ELimitExceeded || p.Extra["limit"] != "open_requests" || !strings.Contains(p.Detail, "5 open requests") {
		t.Fatalf("sixth request: %d %s, want 429 limit open_requests", res.Status, res.Body)
	}
	f.postRequest(t, learner(1)) // someone else is not affected

	// Closing frees the place in the same transaction; closing again changes nothing; the
	// closed request leaves the board.
	res = f.requests.do("POST", "/v1/requests/"+mine[0].ID+"/close", "", bobLearner)
	var closed requestJSON
	res.decode(t, &closed)
	if res.Status != 200 || closed.Status != tandem.RequestClosed {
		t.Fatalf("close: %d %s", res.Status, res.Body)
	}
	if got := f.openOn(t, bobLearner); len(got) != 4 || slices.Contains(got, mine[0].ID) {
		t.Errorf("counter after closing = %v, want the four others", got)
	}
	if res := f.requests.do("POST", "/v1/requests/"+mine[0].ID+"/close", "", bobLearner); res.Status != 200 {
		t.Errorf("closing again: %d %s", res.Status, res.Body)
	}
	if res := f.requests.do("POST", "/v1/requests/"+mine[1].ID+"/close", "", learner(1)); res.Status != 404 {
		t.Errorf("closing another's request: %d, want 404", res.Status)
	}
	items, _ := f.boardPage(t, aliceExpert, "")
	for _, it := range items {
		if it.ID == mine[0].ID {
			t.Error("a closed request is on the board")
		}
	}
	mine = append(mine[1:], f.postRequest(t, bobLearner))

	// A booked request stops counting: the next post finds it booked and releases it.
	if res := f.offerOn(aliceExpert, mine[0].ID, wed0900); res.Status != 201 {
		t.Fatalf("offer: %d %s", res.Status, res.Body)
	}
	if res := f.accept(bobLearner, mine[0].ID, "cap-accept-1", "u-alice", wed0900); res.Status != 201 {
		t.Fatalf("accept: %d %s", res.Status, res.Body)
	}
	if res := f.requests.do("POST", "/v1/requests/"+mine[0].ID+"/close", "", bobLearner); res.Status != 409 || res.problem(t).Extra["status"] != "booked" {
		t.Errorf("closing a booked request: %d %s, want 409 status booked", res.Status, res.Body)
	}
	mine = append(mine[1:], f.postRequest(t, bobLearner))
	if got := f.openOn(t, bobLearner); len(got) != 5 {
		t.Errorf("counter after a booking and a new post = %v, want five", got)
	}
	if res := f.requests.do("POST", "/v1/requests", goRequest, bobLearner); res.Status != 429 {
		t.Errorf("sixth open request after the booking: %d, want 429", res.Status)
	}

	// The scheduler's expiry releases in its own transaction; expiry not yet recorded frees
	// places too (the post finds the requests expired).
	f.setNow(f.clock().Add(15 * 24 * time.Hour))
	if err := f.store.ExpireRequest(context.Background(), "acme", mine[0].ID); err != nil {
		t.Fatal(err)
	}
	if got := f.openOn(t, bobLearner); len(got) != 4 || slices.Contains(got, mine[0].ID) {
		t.Errorf("counter after the scheduler expired one = %v, want the other four", got)
	}
	for range tandem.MaxOpenRequests {
		f.postRequest(t, bobLearner)
	}
	if got := f.openOn(t, bobLearner); len(got) != 5 {
		t.Errorf("counter after five new posts = %v, want five", got)
	}
}

// TestOpenRequestCapHoldsUnderRace: sixty concurrent posts by one learner: exactly five are
// created, the rest refused with 429, and the counter holds exactly the five.
func TestOpenRequestCapHoldsUnderRace(t *testing.T) {
	f := newFixture(t)
	const n = 60
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { statuses[i] = f.requests.do("POST", "/v1/requests", goRequest, bobLearner).Status })
	}
	wg.Wait()
	count := map[int]int{}
	for _, s := range statuses {
		count[s]++
	}
	if count[201] != tandem.MaxOpenRequests || count[429] != n-tandem.MaxOpenRequests {
		t.Fatalf("statuses %v, want %d × 201 and %d × 429", count, tandem.MaxOpenRequests, n-tandem.MaxOpenRequests)
	}
	page, err := f.store.ListLearnerRequests(context.Background(), "acme", bobLearner.UserID, "", 50)
	if err != nil {
		t.Fatal(err)
	}
	var stored []string
	for _, r := range page.Requests {
		stored = append(stored, r.ID)
	}
	slices.Sort(stored)
	if got := f.openOn(t, bobLearner); !slices.Equal(got, stored) || len(stored) != tandem.MaxOpenRequests {
		t.Errorf("counter %v, stored requests %v: want the same five", got, stored)
	}
}

// TestBoardIsFair: one learner's five requests cannot crowd out the others: the board shows
// every learner's first open request before anyone's second, the longest-waiting first, and
// pages through everything with a cursor, each request once; never the expert's own.
func TestBoardIsFair(t *testing.T) {
	f := newBookingFixture(t, "instant", 0)
	start := f.clock()
	step := func() { f.setNow(f.clock().Add(time.Minute)) }
	var flood []string
	for range tandem.MaxOpenRequests {
		flood = append(flood, f.postRequest(t, bobLearner).ID)
		step()
	}
	b := f.postRequest(t, learner(1)).ID
	step()
	c := f.postRequest(t, learner(2)).ID
	step()
	f.postRequest(t, aliceExpert) // her own: never on her board
	step()
	d := f.postRequest(t, learner(3)).ID
	_ = start

	pages := f.wholeBoard(t, aliceExpert, 3)
	want := [][]string{{flood[0], b, c}, {d, flood[1], flood[2]}, {flood[3], flood[4]}}
	if fmt.Sprint(pages) != fmt.Sprint(want) {
		t.Errorf("board pages %v, want %v", pages, want)
	}
	// The default page holds them all, in the same order.
	items, next := f.boardPage(t, aliceExpert, "")
	var all []string
	for _, it := range items {
		all = append(all, it.ID)
	}
	if fmt.Sprint(all) != fmt.Sprint(slices.Concat(want...)) || next != "" {
		t.Errorf("default board %v (next %q), want %v", all, next, slices.Concat(want...))
	}
	// Requests that stop looking leave it; a bad cursor is a field error.
	if res := f.requests.do("POST", "/v1/requests/"+b+"/close", "", learner(1)); res.Status != 200 {
		t.Fatalf("close: %d", res.Status)
	}
	if pages := f.wholeBoard(t, aliceExpert, 2); slices.Contains(slices.Concat(pages...), b) || len(slices.Concat(pages...)) != 7 {
		t.Errorf("board after closing %s: %v", b, pages)
	}
	if res := f.requests.do("GET", "/v1/requests/board?cursor=bm90LWEtY3Vyc29y", "", aliceExpert); res.Status != 400 || res.problem(t).Errors[0].Field != "cursor" {
		t.Errorf("bad cursor: %d %s", res.Status, res.Body)
	}
	// Expired requests leave it without the scheduler.
	f.setNow(f.clock().Add(15 * 24 * time.Hour))
	if items, next := f.boardPage(t, aliceExpert, ""); len(items) != 0 || next != "" {
		t.Errorf("board after every request expired: %d items, next %q", len(items), next)
	}
}
