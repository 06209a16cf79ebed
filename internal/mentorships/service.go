package mentorships

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/tandemhq/tandem/internal/availability"
	"github.com/tandemhq/tandem/internal/booking"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Service runs the mentorship use cases against the store; bookings go through
// internal/booking's Service, the one booking path.
type Service struct {
	store  *dynamo.Store
	book   *booking.Service
	now    func() time.Time
	render booking.Render
}

// New returns the service on store with the clock now (nil: time.Now). render makes the
// response each occurrence's booking stores under its idempotency key (the API's booking
// JSON: the HTTP layer's shape, see booking's package doc).
func New(store *dynamo.Store, now func() time.Time, render booking.Render) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: store, book: booking.New(store, now), now: now, render: render}
}

// maxAttempts bounds the re-read-and-decide loops when a guarded write finds the item changed.
const maxAttempts = 6

// MaxListed is how many mentorships a party's list shows in each role.
const MaxListed = 100

func notFound() error { return tandem.Errorf(tandem.ENotFound, "No mentorship with this id.") }

func stale(err error) bool {
	var c *dynamo.MentorshipChanged
	return errors.As(err, &c)
}

func party(c tandem.Caller) tandem.Party {
	return tandem.Party{ID: c.UserID, Name: c.Name, Email: c.Email, Department: c.Department}
}

// ProposeInput proposes a mentorship: to an expert (ExpertID, the caller is the learner) or to
// a learner (LearnerID, the caller is the expert), optionally from the learner's request or a
// program the learner is enrolled in; otherwise it is an invitation.
type ProposeInput struct {
	ExpertID  string           `json:"expertId,omitempty"`
	LearnerID string           `json:"learnerId,omitempty"`
	RequestID string           `json:"requestId,omitempty"`
	ProgramID string           `json:"programId,omitempty"`
	Agreement tandem.Agreement `json:"agreement"`
}

// Propose stores a proposed mentorship, accepted by the caller; the other side accepts it.
func (s *Service) Propose(ctx context.Context, c tandem.Caller, in ProposeInput) (*tandem.Mentorship, error) {
	var v tandem.Validation
	v.Check((in.ExpertID == "") != (in.LearnerID == ""), "expertId", "name exactly one of expertId (you are the learner) or learnerId (you are the expert)")
	v.CheckID("expertId", in.ExpertID)
	v.CheckID("learnerId", in.LearnerID)
	v.CheckID("requestId", in.RequestID)
	v.CheckID("programId", in.ProgramID)
	v.Check(in.RequestID == "" || in.ProgramID == "", "programId", "name a request or a program, not both")
	v.Check(in.ExpertID != c.UserID && in.LearnerID != c.UserID, "expertId", "cannot be you")
	if err := v.Err(); err != nil {
		return nil, err
	}
	var (
		learner tandem.Party
		expert  *tandem.Expert
		zone    string
	)
	g, gctx := errgroup.WithContext(ctx)
	if in.ExpertID != "" {
		learner = party(c)
		g.Go(func() (err error) { expert, err = s.store.GetExpert(gctx, c.OrgID, in.ExpertID); return err })
		g.Go(func() error {
			u, err := s.store.GetUser(gctx, c.OrgID, c.UserID)
			if err == nil {
				zone = u.Timezone
			} else if tandem.ErrorCode(err) != tandem.ENotFound {
				return err
			}
			return nil
		})
	} else {
		g.Go(func() (err error) { expert, err = s.store.GetExpert(gctx, c.OrgID, c.UserID); return err })
		g.Go(func() error {
			u, err := s.store.GetUser(gctx, c.OrgID, in.LearnerID)
			if err != nil {
				if tandem.ErrorCode(err) == tandem.ENotFound {
					return tandem.Errorf(tandem.ENotFound, "No learner with this id.")
				}
				return err
			}
			learner = tandem.Party{ID: u.ID, Name: u.Name, Email: u.Email, Department: u.Department}
			zone = u.Timezone
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		if in.LearnerID != "" && tandem.ErrorCode(err) == tandem.ENotFound && strings.Contains(tandem.ErrorMessage(err), "expert") {
			return nil, tandem.Errorf(tandem.EForbidden, "Only an expert with a profile can propose a mentorship to a learner.")
		}
		return nil, err
	}
	a := in.Agreement
	if a.Timezone == "" {
		a.Timezone = zone // the learner's zone (see the package doc, "Whose zone")
	}
	if err := a.Validate(); err != nil {
		return nil, err
	}
	st, ok := expert.SessionType(a.SessionType)
	if !ok || st.Seats > 1 {
		return nil, &tandem.Error{Code: tandem.EInvalid, Message: "The request has invalid fields.",
			Fields: []tandem.FieldError{{Field: "agreement.sessionType", Message: "must be one of the expert's one-to-one session types"}}}
	}
	if ws, _ := tandem.ParseClock(a.Window.Start); true {
		we, _ := tandem.ParseClock(a.Window.End)
		if we-ws < st.DurationMin {
			return nil, &tandem.Error{Code: tandem.EInvalid, Message: "The request has invalid fields.",
				Fields: []tandem.FieldError{{Field: "agreement.window", Message: fmt.Sprintf("must be at least the session's %d minutes long", st.DurationMin)}}}
		}
	}
	origin := tandem.OriginInvitation
	switch {
	case in.RequestID != "":
		r, err := s.store.GetRequest(ctx, c.OrgID, in.RequestID)
		if err != nil {
			return nil, err
		}
		if r.LearnerID != learner.ID {
			return nil, tandem.Errorf(tandem.ENotFound, "No request with this id.")
		}
		origin = tandem.OriginRequest
	case in.ProgramID != "":
		enrolled, err := s.store.IsEnrolled(ctx, c.OrgID, in.ProgramID, learner.ID)
		if err != nil {
			return nil, err
		}
		if !enrolled {
			return nil, tandem.Errorf(tandem.ENotFound, "The learner is not enrolled in this program.")
		}
		origin = tandem.OriginProgram
	}
	now := s.now().UTC().Truncate(time.Second)
	m := &tandem.Mentorship{ID: booking.NewID(), OrgID: c.OrgID, Learner: learner,
		Expert: tandem.Party{ID: expert.ID, Name: expert.Name, Email: expert.Email, Department: expert.Department},
		Origin: origin, RequestID: in.RequestID, ProgramID: in.ProgramID, ProposedBy: c.UserID,
		Accepted: []string{c.UserID}, Status: tandem.MentorshipProposed, Agreement: a,
		CreatedAt: now, UpdatedAt: now, Version: 1, Reflections: map[string]tandem.Reflection{}}
	if err := s.store.SaveMentorship(ctx, m, 0); err != nil {
		return nil, err
	}
	return m, nil
}

// List lists the caller's mentorships (as learner and as expert), newest first.
func (s *Service) List(ctx context.Context, c tandem.Caller) ([]*tandem.Mentorship, error) {
	ms, err := s.store.ListUserMentorships(ctx, c.OrgID, c.UserID, MaxListed)
	if err != nil {
		return nil, err
	}
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].CreatedAt.After(ms[j].CreatedAt) })
	return ms, nil
}

// Get returns the mentorship to one of its parties (anyone else: not_found, so ids reveal
// nothing).
func (s *Service) Get(ctx context.Context, c tandem.Caller, id string) (*tandem.Mentorship, error) {
	m, err := s.store.GetMentorship(ctx, c.OrgID, id)
	if err != nil {
		return nil, err
	}
	if !m.IsParty(c.UserID) {
		return nil, notFound()
	}
	return m, nil
}

// View is a mentorship with its occurrences' bookings and its health at now.
type View struct {
	Mentorship *tandem.Mentorship
	Bookings   map[string]*tandem.Booking
	Health     Health
	Now        time.Time
}

// Read returns the mentorship with its bookings and health, and stores the health when it
// changed (a notification consumer derives nudges from it).
func (s *Service) Read(ctx context.Context, c tandem.Caller, id string) (*View, error) {
	m, err := s.Get(ctx, c, id)
	if err != nil {
		return nil, err
	}
	return s.view(ctx, m)
}

func (s *Service) view(ctx context.Context, m *tandem.Mentorship) (*View, error) {
	var ids []string
	for _, o := range m.Occurrences {
		if o.BookingID != "" && o.State != tandem.OccurrenceFailed {
			ids = append(ids, o.BookingID)
		}
	}
	books := map[string]*tandem.Booking{}
	if len(ids) > 0 {
		var err error
		if books, err = s.store.GetBookings(ctx, m.OrgID, ids); err != nil {
			return nil, err
		}
	}
	now := s.now()
	h := ComputeHealth(m, books, now)
	if _, err := storeHealth(ctx, s.store, m, books, h, now); err != nil {
		return nil, err
	}
	return &View{Mentorship: m, Bookings: books, Health: h, Now: now}, nil
}

// update re-reads the mentorship, lets decide change it (returning false when nothing needs
// to change) and writes it guarded by the version read, until the guard holds.
func (s *Service) update(ctx context.Context, c tandem.Caller, id string, decide func(m *tandem.Mentorship, now time.Time) (bool, error)) (*tandem.Mentorship, error) {
	for attempt := 0; ; attempt++ {
		m, err := s.Get(ctx, c, id)
		if err != nil {
			return nil, err
		}
		now := s.now().UTC().Truncate(time.Second)
		changed, err := decide(m, now)
		if err != nil || !changed {
			return m, err
		}
		prev := m.Version
		m.Version, m.UpdatedAt = prev+1, now
		err = s.store.SaveMentorship(ctx, m, prev)
		if err == nil {
			return m, nil
		}
		if !stale(err) || attempt == maxAttempts {
			if stale(err) {
				return nil, tandem.Errorf(tandem.EConflict, "The mentorship changed at the same time; please retry.")
			}
			return nil, err
		}
	}
}

// Act applies a state change (accept, pause, resume, close) by the caller. Closing cancels
// every future booking of the series through the booking lifecycle; closing again finishes
// what a close that stopped half way left.
func (s *Service) Act(ctx context.Context, c tandem.Caller, id string, action Action) (*tandem.Mentorship, error) {
	m, err := s.update(ctx, c, id, func(m *tandem.Mentorship, now time.Time) (bool, error) {
		next, accepted, changed, err := Transition(m, action, c.UserID)
		if err != nil || !changed {
			return false, err
		}
		if next == tandem.MentorshipActive && m.ActivatedAt.IsZero() {
			m.ActivatedAt = now
		}
		if next == tandem.MentorshipClosed {
			m.ClosedAt = now
		}
		m.Status, m.Accepted, m.ChangedBy = next, accepted, c.UserID
		return true, nil
	})
	if err == nil && m.Status == tandem.MentorshipActive {
		err = s.watchHealth(ctx, m.OrgID) // the hourly health pass (health_job.go)
	}
	if err != nil || m.Status != tandem.MentorshipClosed || action != ActClose {
		return m, err
	}
	return s.cancelFuture(ctx, c, m)
}

// cancelFuture cancels the booked occurrences that have not started, each through
// booking.Service.Cancel as the caller, and marks them cancelled.
func (s *Service) cancelFuture(ctx context.Context, c tandem.Caller, m *tandem.Mentorship) (*tandem.Mentorship, error) {
	now := s.now()
	var todo []tandem.Occurrence
	for _, o := range m.Occurrences {
		if o.State == tandem.OccurrenceBooked && o.Start.After(now) {
			todo = append(todo, o)
		}
	}
	if len(todo) == 0 {
		return m, nil
	}
	for _, o := range todo {
		if err := s.cancelBooking(ctx, m, o.BookingID, c.UserID, "The mentorship was closed."); err != nil {
			return nil, err
		}
	}
	return s.update(ctx, c, m.ID, func(m *tandem.Mentorship, now time.Time) (bool, error) {
		changed := false
		for i := range m.Occurrences {
			o := &m.Occurrences[i]
			if o.State == tandem.OccurrenceBooked && slices.ContainsFunc(todo, func(t tandem.Occurrence) bool { return t.Index == o.Index }) {
				o.State, changed = tandem.OccurrenceCancelled, true
			}
		}
		return changed, nil
	})
}

// cancelBooking cancels one occurrence's booking; one that is no longer live (cancelled
// already, ended) is left as it is.
func (s *Service) cancelBooking(ctx context.Context, m *tandem.Mentorship, bookingID, by, reason string) error {
	_, err := s.book.Cancel(ctx, m.OrgID, bookingID, by, reason)
	if err == nil || tandem.ErrorCode(err) == tandem.ENotFound {
		return nil
	}
	if tandem.ErrorCode(err) == tandem.EConflict {
		b, gerr := s.store.GetBooking(ctx, m.OrgID, bookingID)
		if gerr == nil && !b.EffectiveStatus(s.now()).Live() {
			return nil
		}
	}
	return err
}

// ScheduleInput chooses the series: the local date to start from (the first agreed weekday
// on or after it; default: tomorrow in the agreement's zone) and the local clock time
// (default: the window's start), which must leave the session inside the window.
type ScheduleInput struct {
	From string `json:"from,omitempty"` // YYYY-MM-DD
	Time string `json:"time,omitempty"` // HH:MM
}

// Failure is an occurrence that could not be booked, with the nearest free starts.
type Failure struct {
	Index        int            `json:"index"`
	Start        time.Time      `json:"start"`
	Code         string         `json:"code"`
	Reason       string         `json:"reason"`
	Message      string         `json:"message"`
	Alternatives []time.Time    `json:"alternatives"`
	Detail       map[string]any `json:"-"`
}

// Scheduled is what Schedule did.
type Scheduled struct {
	Mentorship *tandem.Mentorship
	Booked     []int
	Failed     []Failure
}

// MaxAlternatives is how many nearest free starts a failed occurrence is offered.
const MaxAlternatives = 3

// alternativesSpan is how far either side of a failed occurrence free starts are looked for.
const alternativesSpan = 7 * 24 * time.Hour

// OccurrenceKey is the idempotency key of an occurrence's booking, and OccurrenceBookingID its
// booking's id: both derived from the mentorship and the occurrence, so a retried schedule
// replays instead of booking twice.
func OccurrenceKey(mentorshipID string, index int) string {
	return fmt.Sprintf("mentorship:%s:%d", mentorshipID, index)
}

var idEncoding = base32.NewEncoding("0123456789abcdefghjkmnpqrstvwxyz").WithPadding(base32.NoPadding)

// OccurrenceBookingID is the booking id of an occurrence (see OccurrenceKey).
func OccurrenceBookingID(org, mentorshipID string, index int) string {
	sum := sha256.Sum256([]byte(org + "\x00" + mentorshipID + "\x00" + fmt.Sprint(index)))
	return idEncoding.EncodeToString(sum[:16])
}

// Schedule books the agreement's series (or, once it exists, retries its failed occurrences)
// through booking.Service.Book for the learner, one ordinary booking per occurrence. Either
// party may ask, while the mentorship is active.
func (s *Service) Schedule(ctx context.Context, c tandem.Caller, id string, in ScheduleInput) (*Scheduled, error) {
	m, err := s.Get(ctx, c, id)
	if err != nil {
		return nil, err
	}
	if m.Status != tandem.MentorshipActive {
		return nil, &tandem.Error{Code: tandem.EConflict, Message: "Only an active mentorship's sessions can be scheduled.",
			Detail: map[string]any{"conflict": "mentorship_state", "status": string(m.Status)}}
	}
	a := m.Agreement
	loc, err := tandem.LoadZone(a.Timezone)
	if err != nil {
		return nil, err
	}
	plan := m.Occurrences
	if len(plan) == 0 {
		var v tandem.Validation
		from := s.now().In(loc).AddDate(0, 0, 1)
		if in.From != "" {
			d, err := time.ParseInLocation(time.DateOnly, in.From, loc)
			v.Check(err == nil && tandem.InstantInRange(d), "from", "must be a date YYYY-MM-DD")
			from = d
		}
		clock, _ := tandem.ParseClock(a.Window.Start)
		if in.Time != "" {
			t, ok := tandem.ParseClock(in.Time)
			ws, _ := tandem.ParseClock(a.Window.Start)
			we, _ := tandem.ParseClock(a.Window.End)
			v.Check(ok && t >= ws && t < we, "time", "must be HH:MM within the agreed window %s-%s", a.Window.Start, a.Window.End)
			clock = t
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		starts, err := Series(a, from, clock)
		if err != nil {
			return nil, err
		}
		for i, st := range starts {
			plan = append(plan, tandem.Occurrence{Index: i, Start: st, State: tandem.OccurrenceFailed})
		}
		// The plan is fixed once, by the first schedule to store it (two racing schedules with
		// different times would otherwise book the same occurrence keys with different bodies).
		m, err = s.update(ctx, c, id, func(m *tandem.Mentorship, now time.Time) (bool, error) {
			if len(m.Occurrences) > 0 {
				return false, nil
			}
			m.Occurrences = slices.Clone(plan)
			return true, nil
		})
		if err != nil {
			return nil, err
		}
		plan = slices.Clone(m.Occurrences)
	}
	out := &Scheduled{}
	results := map[int]tandem.Occurrence{}
	for _, o := range plan {
		if o.State != tandem.OccurrenceFailed {
			continue
		}
		bid, ferr, err := s.bookOccurrence(ctx, m, o)
		if err != nil {
			return nil, err
		}
		if ferr != nil {
			f := s.failure(ctx, m, o, ferr)
			out.Failed = append(out.Failed, f)
			o.State, o.Reason, o.BookingID = tandem.OccurrenceFailed, f.Reason, ""
		} else {
			o.State, o.Reason, o.BookingID = tandem.OccurrenceBooked, "", bid
			out.Booked = append(out.Booked, o.Index)
		}
		results[o.Index] = o
	}
	var orphans []string // booked here, but the occurrence moved on meanwhile (skipped, closed)
	m, err = s.update(ctx, c, id, func(m *tandem.Mentorship, now time.Time) (bool, error) {
		orphans = orphans[:0]
		if len(m.Occurrences) == 0 {
			m.Occurrences = slices.Clone(plan)
		}
		open := m.Status == tandem.MentorshipActive || m.Status == tandem.MentorshipPaused
		changed := false
		for i := range m.Occurrences {
			o := &m.Occurrences[i]
			r, ok := results[o.Index]
			switch {
			case !ok:
			case open && o.State == tandem.OccurrenceFailed && r.Start.Equal(o.Start):
				*o, changed = r, true
			case r.State == tandem.OccurrenceBooked && o.BookingID != r.BookingID:
				orphans = append(orphans, r.BookingID)
			case r.State == tandem.OccurrenceBooked && !open:
				orphans = append(orphans, r.BookingID)
			}
		}
		return changed, nil
	})
	if err != nil {
		return nil, err
	}
	for _, bid := range orphans { // give back time no occurrence holds any more
		if err := s.cancelBooking(ctx, m, bid, c.UserID, "The occurrence changed while it was being booked."); err != nil {
			return nil, err
		}
	}
	out.Mentorship = m
	return out, nil
}

// bookOccurrence books one occurrence for the learner. A refusal the client can act on
// (conflict, limit, invalid start) is returned as the failure; anything else as err.
func (s *Service) bookOccurrence(ctx context.Context, m *tandem.Mentorship, o tandem.Occurrence) (string, error, error) {
	id := OccurrenceBookingID(m.OrgID, m.ID, o.Index)
	in := tandem.BookInput{ExpertID: m.Expert.ID, SessionType: m.Agreement.SessionType, Start: o.Start.UTC(),
		Note: fmt.Sprintf("Mentorship session %d", o.Index+1)}
	body, err := json.Marshal(in)
	if err != nil {
		return "", nil, err
	}
	_, err = s.book.Book(ctx, booking.Request{Org: m.OrgID, Learner: m.Learner, Input: in, Key: OccurrenceKey(m.ID, o.Index),
		Body: body, Render: s.render, ID: id})
	switch tandem.ErrorCode(err) {
	case "":
		return id, nil, nil
	case tandem.EConflict, tandem.ELimitExceeded, tandem.EInvalid, tandem.ENotFound, tandem.EUnprocessable:
		return "", err, nil
	}
	return "", nil, err
}

// failure explains a refused occurrence and finds the nearest free starts for it, with the
// slot engine, exactly as the expert's slot listing offers them.
func (s *Service) failure(ctx context.Context, m *tandem.Mentorship, o tandem.Occurrence, cause error) Failure {
	f := Failure{Index: o.Index, Start: o.Start, Code: tandem.ErrorCode(cause), Message: tandem.ErrorMessage(cause), Alternatives: []time.Time{}}
	var e *tandem.Error
	if errors.As(cause, &e) {
		for _, k := range []string{"conflict", "limit", "reason"} {
			if r, ok := e.Detail[k].(string); ok && r != "" {
				f.Reason = r
				break
			}
		}
	}
	if f.Reason == "" {
		f.Reason = f.Code
	}
	now := s.now()
	from, to := o.Start.Add(-alternativesSpan), o.Start.Add(alternativesSpan)
	if from.Before(now) {
		from = now
	}
	if !to.After(from) {
		return f
	}
	inputs, err := s.store.LoadSlotInputs(ctx, m.OrgID, m.Expert.ID, from, to, "")
	if err != nil {
		return f
	}
	st, ok := inputs.Expert.SessionType(m.Agreement.SessionType)
	if !ok {
		return f
	}
	slots, err := availability.Slots(*inputs.Schedule, availability.RulesFor(st, inputs.Expert.Limits), inputs.Busy, from, to, now, nil)
	if err != nil {
		return f
	}
	dist := func(t time.Time) time.Duration {
		d := t.Sub(o.Start)
		if d < 0 {
			return -d
		}
		return d
	}
	sort.SliceStable(slots, func(i, j int) bool { return dist(slots[i].Start) < dist(slots[j].Start) })
	for _, sl := range slots {
		if len(f.Alternatives) == MaxAlternatives {
			break
		}
		f.Alternatives = append(f.Alternatives, sl.Start.UTC())
	}
	return f
}

// occurrence finds occurrence index of m.
func occurrence(m *tandem.Mentorship, index int) (*tandem.Occurrence, error) {
	for i := range m.Occurrences {
		if m.Occurrences[i].Index == index {
			return &m.Occurrences[i], nil
		}
	}
	return nil, tandem.Errorf(tandem.ENotFound, "No occurrence with this index.")
}

func notOpen(m *tandem.Mentorship) error {
	if m.Status == tandem.MentorshipActive || m.Status == tandem.MentorshipPaused {
		return nil
	}
	return &tandem.Error{Code: tandem.EConflict, Message: "The mentorship is not active or paused.",
		Detail: map[string]any{"conflict": "mentorship_state", "status": string(m.Status)}}
}

// Skip skips one occurrence by agreement: its booking is cancelled through the booking
// lifecycle (as the caller) and it is marked skipped, which is not a cancellation for health.
// Skipping a skipped occurrence changes nothing.
func (s *Service) Skip(ctx context.Context, c tandem.Caller, id string, index int) (*tandem.Mentorship, error) {
	m, err := s.Get(ctx, c, id)
	if err != nil {
		return nil, err
	}
	if err := notOpen(m); err != nil {
		return nil, err
	}
	o, err := occurrence(m, index)
	if err != nil {
		return nil, err
	}
	switch o.State {
	case tandem.OccurrenceSkipped:
		return m, nil
	case tandem.OccurrenceCancelled:
		return nil, &tandem.Error{Code: tandem.EConflict, Message: "This occurrence was cancelled.", Detail: map[string]any{"conflict": "occurrence_state"}}
	case tandem.OccurrenceBooked:
		if !o.Start.After(s.now()) {
			return nil, &tandem.Error{Code: tandem.EConflict, Message: "A session that has started cannot be skipped.", Detail: map[string]any{"conflict": "occurrence_started"}}
		}
		if err := s.cancelBooking(ctx, m, o.BookingID, c.UserID, "Skipped by agreement."); err != nil {
			return nil, err
		}
	}
	return s.update(ctx, c, id, func(m *tandem.Mentorship, now time.Time) (bool, error) {
		o, err := occurrence(m, index)
		if err != nil || o.State == tandem.OccurrenceSkipped {
			return false, err
		}
		o.State, o.Reason = tandem.OccurrenceSkipped, ""
		return true, nil
	})
}

// Move moves one booked occurrence to start, through booking.Service.Reschedule (the new time
// must be bookable exactly as for a new booking); the rest of the series keeps its times.
func (s *Service) Move(ctx context.Context, c tandem.Caller, id string, index int, start time.Time) (*tandem.Mentorship, error) {
	m, err := s.Get(ctx, c, id)
	if err != nil {
		return nil, err
	}
	if err := notOpen(m); err != nil {
		return nil, err
	}
	o, err := occurrence(m, index)
	if err != nil {
		return nil, err
	}
	if o.State != tandem.OccurrenceBooked {
		return nil, &tandem.Error{Code: tandem.EConflict, Message: "Only a booked occurrence can be moved.", Detail: map[string]any{"conflict": "occurrence_state"}}
	}
	b, err := s.store.GetBooking(ctx, m.OrgID, o.BookingID)
	if err != nil {
		return nil, err
	}
	if _, err := s.book.Reschedule(ctx, b, start.UTC()); err != nil {
		return nil, err
	}
	return s.update(ctx, c, id, func(m *tandem.Mentorship, now time.Time) (bool, error) {
		o, err := occurrence(m, index)
		if err != nil || o.Start.Equal(start.UTC()) {
			return false, err
		}
		o.Start = start.UTC()
		return true, nil
	})
}
