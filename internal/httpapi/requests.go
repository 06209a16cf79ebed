package httpapi

import (
	"net/http"
	"slices"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/tandemhq/tandem/internal/availability"
	"github.com/tandemhq/tandem/internal/booking"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/matching"
	"github.com/tandemhq/tandem/internal/tandem"
	"golang.org/x/sync/errgroup"
)

// Matching bounds: candidates read per topic, and how many are scored in full (their
// schedules and busy time are read) after a first cut by topic overlap.
const (
	candidatesPerTopic = 50
	candidatesScored   = 40
	matchesShown       = 20
)

type requestsAPI struct {
	store    *dynamo.Store
	now      func() time.Time
	bookings bookingsAPI
}

func (a requestsAPI) register(rt *Router) {
	rt.handle("POST /v1/requests", a.create)
	rt.handle("GET /v1/requests", a.listMine)
	rt.handle("GET /v1/requests/board", a.board)
	rt.handle("GET /v1/requests/{requestId}", a.get)
	rt.handle("GET /v1/requests/{requestId}/matches", a.matches)
	rt.handle("POST /v1/requests/{requestId}/offers", a.offer)
	rt.handle("POST /v1/requests/{requestId}/accept", a.accept)
	rt.handle("POST /v1/requests/{requestId}/close", a.close)
}

type offerJSON struct {
	ExpertID    string      `json:"expertId"`
	ExpertName  string      `json:"expertName"`
	SessionType string      `json:"sessionType"`
	Starts      []time.Time `json:"starts"`
	CreatedAt   time.Time   `json:"createdAt"`
}

type requestJSON struct {
	ID                string                 `json:"id"`
	LearnerName       string                 `json:"learnerName"`
	LearnerDepartment string                 `json:"learnerDepartment"`
	Topics            []string               `json:"topics"`
	Goal              string                 `json:"goal"`
	DurationMin       int                    `json:"durationMin"`
	PreferredTimes    []tandem.PreferredTime `json:"preferredTimes"`
	Language          string                 `json:"language,omitempty"`
	Urgency           string                 `json:"urgency"`
	Timezone          string                 `json:"timezone"`
	Status            tandem.RequestStatus   `json:"status"`
	CreatedAt         time.Time              `json:"createdAt"`
	ExpiresAt         time.Time              `json:"expiresAt"`
	MatchedAt         *time.Time             `json:"matchedAt,omitempty"`
	BookingID         string                 `json:"bookingId,omitempty"`
	Offers            []offerJSON            `json:"offers,omitempty"`
}

func toRequestJSON(r *tandem.LearnerRequest, now time.Time) requestJSON {
	j := requestJSON{ID: r.ID, LearnerName: r.LearnerName, LearnerDepartment: r.LearnerDepartment, Topics: r.Topics,
		Goal: r.Goal, DurationMin: r.DurationMin, PreferredTimes: r.PreferredTimes, Language: r.Language, Urgency: r.Urgency,
		Timezone: r.Timezone, Status: r.EffectiveStatus(now), CreatedAt: r.CreatedAt, ExpiresAt: r.ExpiresAt, BookingID: r.BookingID}
	if !r.MatchedAt.IsZero() {
		m := r.MatchedAt
		j.MatchedAt = &m
	}
	if j.PreferredTimes == nil {
		j.PreferredTimes = []tandem.PreferredTime{}
	}
	return j
}

// create: POST /v1/requests — a learner posts what they want to learn.
func (a requestsAPI) create(w http.ResponseWriter, r *http.Request, c Caller) error {
	if err := c.Require(tandem.RoleLearner); err != nil {
		return err
	}
	var in tandem.RequestInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := in.Validate(); err != nil {
		return err
	}
	// The settings (expiry) and the learner's open requests (the board rank) in parallel;
	// the cap itself is the posting transaction's condition.
	var (
		settings tandem.OrgSettings
		open     []string
	)
	g, ctx := errgroup.WithContext(r.Context())
	g.Go(func() (err error) { settings, err = a.store.GetSettings(ctx, c.OrgID); return err })
	g.Go(func() (err error) { open, err = a.store.OpenRequests(ctx, c.OrgID, c.UserID); return err })
	if err := g.Wait(); err != nil {
		return err
	}
	if in.Timezone == "" {
		in.Timezone = "UTC"
	}
	now := a.now()
	req := &tandem.LearnerRequest{ID: newID(), OrgID: c.OrgID, LearnerID: c.UserID, LearnerName: c.Name,
		LearnerDepartment: c.Department, Topics: in.Topics, Goal: in.Goal, DurationMin: in.DurationMin,
		PreferredTimes: in.PreferredTimes, Language: in.Language, Urgency: in.Urgency, Timezone: in.Timezone,
		Status: tandem.RequestOpen, ExpiresAt: now.Add(settings.RequestExpiry()).UTC().Truncate(time.Second)}
	if err := a.store.PostRequest(r.Context(), req, len(open), tandem.MaxOpenRequests); err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/requests/"+req.ID)
	writeJSON(w, http.StatusCreated, toRequestJSON(req, now))
	return nil
}

// listMine: GET /v1/requests?cursor=&limit= — the caller's own requests, newest first.
// writeRequestPage answers a page of requests (a learner's own, or the experts' board).
func (a requestsAPI) writeRequestPage(w http.ResponseWriter, page *dynamo.RequestPage) {
	now := a.now()
	items := make([]requestJSON, 0, len(page.Requests))
	for _, req := range page.Requests {
		items = append(items, toRequestJSON(req, now))
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "nextCursor": page.Cursor})
}

func (a requestsAPI) listMine(w http.ResponseWriter, r *http.Request, c Caller) error {
	limit, err := pageLimit(r)
	if err != nil {
		return err
	}
	page, err := a.store.ListLearnerRequests(r.Context(), c.OrgID, c.UserID, r.URL.Query().Get("cursor"), limit)
	if err != nil {
		return err
	}
	a.writeRequestPage(w, page)
	return nil
}

func pageLimit(r *http.Request) (int, error) {
	s := r.URL.Query().Get("limit")
	if s == "" {
		return defaultPageSize, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxPageSize {
		return 0, &tandem.Error{Code: tandem.EInvalid, Message: "The request has invalid fields.",
			Fields: []tandem.FieldError{{Field: "limit", Message: "must be a number from 1 to 50"}}}
	}
	return n, nil
}

// visibleRequest: the owner always; an expert while the request is on the board. Anyone else
// gets not_found.
func (a requestsAPI) visibleRequest(r *http.Request, c Caller) (*tandem.LearnerRequest, bool, error) {
	req, err := a.store.GetRequest(r.Context(), c.OrgID, r.PathValue("requestId"))
	if err != nil {
		return nil, false, err
	}
	if req.LearnerID == c.UserID {
		return req, true, nil
	}
	if c.Has(tandem.RoleExpert) && req.EffectiveStatus(a.now()).Matchable() {
		return req, false, nil
	}
	return nil, false, tandem.Errorf(tandem.ENotFound, "No request with this id.")
}

// get: GET /v1/requests/{id} — the owner sees the offers too.
func (a requestsAPI) get(w http.ResponseWriter, r *http.Request, c Caller) error {
	req, owner, err := a.visibleRequest(r, c)
	if err != nil {
		return err
	}
	j := toRequestJSON(req, a.now())
	if owner {
		offers, err := a.store.GetOffers(r.Context(), c.OrgID, req.ID)
		if err != nil {
			return err
		}
		for _, o := range offers {
			j.Offers = append(j.Offers, offerJSON{ExpertID: o.ExpertID, ExpertName: o.ExpertName, SessionType: o.SessionType, Starts: o.Starts, CreatedAt: o.CreatedAt})
		}
	}
	writeJSON(w, http.StatusOK, j)
	return nil
}

// board: GET /v1/requests/board?cursor=&limit= — requests still looking for an expert that
// share a topic with the caller's profile, never the caller's own: every learner's first open
// request before anyone's second, the longest-waiting first; paged (default 50).
func (a requestsAPI) board(w http.ResponseWriter, r *http.Request, c Caller) error {
	if err := c.Require(tandem.RoleExpert); err != nil {
		return err
	}
	limit := maxPageSize
	if r.URL.Query().Has("limit") {
		n, err := pageLimit(r)
		if err != nil {
			return err
		}
		limit = n
	}
	expert, err := a.store.GetExpert(r.Context(), c.OrgID, c.UserID)
	if err != nil {
		return err
	}
	page, err := a.store.Board(r.Context(), c.OrgID, dynamo.BoardQuery{Topics: expert.Topics, Exclude: c.UserID,
		Cursor: r.URL.Query().Get("cursor"), Limit: limit})
	if err != nil {
		return err
	}
	a.writeRequestPage(w, page)
	return nil
}

// close: POST /v1/requests/{requestId}/close — the learner no longer needs the request: it
// leaves the board and stops counting toward their open requests. Closing a closed request
// changes nothing; one booked or expired cannot be closed (409 request_closed).
func (a requestsAPI) close(w http.ResponseWriter, r *http.Request, c Caller) error {
	req, err := a.store.GetRequest(r.Context(), c.OrgID, r.PathValue("requestId"))
	if err != nil {
		return err
	}
	if req.LearnerID != c.UserID {
		return tandem.Errorf(tandem.ENotFound, "No request with this id.")
	}
	now := a.now()
	switch st := req.EffectiveStatus(now); {
	case st == tandem.RequestClosed:
	case !st.Matchable():
		return &tandem.Error{Code: tandem.EConflict, Message: "The request is no longer looking for an expert.",
			Detail: map[string]any{"conflict": "request_closed", "status": st}}
	default:
		if err := a.store.CloseRequest(r.Context(), req); err != nil {
			return err
		}
	}
	writeJSON(w, http.StatusOK, toRequestJSON(req, now))
	return nil
}

type offerInput struct {
	SessionType string      `json:"sessionType"`
	Starts      []time.Time `json:"starts"`
}

// offer: POST /v1/requests/{id}/offers {sessionType, starts[≤3]} — an expert proposes
// concrete times; each must be bookable right now, by the same engine as booking.
func (a requestsAPI) offer(w http.ResponseWriter, r *http.Request, c Caller) error {
	if err := c.Require(tandem.RoleExpert); err != nil {
		return err
	}
	var in offerInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	var v tandem.Validation
	v.Check(len(in.Starts) >= 1 && len(in.Starts) <= tandem.MaxOfferSlots, "starts", "must list 1 to %d times", tandem.MaxOfferSlots)
	if err := v.Err(); err != nil {
		return err
	}
	// Experts know request ids from the board; once a request stops looking, say so (409)
	// rather than pretend it never existed.
	req, err := a.store.GetRequest(r.Context(), c.OrgID, r.PathValue("requestId"))
	if err != nil {
		return err
	}
	if req.LearnerID == c.UserID {
		return tandem.Errorf(tandem.EForbidden, "You cannot offer sessions on your own request.")
	}
	now := a.now()
	if st := req.EffectiveStatus(now); !st.Matchable() {
		return &tandem.Error{Code: tandem.EConflict, Message: "The request is no longer looking for an expert.",
			Detail: map[string]any{"conflict": "request_closed", "status": st}}
	}
	first, last := slices.MinFunc(in.Starts, time.Time.Compare), slices.MaxFunc(in.Starts, time.Time.Compare)
	inputs, err := a.store.LoadSlotInputs(r.Context(), c.OrgID, c.UserID, first, last.Add(24*time.Hour), "")
	if err != nil {
		return err
	}
	st, err := sessionTypeOf(inputs.Expert, in.SessionType)
	if err != nil {
		return err
	}
	rules := availability.RulesFor(st, inputs.Expert.Limits)
	for i, start := range in.Starts {
		if err := booking.CheckWithCalendars(*inputs.Schedule, rules, inputs.Busy, inputs.CalendarBusy, start, now); err != nil {
			e := fieldOf(err, "starts["+strconv.Itoa(i)+"]").(*tandem.Error)
			if e.Code == tandem.EConflict {
				e.Message = "You are no longer free at " + start.UTC().Format(time.RFC3339) + "."
				e.Detail["conflict"], e.Detail["start"] = "slot_taken", start.UTC()
			}
			return e
		}
	}
	o := &tandem.Offer{RequestID: req.ID, ExpertID: c.UserID, ExpertName: inputs.Expert.Name, SessionType: st.ID, Starts: in.Starts}
	if err := a.store.PutOffer(r.Context(), c.OrgID, o); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, offerJSON{ExpertID: o.ExpertID, ExpertName: o.ExpertName, SessionType: o.SessionType, Starts: o.Starts, CreatedAt: o.CreatedAt})
	return nil
}

type acceptInput struct {
	ExpertID string    `json:"expertId"`
	Start    time.Time `json:"start"`
	Note     string    `json:"note"`
}

// accept: POST /v1/requests/{id}/accept {expertId, start} + Idempotency-Key — the learner
// takes one offered time. It books through the one booking path; the same transaction marks
// the request booked, so an offer cannot be accepted twice.
func (a requestsAPI) accept(w http.ResponseWriter, r *http.Request, c Caller) error {
	if err := c.Require(tandem.RoleLearner); err != nil {
		return err
	}
	key, err := idempotencyKey(r)
	if err != nil {
		return err
	}
	var in acceptInput
	raw, err := readJSON(r, &in)
	if err != nil {
		return err
	}
	req, owner, err := a.visibleRequest(r, c)
	if err != nil {
		return err
	}
	if !owner {
		return tandem.Errorf(tandem.ENotFound, "No request with this id.")
	}
	offers, err := a.store.GetOffers(r.Context(), c.OrgID, req.ID)
	if err != nil {
		return err
	}
	for _, o := range offers {
		if o.ExpertID != in.ExpertID {
			continue
		}
		for _, s := range o.Starts {
			if s.Equal(in.Start) {
				return a.bookings.book(w, r, c, key, raw, tandem.BookInput{ExpertID: o.ExpertID, SessionType: o.SessionType,
					Start: in.Start, Note: in.Note, RequestID: req.ID})
			}
		}
	}
	return &tandem.Error{Code: tandem.EInvalid, Message: "That time was not offered on this request.",
		Fields: []tandem.FieldError{{Field: "start", Message: "is not one of the offered times of this expert"}}}
}

// matchJSON is one ranked expert with the breakdown of the score.
type matchJSON struct {
	Expert  expertJSON        `json:"expert"`
	Score   float64           `json:"score"`
	Signals []matching.Signal `json:"signals"`
}

// matches: GET /v1/requests/{id}/matches — experts ranked for the request with a per-signal
// breakdown. Reads are bounded: the request, settings and the learner's history in parallel;
// one topic-index Query per topic; then schedule and busy time for the best
// candidatesScored by topic overlap (in parallel). Never a Scan.
func (a requestsAPI) matches(w http.ResponseWriter, r *http.Request, c Caller) error {
	ctx := r.Context()
	var (
		req      *tandem.LearnerRequest
		settings tandem.OrgSettings
		history  []*tandem.Booking
		errs     [3]error
		wg       sync.WaitGroup
	)
	now := a.now()
	wg.Add(2)
	go func() { defer wg.Done(); settings, errs[1] = a.store.GetSettings(ctx, c.OrgID) }()
	go func() {
		defer wg.Done()
		history, errs[2] = a.store.ListUserBookings(ctx, c.OrgID, c.UserID, now.AddDate(-1, 0, 0))
	}()
	req, errs[0] = a.store.GetRequest(ctx, c.OrgID, r.PathValue("requestId"))
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	if req.LearnerID != c.UserID {
		return tandem.Errorf(tandem.ENotFound, "No request with this id.")
	}
	cands, experts, err := a.candidates(r, c, req, history, now)
	if err != nil {
		return err
	}
	mreq := matching.Request{LearnerID: c.UserID, Topics: req.Topics, Language: req.Language, LearnerTimezone: req.Timezone,
		LearnerDepartment: req.LearnerDepartment, DurationMin: req.DurationMin, Urgency: req.Urgency}
	for _, p := range req.PreferredTimes {
		mreq.PreferredTimes = append(mreq.PreferredTimes, matching.TimeWindow{Weekday: tandem.Weekdays[p.Weekday], StartHour: p.StartHour, EndHour: p.EndHour})
	}
	weights := matching.Weights(settings.Matching)
	ranked := matching.Rank(mreq, cands, weights, now)
	if len(ranked) > matchesShown {
		ranked = ranked[:matchesShown]
	}
	items := make([]matchJSON, 0, len(ranked))
	for _, m := range ranked {
		items = append(items, matchJSON{Expert: toExpertJSON(experts[m.ExpertID], false), Score: m.Score, Signals: m.Signals})
	}
	writeJSON(w, http.StatusOK, map[string]any{"requestId": req.ID, "status": req.EffectiveStatus(now), "weights": weights, "items": items})
	return nil
}

// candidates gathers the experts sharing a topic and, for the best by overlap, what the
// capacity and load signals need.
func (a requestsAPI) candidates(r *http.Request, c Caller, req *tandem.LearnerRequest, history []*tandem.Booking, now time.Time) ([]matching.Candidate, map[string]*tandem.Expert, error) {
	ctx := r.Context()
	experts := map[string]*tandem.Expert{}
	overlap := map[string]int{}
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	for _, t := range req.Topics {
		g.Go(func() error {
			page, err := a.store.SearchExperts(gctx, c.OrgID, dynamo.ExpertQuery{Topic: t, Limit: candidatesPerTopic})
			if err != nil {
				return err
			}
			mu.Lock()
			defer mu.Unlock()
			for _, e := range page.Experts {
				if e.ID != c.UserID {
					experts[e.ID] = e
					overlap[e.ID]++
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, nil, err
	}
	ids := make([]string, 0, len(experts))
	for id := range experts {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		if overlap[ids[i]] != overlap[ids[j]] {
			return overlap[ids[i]] > overlap[ids[j]]
		}
		return ids[i] < ids[j]
	})
	if len(ids) > candidatesScored {
		ids = ids[:candidatesScored]
	}
	met := map[string]bool{}
	for _, b := range history {
		if b.Learner.ID == c.UserID && (b.Status == tandem.StatusCompleted || b.Status == tandem.StatusConfirmed && b.End.Before(now)) {
			met[b.Expert.ID] = true
		}
	}
	horizon := now.Add(matching.Horizon) // capacity looks this far ahead
	cands := make([]matching.Candidate, len(ids))
	g, gctx = errgroup.WithContext(ctx)
	g.SetLimit(8)
	for i, id := range ids {
		g.Go(func() error {
			e := experts[id]
			cand := matching.Candidate{ExpertID: id, Topics: e.Topics, Languages: e.Languages, Timezone: e.Timezone,
				Department: e.Department, Rating: e.Rating, MetBefore: met[id]}
			var sch *availability.Schedule
			var busy []availability.Busy
			reads, rctx := errgroup.WithContext(gctx)
			reads.Go(func() (err error) { busy, err = a.store.Busy(rctx, c.OrgID, id, now, horizon, ""); return err })
			reads.Go(func() (err error) {
				sch, err = a.store.GetAvailability(rctx, c.OrgID, id)
				if tandem.ErrorCode(err) == tandem.ENotFound {
					return nil // no availability published yet: no free slots
				}
				return err
			})
			if err := reads.Wait(); err != nil {
				return err // a failed read is an error, not an expert without capacity
			}
			for _, b := range busy {
				if !b.Free && b.Start.After(now) {
					cand.UpcomingSessions++
				}
			}
			st := closestSessionType(e, req.DurationMin)
			if sch == nil {
				cands[i] = cand
				return nil
			}
			// The engine refuses only a schedule it cannot expand (e.g. an unknown zone): no free slots then.
			if slots, err := availability.Slots(*sch, availability.RulesFor(st, e.Limits), busy, now, horizon, now, time.UTC); err == nil {
				for _, s := range slots {
					cand.FreeSlots = append(cand.FreeSlots, s.Start)
				}
			}
			cands[i] = cand
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, nil, err
	}
	return cands, experts, nil
}

// closestSessionType is the expert's 1:1 session type nearest in length to minutes.
func closestSessionType(e *tandem.Expert, minutes int) tandem.SessionType {
	best := e.SessionTypes[0]
	for _, st := range e.SessionTypes[1:] {
		if abs(st.DurationMin-minutes) < abs(best.DurationMin-minutes) {
			best = st
		}
	}
	return best
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
