package httpapi

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tandemhq/tandem/internal/availability"
	"github.com/tandemhq/tandem/internal/booking"
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

// create: POST /v1/bookings with an Idempotency-Key: decode, authorize, book (the use case,
// internal/booking), answer.
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
	return a.book(w, r, c, key, raw, in, false)
}

// validIdemKey reports whether key is 8-100 of the characters A-Z a-z 0-9 . _ : - (a loop,
// not a regexp: nothing is compiled at cold start).
func validIdemKey(key string) bool {
	if len(key) < 8 || len(key) > 100 {
		return false
	}
	for i := range len(key) {
		switch c := key[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '.', c == '_', c == ':', c == '-':
		default:
			return false
		}
	}
	return true
}

func idempotencyKey(r *http.Request) (string, error) {
	key := r.Header.Get("Idempotency-Key")
	if !validIdemKey(key) {
		return "", &tandem.Error{Code: tandem.EInvalid, Message: "An Idempotency-Key header is required.",
			Fields: []tandem.FieldError{{Field: "Idempotency-Key", Message: "must be 8-100 letters, digits or . _ : -"}}}
	}
	return key, nil
}

// service is the booking use case on this API's store and clock.
func (a bookingsAPI) service() *booking.Service { return booking.New(a.store, a.now) }

// book books for the caller through the use case and writes its answer: POST /v1/bookings
// and accepting a request's offer both end here. raw is the request body the idempotency key
// is bound to.
func (a bookingsAPI) book(w http.ResponseWriter, r *http.Request, c Caller, key string, raw []byte, in tandem.BookInput, offered bool) error {
	res, err := a.service().Book(r.Context(), booking.Request{Org: c.OrgID, Input: in, Key: key, Body: raw, Render: renderBooked,
		Learner: tandem.Party{ID: c.UserID, Name: c.Name, Email: c.Email, Department: c.Department}, PreApproved: offered,
		Arrived: arrivedAt(r)})
	if err != nil {
		return err
	}
	switch {
	case res.Replayed:
		w.Header().Set("Idempotent-Replayed", "true")
	case res.CircleID != "":
		w.Header().Set("Location", "/v1/circles/"+res.CircleID)
	default:
		w.Header().Set("Location", "/v1/bookings/"+res.Booking.ID)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(res.Status)
	_, _ = w.Write(res.Body)
	return nil
}

// renderBooked is the response a booking stores under its idempotency key: the booking as
// the API shows it to its learner (201), or the place on a circle's waitlist (202).
func renderBooked(o booking.Outcome) ([]byte, error) {
	var v any = toBookingJSON(o.Booking, o.Now, true)
	if o.Waitlisted {
		v = waitlistedJSON{CircleID: o.Booking.CircleID, Status: "waitlisted"}
	}
	body, err := json.Marshal(v)
	return append(body, '\n'), err
}

// waitlistedJSON answers a request for a seat that joined the waitlist (202).
type waitlistedJSON struct {
	CircleID string `json:"circleId"`
	Status   string `json:"status"` // "waitlisted"
}

// busyWithout is busy less the circle's own entry (see booking.BusyWithout).
func busyWithout(busy []availability.Busy, c *tandem.Circle) []availability.Busy {
	return booking.BusyWithout(busy, c)
}

// fieldOf attaches a field to a slot-engine error that has none (see booking.StartError).
func fieldOf(err error, field string) error { return booking.StartError(err, field) }

// newID returns a random, URL-safe id (128 bits).
func newID() string { return booking.NewID() }

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
