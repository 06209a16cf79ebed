package programs

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/tandemhq/tandem/internal/analytics"
	"github.com/tandemhq/tandem/internal/cohorts"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/tandem"
	"golang.org/x/sync/errgroup"
)

// PlanView is a plan as HR reviews it: with who enrolled after it was built (publishing
// waits until they are placed) and who is in a cohort but no longer enrolled.
type PlanView struct {
	Plan      *tandem.CohortPlan
	Unplaced  []tandem.PlanMember
	Withdrawn []tandem.PlanMember
}

// MyCohort is what a member sees once the plan is published.
type MyCohort struct {
	Program *tandem.Program
	Cohort  tandem.PlanCohort
	// The published plan's version and when it was published: an invite's SEQUENCE and
	// DTSTAMP, so a plan published again updates the calendars that imported it.
	PlanVersion int64
	PublishedAt time.Time
}

// population is what cohort building works from: the program, its enrollees, who met whom.
type population struct {
	program  *tandem.Program
	enrolled []tandem.Enrollment
	byID     map[string]tandem.Enrollment
	members  []cohorts.Member
	opts     cohorts.Options
}

// load reads the program, its enrollees and its plan in parallel, then who of the enrollees
// has met whom: two round trips. The plan is nil when none was built.
func (s *Service) load(ctx context.Context, org, programID string) (*population, *tandem.CohortPlan, error) {
	pop := &population{byID: map[string]tandem.Enrollment{}}
	var plan *tandem.CohortPlan
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { pop.program, err = s.store.GetProgram(gctx, org, programID); return err })
	g.Go(func() (err error) { pop.enrolled, err = s.store.Enrollments(gctx, org, programID); return err })
	g.Go(func() (err error) { plan, err = s.store.GetCohortPlan(gctx, org, programID); return err })
	if err := g.Wait(); err != nil {
		return nil, nil, err
	}
	ids := make([]string, len(pop.enrolled))
	for i, e := range pop.enrolled {
		ids[i] = e.UserID
		pop.byID[e.UserID] = e
		pop.members = append(pop.members, cohorts.Member{ID: e.UserID, Department: e.Department, Timezone: e.Timezone, Interests: e.Interests})
	}
	met, err := s.store.MetBefore(ctx, org, ids)
	if err != nil {
		return nil, nil, err
	}
	p := pop.program
	pop.opts = cohorts.Options{Size: p.CohortSize, MaxSpreadHours: p.MaxSpreadHours, At: p.Start,
		Met: func(x, y string) bool { return met[x][y] || met[y][x] }}
	return pop, plan, nil
}

// plan explains the cohorts for the population as the next version after prev (nil: none).
func (pop *population) plan(groups []cohorts.Cohort, adjusted bool, prev *tandem.CohortPlan, now time.Time) *tandem.CohortPlan {
	cp := &tandem.CohortPlan{ProgramID: pop.program.ID, Status: tandem.PlanDraft, Seed: pop.opts.Seed, Adjusted: adjusted,
		BuiltAt: now.UTC().Truncate(time.Second), Measures: measures(cohorts.Measure(groups, pop.members, pop.opts)),
		Baseline: measures(cohorts.Measure(cohorts.Random(pop.members, pop.opts), pop.members, pop.opts)),
		Cohorts:  make([]tandem.PlanCohort, 0, len(groups)), Version: version(prev) + 1}
	for i, g := range groups {
		x := g.Explanation
		pc := tandem.PlanCohort{Number: i + 1, Explanation: tandem.CohortExplanation{Departments: nonNil(x.Departments),
			Pairs: x.Pairs, CrossPairs: x.CrossPairs, NewPairs: x.NewPairs, SpreadHours: x.SpreadHours,
			SharedInterests: nonNil(x.SharedInterests), EIIndex: x.EIIndex}}
		for _, id := range g.Members {
			e := pop.byID[id]
			pc.Members = append(pc.Members, tandem.PlanMember{ID: id, Name: e.Name, Department: e.Department, Timezone: e.Timezone})
		}
		cp.Cohorts = append(cp.Cohorts, pc)
	}
	return cp
}

func measures(m cohorts.Measures) tandem.CohortMeasures {
	return tandem.CohortMeasures{EIIndex: m.EIIndex, NewPairs: m.NewPairs, CrossPairs: m.CrossPairs, Pairs: m.Pairs,
		MaxSpreadHours: m.MaxSpreadHours, Violations: m.Violations}
}

func version(cp *tandem.CohortPlan) int64 {
	if cp == nil {
		return 0
	}
	return cp.Version
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// cohortsOpen says why the program's cohorts cannot be built or changed now, if they cannot.
func cohortsOpen(p *tandem.Program) error {
	switch p.Status {
	case tandem.ProgramEnrolling:
		return nil
	case tandem.ProgramArchived:
		return archived(p)
	}
	return &tandem.Error{Code: tandem.EConflict, Message: "The cohorts are published already.", Detail: map[string]any{"status": p.Status}}
}

var errPlanChanged = &tandem.Error{Code: tandem.EConflict, Message: "The cohorts changed since you loaded them; reload and try again.",
	Detail: map[string]any{"conflict": "plan_changed"}}

// save stores the plan over the version it follows while the program is enrolling (and
// publishes the program with it when publish is set), explaining a refusal.
func (s *Service) save(ctx context.Context, org string, cp *tandem.CohortPlan, publish bool) error {
	w := dynamo.PlanWrite{ReadVersion: cp.Version - 1, Guard: dynamo.ProgramGuard{Status: tandem.ProgramEnrolling}}
	if publish {
		w.SetStatus = tandem.ProgramPublished
	}
	err := s.store.SaveCohortPlan(ctx, org, cp, w)
	var changed *dynamo.PlanChanged
	if errors.As(err, &changed) {
		return errPlanChanged
	}
	return explainChanged(err, cohortsOpen)
}

// Build partitions the enrollees into cohorts (seed nil: the current time) and stores them
// as the draft, replacing any earlier draft.
func (s *Service) Build(ctx context.Context, c tandem.Caller, programID string, seed *uint64) (*PlanView, error) {
	pop, prev, err := s.load(ctx, c.OrgID, programID)
	if err != nil {
		return nil, err
	}
	if err := cohortsOpen(pop.program); err != nil {
		return nil, err
	}
	now := s.now()
	pop.opts.Seed = uint64(now.Unix())
	if seed != nil {
		pop.opts.Seed = *seed
	}
	groups, err := cohorts.Build(pop.members, pop.opts)
	if err != nil {
		return nil, err
	}
	cp := pop.plan(groups, false, prev, now)
	if err := s.save(ctx, c.OrgID, cp, false); err != nil {
		return nil, err
	}
	return pop.view(cp), nil
}

// Adjust stores HR's own arrangement (each cohort a list of member ids) over the plan's
// version read: every enrollee exactly once, at least two a cohort; people who withdrew
// since the plan was saved leave their cohorts. Explanations and measures are recomputed.
func (s *Service) Adjust(ctx context.Context, c tandem.Caller, programID string, readVersion int64, arrangement [][]string) (*PlanView, error) {
	pop, cur, err := s.load(ctx, c.OrgID, programID)
	if err != nil {
		return nil, err
	}
	if cur == nil {
		return nil, tandem.Errorf(tandem.ENotFound, "No cohorts have been built for this program yet.")
	}
	if readVersion != cur.Version {
		return nil, errPlanChanged
	}
	if err := cohortsOpen(pop.program); err != nil {
		return nil, err
	}
	pop.opts.Seed = cur.Seed
	withdrawn := map[string]bool{}
	for _, pc := range cur.Cohorts {
		for _, m := range pc.Members {
			if _, enrolled := pop.byID[m.ID]; !enrolled {
				withdrawn[m.ID] = true
			}
		}
	}
	groups := make([][]string, len(arrangement))
	for i, g := range arrangement {
		groups[i] = slices.DeleteFunc(slices.Clone(g), func(id string) bool { return withdrawn[id] })
	}
	explained, err := pop.arrange(groups)
	if err != nil {
		return nil, err
	}
	cp := pop.plan(explained, true, cur, s.now())
	if err := s.save(ctx, c.OrgID, cp, false); err != nil {
		return nil, err
	}
	return pop.view(cp), nil
}

// arrange checks HR's cohorts against the enrollees and explains them.
func (pop *population) arrange(ids [][]string) ([]cohorts.Cohort, error) {
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

// view is the plan with who enrolled after it was built and who withdrew since.
func (pop *population) view(cp *tandem.CohortPlan) *PlanView {
	return viewOf(cp, pop.enrolled)
}

func viewOf(cp *tandem.CohortPlan, enrolled []tandem.Enrollment) *PlanView {
	v := &PlanView{Plan: cp, Unplaced: []tandem.PlanMember{}, Withdrawn: []tandem.PlanMember{}}
	placed := map[string]bool{}
	for _, pc := range cp.Cohorts {
		for _, m := range pc.Members {
			placed[m.ID] = true
		}
	}
	isEnrolled := map[string]bool{}
	for _, e := range enrolled {
		isEnrolled[e.UserID] = true
		if !placed[e.UserID] {
			v.Unplaced = append(v.Unplaced, tandem.PlanMember{ID: e.UserID, Name: e.Name, Department: e.Department, Timezone: e.Timezone})
		}
	}
	for _, pc := range cp.Cohorts {
		for _, m := range pc.Members {
			if !isEnrolled[m.ID] {
				v.Withdrawn = append(v.Withdrawn, m)
			}
		}
	}
	return v
}

// Publish fixes the plan of the version read, closes enrollment and records who has met
// whom (preferred apart next time) and the cohorts' ties for HR's reports. Everyone enrolled
// must be placed and everyone placed still enrolled. Publishing a published plan again (a
// retry after the follow-up writes failed) completes those writes.
func (s *Service) Publish(ctx context.Context, c tandem.Caller, programID string, readVersion int64) (*PlanView, error) {
	var p *tandem.Program
	cp, enrolled, err := s.readPlan(ctx, c.OrgID, programID, &p)
	if err != nil {
		return nil, err
	}
	if cp.Status != tandem.PlanPublished {
		if readVersion != cp.Version {
			return nil, errPlanChanged
		}
		if err := cohortsOpen(p); err != nil {
			return nil, err
		}
		if err := publishable(viewOf(cp, enrolled)); err != nil {
			return nil, err
		}
		published := *cp
		published.Status, published.PublishedAt, published.Version = tandem.PlanPublished, s.now().UTC().Truncate(time.Second), cp.Version+1
		if err := s.save(ctx, c.OrgID, &published, true); err != nil {
			return nil, err
		}
		cp = &published
	}
	if err := s.store.RecordMet(ctx, c.OrgID, cp.MemberIDs()); err != nil {
		return nil, err
	}
	if err := s.recordTies(ctx, c.OrgID, p, cp); err != nil {
		return nil, err
	}
	return viewOf(cp, enrolled), nil
}

// publishable refuses a plan that leaves an enrollee out or places someone who withdrew.
func publishable(v *PlanView) error {
	var missing, gone []tandem.FieldError
	for _, m := range v.Unplaced {
		missing = append(missing, tandem.FieldError{Field: "cohorts", Message: m.Name + " enrolled after the cohorts were built and is in none"})
	}
	withdrawn := map[string]bool{}
	for _, m := range v.Withdrawn {
		withdrawn[m.ID] = true
	}
	for _, pc := range v.Plan.Cohorts {
		for _, m := range pc.Members {
			if withdrawn[m.ID] {
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
	return nil
}

// recordTies adds the published cohorts' peer ties to the HR aggregates, in the month of the
// program's start: pair counts on the org row and one undirected edge per department pair;
// and their scheduled sessions (count and member-minutes) in the months they fall in. Each
// step has a marker per program, so publishing again does not count twice.
func (s *Service) recordTies(ctx context.Context, org string, p *tandem.Program, cp *tandem.CohortPlan) error {
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
		step := dynamo.AggStep{Org: org, Marker: "COHORT#" + p.ID + "#" + strconv.Itoa(i), Adds: adds[i:min(i+90, len(adds))]}
		if _, err := s.store.ApplyStep(ctx, step); err != nil {
			return err
		}
	}
	return nil
}

// Plan is HR's view of the plan, draft or published (not_found before the first build).
func (s *Service) Plan(ctx context.Context, c tandem.Caller, programID string) (*PlanView, error) {
	cp, enrolled, err := s.readPlan(ctx, c.OrgID, programID, nil)
	if err != nil {
		return nil, err
	}
	return viewOf(cp, enrolled), nil
}

// readPlan reads the program's plan and enrollments, and the program into p when p is not
// nil, in parallel (one round trip). Errors: not_found (no plan built yet).
func (s *Service) readPlan(ctx context.Context, org, programID string, p **tandem.Program) (*tandem.CohortPlan, []tandem.Enrollment, error) {
	var (
		cp       *tandem.CohortPlan
		enrolled []tandem.Enrollment
	)
	g, gctx := errgroup.WithContext(ctx)
	if p != nil {
		g.Go(func() (err error) { *p, err = s.store.GetProgram(gctx, org, programID); return err })
	}
	g.Go(func() (err error) { cp, err = s.store.GetCohortPlan(gctx, org, programID); return err })
	g.Go(func() (err error) { enrolled, err = s.store.Enrollments(gctx, org, programID); return err })
	if err := g.Wait(); err != nil {
		return nil, nil, err
	}
	if cp == nil {
		return nil, nil, tandem.Errorf(tandem.ENotFound, "No cohorts have been built for this program yet.")
	}
	return cp, enrolled, nil
}

// Mine is the caller's own cohort once the plan is published, with the program and its
// session times; not_found before that or for anyone not in a cohort.
func (s *Service) Mine(ctx context.Context, c tandem.Caller, programID string) (*MyCohort, error) {
	var (
		p  *tandem.Program
		cp *tandem.CohortPlan
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { p, err = s.store.GetProgram(gctx, c.OrgID, programID); return err })
	g.Go(func() (err error) { cp, err = s.store.GetCohortPlan(gctx, c.OrgID, programID); return err })
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if cp == nil || cp.Status != tandem.PlanPublished {
		return nil, tandem.Errorf(tandem.ENotFound, "Your cohort is not published yet.")
	}
	for _, pc := range cp.Cohorts {
		for _, m := range pc.Members {
			if m.ID == c.UserID {
				return &MyCohort{Program: p, Cohort: pc, PlanVersion: cp.Version, PublishedAt: cp.PublishedAt}, nil
			}
		}
	}
	return nil, tandem.Errorf(tandem.ENotFound, "You are not in a cohort of this program.")
}

// MyCohorts is the caller's cohort in every program they are enrolled in whose plan is
// published and which is not archived (what the calendar feed lists): one query, then the
// programs' reads in parallel.
func (s *Service) MyCohorts(ctx context.Context, c tandem.Caller) ([]*MyCohort, error) {
	enrolled, err := s.store.EnrolledPrograms(ctx, c.OrgID, c.UserID)
	if err != nil {
		return nil, err
	}
	ids := slices.Sorted(maps.Keys(enrolled))
	found := make([]*MyCohort, len(ids))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	for i, id := range ids {
		g.Go(func() error {
			m, err := s.Mine(gctx, c, id)
			switch {
			case tandem.ErrorCode(err) == tandem.ENotFound:
				return nil
			case err != nil:
				return err
			}
			if m.Program.Status != tandem.ProgramArchived {
				found[i] = m
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return slices.DeleteFunc(found, func(m *MyCohort) bool { return m == nil }), nil
}
