package booking

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"slices"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/tandemhq/tandem/internal/availability"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Service is the booking use case over the one store.
type Service struct {
	store *dynamo.Store
	now   func() time.Time
}

// New returns the use case on store with the clock now (time.Now when nil). It holds no
// other state, so building one per request is as good as sharing one.
func New(store *dynamo.Store, now func() time.Time) *Service {
	return &Service{store: store, now: tandem.ClockOr(now)}
}

// Request is one booking: who books, what, and the idempotency key it is bound to.
type Request struct {
	Org     string
	Learner tandem.Party // the verified caller
	Input   tandem.BookInput
	// Key is the client's Idempotency-Key and Body the request body it is bound to: a retry
	// must send the same body to get the stored response.
	Key  string
	Body []byte
	// Render makes the response stored under Key (see the package doc, "The stored response").
	Render Render
	// ID fixes the booking's id (the demo data's known ids); empty: a new random id.
	ID string
	// PreApproved books a time the expert chose (one they offered on the learner's request):
	// confirmed at once, even in approval mode, since asking the expert to approve their own
	// offer again would only hold it up.
	PreApproved bool
	// Arrived is when the request reached the API (API Gateway's requestContext.timeEpoch):
	// a circle's waitlist is in this order, ties in one millisecond by learner id
	// (dynamo.SeatRequest.Arrived). Zero: when Book is called.
	Arrived time.Time
}

// Outcome is what Render renders: the booking as it is written (or, when Waitlisted, the seat
// that was asked for: a place on its circle's waitlist is written instead) at Now, the
// booking's creation (to the second). A replay renders the booking as it was written again,
// so Render must make the response from the Outcome alone.
type Outcome struct {
	Booking    *tandem.Booking
	Waitlisted bool
	Now        time.Time
}

// Render makes the response body for an outcome.
type Render func(Outcome) ([]byte, error)

// Result is how a booking ended.
type Result struct {
	// Status is 201 (booked), 202 (on the waitlist) or, for a replay, the stored status.
	Status int
	// Body is the response: the stored one for a replay, else what Render made (and stored).
	Body     []byte
	Replayed bool
	// Booking is the booking made (status 201, not a replay).
	Booking *tandem.Booking
	// CircleID is the circle whose waitlist was joined (status 202, not a replay).
	CircleID string
}

// Book books a session for r.Learner (see the package doc for the rules). Errors: invalid
// (with field errors), not_found (expert), conflict (Detail.conflict = expert_busy |
// learner_busy | circle_full | already_waiting | circle_cancelled), limit_exceeded
// (Detail.limit), unprocessable (the key was used with another body).
func (s *Service) Book(ctx context.Context, r Request) (Result, error) {
	arrived := r.Arrived // wall clock, not s.now: the order of a circle's waitlist
	if arrived.IsZero() {
		arrived = time.Now()
	}
	in := r.Input
	if err := in.Validate(); err != nil {
		return Result{}, err
	}
	if in.ExpertID == r.Learner.ID {
		return Result{}, &tandem.Error{Code: tandem.EInvalid, Message: "You cannot book a session with yourself.",
			Fields: []tandem.FieldError{{Field: "expertId", Message: "is you"}}}
	}
	if r.Render == nil {
		return Result{}, errors.New("booking: Request.Render is required")
	}
	sum := sha256.Sum256(r.Body)
	idem := dynamo.IdemRecord{UserID: r.Learner.ID, Key: r.Key, Hash: hex.EncodeToString(sum[:]), Status: http.StatusCreated}
	if r.ID == "" {
		r.ID = KeyedID(r.Org, r.Learner.ID, r.Key)
	}

	// Warm: the container's cached rules (profile, schedule, settings; dynamo.BookingRules)
	// decide a one-to-one booking with no read at all, and the one transaction guards them and
	// takes the stored response's place: a replay fails on its idempotency record and is
	// answered from it (ALL_OLD). Stale rules fail their guard: decide again, cold.
	if rules := s.store.CachedBookingRules(r.Org, in.ExpertID, in.Start); rules != nil {
		if st, ok := rules.Expert.SessionType(in.SessionType); ok && st.Seats <= 1 {
			inputs := &dynamo.SlotInputs{Expert: rules.Expert, Schedule: rules.Schedule, CalendarBusy: rules.CalendarBusy}
			res, err := s.bookWith(ctx, r, idem, inputs, rules, arrived, false)
			if !errors.Is(err, dynamo.ErrRulesChanged) && !errors.Is(err, errRefusedWarm) {
				return res, err
			}
		}
	}

	// Cold, round trip 1 (also after a warm refusal: a refusal is never made on cached rules
	// alone, which may be stale; the fresh reads decide it). The slot inputs' error waits until
	// the stored response is known: a replay answers even when the expert has gone since.
	var (
		stored *dynamo.IdemRecord
		g      errgroup.Group
	)
	g.Go(func() (err error) {
		stored, err = s.store.GetIdempotent(ctx, r.Org, r.Learner.ID, r.Key, r.ID)
		return err
	})
	inputs, rules, errIn := s.store.LoadBookingInputs(ctx, r.Org, in.ExpertID, in.Start, in.Start.Add(24*time.Hour))
	if err := g.Wait(); err != nil {
		return Result{}, err
	}
	if stored != nil {
		return replay(r, stored, idem.Hash)
	}
	if errIn != nil {
		return Result{}, errIn
	}
	return s.bookWith(ctx, r, idem, inputs, rules, arrived, true)
}

// errRefusedWarm is bookWith's answer when cached rules refused the booking before its
// transaction: Book decides again with fresh reads (which also find a stored response).
var errRefusedWarm = errors.New("refused on cached rules")

// bookWith decides with inputs and rules and writes the one transaction (arrived: when the
// request came, a waitlist place's order). checked says whether
// the stored response for the key was read already (cold); if not (warm), a refusal before the
// transaction is errRefusedWarm.
func (s *Service) bookWith(ctx context.Context, r Request, idem dynamo.IdemRecord, inputs *dynamo.SlotInputs, rules *dynamo.BookingRules, arrived time.Time, checked bool) (Result, error) {
	req, body, err := s.decide(r, inputs, rules.Settings, idem)
	if err != nil && !checked {
		return Result{}, errRefusedWarm
	}
	if err != nil {
		return s.replayAfter(ctx, r, idem, err, false, checked)
	}
	req.Rules = rules
	b := req.Booking
	// The one transaction.
	var (
		again      *dynamo.IdemRecord
		waitlisted bool
	)
	if b.CircleID != "" {
		var res dynamo.SeatResult
		req.Arrived = arrived // a waitlist place keeps its arrival through retries
		res, err = s.store.BookSeat(ctx, *req)
		again, waitlisted = res.Replay, res.Waitlisted
	} else {
		again, err = s.store.Book(ctx, req.BookRequest)
	}
	switch {
	case errors.Is(err, dynamo.ErrRulesChanged):
		return Result{}, err
	case err != nil:
		return s.replayAfter(ctx, r, idem, err, true, checked)
	case again != nil:
		return replay(r, again, again.Hash)
	case waitlisted:
		return Result{Status: http.StatusAccepted, Body: req.WaitlistBody, CircleID: b.CircleID}, nil
	}
	return Result{Status: http.StatusCreated, Body: body, Booking: b}, nil
}

// decide checks the start with the slot engine and makes every decision of the booking:
// the transaction to write, with the responses to store rendered.
func (s *Service) decide(r Request, inputs *dynamo.SlotInputs, settings tandem.OrgSettings, idem dynamo.IdemRecord) (_ *dynamo.SeatRequest, body []byte, err error) {
	in := r.Input
	expert := inputs.Expert
	st, ok := expert.SessionType(in.SessionType)
	if !ok {
		return nil, nil, &tandem.Error{Code: tandem.EInvalid, Message: "The expert offers no such session type.",
			Fields: []tandem.FieldError{{Field: "sessionType", Message: "is not one of this expert's session types"}}}
	}
	now := s.now()
	rules := availability.RulesFor(st, expert.Limits)
	circle, err := checkStart(inputs, st, rules, in.Start, now)
	if err != nil {
		return nil, nil, err
	}
	if in.Waitlist && st.Seats <= 1 {
		return nil, nil, &tandem.Error{Code: tandem.EInvalid, Message: "Only group sessions have a waitlist.",
			Fields: []tandem.FieldError{{Field: "waitlist", Message: "applies to group sessions only"}}}
	}
	b := &tandem.Booking{
		ID: r.ID, OrgID: r.Org,
		Expert:      tandem.Party{ID: expert.ID, Name: expert.Name, Email: expert.Email, Department: expert.Department},
		Learner:     r.Learner,
		SessionType: st, Start: in.Start.UTC(), End: in.Start.UTC().Add(time.Duration(st.DurationMin) * time.Minute),
		Status: tandem.StatusConfirmed, Note: in.Note, RequestID: in.RequestID, MeetingURL: expert.MeetingURL,
	}
	if st.Seats > 1 {
		b.CircleID = dynamo.CircleID(r.Org, expert.ID, b.Start) // seats are instant (tandem/circle.go)
	} else if expert.BookingMode == tandem.BookingApproval && !r.PreApproved {
		b.Status = tandem.StatusPending
		b.HoldUntil = now.Add(tandem.DefaultHold).Truncate(time.Second)
		if b.HoldUntil.After(b.Start) {
			b.HoldUntil = b.Start
		}
	}
	day, week := LimitKeys(b.Start, inputs.Schedule.Timezone)
	req := &dynamo.SeatRequest{BookRequest: dynamo.BookRequest{Booking: b, DayKey: day, WeekKey: week, MaxPerDay: rules.MaxPerDay,
		MaxPerWeek: rules.MaxPerWeek, ActiveLimit: tandem.DefaultActiveLimit, Budget: settings.Budget, Idem: idem},
		CircleExists: circle != nil, CircleFull: circle != nil && circle.SeatsLeft() == 0, Waitlist: in.Waitlist}
	// A replay renders the booking as it was written again, at its creation (see Outcome).
	b.CreatedAt = now.UTC().Truncate(time.Second)
	b.UpdatedAt = b.CreatedAt
	if body, err = r.Render(Outcome{Booking: b, Now: b.CreatedAt}); err != nil {
		return nil, nil, err
	}
	if in.Waitlist {
		if req.WaitlistBody, err = r.Render(Outcome{Booking: b, Waitlisted: true, Now: now}); err != nil {
			return nil, nil, err
		}
	}
	return req, body, nil
}

// replay answers with the stored answer, or refuses a key used with another body. A booking's
// response is rendered again from the booking as it was answered (no read: the record is the
// booking); a waitlist place's is its stored body.
func replay(r Request, stored *dynamo.IdemRecord, hash string) (Result, error) {
	if stored.Hash != hash {
		return Result{}, tandem.Errorf(tandem.EUnprocessable, "This Idempotency-Key was already used with a different request.")
	}
	body := stored.Body
	if b := stored.Booking; b != nil {
		var err error
		if body, err = r.Render(Outcome{Booking: b, Now: b.CreatedAt}); err != nil {
			return Result{}, err
		}
	}
	return Result{Status: stored.Status, Body: body, Replayed: true}, nil
}

// KeyedID is the id of the booking made with an Idempotency-Key: derived from the org, the
// learner and the key, so the booking is the key's idempotency record (a retry finds it, and
// its write fails on it); a random one without a key.
func KeyedID(org, learnerID, key string) string {
	if key == "" {
		return NewID()
	}
	return tandem.DerivedID("booking", org, learnerID, key)
}

// replayAfter is the race fix of the package doc ("Concurrent retries with one key"): a
// booking that failed with a conflict or a limit, after round trip 1 found no stored response,
// may have lost to a copy of itself that committed meanwhile; so may a write whose outcome is
// unknown (an internal error: it may even have been this one's). The record is read again
// (consistently) and, if there, answers; otherwise the failure stands. wrote says whether the
// failure came from the transaction (true) or from the checks before it; checked whether round
// trip 1 read the record (cold). Warm, nothing read it before the transaction (a refusal
// before it is decided again cold, which reads it); a failed condition of the transaction
// needs no read, since the idempotency record's own condition was
// evaluated in the same transaction, ahead of the others (a conflict is explained with no
// extra read); contention and unknown outcomes read as below.
func (s *Service) replayAfter(ctx context.Context, r Request, idem dynamo.IdemRecord, failure error, wrote, checked bool) (Result, error) {
	code := tandem.ErrorCode(failure)
	unknown := wrote && code == tandem.EInternal && ctx.Err() == nil
	contended := errors.Is(failure, dynamo.ErrContended)
	raced := code == tandem.EConflict || code == tandem.ELimitExceeded || unknown
	switch {
	case idem.Key == "" || ctx.Err() != nil:
		return Result{}, failure
	case checked && !raced:
		return Result{}, failure
	case !checked && wrote && !unknown && !contended:
		return Result{}, failure
	}
	for attempt := 0; ; attempt++ {
		stored, err := s.store.GetIdempotent(ctx, r.Org, idem.UserID, idem.Key, r.ID)
		if err != nil {
			return Result{}, failure
		}
		if stored != nil {
			return replay(r, stored, idem.Hash)
		}
		// Only contention or an unknown outcome can mean a copy is still committing; any
		// other failure is final.
		if !(unknown || contended) || attempt == 5 {
			return Result{}, failure
		}
		select {
		case <-ctx.Done():
			return Result{}, failure
		case <-time.After(time.Duration(25*(attempt+1)) * time.Millisecond):
		}
	}
}

// checkStart decides, with the slot engine, whether start is bookable for session type st,
// exactly as the slot listing does. For a group session type, a circle already at that start
// is joined: the time must still be within the expert's rules as if the circle were not there
// (it holds the time itself); its seats are the transaction's to decide. It returns that
// circle, or nil.
func checkStart(in *dynamo.SlotInputs, st tandem.SessionType, rules availability.Rules, start, now time.Time) (*tandem.Circle, error) {
	for i := range in.Circles {
		c := &in.Circles[i]
		if !c.Start.Equal(start) {
			continue
		}
		if c.SessionType.ID != st.ID || st.Seats <= 1 {
			break // the expert's time is taken by another session: the engine says busy
		}
		if err := CheckWithCalendars(*in.Schedule, rules, BusyWithout(in.Busy, c), in.CalendarBusy, start, now); err != nil {
			return nil, StartError(err, "start")
		}
		return c, nil
	}
	if err := CheckWithCalendars(*in.Schedule, rules, in.Busy, in.CalendarBusy, start, now); err != nil {
		return nil, StartError(err, "start")
	}
	return nil, nil
}

// CheckWithCalendars is availability.Check against the expert's bookings and then also their
// connected calendars' ranges (the same engine, the same cells), so a time only a connected
// calendar blocks is refused with its own code, expert_calendar_busy, and a plain reason.
func CheckWithCalendars(s availability.Schedule, r availability.Rules, busy, calendar []availability.Busy, start, now time.Time) error {
	if err := availability.Check(s, r, busy, start, now); err != nil || len(calendar) == 0 {
		return err
	}
	all := append(slices.Clip(busy), calendar...)
	err := availability.Check(s, r, all, start, now)
	var e *tandem.Error
	if errors.As(err, &e) && e.Code == tandem.EConflict && e.Detail["reason"] == availability.ReasonBusy {
		return &tandem.Error{Code: tandem.ECalendarBusy,
			Message: "The expert has another appointment in their own calendar at this time; please pick another time.",
			Detail:  map[string]any{"reason": availability.ReasonBusy, "conflict": "expert_calendar_busy"}}
	}
	return err
}

// BusyWithout is busy less the circle's own entry (the only one with exactly its span): what
// the engine checks a seat of an existing circle against.
func BusyWithout(busy []availability.Busy, c *tandem.Circle) []availability.Busy {
	out := make([]availability.Busy, 0, len(busy))
	for _, x := range busy {
		if x.Start.Equal(c.Start) && x.End.Equal(c.End) {
			continue
		}
		out = append(out, x)
	}
	return out
}

// LimitKeys are the expert-local date and ISO week (its Monday) of start: the keys of the
// expert's per-day and per-week counters.
func LimitKeys(start time.Time, zone string) (day, week string) {
	loc, err := tandem.LoadZone(zone)
	if err != nil {
		loc = time.UTC
	}
	local := start.In(loc)
	monday := local.AddDate(0, 0, -((int(local.Weekday()) + 6) % 7))
	return local.Format(time.DateOnly), monday.Format(time.DateOnly)
}

// StartError attaches field to a slot-engine error that names none, and names a busy expert
// the same way the booking transaction does (conflict: expert_busy), whichever noticed first.
func StartError(err error, field string) error {
	var e *tandem.Error
	if !errors.As(err, &e) {
		return err
	}
	if len(e.Fields) == 0 && e.Code == tandem.EInvalid {
		e.Fields = []tandem.FieldError{{Field: field, Message: e.Message}}
	}
	if e.Code == tandem.EConflict && e.Detail["reason"] == availability.ReasonBusy {
		e.Detail["conflict"] = "expert_busy"
	}
	return err
}

// NewID returns a random, URL-safe id for a booking (tandem.NewID).
func NewID() string { return tandem.NewID() }
