package httpapi

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/tandemhq/tandem/internal/availability"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/tandem"
)

type bookingsAPI struct {
	store *dynamo.Store
	now   func() time.Time
}

func (a bookingsAPI) register(rt *Router) {
	rt.handle("POST /v1/bookings", a.create)
	rt.handle("GET /v1/bookings", a.list)
	rt.handle("GET /v1/bookings/{bookingId}", a.get)
	rt.handle("POST /v1/bookings/{bookingId}/cancel", a.cancel)
	rt.handle("POST /v1/bookings/{bookingId}/reschedule", a.reschedule)
	rt.handle("POST /v1/bookings/{bookingId}/confirm", a.confirm)
	rt.handle("POST /v1/bookings/{bookingId}/decline", a.decline)
	rt.handle("POST /v1/bookings/{bookingId}/complete", a.complete)
	rt.handle("POST /v1/bookings/{bookingId}/no-show", a.noShow)
	rt.handle("GET /v1/circles/{circleId}", a.getCircle)
	rt.handle("DELETE /v1/circles/{circleId}/waitlist", a.leaveWaitlist)
	rt.handle("POST /v1/circles/{circleId}/cancel", a.cancelCircle)
}

// bookingJSON is a booking as the API shows it. Note, meeting URL and cancel reason are for
// the participants only; HR of the org sees the rest (metadata).
type bookingJSON struct {
	ID           string               `json:"id"`
	Status       tandem.BookingStatus `json:"status"`
	Expert       tandem.Party         `json:"expert"`
	Learner      tandem.Party         `json:"learner"`
	SessionType  tandem.SessionType   `json:"sessionType"`
	Start        time.Time            `json:"start"`
	End          time.Time            `json:"end"`
	Note         string               `json:"note,omitempty"`
	MeetingURL   string               `json:"meetingUrl,omitempty"`
	RequestID    string               `json:"requestId,omitempty"`
	HoldUntil    *time.Time           `json:"holdUntil,omitempty"`
	Reschedules  int                  `json:"reschedules"`
	CancelledBy  string               `json:"cancelledBy,omitempty"`
	CancelReason string               `json:"cancelReason,omitempty"`
	LateCancel   bool                 `json:"lateCancel,omitempty"`
	NoShow       string               `json:"noShow,omitempty"`
	CircleID     string               `json:"circleId,omitempty"`
	Offer        bool                 `json:"offer,omitempty"`
	CreatedAt    time.Time            `json:"createdAt"`
	UpdatedAt    time.Time            `json:"updatedAt"`
}

func toBookingJSON(b *tandem.Booking, now time.Time, participant bool) bookingJSON {
	j := bookingJSON{
		ID: b.ID, Status: b.EffectiveStatus(now), Expert: b.Expert, Learner: b.Learner, SessionType: b.SessionType,
		Start: b.Start, End: b.End, RequestID: b.RequestID, Reschedules: b.Reschedules, CancelledBy: b.CancelledBy,
		LateCancel: b.LateCancel, NoShow: b.NoShow, CircleID: b.CircleID, Offer: b.Offer, CreatedAt: b.CreatedAt, UpdatedAt: b.UpdatedAt,
	}
	if j.Status == tandem.StatusPending {
		h := b.HoldUntil
		j.HoldUntil = &h
	}
	if participant {
		j.Note, j.CancelReason = b.Note, b.CancelReason
		if j.Status == tandem.StatusConfirmed {
			j.MeetingURL = b.MeetingURL
		}
	} else {
		j.Expert.Email, j.Learner.Email = "", ""
	}
	return j
}

var idemKeyRe = regexp.MustCompile(`^[A-Za-z0-9._:-]{8,100}$`)

// create: POST /v1/bookings with an Idempotency-Key. Round trip 1 reads, in parallel, the
// stored response for the key, the org's settings (budget), the expert's profile, schedule
// and busy time; the slot is
// checked with the same engine as the slot listing; round trip 2 is the one transaction.
func (a bookingsAPI) create(w http.ResponseWriter, r *http.Request, c Caller) error {
	if err := c.Require(tandem.RoleLearner); err != nil {
		return err
	}
	key, err := idempotencyKey(r)
	if err != nil {
		return err
	}
	var in tandem.BookInput
	raw, err := readJSON(r, &in)
	if err != nil {
		return err
	}
	return a.book(w, r, c, key, raw, in)
}

func idempotencyKey(r *http.Request) (string, error) {
	key := r.Header.Get("Idempotency-Key")
	if !idemKeyRe.MatchString(key) {
		return "", &tandem.Error{Code: tandem.EInvalid, Message: "An Idempotency-Key header is required.",
			Fields: []tandem.FieldError{{Field: "Idempotency-Key", Message: "must be 8-100 letters, digits or . _ : -"}}}
	}
	return key, nil
}

// book is the one booking path: POST /v1/bookings and accepting a request's offer both end
// here. raw is the request body the idempotency key is bound to.
func (a bookingsAPI) book(w http.ResponseWriter, r *http.Request, c Caller, key string, raw []byte, in tandem.BookInput) error {
	if err := in.Validate(); err != nil {
		return err
	}
	if in.ExpertID == c.UserID {
		return &tandem.Error{Code: tandem.EInvalid, Message: "You cannot book a session with yourself.",
			Fields: []tandem.FieldError{{Field: "expertId", Message: "is you"}}}
	}
	sum := sha256.Sum256(raw)
	idem := dynamo.IdemRecord{UserID: c.UserID, Key: key, Hash: hex.EncodeToString(sum[:]), Status: http.StatusCreated}
	b, req, replay, err := a.prepare(r, c, in, idem)
	if err != nil {
		return err
	}
	waitlisted := false
	switch {
	case replay != nil:
	case b.CircleID != "":
		res, err := a.store.BookSeat(r.Context(), *req)
		if err != nil {
			return err
		}
		replay, waitlisted = res.Replay, res.Waitlisted
	default:
		replay, err = a.store.Book(r.Context(), req.BookRequest)
		if err != nil {
			return err
		}
	}
	if replay != nil {
		w.Header().Set("Idempotent-Replayed", "true")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(replay.Status)
		_, _ = w.Write(replay.Body)
		return nil
	}
	w.Header().Set("Content-Type", "application/json")
	if waitlisted {
		w.Header().Set("Location", "/v1/circles/"+b.CircleID)
		w.WriteHeader(http.StatusAccepted)
		_, _ = w.Write(req.WaitlistBody)
		return nil
	}
	w.Header().Set("Location", "/v1/bookings/"+b.ID)
	w.WriteHeader(http.StatusCreated)
	_, _ = w.Write(req.Idem.Body)
	return nil
}

// waitlistedJSON answers a request for a seat that joined the waitlist (202).
type waitlistedJSON struct {
	CircleID string `json:"circleId"`
	Status   string `json:"status"` // "waitlisted"
}

// prepare does round trip 1 and builds the transaction, or finds a stored response.
func (a bookingsAPI) prepare(r *http.Request, c Caller, in tandem.BookInput, idem dynamo.IdemRecord) (*tandem.Booking, *dynamo.SeatRequest, *dynamo.IdemRecord, error) {
	ctx := r.Context()
	var (
		stored    *dynamo.IdemRecord
		inputs    *dynamo.SlotInputs
		errStored error
		errIn     error
		wg        sync.WaitGroup
	)
	var (
		settings    tandem.OrgSettings
		errSettings error
	)
	wg.Add(2)
	go func() {
		defer wg.Done()
		stored, errStored = a.store.GetIdempotent(ctx, c.OrgID, c.UserID, idem.Key)
	}()
	go func() {
		defer wg.Done()
		settings, errSettings = a.store.GetSettings(ctx, c.OrgID) // the budget, if any
	}()
	inputs, errIn = a.store.LoadSlotInputs(ctx, c.OrgID, in.ExpertID, in.Start, in.Start.Add(24*time.Hour), "")
	wg.Wait()
	if errStored != nil {
		return nil, nil, nil, errStored
	}
	if errSettings != nil {
		return nil, nil, nil, errSettings
	}
	if stored != nil {
		if stored.Hash != idem.Hash {
			return nil, nil, nil, tandem.Errorf(tandem.EUnprocessable, "This Idempotency-Key was already used with a different request.")
		}
		return nil, nil, stored, nil
	}
	if errIn != nil {
		return nil, nil, nil, errIn
	}
	expert := inputs.Expert
	st, ok := expert.SessionType(in.SessionType)
	if !ok {
		return nil, nil, nil, &tandem.Error{Code: tandem.EInvalid, Message: "The expert offers no such session type.",
			Fields: []tandem.FieldError{{Field: "sessionType", Message: "is not one of this expert's session types"}}}
	}
	now := a.now()
	rules := availability.RulesFor(st, expert.Limits)
	circle, err := checkStart(inputs, st, rules, in.Start, now)
	if err != nil {
		return nil, nil, nil, err
	}
	if in.Waitlist && st.Seats <= 1 {
		return nil, nil, nil, &tandem.Error{Code: tandem.EInvalid, Message: "Only group sessions have a waitlist.",
			Fields: []tandem.FieldError{{Field: "waitlist", Message: "applies to group sessions only"}}}
	}
	b := &tandem.Booking{
		ID: newID(), OrgID: c.OrgID,
		Expert:      tandem.Party{ID: expert.ID, Name: expert.Name, Email: expert.Email, Department: expert.Department},
		Learner:     tandem.Party{ID: c.UserID, Name: c.Name, Email: c.Email, Department: c.Department},
		SessionType: st, Start: in.Start.UTC(), End: in.Start.UTC().Add(time.Duration(st.DurationMin) * time.Minute),
		Status: tandem.StatusConfirmed, Note: in.Note, RequestID: in.RequestID, MeetingURL: expert.MeetingURL,
	}
	if st.Seats > 1 {
		b.CircleID = dynamo.CircleID(c.OrgID, expert.ID, b.Start) // seats are instant (tandem/circle.go)
	} else if expert.BookingMode == tandem.BookingApproval {
		b.Status = tandem.StatusPending
		b.HoldUntil = now.Add(tandem.DefaultHold).Truncate(time.Second)
		if b.HoldUntil.After(b.Start) {
			b.HoldUntil = b.Start
		}
	}
	day, week := limitKeys(b.Start, inputs.Schedule.Timezone)
	req := &dynamo.SeatRequest{BookRequest: dynamo.BookRequest{Booking: b, DayKey: day, WeekKey: week, MaxPerDay: rules.MaxPerDay,
		MaxPerWeek: rules.MaxPerWeek, ActiveLimit: tandem.DefaultActiveLimit, Budget: settings.Budget, Idem: idem},
		CircleExists: circle != nil, CircleFull: circle != nil && circle.SeatsLeft() == 0, Waitlist: in.Waitlist}
	// The response is stored with the booking, so a retry gets these exact bytes back.
	b.CreatedAt = now.UTC().Truncate(time.Second)
	b.UpdatedAt = b.CreatedAt
	body, err := json.Marshal(toBookingJSON(b, now, true))
	if err != nil {
		return nil, nil, nil, err
	}
	req.Idem.Body = append(body, '\n')
	if in.Waitlist {
		body, err := json.Marshal(waitlistedJSON{CircleID: b.CircleID, Status: "waitlisted"})
		if err != nil {
			return nil, nil, nil, err
		}
		req.WaitlistBody = append(body, '\n')
	}
	return b, req, nil, nil
}

// checkStart decides, with the slot engine, whether start is bookable for session type st,
// exactly as the slot listing does (listSlots). For a group session type, a circle already
// at that start is joined: the time must still be within the expert's rules as if the circle
// were not there (it holds the time itself); its seats are the transaction's to decide. It
// returns that circle, or nil.
func checkStart(in *dynamo.SlotInputs, st tandem.SessionType, rules availability.Rules, start, now time.Time) (*tandem.Circle, error) {
	for i := range in.Circles {
		c := &in.Circles[i]
		if !c.Start.Equal(start) {
			continue
		}
		if c.SessionType.ID != st.ID || st.Seats <= 1 {
			break // the expert's time is taken by another session: the engine says busy
		}
		if err := availability.Check(*in.Schedule, rules, busyWithout(in.Busy, c), start, now); err != nil {
			return nil, fieldOf(err, "start")
		}
		return c, nil
	}
	if err := availability.Check(*in.Schedule, rules, in.Busy, start, now); err != nil {
		return nil, fieldOf(err, "start")
	}
	return nil, nil
}

// busyWithout is busy less the circle's own entry (the only one with exactly its span).
func busyWithout(busy []availability.Busy, c *tandem.Circle) []availability.Busy {
	out := make([]availability.Busy, 0, len(busy))
	for _, x := range busy {
		if x.Start.Equal(c.Start) && x.End.Equal(c.End) {
			continue
		}
		out = append(out, x)
	}
	return out
}

// limitKeys are the expert-local date and ISO week (its Monday) of start.
func limitKeys(start time.Time, zone string) (day, week string) {
	loc, err := tandem.LoadZone(zone)
	if err != nil {
		loc = time.UTC
	}
	local := start.In(loc)
	monday := local.AddDate(0, 0, -((int(local.Weekday()) + 6) % 7))
	return local.Format(time.DateOnly), monday.Format(time.DateOnly)
}

// fieldOf attaches a field to an engine error that has none, and names a busy expert the
// same way the booking transaction does (conflict: expert_busy), whichever noticed first.
func fieldOf(err error, field string) error {
	e, ok := err.(*tandem.Error)
	if !ok {
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

var idEncoding = base32.NewEncoding("0123456789abcdefghjkmnpqrstvwxyz").WithPadding(base32.NoPadding)

// newID returns a random, URL-safe id (128 bits).
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return idEncoding.EncodeToString(b[:])
}

// visible loads a booking the caller may see: participants always, HR of the org for
// metadata. Anyone else gets not_found, so ids reveal nothing.
func (a bookingsAPI) visible(r *http.Request, c Caller) (*tandem.Booking, bool, error) {
	b, err := a.store.GetBooking(r.Context(), c.OrgID, r.PathValue("bookingId"))
	if err != nil {
		return nil, false, err
	}
	if b.IsParticipant(c.UserID) {
		return b, true, nil
	}
	if c.Has(tandem.RoleHR) {
		return b, false, nil
	}
	return nil, false, tandem.Errorf(tandem.ENotFound, "No booking with this id.")
}

func (a bookingsAPI) get(w http.ResponseWriter, r *http.Request, c Caller) error {
	b, participant, err := a.visible(r, c)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toBookingJSON(b, a.now(), participant))
	return nil
}

// list: GET /v1/bookings?as=learner|expert&when=upcoming|past&cursor=&limit=
func (a bookingsAPI) list(w http.ResponseWriter, r *http.Request, c Caller) error {
	q := r.URL.Query()
	var v tandem.Validation
	as, when := q.Get("as"), q.Get("when")
	if as == "" {
		as = "learner"
	}
	if when == "" {
		when = "upcoming"
	}
	v.Check(as == "learner" || as == "expert", "as", `must be "learner" or "expert"`)
	v.Check(when == "upcoming" || when == "past", "when", `must be "upcoming" or "past"`)
	limit := defaultPageSize
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		v.Check(err == nil && n >= 1 && n <= maxPageSize, "limit", "must be a number from 1 to %d", maxPageSize)
		limit = n
	}
	if err := v.Err(); err != nil {
		return err
	}
	if as == "expert" {
		if err := c.Require(tandem.RoleExpert); err != nil {
			return err
		}
	}
	page, err := a.store.ListBookings(r.Context(), c.OrgID, dynamo.BookingQuery{UserID: c.UserID, AsExpert: as == "expert",
		Upcoming: when == "upcoming", Cursor: q.Get("cursor"), Limit: limit})
	if err != nil {
		return err
	}
	now := a.now()
	items := make([]bookingJSON, 0, len(page.Bookings))
	for _, b := range page.Bookings {
		items = append(items, toBookingJSON(b, now, true))
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "nextCursor": page.Cursor})
	return nil
}

// readReason reads the optional {reason} body of cancel, decline and calling a circle off.
func readReason(r *http.Request) (string, error) {
	var in reasonInput
	if err := decodeOptionalJSON(r, &in); err != nil {
		return "", err
	}
	s := strings.TrimSpace(in.Reason)
	if utf8.RuneCountInString(s) > tandem.MaxCancelReason {
		return "", &tandem.Error{Code: tandem.EInvalid, Message: "The reason is too long.",
			Fields: []tandem.FieldError{{Field: "reason", Message: "must be at most 500 characters"}}}
	}
	return s, nil
}
