package dynamo_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/dynamo/dynamotest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// TestCheckInsInOneSecondKeepTheirOrder: check-ins of the same second come back in time order
// whichever way their (random) ids sort and whichever was written first; check-ins of the same
// millisecond in the order they were written; a whole-second check-in stored before
// millisecond keys keeps its place (before those later in its second).
func TestCheckInsInOneSecondKeepTheirOrder(t *testing.T) {
	cfg := dynamotest.Config(t, dynamotest.Options{Now: func() time.Time { return clock }})
	store, err := dynamo.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	sec := time.Date(2027, 3, 1, 10, 0, 0, 0, time.UTC)
	add := func(m, id string, at time.Time) *tandem.CheckIn {
		t.Helper()
		ci := &tandem.CheckIn{ID: id, Kind: tandem.CheckInSession, Ratings: []int{3}, At: at}
		if err := store.AddCheckIn(ctx, "acme", m, ci); err != nil {
			t.Fatal(err)
		}
		return ci
	}
	order := func(m string) []string {
		t.Helper()
		cis, err := store.CheckIns(ctx, "acme", m)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, c := range cis {
			ids = append(ids, c.ID)
		}
		return ids
	}
	want := func(m string, ids ...string) {
		t.Helper()
		if got := order(m); !slices.Equal(got, ids) {
			t.Errorf("%s: check-ins %v, want %v", m, got, ids)
		}
	}

	// The earlier one has the greater id, written first and written second.
	add("m1", "zz", sec.Add(100*time.Millisecond))
	add("m1", "aa", sec.Add(900*time.Millisecond))
	want("m1", "zz", "aa")
	add("m2", "aa", sec.Add(900*time.Millisecond))
	add("m2", "zz", sec.Add(100*time.Millisecond))
	want("m2", "zz", "aa")
	// The earlier one has the smaller id, both ways.
	add("m3", "aa", sec.Add(100*time.Millisecond))
	add("m3", "zz", sec.Add(900*time.Millisecond))
	want("m3", "aa", "zz")
	add("m4", "zz", sec.Add(900*time.Millisecond))
	add("m4", "aa", sec.Add(100*time.Millisecond))
	want("m4", "aa", "zz")

	// The same millisecond (a finer difference is dropped): the order written, both ways.
	first := add("m5", "zz", sec.Add(500*time.Millisecond+300*time.Microsecond))
	second := add("m5", "aa", sec.Add(500*time.Millisecond+100*time.Microsecond))
	want("m5", "zz", "aa")
	if !first.At.Equal(sec.Add(500*time.Millisecond)) || first.Seq != 1 || second.Seq != 2 {
		t.Errorf("stored as %v #%d and %v #%d, want the millisecond and 1, 2", first.At, first.Seq, second.At, second.Seq)
	}
	add("m6", "aa", sec.Add(500*time.Millisecond))
	add("m6", "zz", sec.Add(500*time.Millisecond))
	want("m6", "aa", "zz")

	// A check-in stored before, with a whole-second key (its time truncated to the second):
	// it comes before the ones later in its second, after those of the second before.
	client, err := dynamo.NewClient(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	s := func(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
	if _, err := client.PutItem(ctx, &dynamodb.PutItemInput{TableName: &cfg.Table, Item: map[string]types.AttributeValue{
		"PK": s("ORG#acme#MENTORSHIP#m7"), "SK": s("CHECKIN#2027-03-01T10:00:00Z#zz-old"), "type": s("mentorCheckIn"),
		"id": s("zz-old"), "kind": s("start"), "ratings": &types.AttributeValueMemberL{Value: []types.AttributeValue{&types.AttributeValueMemberN{Value: "2"}}},
		"comment": s(""), "at": s("2027-03-01T10:00:00Z")}}); err != nil {
		t.Fatal(err)
	}
	add("m7", "late", sec.Add(-time.Millisecond))
	add("m7", "next", sec.Add(200*time.Millisecond))
	add("m7", "same", sec)
	want("m7", "late", "zz-old", "same", "next")
	cis, _ := store.CheckIns(ctx, "acme", "m7")
	if len(cis) == 4 && (cis[1].Kind != tandem.CheckInStart || len(cis[1].Ratings) != 1 || cis[1].Ratings[0] != 2 || !cis[1].At.Equal(sec)) {
		t.Errorf("the whole-second check-in reads as %+v", cis[1])
	}
}

// TestCheckInsOfOneMillisecondRacing: check-ins put at once for the same millisecond all land,
// each with its own seq (the put's condition decides, no read), and list in seq order.
func TestCheckInsOfOneMillisecondRacing(t *testing.T) {
	store := newStore(t)
	at := time.Date(2027, 3, 1, 10, 0, 0, 250_000_000, time.UTC)
	const n = 8
	cis := make([]*tandem.CheckIn, n)
	var wg sync.WaitGroup
	for i := range n {
		cis[i] = &tandem.CheckIn{ID: fmt.Sprintf("c%d", i), Kind: tandem.CheckInSession, Ratings: []int{1 + i%5}, At: at}
		wg.Go(func() {
			if err := store.AddCheckIn(ctx, "acme", "m", cis[i]); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	got, err := store.CheckIns(ctx, "acme", "m")
	if err != nil {
		t.Fatal(err)
	}
	bySeq := map[int]string{}
	for _, c := range cis {
		bySeq[c.Seq] = c.ID
	}
	if len(got) != n || len(bySeq) != n {
		t.Fatalf("%d stored, %d distinct seqs; want %d each", len(got), len(bySeq), n)
	}
	for i, c := range got {
		if c.Seq != i+1 || c.ID != bySeq[i+1] || !c.At.Equal(at) {
			t.Errorf("check-in %d: %s #%d at %v, want %s #%d", i, c.ID, c.Seq, c.At, bySeq[i+1], i+1)
		}
	}
}

// TestCheckInPutAgainIsOne: a check-in put again (the SDK retrying a put that had landed) is
// the one already stored, not a second one at the next seq.
func TestCheckInPutAgainIsOne(t *testing.T) {
	store := newStore(t)
	at := time.Date(2027, 3, 1, 10, 0, 0, 0, time.UTC)
	for range 2 {
		ci := &tandem.CheckIn{ID: "c1", Kind: tandem.CheckInStart, Ratings: []int{2}, At: at}
		if err := store.AddCheckIn(ctx, "acme", "m", ci); err != nil || ci.Seq != 1 {
			t.Fatalf("put: seq %d, %v; want 1", ci.Seq, err)
		}
	}
	if got, err := store.CheckIns(ctx, "acme", "m"); err != nil || len(got) != 1 {
		t.Fatalf("%d check-ins (%v), want 1", len(got), err)
	}
}
