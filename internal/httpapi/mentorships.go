package httpapi

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/analytics"
	"github.com/tandemhq/tandem/internal/mentorships"
	"github.com/tandemhq/tandem/internal/tandem"
)

// mentorshipsAPI serves /v1/mentorships: decode, authorize (the use cases let only the two
// parties see a mentorship), call internal/mentorships, encode.
type mentorshipsAPI struct {
	svc *mentorships.Service
}

func (a mentorshipsAPI) register(rt *Router) {
	rt.handle("GET /v1/mentorships", a.list)
	rt.handle("POST /v1/mentorships", a.propose)
	rt.handle("GET /v1/mentorships/{mentorshipId}", a.get)
	rt.handle("POST /v1/mentorships/{mentorshipId}/accept", a.act(mentorships.ActAccept))
	rt.handle("POST /v1/mentorships/{mentorshipId}/pause", a.act(mentorships.ActPause))
	rt.handle("POST /v1/mentorships/{mentorshipId}/resume", a.act(mentorships.ActResume))
	rt.handle("POST /v1/mentorships/{mentorshipId}/close", a.act(mentorships.ActClose))
	rt.handle("POST /v1/mentorships/{mentorshipId}/schedule", a.schedule)
	rt.handle("POST /v1/mentorships/{mentorshipId}/occurrences/{occurrenceId}/skip", a.skip)
	rt.handle("POST /v1/mentorships/{mentorshipId}/occurrences/{occurrenceId}/move", a.atStart(a.svc.Move))
	rt.handle("POST /v1/mentorships/{mentorshipId}/occurrences/{occurrenceId}/book", a.atStart(a.svc.BookAt))
	rt.handle("PUT /v1/mentorships/{mentorshipId}/occurrences/{occurrenceId}/agenda", a.setAgenda)
	rt.handle("GET /v1/mentorships/{mentorshipId}/agendas", a.agendas)
	rt.handle("GET /v1/mentorships/{mentorshipId}/actions", a.actions)
	rt.handle("POST /v1/mentorships/{mentorshipId}/actions", a.addAction)
	rt.handle("PUT /v1/mentorships/{mentorshipId}/actions/{actionId}", a.updateAction)
	rt.handle("GET /v1/mentorships/{mentorshipId}/notes", a.notes)
	rt.handle("POST /v1/mentorships/{mentorshipId}/notes", a.addNote)
	rt.handle("GET /v1/mentorships/{mentorshipId}/checkins", a.progress)
	rt.handle("POST /v1/mentorships/{mentorshipId}/checkins", a.addCheckIn)
	rt.handle("POST /v1/mentorships/{mentorshipId}/reflection", a.reflect)
}

// mentorshipReportsAPI serves HR's GET /v1/reports/mentorships.
type mentorshipReportsAPI struct {
	svc *mentorships.Service
}

func (a mentorshipReportsAPI) register(rt *Router) {
	rt.handle("GET /v1/reports/mentorships", a.report)
}

type occurrenceJSON struct {
	Index         int                    `json:"index"`
	Start         time.Time              `json:"start"`
	State         tandem.OccurrenceState `json:"state"`
	Reason        string                 `json:"reason,omitempty"`
	BookingID     string                 `json:"bookingId,omitempty"`
	BookingStatus tandem.BookingStatus   `json:"bookingStatus,omitempty"`
}

type reflectionsJSON struct {
	Learner *tandem.Reflection `json:"learner,omitempty"`
	Expert  *tandem.Reflection `json:"expert,omitempty"`
}

type mentorshipJSON struct {
	ID          string                  `json:"id"`
	Status      tandem.MentorshipStatus `json:"status"`
	Origin      tandem.MentorshipOrigin `json:"origin"`
	RequestID   string                  `json:"requestId,omitempty"`
	ProgramID   string                  `json:"programId,omitempty"`
	Learner     tandem.Party            `json:"learner"`
	Expert      tandem.Party            `json:"expert"`
	ProposedBy  string                  `json:"proposedBy"`
	Accepted    []string                `json:"accepted"`
	Agreement   tandem.Agreement        `json:"agreement"`
	Occurrences []occurrenceJSON        `json:"occurrences"`
	Health      *mentorships.Health     `json:"health,omitempty"`
	Reflections reflectionsJSON         `json:"reflections"`
	CreatedAt   time.Time               `json:"createdAt"`
	ActivatedAt *time.Time              `json:"activatedAt,omitempty"`
	ClosedAt    *time.Time              `json:"closedAt,omitempty"`
	UpdatedAt   time.Time               `json:"updatedAt"`
	Version     int64                   `json:"version"`
}

// toMentorshipJSON renders m; with v (a full read) each occurrence carries its booking's status
// and the health is the one computed now.
func toMentorshipJSON(m *tandem.Mentorship, v *mentorships.View) mentorshipJSON {
	j := mentorshipJSON{ID: m.ID, Status: m.Status, Origin: m.Origin, RequestID: m.RequestID, ProgramID: m.ProgramID,
		Learner: m.Learner, Expert: m.Expert, ProposedBy: m.ProposedBy, Accepted: m.Accepted, Agreement: m.Agreement,
		Occurrences: []occurrenceJSON{}, CreatedAt: m.CreatedAt, ActivatedAt: optTime(m.ActivatedAt), ClosedAt: optTime(m.ClosedAt),
		UpdatedAt: m.UpdatedAt, Version: m.Version}
	if j.Accepted == nil {
		j.Accepted = []string{}
	}
	if j.Agreement.Goals == nil {
		j.Agreement.Goals = []tandem.Goal{}
	}
	for _, o := range m.Occurrences {
		oj := occurrenceJSON{Index: o.Index, Start: o.Start, State: o.State, Reason: o.Reason, BookingID: o.BookingID}
		if v != nil {
			if b := v.Bookings[o.BookingID]; b != nil && o.BookingID != "" {
				oj.BookingStatus = b.EffectiveStatus(v.Now)
				oj.Start = b.Start
			}
		}
		j.Occurrences = append(j.Occurrences, oj)
	}
	if v != nil {
		h := v.Health
		j.Health = &h
	} else if m.Health != "" {
		j.Health = &mentorships.Health{Status: m.Health, Reason: m.HealthReason}
	}
	if r, ok := m.Reflections[m.Learner.ID]; ok {
		j.Reflections.Learner = &r
	}
	if r, ok := m.Reflections[m.Expert.ID]; ok {
		j.Reflections.Expert = &r
	}
	return j
}

// list: GET /v1/mentorships — the caller's, as learner and as expert, newest first.
func (a mentorshipsAPI) list(w http.ResponseWriter, r *http.Request, c Caller) error {
	ms, err := a.svc.List(r.Context(), c)
	if err != nil {
		return err
	}
	items := make([]mentorshipJSON, 0, len(ms))
	for _, m := range ms {
		items = append(items, toMentorshipJSON(m, nil))
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
	return nil
}

// propose: POST /v1/mentorships — to an expert (the caller as learner) or to a learner (the
// caller as expert); the other side accepts.
func (a mentorshipsAPI) propose(w http.ResponseWriter, r *http.Request, c Caller) error {
	var in mentorships.ProposeInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if in.ExpertID != "" {
		if err := c.Require(tandem.RoleLearner); err != nil {
			return err
		}
	} else if in.LearnerID != "" {
		if err := c.Require(tandem.RoleExpert); err != nil {
			return err
		}
	}
	m, err := a.svc.Propose(r.Context(), c, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/mentorships/"+m.ID)
	writeJSON(w, http.StatusCreated, toMentorshipJSON(m, nil))
	return nil
}

// get: GET /v1/mentorships/{id} — the parties only; with the occurrences' bookings and health.
func (a mentorshipsAPI) get(w http.ResponseWriter, r *http.Request, c Caller) error {
	v, err := a.svc.Read(r.Context(), c, r.PathValue("mentorshipId"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toMentorshipJSON(v.Mentorship, v))
	return nil
}

func (a mentorshipsAPI) act(action mentorships.Action) func(http.ResponseWriter, *http.Request, Caller) error {
	return func(w http.ResponseWriter, r *http.Request, c Caller) error {
		m, err := a.svc.Act(r.Context(), c, r.PathValue("mentorshipId"), action)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, toMentorshipJSON(m, nil))
		return nil
	}
}

// schedule: POST /v1/mentorships/{id}/schedule — book the series (or retry its failed
// occurrences); 200 with what was booked and what failed, with alternatives.
func (a mentorshipsAPI) schedule(w http.ResponseWriter, r *http.Request, c Caller) error {
	var in mentorships.ScheduleInput
	if err := decodeOptionalJSON(r, &in); err != nil {
		return err
	}
	res, err := a.svc.Schedule(r.Context(), c, r.PathValue("mentorshipId"), in)
	if err != nil {
		return err
	}
	booked := res.Booked
	if booked == nil {
		booked = []int{}
	}
	failed := res.Failed
	if failed == nil {
		failed = []mentorships.Failure{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"mentorship": toMentorshipJSON(res.Mentorship, nil), "booked": booked, "failed": failed})
	return nil
}

func occurrenceIndex(r *http.Request) (int, error) {
	n, err := strconv.Atoi(r.PathValue("occurrenceId"))
	if err != nil || n < 0 || n > 999 {
		return 0, &tandem.Error{Code: tandem.EInvalid, Message: "The request has invalid fields.",
			Fields: []tandem.FieldError{{Field: "occurrenceId", Message: "must be an occurrence index 0-999"}}}
	}
	return n, nil
}

// skip: POST /v1/mentorships/{id}/occurrences/{n}/skip
func (a mentorshipsAPI) skip(w http.ResponseWriter, r *http.Request, c Caller) error {
	n, err := occurrenceIndex(r)
	if err != nil {
		return err
	}
	m, err := a.svc.Skip(r.Context(), c, r.PathValue("mentorshipId"), n)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toMentorshipJSON(m, nil))
	return nil
}

type moveInput struct {
	Start time.Time `json:"start"`
}

// atStart serves the occurrence routes that take {"start"}: move (POST …/occurrences/{n}/move,
// a booked occurrence to another start) and bookAt (POST …/occurrences/{n}/book, a failed one
// booked at another start, e.g. one of its alternatives).
func (a mentorshipsAPI) atStart(do func(ctx context.Context, c Caller, id string, n int, start time.Time) (*tandem.Mentorship, error)) func(http.ResponseWriter, *http.Request, Caller) error {
	return func(w http.ResponseWriter, r *http.Request, c Caller) error {
		n, err := occurrenceIndex(r)
		if err != nil {
			return err
		}
		var in moveInput
		if err := decodeJSON(r, &in); err != nil {
			return err
		}
		if in.Start.IsZero() {
			return &tandem.Error{Code: tandem.EInvalid, Message: "The request has invalid fields.",
				Fields: []tandem.FieldError{{Field: "start", Message: "is required"}}}
		}
		m, err := do(r.Context(), c, r.PathValue("mentorshipId"), n, in.Start)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, toMentorshipJSON(m, nil))
		return nil
	}
}

// setAgenda: PUT /v1/mentorships/{id}/occurrences/{n}/agenda {"items", "version"}
func (a mentorshipsAPI) setAgenda(w http.ResponseWriter, r *http.Request, c Caller) error {
	n, err := occurrenceIndex(r)
	if err != nil {
		return err
	}
	var in mentorships.AgendaInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	ag, err := a.svc.SetAgenda(r.Context(), c, r.PathValue("mentorshipId"), n, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ag)
	return nil
}

// agendas: GET /v1/mentorships/{id}/agendas
func (a mentorshipsAPI) agendas(w http.ResponseWriter, r *http.Request, c Caller) error {
	items, err := a.svc.Agendas(r.Context(), c, r.PathValue("mentorshipId"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
	return nil
}

// actions: GET /v1/mentorships/{id}/actions
func (a mentorshipsAPI) actions(w http.ResponseWriter, r *http.Request, c Caller) error {
	items, err := a.svc.ActionItems(r.Context(), c, r.PathValue("mentorshipId"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
	return nil
}

// addAction: POST /v1/mentorships/{id}/actions
func (a mentorshipsAPI) addAction(w http.ResponseWriter, r *http.Request, c Caller) error {
	var in mentorships.ActionInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	item, err := a.svc.AddActionItem(r.Context(), c, r.PathValue("mentorshipId"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, item)
	return nil
}

// updateAction: PUT /v1/mentorships/{id}/actions/{actionId}
func (a mentorshipsAPI) updateAction(w http.ResponseWriter, r *http.Request, c Caller) error {
	var in mentorships.ActionInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	item, err := a.svc.UpdateActionItem(r.Context(), c, r.PathValue("mentorshipId"), r.PathValue("actionId"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, item)
	return nil
}

// notes: GET /v1/mentorships/{id}/notes — the caller's own private notes.
func (a mentorshipsAPI) notes(w http.ResponseWriter, r *http.Request, c Caller) error {
	items, err := a.svc.Notes(r.Context(), c, r.PathValue("mentorshipId"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
	return nil
}

// addNote: POST /v1/mentorships/{id}/notes
func (a mentorshipsAPI) addNote(w http.ResponseWriter, r *http.Request, c Caller) error {
	var in mentorships.NoteInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	n, err := a.svc.AddNote(r.Context(), c, r.PathValue("mentorshipId"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, n)
	return nil
}

// progress: GET /v1/mentorships/{id}/checkins — the check-ins and each goal's trend.
func (a mentorshipsAPI) progress(w http.ResponseWriter, r *http.Request, c Caller) error {
	cis, trends, err := a.svc.Progress(r.Context(), c, r.PathValue("mentorshipId"))
	if err != nil {
		return err
	}
	if cis == nil {
		cis = []*tandem.CheckIn{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": cis, "goals": trends})
	return nil
}

// addCheckIn: POST /v1/mentorships/{id}/checkins (the learner)
func (a mentorshipsAPI) addCheckIn(w http.ResponseWriter, r *http.Request, c Caller) error {
	var in mentorships.CheckInInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	ci, err := a.svc.AddCheckIn(r.Context(), c, r.PathValue("mentorshipId"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, ci)
	return nil
}

// reflect: POST /v1/mentorships/{id}/reflection — once per side, after closing.
func (a mentorshipsAPI) reflect(w http.ResponseWriter, r *http.Request, c Caller) error {
	var in mentorships.ReflectionInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	res, err := a.svc.Reflect(r.Context(), c, r.PathValue("mentorshipId"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"mentorship": toMentorshipJSON(res.Mentorship, nil), "rematchOffered": res.RematchOffered})
	return nil
}

// report: GET /v1/reports/mentorships (HR)
func (a mentorshipReportsAPI) report(w http.ResponseWriter, r *http.Request, c Caller) error {
	if err := c.Require(tandem.RoleHR); err != nil {
		return err
	}
	format := r.URL.Query().Get("format")
	if format == "" && strings.Contains(r.Header.Get("Accept"), "text/csv") {
		format = "csv"
	}
	if format == "csv" { // the stream-kept figures only: one Query, whatever the history
		fig, err := a.svc.LoadFigures(r.Context(), c.OrgID)
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="tandem-mentorships.csv"`)
		w.WriteHeader(http.StatusOK)
		return analytics.WriteMentorshipCSV(w, fig.Org, fig.Departments)
	}
	rep, err := a.svc.Report(r.Context(), c)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}
