package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/tandemhq/tandem/internal/calendar"

	"github.com/tandemhq/tandem/internal/programs"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Programs and cohorts: HR creates a program, learners enroll, HR builds cohorts
// (internal/cohorts: mixed departments, new pairs, a workable time-zone spread), reviews the
// explanation and the comparison with random assignment, adjusts and publishes; members
// then see their cohort and its sessions; HR may archive a program. Served by
// RequestsFunction (who learns with whom). The use cases live in internal/programs; each
// handler decodes, authorizes, calls one of them and encodes.
type programsAPI struct {
	programs *programs.Service
}

func (a programsAPI) register(rt *Router) {
	rt.handle("POST /v1/programs", a.create)
	rt.handle("GET /v1/programs", a.list)
	rt.handle("GET /v1/programs/{programId}", a.get)
	rt.handle("POST /v1/programs/{programId}/archive", a.archive)
	rt.handle("POST /v1/programs/{programId}/enroll", a.enroll)
	rt.handle("DELETE /v1/programs/{programId}/enroll", a.withdraw)
	rt.handle("POST /v1/programs/{programId}/cohorts/build", a.build)
	rt.handle("PUT /v1/programs/{programId}/cohorts", a.adjust)
	rt.handle("POST /v1/programs/{programId}/cohorts/publish", a.publish)
	rt.handle("GET /v1/programs/{programId}/cohorts", a.cohorts)
	rt.handle("GET /v1/programs/{programId}/cohort/sessions/{session}/invite.ics", a.sessionInvite)
}

type programJSON struct {
	ID             string               `json:"id"`
	Title          string               `json:"title"`
	Topic          string               `json:"topic"`
	Description    string               `json:"description"`
	CohortSize     int                  `json:"cohortSize"`
	Start          time.Time            `json:"start"`
	Timezone       string               `json:"timezone"`
	Cadence        tandem.Cadence       `json:"cadence"`
	Sessions       int                  `json:"sessions"`
	SessionMin     int                  `json:"sessionMin"`
	SessionTimes   []time.Time          `json:"sessionTimes"`
	Facilitators   []string             `json:"facilitators"`
	MaxSpreadHours float64              `json:"maxSpreadHours"`
	Status         tandem.ProgramStatus `json:"status"`
	Enrolled       int                  `json:"enrolled"`
	// Me is whether the caller is enrolled (null in answers to HR's create and archive).
	Me         *bool      `json:"enrolledMe"`
	CreatedAt  time.Time  `json:"createdAt"`
	ArchivedAt *time.Time `json:"archivedAt,omitempty"`
}

func toProgramJSON(p *tandem.Program, me *bool) programJSON {
	j := programJSON{ID: p.ID, Title: p.Title, Topic: p.Topic, Description: p.Description, CohortSize: p.CohortSize,
		Start: p.Start, Timezone: p.Timezone, Cadence: p.Cadence, Sessions: p.Sessions, SessionMin: p.SessionMin,
		SessionTimes: p.SessionTimes(), Facilitators: append([]string{}, p.Facilitators...), MaxSpreadHours: p.MaxSpreadHours,
		Status: p.Status, Enrolled: p.Enrolled, Me: me, CreatedAt: p.CreatedAt}
	if !p.ArchivedAt.IsZero() {
		at := p.ArchivedAt
		j.ArchivedAt = &at
	}
	return j
}

// create: POST /v1/programs (HR).
func (a programsAPI) create(w http.ResponseWriter, r *http.Request, c Caller) error {
	if err := c.Require(tandem.RoleHR); err != nil {
		return err
	}
	var in tandem.ProgramInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	p, err := a.programs.Create(r.Context(), c, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/programs/"+p.ID)
	writeJSON(w, http.StatusCreated, toProgramJSON(p, nil))
	return nil
}

// list: GET /v1/programs[?status=] — the org's programs, newest first, with whether the
// caller is enrolled in each: every program but the archived ones, or those in status.
// Archived programs are listed for HR only.
func (a programsAPI) list(w http.ResponseWriter, r *http.Request, c Caller) error {
	status := tandem.ProgramStatus(r.URL.Query().Get("status"))
	if status == tandem.ProgramArchived {
		if err := c.Require(tandem.RoleHR); err != nil {
			return err
		}
	}
	listed, err := a.programs.List(r.Context(), c, status)
	if err != nil {
		return err
	}
	items := make([]programJSON, 0, len(listed))
	for _, l := range listed {
		me := l.Enrolled
		items = append(items, toProgramJSON(l.Program, &me))
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
	return nil
}

// get: GET /v1/programs/{programId}.
func (a programsAPI) get(w http.ResponseWriter, r *http.Request, c Caller) error {
	p, me, err := a.programs.Get(r.Context(), c, r.PathValue("programId"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toProgramJSON(p, &me))
	return nil
}

// archive: POST /v1/programs/{programId}/archive (HR) — off learners' lists and closed to
// enrollment, from any status; repeating it changes nothing.
func (a programsAPI) archive(w http.ResponseWriter, r *http.Request, c Caller) error {
	if err := c.Require(tandem.RoleHR); err != nil {
		return err
	}
	p, err := a.programs.Archive(r.Context(), c, r.PathValue("programId"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toProgramJSON(p, nil))
	return nil
}

// enroll: POST /v1/programs/{programId}/enroll {interests, timezone} (learner).
func (a programsAPI) enroll(w http.ResponseWriter, r *http.Request, c Caller) error {
	if err := c.Require(tandem.RoleLearner); err != nil {
		return err
	}
	var in tandem.EnrollInput
	if err := decodeOptionalJSON(r, &in); err != nil {
		return err
	}
	e, err := a.programs.Enroll(r.Context(), c, r.PathValue("programId"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

// withdraw: DELETE /v1/programs/{programId}/enroll (learner) — while enrolling.
func (a programsAPI) withdraw(w http.ResponseWriter, r *http.Request, c Caller) error {
	if err := c.Require(tandem.RoleLearner); err != nil {
		return err
	}
	if err := a.programs.Withdraw(r.Context(), c, r.PathValue("programId")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// cohortPlan is a program's cohorts as HR reviews them and members see them.
type cohortPlan struct {
	Status      tandem.PlanStatus `json:"status"` // draft | published
	Seed        uint64            `json:"seed"`
	Adjusted    bool              `json:"adjusted"`
	Cohorts     []planCohort      `json:"cohorts"`
	Measures    measuresJSON      `json:"measures"`
	Baseline    measuresJSON      `json:"baseline"`  // random assignment into the same sizes, same seed
	Unplaced    []planMember      `json:"unplaced"`  // enrolled after the plan was built (HR's view)
	Withdrawn   []planMember      `json:"withdrawn"` // in a cohort but no longer enrolled (HR's view)
	BuiltAt     time.Time         `json:"builtAt"`
	PublishedAt *time.Time        `json:"publishedAt,omitempty"`
	Version     int64             `json:"version"`
}

type planCohort struct {
	Number      int             `json:"number"`
	Members     []planMember    `json:"members"`
	Explanation explanationJSON `json:"explanation"`
}

type planMember struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Department string `json:"department"`
	Timezone   string `json:"timezone"`
}

type explanationJSON struct {
	Departments     []string `json:"departments"`
	Pairs           int      `json:"pairs"`
	CrossPairs      int      `json:"crossPairs"`
	NewPairs        int      `json:"newPairs"`
	SpreadHours     float64  `json:"spreadHours"`
	SharedInterests []string `json:"sharedInterests"`
	EIIndex         float64  `json:"eiIndex"`
}

type measuresJSON struct {
	EIIndex        float64 `json:"eiIndex"`
	NewPairs       int     `json:"newPairs"`
	CrossPairs     int     `json:"crossPairs"`
	Pairs          int     `json:"pairs"`
	MaxSpreadHours float64 `json:"maxSpreadHours"`
	Violations     int     `json:"violations"`
}

func toPlanJSON(v *programs.PlanView) cohortPlan {
	cp := v.Plan
	j := cohortPlan{Status: cp.Status, Seed: cp.Seed, Adjusted: cp.Adjusted, Cohorts: make([]planCohort, 0, len(cp.Cohorts)),
		Measures: measuresJSON(cp.Measures), Baseline: measuresJSON(cp.Baseline), Unplaced: toMembersJSON(v.Unplaced),
		Withdrawn: toMembersJSON(v.Withdrawn), BuiltAt: cp.BuiltAt, Version: cp.Version}
	if !cp.PublishedAt.IsZero() {
		at := cp.PublishedAt
		j.PublishedAt = &at
	}
	for _, pc := range cp.Cohorts {
		j.Cohorts = append(j.Cohorts, toCohortJSON(pc))
	}
	return j
}

func toCohortJSON(pc tandem.PlanCohort) planCohort {
	x := pc.Explanation
	return planCohort{Number: pc.Number, Members: toMembersJSON(pc.Members), Explanation: explanationJSON{
		Departments: nonNil(x.Departments), Pairs: x.Pairs, CrossPairs: x.CrossPairs, NewPairs: x.NewPairs,
		SpreadHours: x.SpreadHours, SharedInterests: nonNil(x.SharedInterests), EIIndex: x.EIIndex}}
}

func toMembersJSON(ms []tandem.PlanMember) []planMember {
	out := make([]planMember, 0, len(ms))
	for _, m := range ms {
		out = append(out, planMember(m))
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// build: POST /v1/programs/{programId}/cohorts/build {seed} (HR) — partitions the enrollees
// and stores the result as the draft plan, replacing any earlier draft.
func (a programsAPI) build(w http.ResponseWriter, r *http.Request, c Caller) error {
	if err := c.Require(tandem.RoleHR); err != nil {
		return err
	}
	var in struct {
		Seed *uint64 `json:"seed"`
	}
	if err := decodeOptionalJSON(r, &in); err != nil {
		return err
	}
	v, err := a.programs.Build(r.Context(), c, r.PathValue("programId"), in.Seed)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toPlanJSON(v))
	return nil
}

// adjust: PUT /v1/programs/{programId}/cohorts {version, cohorts: [[ids]]} (HR) — HR's own
// arrangement over the version read.
func (a programsAPI) adjust(w http.ResponseWriter, r *http.Request, c Caller) error {
	if err := c.Require(tandem.RoleHR); err != nil {
		return err
	}
	var in struct {
		Version int64      `json:"version"`
		Cohorts [][]string `json:"cohorts"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	v, err := a.programs.Adjust(r.Context(), c, r.PathValue("programId"), in.Version, in.Cohorts)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toPlanJSON(v))
	return nil
}

// publish: POST /v1/programs/{programId}/cohorts/publish {version} (HR) — fixes the plan and
// closes enrollment.
func (a programsAPI) publish(w http.ResponseWriter, r *http.Request, c Caller) error {
	if err := c.Require(tandem.RoleHR); err != nil {
		return err
	}
	var in struct {
		Version int64 `json:"version"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	v, err := a.programs.Publish(r.Context(), c, r.PathValue("programId"), in.Version)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toPlanJSON(v))
	return nil
}

// cohorts: GET /v1/programs/{programId}/cohorts — HR sees the plan (draft or published); a
// member sees their own cohort once published, with the program's session times.
func (a programsAPI) cohorts(w http.ResponseWriter, r *http.Request, c Caller) error {
	if c.Has(tandem.RoleHR) {
		v, err := a.programs.Plan(r.Context(), c, r.PathValue("programId"))
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, toPlanJSON(v))
		return nil
	}
	mine, err := a.programs.Mine(r.Context(), c, r.PathValue("programId"))
	if err != nil {
		return err
	}
	enrolled := true
	writeJSON(w, http.StatusOK, map[string]any{"program": toProgramJSON(mine.Program, &enrolled), "cohort": toCohortJSON(mine.Cohort)})
	return nil
}

// sessionInvite: GET /v1/programs/{programId}/cohort/sessions/{session}/invite.ics — the
// caller's own cohort's session n (1-based) as an RFC 5545 invite; 404 for anyone not in a
// published cohort of the program. UID "<program>-<cohort>-<n>@tandem" is stable and SEQUENCE
// is the published plan's version, so an updated plan replaces the imported event.
func (a programsAPI) sessionInvite(w http.ResponseWriter, r *http.Request, c Caller) error {
	n, err := strconv.Atoi(r.PathValue("session"))
	if err != nil || n < 1 || n > tandem.MaxProgramSessions {
		return &tandem.Error{Code: tandem.EInvalid, Message: "The request has invalid fields.",
			Fields: []tandem.FieldError{{Field: "session", Message: "must be a session number 1-" + strconv.Itoa(tandem.MaxProgramSessions)}}}
	}
	mine, err := a.programs.Mine(r.Context(), c, r.PathValue("programId"))
	if err != nil {
		return err
	}
	s, ok := calendar.CohortSessionOf(mine.Program, mine.Cohort, mine.PlanVersion, mine.PublishedAt,
		calendar.Person{Name: c.Name, Email: c.Email}, c.UserID, n)
	if !ok {
		return tandem.Errorf(tandem.ENotFound, "The program has no session %d.", n)
	}
	doc, err := calendar.Invite(s)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", calendar.ContentType)
	w.Header().Set("Content-Disposition", `attachment; filename="tandem-`+s.BookingID+`.ics"`)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(doc)
	return nil
}
