package httpapi

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/tandem"
	"golang.org/x/sync/errgroup"
)

type feedbackAPI struct {
	store *dynamo.Store
	now   func() time.Time
}

func (a feedbackAPI) register(rt *Router) {
	rt.handle("POST /v1/bookings/{bookingId}/feedback", a.submit)
	rt.handle("PUT /v1/bookings/{bookingId}/feedback", a.edit)
	rt.handle("GET /v1/bookings/{bookingId}/feedback", a.get)
	rt.handle("GET /v1/experts/{expertId}/reviews", a.reviews)
}

// learnerFeedbackJSON is the learner's part; the expert sees it too.
type learnerFeedbackJSON struct {
	Rating       int             `json:"rating"`
	Recommend    int             `json:"recommend"`
	MatchFit     tandem.MatchFit `json:"matchFit"`
	Comment      string          `json:"comment"`
	ShareComment bool            `json:"shareComment"`
	Progress     int             `json:"progress"`
	CreatedAt    time.Time       `json:"createdAt"`
	UpdatedAt    time.Time       `json:"updatedAt"`
	EditableTill time.Time       `json:"editableUntil"`
}

// expertFeedbackJSON is the expert's part: private to the expert.
type expertFeedbackJSON struct {
	Notes        string    `json:"notes"`
	Attended     bool      `json:"attended"`
	CreatedAt    time.Time `json:"createdAt"`
	UpdatedAt    time.Time `json:"updatedAt"`
	EditableTill time.Time `json:"editableUntil"`
}

type feedbackJSON struct {
	Learner *learnerFeedbackJSON `json:"learner"`
	Expert  *expertFeedbackJSON  `json:"expert,omitempty"`
	// RematchOffered is set when a learner marked the match poor: their request is open for
	// new matches again.
	RematchOffered bool `json:"rematchOffered,omitempty"`
}

func learnerJSON(f *tandem.Feedback) *learnerFeedbackJSON {
	if f == nil {
		return nil
	}
	return &learnerFeedbackJSON{Rating: f.Rating, Recommend: f.Recommend, MatchFit: f.MatchFit, Comment: f.Comment,
		ShareComment: f.ShareComment, Progress: f.Progress, CreatedAt: f.CreatedAt, UpdatedAt: f.UpdatedAt,
		EditableTill: f.CreatedAt.Add(tandem.FeedbackEditFor)}
}

func expertJSONOf(f *tandem.Feedback) *expertFeedbackJSON {
	if f == nil {
		return nil
	}
	return &expertFeedbackJSON{Notes: f.Notes, Attended: f.Attended, CreatedAt: f.CreatedAt, UpdatedAt: f.UpdatedAt,
		EditableTill: f.CreatedAt.Add(tandem.FeedbackEditFor)}
}

// view renders what the caller may see: the learner their own part only; the expert the
// learner's rating and comment and their own private notes.
func view(role tandem.Role, all map[tandem.Role]*tandem.Feedback) feedbackJSON {
	v := feedbackJSON{Learner: learnerJSON(all[tandem.RoleLearner])}
	if role == tandem.RoleExpert {
		v.Expert = expertJSONOf(all[tandem.RoleExpert])
	}
	return v
}

// feedbackContext is what every feedback write needs, read in one parallel round trip.
type feedbackContext struct {
	booking  *tandem.Booking
	expert   *tandem.Expert
	existing map[tandem.Role]*tandem.Feedback
	role     tandem.Role
}

// load reads the booking and its feedback in parallel, then (for a learner) the expert's
// topics, whose copies carry the rating tally too.
func (a feedbackAPI) load(r *http.Request, c Caller) (*feedbackContext, error) {
	ctx, org, id := r.Context(), c.OrgID, r.PathValue("bookingId")
	var fc feedbackContext
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { fc.existing, err = a.store.GetFeedback(gctx, org, id); return err })
	g.Go(func() (err error) { fc.booking, err = a.store.GetBooking(gctx, org, id); return err })
	if err := g.Wait(); err != nil {
		return nil, err
	}
	switch c.UserID {
	case fc.booking.Learner.ID:
		fc.role = tandem.RoleLearner
	case fc.booking.Expert.ID:
		fc.role = tandem.RoleExpert
		return &fc, nil
	default:
		return nil, tandem.Errorf(tandem.ENotFound, "No booking with this id.")
	}
	expert, err := a.store.GetExpert(ctx, org, fc.booking.Expert.ID)
	if err != nil && tandem.ErrorCode(err) != tandem.ENotFound {
		return nil, err
	}
	fc.expert = expert
	return &fc, nil
}

// submit: POST /v1/bookings/{id}/feedback — once per participant, after the session ended,
// not on a cancelled one. One transaction with the exact rating tally.
func (a feedbackAPI) submit(w http.ResponseWriter, r *http.Request, c Caller) error {
	return a.write(w, r, c, false)
}

// edit: PUT /v1/bookings/{id}/feedback — change one's feedback within 7 days of giving it.
func (a feedbackAPI) edit(w http.ResponseWriter, r *http.Request, c Caller) error {
	return a.write(w, r, c, true)
}

func (a feedbackAPI) write(w http.ResponseWriter, r *http.Request, c Caller, edit bool) error {
	var in tandem.FeedbackInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	for attempt := 0; ; attempt++ {
		fc, err := a.load(r, c)
		if err != nil {
			return err
		}
		if err := in.Validate(fc.role); err != nil {
			return err
		}
		now := a.now()
		if err := fc.booking.CanGiveFeedback(now); err != nil {
			return err
		}
		prev := fc.existing[fc.role]
		switch {
		case !edit && prev != nil:
			return &tandem.Error{Code: tandem.EConflict, Message: "You have already given feedback on this session; edit it instead.",
				Detail: map[string]any{"conflict": "duplicate"}}
		case edit && prev == nil:
			return tandem.Errorf(tandem.ENotFound, "There is no feedback to edit yet.")
		case edit && !now.Before(prev.CreatedAt.Add(tandem.FeedbackEditFor)):
			return &tandem.Error{Code: tandem.EConflict, Message: "Feedback can be edited for 7 days after it was given.",
				Detail: map[string]any{"conflict": "edit_window_closed"}}
		}
		f := &tandem.Feedback{BookingID: fc.booking.ID, ExpertID: fc.booking.Expert.ID, LearnerID: fc.booking.Learner.ID, Role: fc.role}
		if prev != nil {
			*f = *prev
		}
		in.Apply(f)
		var topics []string
		if fc.expert != nil {
			topics = fc.expert.Topics
		}
		reopen := fc.role == tandem.RoleLearner && f.MatchFit == tandem.FitPoor && (prev == nil || prev.MatchFit != tandem.FitPoor)
		err = a.store.SaveFeedback(r.Context(), dynamo.FeedbackWrite{Booking: fc.booking, Feedback: f, Previous: prev,
			Topics: topics, ReopenRequest: reopen})
		var e *tandem.Error
		if errors.As(err, &e) && e.Detail["conflict"] == "profile_changed" && attempt < 2 {
			continue // the expert's topics changed under us: read them again
		}
		if err != nil {
			return err
		}
		fc.existing[fc.role] = f
		out := view(fc.role, fc.existing)
		out.RematchOffered = reopen && fc.booking.RequestID != ""
		status := http.StatusCreated
		if edit {
			status = http.StatusOK
		}
		writeJSON(w, status, out)
		return nil
	}
}

// get: GET /v1/bookings/{id}/feedback — participants only; each sees what they may.
func (a feedbackAPI) get(w http.ResponseWriter, r *http.Request, c Caller) error {
	b, err := a.store.GetBooking(r.Context(), c.OrgID, r.PathValue("bookingId"))
	if err != nil {
		return err
	}
	role := tandem.RoleLearner
	switch c.UserID {
	case b.Learner.ID:
	case b.Expert.ID:
		role = tandem.RoleExpert
	default:
		return tandem.Errorf(tandem.ENotFound, "No booking with this id.")
	}
	all, err := a.store.GetFeedback(r.Context(), c.OrgID, b.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, view(role, all))
	return nil
}

type reviewJSON struct {
	Rating    int       `json:"rating"`
	Comment   string    `json:"comment,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
}

// reviews: GET /v1/experts/{id}/reviews?cursor=&limit= — the rating summary and the reviews,
// newest first, comments only where the learner allowed it. Two reads in parallel.
func (a feedbackAPI) reviews(w http.ResponseWriter, r *http.Request, c Caller) error {
	q := r.URL.Query()
	limit := defaultPageSize
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxPageSize {
			return &tandem.Error{Code: tandem.EInvalid, Message: "The request has invalid fields.",
				Fields: []tandem.FieldError{{Field: "limit", Message: "must be a number from 1 to 50"}}}
		}
		limit = n
	}
	var (
		expert  *tandem.Expert
		page    *dynamo.ReviewPage
		id, org = r.PathValue("expertId"), c.OrgID
	)
	g, ctx := errgroup.WithContext(r.Context())
	g.Go(func() (err error) { expert, err = a.store.GetExpert(ctx, org, id); return err })
	g.Go(func() (err error) { page, err = a.store.ListReviews(ctx, org, id, q.Get("cursor"), limit); return err })
	if err := g.Wait(); err != nil {
		return err
	}
	items := make([]reviewJSON, 0, len(page.Reviews))
	for _, rv := range page.Reviews {
		items = append(items, reviewJSON{Rating: rv.Rating, Comment: rv.Comment, CreatedAt: rv.CreatedAt})
	}
	writeJSON(w, http.StatusOK, map[string]any{"summary": expert.Rating, "items": items, "nextCursor": page.Cursor})
	return nil
}
