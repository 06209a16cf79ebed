package httpapi

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/tandemhq/tandem/internal/analytics"
	"github.com/tandemhq/tandem/internal/cohorts"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Programs and cohorts: HR creates a program, learners enroll, HR builds cohorts
// (internal/cohorts: mixed departments, new pairs, a workable time-zone spread), reviews the
// explanation and the comparison with random assignment, adjusts and publishes; members
// then see their cohort and its sessions. Served by RequestsFunction (who learns with whom).
type programsAPI struct {
	store *dynamo.Store
	now   func() time.Time
}

func (a programsAPI) register(rt *Router) {
	rt.handle("POST /v1/programs", a.create)
	rt.handle("GET /v1/programs", a.list)
	rt.handle("GET /v1/programs/{programId}", a.get)
	rt.handle("POST /v1/programs/{programId}/enroll", a.enroll)
	rt.handle("DELETE /v1/programs/{programId}/enroll", a.withdraw)
	rt.handle("POST /v1/programs/{programId}/cohorts/build", a.build)
	rt.handle("PUT /v1/programs/{programId}/cohorts", a.adjust)
	rt.handle("POST /v1/programs/{programId}/cohorts/publish", a.publish)
	rt.handle("GET /v1/programs/{programId}/cohorts", a.cohorts)
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
	// Me is whether the caller is enrolled (null in answers to HR's create).
	Me        *bool     `json:"enrolledMe"`
	CreatedAt time.Time `json:"createdAt"`
}

func toProgramJSON(p *tandem.Program, me *bool) programJSON {
	return programJSON{ID: p.ID, Title: p.Title, Topic: p.Topic, Description: p.Description, CohortSize: p.CohortSize,
		Start: p.Start, Timezone: p.Timezone, Cadence: p.Cadence, Sessions: p.Sessions, SessionMin: p.SessionMin,
		SessionTimes: p.SessionTimes(), Facilitators: append([]string{}, p.Facilitators...), MaxSpreadHours: p.MaxSpreadHours,
		Status: p.Status, Enrolled: p.Enrolled, Me: me, CreatedAt: p.CreatedAt}
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
	if err := in.Validate(a.now()); err != nil {
		return err
	}
	p := &tandem.Program{ID: newID(), OrgID: c.OrgID, Title: in.Title, Topic: in.Topic, Description: in.Description,
		CohortSize: in.CohortSize, Start: in.Start.UTC(), Timezone: in.Timezone, Cadence: in.Cadence, Sessions: in.Sessions,
		SessionMin: in.SessionMin, Facilitators: in.Facilitators, MaxSpreadHours: in.MaxSpreadHours}
	if err := a.store.CreateProgram(r.Context(), p); err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/programs/"+p.ID)
	writeJSON(w, http.StatusCreated, toProgramJSON(p, nil))
	return nil
}

// list: GET /v1/programs — the org's programs, newest first, with whether the caller is
// enrolled in each.
func (a programsAPI) list(w http.ResponseWriter, r *http.Request, c Caller) error {
	programs, err := a.store.ListPrograms(r.Context(), c.OrgID)
	if err != nil {
		return err
	}
	mine, err := a.store.EnrolledPrograms(r.Context(), c.OrgID, c.UserID)
	if err != nil {
		return err
	}
	items := make([]programJSON, 0, len(programs))
	for _, p := range programs {
		me := mine[p.ID]
		items = append(items, toProgramJSON(p, &me))
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
	return nil
}

// get: GET /v1/programs/{programId}.
func (a programsAPI) get(w http.ResponseWriter, r *http.Request, c Caller) error {
	p, err := a.store.GetProgram(r.Context(), c.OrgID, r.PathValue("programId"))
	if err != nil {
		return err
	}
	me, err := a.store.IsEnrolled(r.Context(), c.OrgID, p.ID, c.UserID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toProgramJSON(p, &me))
	return nil
}

// enroll: POST /v1/programs/{programId}/enroll {interests, timezone} (learner) — with the
// department from the token and the zone from the body or the caller's saved profile.
func (a programsAPI) enroll(w http.ResponseWriter, r *http.Request, c Caller) error {
	if err := c.Require(tandem.RoleLearner); err != nil {
		return err
	}
	var in tandem.EnrollInput
	if err := decodeOptionalJSON(r, &in); err != nil {
		return err
	}
	if err := in.Validate(); err != nil {
		return err
	}
	p, err := a.store.GetProgram(r.Context(), c.OrgID, r.PathValue("programId"))
	if err != nil {
		return err
	}
	if in.Timezone == "" {
		u, err := a.store.GetUser(r.Context(), c.OrgID, c.UserID)
		switch {
		case err == nil:
			in.Timezone = u.Timezone
		case tandem.ErrorCode(err) != tandem.ENotFound:
			return err
		}
	}
	if in.Timezone == "" {
		return &tandem.Error{Code: tandem.EInvalid, Message: "Your time zone is needed to place you in a cohort that can meet.",
			Fields: []tandem.FieldError{{Field: "timezone", Message: "is required (none is saved on your profile)"}}}
	}
	if len(in.Interests) == 0 {
		in.Interests = []string{p.Topic}
	}
	e := &tandem.Enrollment{ProgramID: p.ID, UserID: c.UserID, Name: c.Name, Department: c.Department,
		Timezone: in.Timezone, Interests: in.Interests}
	if err := a.store.Enroll(r.Context(), c.OrgID, e); err != nil {
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
	if err := a.store.Withdraw(r.Context(), c.OrgID, r.PathValue("programId"), c.UserID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// cohortPlan is a program's cohorts as HR reviews them and members see them.
type cohortPlan struct {
	Status      string       `json:"status"` // draft | published
	Seed        uint64       `json:"seed"`
	Adjusted    bool         `json:"adjusted"`
	Cohorts     []planCohort `json:"cohorts"`
	Measures    measuresJSON `json:"measures"`
	Baseline    measuresJSON `json:"baseline"`  // random assignment into the same sizes, same seed
	Unplaced    []planMember `json:"unplaced"`  // enrolled after the plan was built (HR's view)
	Withdrawn   []planMember `json:"withdrawn"` // in a cohort but no longer enrolled (HR's view)
	BuiltAt     time.Time    `json:"builtAt"`
	PublishedAt *time.Time   `json:"publishedAt,omitempty"`
	Version     int64        `json:"version"`
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

func toMeasures(m cohorts.Measures) measuresJSON {
	return measuresJSON{EIIndex: m.EIIndex, NewPairs: m.NewPairs, CrossPairs: m.CrossPairs, Pairs: m.Pairs,
		MaxSpreadHours: m.MaxSpreadHours, Violations: m.Violations}
}

// population is what cohort building works from: the enrollees, who met whom, the options.
type population struct {
	program  *tandem.Program
	byID     map[string]tandem.Enrollment
	members  []cohorts.Member
	opts     cohorts.Options
	enrolled []tandem.Enrollment
}

func (a programsAPI) population(r *http.Request, c Caller, seed uint64) (*population, error) {
	ctx := r.Context()
	p, err := a.store.GetProgram(ctx, c.OrgID, r.PathValue("programId"))
	if err != nil {
		return nil, err
	}
	enrolled, err := a.store.Enrollments(ctx, c.OrgID, p.ID)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(enrolled))
	pop := &population{program: p, byID: map[string]tandem.Enrollment{}, enrolled: enrolled}
	for i, e := range enrolled {
		ids[i] = e.UserID
		pop.byID[e.UserID] = e
		pop.members = append(pop.members, cohorts.Member{ID: e.UserID, Department: e.Department, Timezone: e.Timezone, Interests: e.Interests})
	}
	met, err := a.store.MetBefore(ctx, c.OrgID, ids)
	if err != nil {
		return nil, err
	}
	pop.opts = cohorts.Options{Size: p.CohortSize, MaxSpreadHours: p.MaxSpreadHours, At: p.Start, Seed: seed,
		Met: func(x, y string) bool { return met[x][y] || met[y][x] }}
	return pop, nil
}

// plan explains the cohorts (each a list of member ids) for the population.
func (pop *population) plan(groups []cohorts.Cohort, seed uint64, adjusted bool, now time.Time) *cohortPlan {
	cp := &cohortPlan{Status: "draft", Seed: seed, Adjusted: adjusted, BuiltAt: now.UTC().Truncate(time.Second),
		Measures: toMeasures(cohorts.Measure(groups, pop.members, pop.opts)), Cohorts: []planCohort{}, Unplaced: []planMember{},
		Withdrawn: []planMember{}}
	cp.Baseline = toMeasures(cohorts.Measure(cohorts.Random(pop.members, pop.opts), pop.members, pop.opts))
	for i, g := range groups {
		x := g.Explanation
		pc := planCohort{Number: i + 1, Explanation: explanationJSON{Departments: nonNil(x.Departments), Pairs: x.Pairs,
			CrossPairs: x.CrossPairs, NewPairs: x.NewPairs, SpreadHours: x.SpreadHours, SharedInterests: nonNil(x.SharedInterests), EIIndex: x.EIIndex}}
		for _, id := range g.Members {
			e := pop.byID[id]
			pc.Members = append(pc.Members, planMember{ID: id, Name: e.Name, Department: e.Department, Timezone: e.Timezone})
		}
		cp.Cohorts = append(cp.Cohorts, pc)
	}
	return cp
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
	seed := uint64(a.now().Unix())
	if in.Seed != nil {
		seed = *in.Seed
	}
	pop, err := a.population(r, c, seed)
	if err != nil {
		return err
	}
	if pop.program.Status != tandem.ProgramEnrolling {
		return &tandem.Error{Code: tandem.EConflict, Message: "The cohorts are published already.", Detail: map[string]any{"status": pop.program.Status}}
	}
	groups, err := cohorts.Build(pop.members, pop.opts)
	if err != nil {
		return err
	}
	old, err := a.store.GetCohortPlan(r.Context(), c.OrgID, pop.program.ID)
	if err != nil {
		return err
	}
	cp := pop.plan(groups, seed, false, a.now())
	return a.save(w, r, c, pop.program.ID, cp, old, false)
}

// save stores the plan (draft or published) over the version read and answers with it.
func (a programsAPI) save(w http.ResponseWriter, r *http.Request, c Caller, programID string, cp *cohortPlan, old *dynamo.CohortPlanDoc, publish bool) error {
	if err := a.persist(r, c, programID, cp, old, publish); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, cp)
	return nil
}

// persist stores the plan over the version read.
func (a programsAPI) persist(r *http.Request, c Caller, programID string, cp *cohortPlan, old *dynamo.CohortPlanDoc, publish bool) error {
	var readVersion int64
	if old != nil {
		readVersion = old.Version
	}
	cp.Version = readVersion + 1
	doc, err := json.Marshal(cp)
	if err != nil {
		return err
	}
	if publish {
		return a.store.PublishCohortPlan(r.Context(), c.OrgID, programID, doc, readVersion)
	}
	return a.store.PutCohortPlan(r.Context(), c.OrgID, programID, doc, readVersion)
}

// loadPlan reads the stored plan, or not_found if none was built.
func (a programsAPI) loadPlan(r *http.Request, c Caller, programID string) (*cohortPlan, *dynamo.CohortPlanDoc, error) {
	old, err := a.store.GetCohortPlan(r.Context(), c.OrgID, programID)
	if err != nil {
		return nil, nil, err
	}
	if old == nil {
		return nil, nil, tandem.Errorf(tandem.ENotFound, "No cohorts have been built for this program yet.")
	}
	var cp cohortPlan
	if err := json.Unmarshal(old.Doc, &cp); err != nil {
		return nil, nil, err
	}
	cp.Version = old.Version
	return &cp, old, nil
}

// adjust: PUT /v1/programs/{programId}/cohorts {version, cohorts: [[ids]]} (HR) — HR's own
// arrangement: every enrollee exactly once; explanations and measures are recomputed.
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
	cur, old, err := a.loadPlan(r, c, r.PathValue("programId"))
	if err != nil {
		return err
	}
	if in.Version != old.Version {
		return &tandem.Error{Code: tandem.EConflict, Message: "The cohorts changed since you loaded them; reload and try again.",
			Detail: map[string]any{"conflict": "plan_changed"}}
	}
	pop, err := a.population(r, c, cur.Seed)
	if err != nil {
		return err
	}
	// People who withdrew since the plan was saved leave their cohorts; any other id must be
	// an enrollee.
	withdrawn := map[string]bool{}
	for _, pc := range cur.Cohorts {
		for _, m := range pc.Members {
			if _, enrolled := pop.byID[m.ID]; !enrolled {
				withdrawn[m.ID] = true
			}
		}
	}
	for i, g := range in.Cohorts {
		in.Cohorts[i] = slices.DeleteFunc(g, func(id string) bool { return withdrawn[id] })
	}
	groups, err := arrange(pop, in.Cohorts)
	if err != nil {
		return err
	}
	return a.save(w, r, c, pop.program.ID, pop.plan(groups, cur.Seed, true, a.now()), old, false)
}

// arrange checks HR's cohorts against the enrollees and explains them.
func arrange(pop *population, ids [][]string) ([]cohorts.Cohort, error) {
	var v tandem.Validation
	seen := map[string]bool{}
	var groups []cohorts.Cohort
	for i, g := range ids {
		field := "cohorts[" + strconv.Itoa(i) + "]"
		v.Check(len(g) >= 2, field, "must have at least 2 members")
		for _, id := range g {
			_, enrolled := pop.byID[id]
			v.Check(enrolled, field, "%q is not enrolled in this program", id)
			v.Check(!seen[id], field, "%q is in more than one cohort", id)
			seen[id] = true
		}
		groups = append(groups, cohorts.Cohort{Members: slices.Sorted(slices.Values(g))})
	}
	for _, e := range pop.enrolled {
		v.Check(seen[e.UserID], "cohorts", "%q (%s) is in no cohort", e.UserID, e.Name)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return cohorts.Explain(groups, pop.members, pop.opts), nil
}

// publish: POST /v1/programs/{programId}/cohorts/publish {version} (HR) — fixes the plan,
// closes enrollment and records who has met whom (preferred apart next time). Everyone
// enrolled must be placed: someone who enrolled after the build sends HR back to adjust.
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
	programID := r.PathValue("programId")
	cp, old, err := a.loadPlan(r, c, programID)
	if err != nil {
		return err
	}
	if old.Published {
		// Published already (a retry, say after the follow-up writes failed): finish them.
		return a.afterPublish(w, r, c, programID, cp)
	}
	if in.Version != old.Version {
		return &tandem.Error{Code: tandem.EConflict, Message: "The cohorts changed since you loaded them; reload and try again.",
			Detail: map[string]any{"conflict": "plan_changed"}}
	}
	enrolled, err := a.store.Enrollments(r.Context(), c.OrgID, programID)
	if err != nil {
		return err
	}
	placed := map[string]bool{}
	for _, pc := range cp.Cohorts {
		for _, m := range pc.Members {
			placed[m.ID] = true
		}
	}
	var missing, gone []tandem.FieldError
	isEnrolled := map[string]bool{}
	for _, e := range enrolled {
		isEnrolled[e.UserID] = true
		if !placed[e.UserID] {
			missing = append(missing, tandem.FieldError{Field: "cohorts", Message: e.Name + " enrolled after the cohorts were built and is in none"})
		}
	}
	for _, pc := range cp.Cohorts {
		for _, m := range pc.Members {
			if !isEnrolled[m.ID] {
				gone = append(gone, tandem.FieldError{Field: "cohorts[" + strconv.Itoa(pc.Number-1) + "]", Message: m.Name + " withdrew from the program"})
			}
		}
	}
	if len(missing) > 0 {
		return &tandem.Error{Code: tandem.EConflict, Message: "Some enrollees are in no cohort; rebuild or adjust first.",
			Fields: append(missing, gone...), Detail: map[string]any{"conflict": "unplaced"}}
	}
	if len(gone) > 0 {
		return &tandem.Error{Code: tandem.EConflict, Message: "Some people in the cohorts have withdrawn; rebuild, or save the cohorts again to drop them.",
			Fields: gone, Detail: map[string]any{"conflict": "withdrawn"}}
	}
	now := a.now().UTC().Truncate(time.Second)
	cp.Status, cp.PublishedAt = "published", &now
	if err := a.persist(r, c, programID, cp, old, true); err != nil {
		return err
	}
	return a.afterPublish(w, r, c, programID, cp)
}

// afterPublish records who met whom and the cohorts' ties for the HR reports, then answers
// with the plan. Both writes are idempotent (set ADD; a marker per program), so publishing
// again after a failure here completes them.
func (a programsAPI) afterPublish(w http.ResponseWriter, r *http.Request, c Caller, programID string, cp *cohortPlan) error {
	var groups [][]string
	for _, pc := range cp.Cohorts {
		var g []string
		for _, m := range pc.Members {
			g = append(g, m.ID)
		}
		groups = append(groups, g)
	}
	if err := a.store.RecordMet(r.Context(), c.OrgID, groups); err != nil {
		return err
	}
	if err := a.recordTies(r, c, programID, cp); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, cp)
	return nil
}

// recordTies adds the published cohorts' peer ties to the HR aggregates, in the month of the
// program's start: pair counts on the org row and one undirected edge per department pair;
// and their scheduled sessions (count and member-minutes) in the months they fall in.
func (a programsAPI) recordTies(r *http.Request, c Caller, programID string, cp *cohortPlan) error {
	p, err := a.store.GetProgram(r.Context(), c.OrgID, programID)
	if err != nil {
		return err
	}
	month := dynamo.MonthOf(p.Start)
	var pairs, cross int64
	byDepts := map[string]int64{}
	for _, pc := range cp.Cohorts {
		for i, x := range pc.Members {
			for _, y := range pc.Members[i+1:] {
				pairs++
				if x.Department == y.Department {
					continue
				}
				cross++
				lo, hi := min(x.Department, y.Department), max(x.Department, y.Department)
				byDepts[lo+"#"+hi]++
			}
		}
	}
	adds := []dynamo.AggAdd{{Month: month, Group: analytics.Group{Kind: analytics.KindOrg},
		Fields: map[string]int64{"cohortPairs": pairs, "cohortCrossPairs": cross, "cohortNewPairs": int64(cp.Measures.NewPairs)}}}
	// The cohorts' sessions, in the months they are scheduled (the first is in adds[0]'s).
	members := 0
	for _, pc := range cp.Cohorts {
		members += len(pc.Members)
	}
	bySessionMonth := map[string]int64{}
	for _, at := range p.SessionTimes() {
		bySessionMonth[dynamo.MonthOf(at)]++
	}
	for _, m := range slices.Sorted(maps.Keys(bySessionMonth)) {
		fields := map[string]int64{"cohortSessions": bySessionMonth[m] * int64(len(cp.Cohorts)),
			"cohortMemberMinutes": bySessionMonth[m] * int64(members*p.SessionMin)}
		if m == month {
			maps.Copy(adds[0].Fields, fields)
			continue
		}
		adds = append(adds, dynamo.AggAdd{Month: m, Group: analytics.Group{Kind: analytics.KindOrg}, Fields: fields})
	}
	for _, key := range slices.Sorted(maps.Keys(byDepts)) {
		adds = append(adds, dynamo.AggAdd{Month: month, Group: analytics.Group{Kind: "cohortEdge", Key: key},
			Fields: map[string]int64{"cohortPairs": byDepts[key]}})
	}
	for i := 0; i < len(adds); i += 90 { // a transaction holds at most 100 items
		step := dynamo.AggStep{Org: c.OrgID, Marker: "COHORT#" + programID + "#" + strconv.Itoa(i), Adds: adds[i:min(i+90, len(adds))]}
		if _, err := a.store.ApplyStep(r.Context(), step); err != nil {
			return err
		}
	}
	return nil
}

// cohorts: GET /v1/programs/{programId}/cohorts — HR sees the plan (draft or published); an
// enrolled learner sees their own cohort once published, with the session times.
func (a programsAPI) cohorts(w http.ResponseWriter, r *http.Request, c Caller) error {
	programID := r.PathValue("programId")
	cp, _, err := a.loadPlan(r, c, programID)
	if c.Has(tandem.RoleHR) {
		if err != nil {
			return err
		}
		// Who enrolled after the build (publishing waits until they are placed).
		enrolled, err := a.store.Enrollments(r.Context(), c.OrgID, programID)
		if err != nil {
			return err
		}
		placed := map[string]bool{}
		for _, pc := range cp.Cohorts {
			for _, m := range pc.Members {
				placed[m.ID] = true
			}
		}
		cp.Unplaced, cp.Withdrawn = []planMember{}, []planMember{}
		isEnrolled := map[string]bool{}
		for _, e := range enrolled {
			isEnrolled[e.UserID] = true
			if !placed[e.UserID] {
				cp.Unplaced = append(cp.Unplaced, planMember{ID: e.UserID, Name: e.Name, Department: e.Department, Timezone: e.Timezone})
			}
		}
		for _, pc := range cp.Cohorts {
			for _, m := range pc.Members {
				if !isEnrolled[m.ID] {
					cp.Withdrawn = append(cp.Withdrawn, m)
				}
			}
		}
		writeJSON(w, http.StatusOK, cp)
		return nil
	}
	notYet := tandem.Errorf(tandem.ENotFound, "Your cohort is not published yet.")
	if tandem.ErrorCode(err) == tandem.ENotFound {
		return notYet
	}
	if err != nil {
		return err
	}
	if cp.Status != "published" {
		return notYet
	}
	p, err := a.store.GetProgram(r.Context(), c.OrgID, programID)
	if err != nil {
		return err
	}
	for _, pc := range cp.Cohorts {
		for _, m := range pc.Members {
			if m.ID == c.UserID {
				enrolled := true
				writeJSON(w, http.StatusOK, map[string]any{"program": toProgramJSON(p, &enrolled), "cohort": pc})
				return nil
			}
		}
	}
	return tandem.Errorf(tandem.ENotFound, "You are not in a cohort of this program.")
}
