// Package programs owns the programs use cases end to end: HR creates a program, learners
// enroll and withdraw, HR builds cohorts with the pure engine of internal/cohorts, adjusts
// them over the version it read, publishes them (closing enrollment) and may archive the
// program. Each use case reads what it needs, decides, and hands the store (internal/dynamo)
// plain writes to carry out, each guarded by what the decision rested on: the program's
// status, its enrollee count, the plan's version. When a guard no longer holds, the store
// answers with the facts as stored (*dynamo.ProgramChanged, *dynamo.PlanChanged) and this
// package explains them to the caller; the store decides nothing.
//
// Who may call what is the HTTP layer's business (internal/httpapi authorizes by role);
// this package takes the caller for their identity: org, user id, name and department.
//
// Program states:
//
//	enrolling ──publish cohorts──► published
//	    └───────────┬──────────────────┘
//	             archive (HR) ──► archived: off every default list, not enrollable, HR
//	                                       still lists it (?status=archived) and reads it
package programs

import (
	"context"
	"errors"
	"time"

	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/tandem"
	"golang.org/x/sync/errgroup"
)

// MaxListed is how many programs a list shows (newest first).
const MaxListed = 100

// Service runs the programs use cases against the store.
type Service struct {
	store *dynamo.Store
	now   func() time.Time
}

// New returns the service; now is the clock (nil: time.Now).
func New(store *dynamo.Store, now func() time.Time) *Service {
	return &Service{store: store, now: tandem.ClockOr(now)}
}

// Create validates HR's input and stores a new program, enrolling.
func (s *Service) Create(ctx context.Context, c tandem.Caller, in tandem.ProgramInput) (*tandem.Program, error) {
	return s.CreateWithID(ctx, c, tandem.NewID(), in)
}

// CreateWithID is Create with a chosen id (the demo data's fixed ids).
func (s *Service) CreateWithID(ctx context.Context, c tandem.Caller, id string, in tandem.ProgramInput) (*tandem.Program, error) {
	now := s.now().UTC().Truncate(time.Second)
	if err := in.Validate(now); err != nil {
		return nil, err
	}
	p := &tandem.Program{ID: id, OrgID: c.OrgID, Title: in.Title, Topic: in.Topic, Description: in.Description,
		CohortSize: in.CohortSize, Start: in.Start.UTC(), Timezone: in.Timezone, Cadence: in.Cadence, Sessions: in.Sessions,
		SessionMin: in.SessionMin, Facilitators: in.Facilitators, MaxSpreadHours: in.MaxSpreadHours,
		Status: tandem.ProgramEnrolling, CreatedAt: now, UpdatedAt: now, Version: 1}
	if p.Facilitators == nil {
		p.Facilitators = []string{}
	}
	if err := s.store.CreateProgram(ctx, p); err != nil {
		return nil, err
	}
	return p, nil
}

// Listed is a program as a list shows it to the caller.
type Listed struct {
	Program  *tandem.Program
	Enrolled bool // the caller is enrolled
}

// List lists the org's programs, newest first: those in status, or, when status is empty,
// every program that is not archived.
func (s *Service) List(ctx context.Context, c tandem.Caller, status tandem.ProgramStatus) ([]Listed, error) {
	statuses := []tandem.ProgramStatus{tandem.ProgramEnrolling, tandem.ProgramPublished}
	if status != "" {
		if !status.Valid() {
			return nil, &tandem.Error{Code: tandem.EInvalid, Message: "The request has invalid fields.",
				Fields: []tandem.FieldError{{Field: "status", Message: `must be "enrolling", "published" or "archived"`}}}
		}
		statuses = []tandem.ProgramStatus{status}
	}
	var (
		found []*tandem.Program
		mine  map[string]bool
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { found, err = s.store.ListPrograms(gctx, c.OrgID, statuses, MaxListed); return err })
	g.Go(func() (err error) { mine, err = s.store.EnrolledPrograms(gctx, c.OrgID, c.UserID); return err })
	if err := g.Wait(); err != nil {
		return nil, err
	}
	out := make([]Listed, 0, len(found))
	for _, p := range found {
		out = append(out, Listed{Program: p, Enrolled: mine[p.ID]})
	}
	return out, nil
}

// Get returns the program and whether the caller is enrolled (two reads in parallel).
func (s *Service) Get(ctx context.Context, c tandem.Caller, id string) (*tandem.Program, bool, error) {
	var (
		p        *tandem.Program
		enrolled bool
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { p, err = s.store.GetProgram(gctx, c.OrgID, id); return err })
	g.Go(func() (err error) { enrolled, err = s.store.IsEnrolled(gctx, c.OrgID, id, c.UserID); return err })
	if err := g.Wait(); err != nil {
		return nil, false, err
	}
	return p, enrolled, nil
}

// Enroll places the caller in the program while it is enrolling and not full, with their
// department, the time zone given or saved on their profile, and the interests given (by
// default the program's topic). Enrolling again changes nothing and returns the enrollment
// as first stored.
func (s *Service) Enroll(ctx context.Context, c tandem.Caller, programID string, in tandem.EnrollInput) (*tandem.Enrollment, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var (
		p     *tandem.Program
		saved string
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { p, err = s.store.GetProgram(gctx, c.OrgID, programID); return err })
	if in.Timezone == "" {
		g.Go(func() error {
			u, err := s.store.GetUser(gctx, c.OrgID, c.UserID)
			switch {
			case err == nil:
				saved = u.Timezone
			case tandem.ErrorCode(err) != tandem.ENotFound:
				return err
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if in.Timezone == "" {
		in.Timezone = saved
	}
	if err := enrollable(p); err != nil {
		return nil, err
	}
	if in.Timezone == "" {
		return nil, &tandem.Error{Code: tandem.EInvalid, Message: "Your time zone is needed to place you in a cohort that can meet.",
			Fields: []tandem.FieldError{{Field: "timezone", Message: "is required (none is saved on your profile)"}}}
	}
	if len(in.Interests) == 0 {
		in.Interests = []string{p.Topic}
	}
	e := &tandem.Enrollment{ProgramID: p.ID, UserID: c.UserID, Name: c.Name, Department: c.Department,
		Timezone: in.Timezone, Interests: in.Interests, EnrolledAt: s.now().UTC().Truncate(time.Second)}
	stored, err := s.store.AddEnrollment(ctx, c.OrgID, e, dynamo.ProgramGuard{Status: tandem.ProgramEnrolling, MaxEnrolled: tandem.MaxEnrollees})
	if err != nil {
		return nil, explainChanged(err, enrollable)
	}
	if stored != nil {
		return stored, nil
	}
	return e, nil
}

// enrollable says why a learner cannot enroll in (or withdraw from) p now, if they cannot.
func enrollable(p *tandem.Program) error {
	switch p.Status {
	case tandem.ProgramEnrolling:
		if p.Enrolled >= tandem.MaxEnrollees {
			return &tandem.Error{Code: tandem.ELimitExceeded, Message: "The program is full.", Detail: map[string]any{"limit": "enrollees"}}
		}
		return nil
	case tandem.ProgramArchived:
		return archived(p)
	}
	return &tandem.Error{Code: tandem.EConflict, Message: "Enrollment in this program is closed: its cohorts are published.",
		Detail: map[string]any{"status": p.Status}}
}

func archived(p *tandem.Program) error {
	return &tandem.Error{Code: tandem.EConflict, Message: "This program is archived.", Detail: map[string]any{"status": p.Status}}
}

// withdrawable is enrollable without the enrollee cap.
func withdrawable(p *tandem.Program) error {
	if p.Status == tandem.ProgramEnrolling {
		return nil
	}
	return enrollable(p)
}

// explainChanged turns the store's *dynamo.ProgramChanged into what the caller is told,
// using why to say what the program's current state rules out; other errors pass through.
func explainChanged(err error, why func(*tandem.Program) error) error {
	var changed *dynamo.ProgramChanged
	if !errors.As(err, &changed) {
		return err
	}
	if changed.Current == nil {
		return tandem.Errorf(tandem.ENotFound, "No program with this id.")
	}
	if e := why(changed.Current); e != nil {
		return e
	}
	return &tandem.Error{Code: tandem.EConflict, Message: "The program changed at the same time; please retry.", Err: err}
}

// Withdraw removes the caller's enrollment while the program is enrolling; withdrawing when
// not enrolled changes nothing.
func (s *Service) Withdraw(ctx context.Context, c tandem.Caller, programID string) error {
	_, err := s.store.RemoveEnrollment(ctx, c.OrgID, programID, c.UserID, dynamo.ProgramGuard{Status: tandem.ProgramEnrolling})
	return explainChanged(err, withdrawable)
}

// Archive takes the program off learners' lists and closes it to enrollment, from any
// status; archiving an archived program changes nothing. Its cohorts stay as they are.
func (s *Service) Archive(ctx context.Context, c tandem.Caller, programID string) (*tandem.Program, error) {
	for attempt := 0; ; attempt++ {
		p, err := s.store.GetProgram(ctx, c.OrgID, programID)
		if err != nil {
			return nil, err
		}
		if p.Status == tandem.ProgramArchived {
			return p, nil
		}
		now := s.now().UTC().Truncate(time.Second)
		err = s.store.SetProgramStatus(ctx, c.OrgID, p.ID, p.Status, tandem.ProgramArchived, now)
		var changed *dynamo.ProgramChanged
		switch {
		case err == nil:
			p.Status, p.ArchivedAt, p.UpdatedAt, p.Version = tandem.ProgramArchived, now, now, p.Version+1
			return p, nil
		case errors.As(err, &changed) && attempt < 3:
			continue // published (or archived) meanwhile: decide again on what is stored now
		default:
			return nil, explainChanged(err, func(*tandem.Program) error { return nil })
		}
	}
}
