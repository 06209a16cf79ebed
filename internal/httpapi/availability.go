package httpapi

import (
	"net/http"
	"slices"
	"time"

	"github.com/tandemhq/tandem/internal/availability"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/tandem"
	"golang.org/x/sync/errgroup"
)

// Slot listing bounds.
const (
	maxSlotRangeDays     = 62
	defaultSlotRangeDays = 14
)

type availabilityAPI struct {
	store *dynamo.Store
	now   func() time.Time
}

func (a availabilityAPI) register(rt *Router) {
	rt.handle("GET /v1/experts/me/availability", a.getMine)
	rt.handle("PUT /v1/experts/me/availability", a.putMine)
	rt.handle("GET /v1/experts/{expertId}/slots", a.slots)
}

// getMine: GET /v1/experts/me/availability. Errors: not_found until first set.
func (a availabilityAPI) getMine(w http.ResponseWriter, r *http.Request, c Caller) error {
	if err := c.Require(tandem.RoleExpert); err != nil {
		return err
	}
	sch, err := a.store.GetAvailability(r.Context(), c.OrgID, c.UserID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sch)
	return nil
}

// putMine: PUT /v1/experts/me/availability — replace weekly hours, overrides and time off.
func (a availabilityAPI) putMine(w http.ResponseWriter, r *http.Request, c Caller) error {
	if err := c.Require(tandem.RoleExpert); err != nil {
		return err
	}
	var sch availability.Schedule
	if err := decodeJSON(r, &sch); err != nil {
		return err
	}
	sch.Normalize()
	if err := sch.Validate(); err != nil {
		return err
	}
	if err := a.store.PutAvailability(r.Context(), c.OrgID, c.UserID, &sch); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sch)
	return nil
}

type slotsJSON struct {
	ExpertID    string     `json:"expertId"`
	SessionType string     `json:"sessionType"`
	DurationMin int        `json:"durationMin"`
	Timezone    string     `json:"timezone"`
	From        time.Time  `json:"from"`
	To          time.Time  `json:"to"`
	Slots       []slotJSON `json:"slots"`
	// Seats is the session type's capacity when it is a group session (else absent).
	Seats int `json:"seats,omitempty"`
}

// slotJSON is one bookable start. For a group session it also says how many seats are left
// (0: full, join the waitlist) and, once someone has booked it, which circle it is.
// Start and End are RFC 3339 in the viewer's zone, formatted here as time.Time's MarshalJSON
// would: a page holds up to hundreds, and encoding them as time.Time (its MarshalJSON, then the
// encoder's check of what it returned) took 2.4 times the CPU (BenchmarkSlotPageEncode).
type slotJSON struct {
	Start     string `json:"start"`
	End       string `json:"end"`
	SeatsLeft *int   `json:"seatsLeft,omitempty"`
	CircleID  string `json:"circleId,omitempty"`
	Waiting   int    `json:"waiting,omitempty"`
}

func slotOf(start, end time.Time) slotJSON {
	return slotJSON{Start: start.Format(time.RFC3339Nano), End: end.Format(time.RFC3339Nano)}
}

// slots: GET /v1/experts/{expertId}/slots?from=&to=&sessionType=&tz= — bookable starts in
// [from, to), shown in tz (default: the caller's zone, else UTC). from and to are RFC 3339
// instants or dates (YYYY-MM-DD, in tz; to is inclusive). One sequential round trip: the
// profile, schedule, busy time and (without tz) the caller's zone are read in parallel.
func (a availabilityAPI) slots(w http.ResponseWriter, r *http.Request, c Caller) error {
	q := r.URL.Query()
	now := a.now()
	loc, tzName := time.UTC, q.Get("tz")
	if tzName != "" {
		var err error
		if loc, err = tandem.LoadZone(tzName); err != nil {
			return &tandem.Error{Code: tandem.EInvalid, Message: "The request has invalid fields.",
				Fields: []tandem.FieldError{{Field: "tz", Message: "is not a known IANA time zone"}}}
		}
	}
	// Dates shift by at most a day between zones, far less than the busy look-back, so a
	// range parsed in UTC bounds the reads well enough while the caller's zone is fetched.
	from, to, err := parseRange(q.Get("from"), q.Get("to"), loc, now)
	if err != nil {
		return err
	}
	var (
		inputs *dynamo.SlotInputs
		user   *tandem.User
	)
	g, gctx := errgroup.WithContext(r.Context())
	g.Go(func() (err error) {
		// The viewer's own connected calendars are read in parallel (hidden from what they see).
		inputs, err = a.store.LoadSlotInputsFor(gctx, c.OrgID, r.PathValue("expertId"), c.UserID, from, to)
		return err
	})
	if tzName == "" {
		g.Go(func() (err error) {
			user, err = a.store.GetUser(gctx, c.OrgID, c.UserID)
			if tandem.ErrorCode(err) == tandem.ENotFound {
				return nil // no record yet: UTC
			}
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	if tzName == "" {
		tzName = "UTC"
		if user != nil && user.Timezone != "" {
			// A saved zone was valid when saved (PUT /v1/me validates it); one this build's
			// zone data no longer knows falls back to UTC, which the response names.
			if l, err := tandem.LoadZone(user.Timezone); err == nil {
				loc, tzName = l, user.Timezone
			}
		}
		if from, to, err = parseRange(q.Get("from"), q.Get("to"), loc, now); err != nil {
			return err
		}
	}
	st, err := sessionTypeOf(inputs.Expert, q.Get("sessionType"))
	if err != nil {
		return err
	}
	slots, err := listSlots(inputs, st, from, to, now, loc)
	if err != nil {
		return err
	}
	out := slotsJSON{ExpertID: inputs.Expert.ID, SessionType: st.ID, DurationMin: st.DurationMin,
		Timezone: tzName, From: from.In(loc), To: to.In(loc), Slots: slots}
	if st.Seats > 1 {
		out.Seats = st.Seats
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// listSlots is what the engine offers in [from, to), and for a group session type also the
// expert's circles of that type starting there that the booking path would let a learner
// join (checkStart), full ones included (for their waitlist), in start order.
func listSlots(in *dynamo.SlotInputs, st tandem.SessionType, from, to, now time.Time, loc *time.Location) ([]slotJSON, error) {
	rules := availability.RulesFor(st, in.Expert.Limits)
	// Connected calendars block through the same engine; the viewer's own busy ranges hide
	// slots from them too (never counted, never part of the booking check).
	blocking := append(in.Blocking(), in.ViewerBusy...)
	open, err := availability.Slots(*in.Schedule, rules, blocking, from, to, now, loc)
	if err != nil {
		return nil, err
	}
	if st.Seats <= 1 {
		out := make([]slotJSON, len(open))
		for i, s := range open {
			out[i] = slotOf(s.Start, s.End)
		}
		return out, nil
	}
	type timed struct {
		at   time.Time
		slot slotJSON
	}
	all := make([]timed, 0, len(open)+len(in.Circles))
	for _, s := range open {
		j := slotOf(s.Start, s.End)
		n := st.Seats
		j.SeatsLeft = &n
		all = append(all, timed{s.Start, j})
	}
	for i := range in.Circles {
		c := &in.Circles[i]
		if c.SessionType.ID != st.ID || c.Cancelled || c.Start.Before(from) || !c.Start.Before(to) {
			continue
		}
		if availability.Check(*in.Schedule, rules, append(busyWithout(in.Busy, c), append(in.CalendarBusy, in.ViewerBusy...)...), c.Start, now) != nil {
			continue
		}
		left := c.SeatsLeft()
		j := slotOf(c.Start.In(loc), c.End.In(loc))
		j.SeatsLeft, j.CircleID, j.Waiting = &left, c.ID, c.Waiting
		all = append(all, timed{c.Start, j})
	}
	// By instant: the strings of one zone do not sort as the instants do across a fall-back.
	slices.SortFunc(all, func(a, b timed) int { return a.at.Compare(b.at) })
	out := make([]slotJSON, len(all))
	for i := range all {
		out[i] = all[i].slot
	}
	return out, nil
}

// sessionTypeOf picks the requested session type, or the expert's first. Errors: invalid.
func sessionTypeOf(e *tandem.Expert, id string) (tandem.SessionType, error) {
	if id == "" && len(e.SessionTypes) > 0 {
		return e.SessionTypes[0], nil
	}
	if st, ok := e.SessionType(id); ok {
		return st, nil
	}
	return tandem.SessionType{}, &tandem.Error{Code: tandem.EInvalid, Message: "The expert offers no such session type.",
		Fields: []tandem.FieldError{{Field: "sessionType", Message: "is not one of this expert's session types"}}}
}

// parseRange reads from/to as RFC 3339 instants or dates in loc (to inclusive), defaulting
// to [now, now+14 days), and caps the span. Errors: invalid with field errors.
func parseRange(fromS, toS string, loc *time.Location, now time.Time) (from, to time.Time, err error) {
	var v tandem.Validation
	from, to = now, now.Add(defaultSlotRangeDays*24*time.Hour)
	if fromS != "" {
		t, ok := parseInstantOrDate(fromS, loc, false)
		v.Check(ok, "from", "must be an RFC 3339 time or a date (YYYY-MM-DD)")
		from = t
		if toS == "" {
			to = from.Add(defaultSlotRangeDays * 24 * time.Hour)
		}
	}
	if toS != "" {
		t, ok := parseInstantOrDate(toS, loc, true)
		v.Check(ok, "to", "must be an RFC 3339 time or a date (YYYY-MM-DD)")
		to = t
	}
	if err := v.Err(); err != nil {
		return from, to, err
	}
	v.Check(to.After(from), "to", "must be after from")
	v.Check(to.Sub(from) <= maxSlotRangeDays*24*time.Hour, "to", "must be at most %d days after from", maxSlotRangeDays)
	return from, to, v.Err()
}

func parseInstantOrDate(s string, loc *time.Location, endOfDay bool) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true
	}
	d, err := time.ParseInLocation(time.DateOnly, s, loc)
	if err != nil {
		return time.Time{}, false
	}
	if endOfDay {
		d = time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, loc)
	}
	return d, true
}
