package booking

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/availability"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/dynamo/dynamotest"
	"github.com/tandemhq/tandem/internal/tandem"
)

func TestDecideNext(t *testing.T) {
	one := []tandem.Waiter{{Key: "k"}}
	tests := []struct {
		name  string
		c     tandem.Circle
		first []tandem.Waiter
		want  next
	}{
		{"full", tandem.Circle{Seats: 4, Taken: 4, Waiting: 3}, one, stop},
		{"called off", tandem.Circle{Seats: 4, Taken: 1, Waiting: 3, Cancelled: true}, one, stop},
		{"nobody waits, seats held", tandem.Circle{Seats: 4, Taken: 2}, nil, stop},
		{"nobody waits, nobody holds", tandem.Circle{Seats: 4}, nil, dissolve},
		{"a place being written", tandem.Circle{Seats: 4, Taken: 3, Waiting: 1}, nil, stop},
		{"a free seat and a waiter", tandem.Circle{Seats: 4, Taken: 3, Waiting: 1}, one, offer},
	}
	for _, tt := range tests {
		if got := decideNext(&tt.c, tt.first); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestReleaseSeat(t *testing.T) {
	tests := []struct {
		name string
		c    tandem.Circle
		want dynamo.SeatRelease
	}{
		{"last seat, nobody waits", tandem.Circle{Seats: 4, Taken: 1}, dynamo.SeatRelease{Dissolve: true}},
		{"last seat, someone waits", tandem.Circle{Seats: 4, Taken: 1, Waiting: 2}, dynamo.SeatRelease{Offer: true}},
		{"other seats held", tandem.Circle{Seats: 4, Taken: 3}, dynamo.SeatRelease{Offer: true}},
		{"full with a waitlist", tandem.Circle{Seats: 4, Taken: 4, Waiting: 1}, dynamo.SeatRelease{Offer: true}},
		{"called off, last seat, others waiting", tandem.Circle{Seats: 4, Taken: 1, Waiting: 2, Cancelled: true}, dynamo.SeatRelease{Dissolve: true}},
		{"called off, seats held", tandem.Circle{Seats: 4, Taken: 2, Cancelled: true}, dynamo.SeatRelease{}},
	}
	for _, tt := range tests {
		if got := ReleaseSeat(tt.c); got != tt.want {
			t.Errorf("%s: %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestSkipReason(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{&tandem.Error{Code: tandem.EConflict, Detail: map[string]any{"conflict": "learner_busy"}}, SkipBusy},
		{&tandem.Error{Code: tandem.ELimitExceeded, Detail: map[string]any{"limit": "active"}}, SkipActiveLimit},
		{&tandem.Error{Code: tandem.ELimitExceeded, Detail: map[string]any{"limit": "budget_org"}}, SkipBudget},
		{&tandem.Error{Code: tandem.ELimitExceeded, Detail: map[string]any{"limit": "budget_department"}}, SkipBudget},
		{&tandem.Error{Code: tandem.EConflict, Detail: map[string]any{"conflict": "expert_busy"}}, ""},
		{errors.New("network"), ""},
		{nil, ""},
	}
	for _, tt := range tests {
		if got := skipReason(tt.err); got != tt.want {
			t.Errorf("skipReason(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

func TestLimitKeysAcrossDST(t *testing.T) {
	// Sunday 9 March 2025, 23:30 in New York (after spring forward) is Monday 03:30 UTC.
	day, week := LimitKeys(time.Date(2025, 3, 10, 3, 30, 0, 0, time.UTC), "America/New_York")
	if day != "2025-03-09" || week != "2025-03-03" {
		t.Errorf("LimitKeys = %s, %s; want the local Sunday and its week's Monday", day, week)
	}
	if day, week := LimitKeys(time.Date(2025, 3, 10, 3, 30, 0, 0, time.UTC), "Nowhere/Invalid"); day != "2025-03-10" || week != "2025-03-10" {
		t.Errorf("unknown zone: %s, %s; want UTC", day, week)
	}
}

func TestStartErrorNamesTheField(t *testing.T) {
	err := StartError(&tandem.Error{Code: tandem.EInvalid, Message: "Too soon."}, "start")
	var e *tandem.Error
	if !errors.As(err, &e) || len(e.Fields) != 1 || e.Fields[0].Field != "start" {
		t.Errorf("invalid: %+v", err)
	}
	err = StartError(&tandem.Error{Code: tandem.EConflict, Detail: map[string]any{"reason": availability.ReasonBusy}}, "start")
	if !errors.As(err, &e) || e.Detail["conflict"] != "expert_busy" {
		t.Errorf("busy: %+v", err)
	}
}

// TestBookThroughTheStore books once, replays, refuses the key with another body and tells a
// second learner the expert is busy, against DynamoDB Local.
func TestBookThroughTheStore(t *testing.T) {
	now := time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)
	store := dynamotest.New(t, dynamotest.Options{Now: func() time.Time { return now }})
	ctx := context.Background()
	expert := &tandem.Expert{ID: "u-alice", OrgID: "acme", Name: "Alice", Email: "alice@acme.test", Department: "Eng",
		Timezone: "America/New_York", BookingMode: tandem.BookingApproval, MeetingURL: "https://meet.example.com/a",
		SessionTypes: []tandem.SessionType{{ID: "intro", Name: "Intro", DurationMin: 30, BufferAfterMin: 10}},
		Limits:       tandem.Limits{MinNoticeMin: 120, HorizonDays: 30, MaxPerDay: 4, StartIncrementMin: 30}}
	if err := store.PutExpert(ctx, expert); err != nil {
		t.Fatalf("PutExpert: %v", err)
	}
	nine := availability.LocalInterval{Start: "09:00", End: "17:00"}
	sch := availability.Schedule{Timezone: "America/New_York", Weekly: availability.Weekly{Wed: []availability.LocalInterval{nine}}}
	if err := store.PutAvailability(ctx, "acme", "u-alice", &sch); err != nil {
		t.Fatalf("PutAvailability: %v", err)
	}
	svc := New(store, func() time.Time { return now })
	render := func(o Outcome) ([]byte, error) { return []byte(o.Booking.ID + " " + string(o.Booking.Status)), nil }
	start := time.Date(2027, 3, 3, 14, 0, 0, 0, time.UTC)
	in := tandem.BookInput{ExpertID: "u-alice", SessionType: "intro", Start: start}
	bob := tandem.Party{ID: "u-bob", Name: "Bob", Department: "Sales"}
	res, err := svc.Book(ctx, Request{Org: "acme", Learner: bob, Input: in, Key: "key-one-0001", Body: []byte("a"), Render: render})
	if err != nil {
		t.Fatal(err)
	}
	b := res.Booking
	if res.Status != http.StatusCreated || res.Replayed || b.Status != tandem.StatusPending || !b.HoldUntil.Equal(now.Add(tandem.DefaultHold)) ||
		string(res.Body) != b.ID+" pending" {
		t.Fatalf("booked: %+v %+v", res, b)
	}
	again, err := svc.Book(ctx, Request{Org: "acme", Learner: bob, Input: in, Key: "key-one-0001", Body: []byte("a"), Render: render})
	if err != nil || !again.Replayed || string(again.Body) != string(res.Body) || again.Status != http.StatusCreated {
		t.Errorf("replay: %+v, %v", again, err)
	}
	if _, err := svc.Book(ctx, Request{Org: "acme", Learner: bob, Input: in, Key: "key-one-0001", Body: []byte("b"), Render: render}); tandem.ErrorCode(err) != tandem.EUnprocessable {
		t.Errorf("key with another body: %v", err)
	}
	ann := tandem.Party{ID: "u-ann", Name: "Ann", Department: "Sales"}
	_, err = svc.Book(ctx, Request{Org: "acme", Learner: ann, Input: in, Key: "key-two-0001", Body: []byte("a"), Render: render})
	var e *tandem.Error
	if !errors.As(err, &e) || e.Code != tandem.EConflict || e.Detail["conflict"] != "expert_busy" {
		t.Errorf("second learner: %v", err)
	}
}
