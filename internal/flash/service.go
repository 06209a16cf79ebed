package flash

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/notify"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Service carries out flash mentoring over the store: the decisions are this package's pure
// functions; the store writes them with conditions.
type Service struct {
	Store *dynamo.Store
	Now   func() time.Time
}

// New returns the service with the clock now (time.Now when nil).
func New(store *dynamo.Store, now func() time.Time) *Service {
	return &Service{Store: store, Now: tandem.ClockOr(now)}
}

// ConfigOf converts a stored config.
func ConfigOf(c *dynamo.FlashConfig) Config {
	return Config{Departments: c.Departments, EveryWeeks: c.EveryWeeks, WindowStart: c.WindowStart, WindowEnd: c.WindowEnd,
		Weekdays: c.Weekdays, Anchor: c.Anchor, Enabled: c.Enabled}
}

// SaveConfig creates or replaces the org's config (HR only). A new group's first scheduled round
// starts on the Monday after it is created (a week at most for people to opt in; HR may run
// it sooner); a changed one keeps its anchor.
func (s *Service) SaveConfig(ctx context.Context, caller tandem.Caller, in Config) (*dynamo.FlashConfig, error) {
	if err := caller.Require(tandem.RoleHR); err != nil {
		return nil, err
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	cur, err := s.Store.GetFlashConfig(ctx, caller.OrgID)
	switch tandem.ErrorCode(err) {
	case "":
	case tandem.ENotFound:
		cur = &dynamo.FlashConfig{Org: caller.OrgID, Anchor: AnchorFor(s.Now()).AddDate(0, 0, 7)}
	default:
		return nil, err
	}
	next := *cur
	next.Departments, next.EveryWeeks, next.WindowStart, next.WindowEnd = in.Departments, in.EveryWeeks, in.WindowStart, in.WindowEnd
	next.Weekdays, next.Enabled, next.UpdatedBy = in.Weekdays, in.Enabled, caller.UserID
	if err := s.Store.PutFlashConfig(ctx, &next); err != nil {
		return nil, err
	}
	return &next, nil
}

// Join opts the caller in: their department from the verified claims, their zone as given or
// else their saved one. Errors: not_found (no group), conflict (paused), forbidden (their
// department is not in the group), invalid (no zone).
func (s *Service) Join(ctx context.Context, caller tandem.Caller, zone string) (*dynamo.FlashMember, error) {
	cfg, err := s.Store.GetFlashConfig(ctx, caller.OrgID)
	if err != nil {
		return nil, err
	}
	c := ConfigOf(cfg)
	if !c.Enabled {
		return nil, tandem.Errorf(tandem.EConflict, "Flash mentoring is paused in your organisation.")
	}
	if !c.Eligible(caller.Department) {
		return nil, tandem.Errorf(tandem.EForbidden, "Flash mentoring is open to %s; your department is %q.", strings.Join(c.Departments, ", "), caller.Department)
	}
	if zone == "" {
		if u, err := s.Store.GetUser(ctx, caller.OrgID, caller.UserID); err == nil {
			zone = u.Timezone
		} else if tandem.ErrorCode(err) != tandem.ENotFound {
			return nil, err
		}
	}
	if _, err := time.LoadLocation(zone); zone == "" || err != nil {
		return nil, &tandem.Error{Code: tandem.EInvalid, Message: "The request has invalid fields.",
			Fields: []tandem.FieldError{{Field: "timezone", Message: "must be an IANA time zone (none is saved on your profile)"}}}
	}
	m := &dynamo.FlashMember{Org: caller.OrgID, UserID: caller.UserID, Name: caller.Name, Email: caller.Email,
		Department: strings.TrimSpace(caller.Department), Timezone: zone, JoinedAt: s.Now().UTC().Truncate(time.Second)}
	return m, s.Store.PutFlashMember(ctx, m)
}

// Leave opts the caller out; proposals already made stay until answered or lapsed.
func (s *Service) Leave(ctx context.Context, caller tandem.Caller) error {
	return s.Store.DeleteFlashMember(ctx, caller.OrgID, caller.UserID)
}

// RoundResult is what a run did.
type RoundResult struct {
	Round     dynamo.FlashRound
	Created   bool // false: the round had run already, and nothing new was proposed
	Proposals []*dynamo.FlashPair
}

// roundPlan is the round's stored plan (the round item's JSON): the pairs as proposed.
type roundPlan struct {
	Proposals []*dynamo.FlashPair `json:"proposals"`
}

// RunRound makes the round in progress at the service's now, once: it pairs the members
// (PairUp), finds each pair a time free for both (FindStart), writes the plan on the round
// item only if the round has not run (the condition decides between racing runs), then the
// pairs and their notifications (both idempotent). A round that has run already proposes
// nothing new: its stored plan's pairs and notifications are completed if a run died half
// way, and it is returned with Created false. by is "scheduler" or the HR user's id.
func (s *Service) RunRound(ctx context.Context, org, by string) (RoundResult, error) {
	now := s.Now().UTC()
	stored, err := s.Store.GetFlashConfig(ctx, org)
	if err != nil {
		return RoundResult{}, err
	}
	cfg := ConfigOf(stored)
	if !cfg.Enabled {
		return RoundResult{}, tandem.Errorf(tandem.EConflict, "Flash mentoring is paused; enable it to run a round.")
	}
	k, start := cfg.Round(now)
	if r, err := s.Store.GetFlashRound(ctx, org, k); err != nil {
		return RoundResult{}, err
	} else if r != nil {
		return s.finish(ctx, r, false)
	}
	group, err := s.Store.LoadFlashGroup(ctx, org)
	if err != nil {
		return RoundResult{}, err
	}
	plan, err := s.plan(ctx, org, &cfg, group, k, now)
	if err != nil {
		return RoundResult{}, err
	}
	plan.Index, plan.Start, plan.RanAt, plan.RanBy = k, start, now.Truncate(time.Second), by
	created, err := s.Store.CreateFlashRound(ctx, plan)
	if err != nil {
		return RoundResult{}, err
	}
	if !created {
		r, err := s.Store.GetFlashRound(ctx, org, k)
		if err != nil || r == nil {
			return RoundResult{}, errors.Join(err, tandem.Errorf(tandem.EConflict, "The round changed at the same time; please retry."))
		}
		return s.finish(ctx, r, false)
	}
	return s.finish(ctx, plan, true)
}

// RunDue runs, for every org with an enabled group, the round in progress if it has started
// and has not run (the scheduler's call). It returns the rounds made.
func (s *Service) RunDue(ctx context.Context) (int, error) {
	orgs, err := s.Store.FlashOrgs(ctx)
	if err != nil {
		return 0, err
	}
	made := 0
	var errs []error
	for _, org := range orgs {
		cfg, err := s.Store.GetFlashConfig(ctx, org)
		if err != nil || !cfg.Enabled {
			continue
		}
		c := ConfigOf(cfg)
		k, start := c.Round(s.Now())
		if s.Now().Before(start) {
			continue // before the first round's start (HR may have run it early)
		}
		if r, err := s.Store.GetFlashRound(ctx, org, k); err != nil || r != nil {
			errs = append(errs, err)
			continue
		}
		res, err := s.RunRound(ctx, org, "scheduler")
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if res.Created {
			made++
		}
	}
	return made, errors.Join(errs...)
}

// finish writes a round's pairs (those not there yet) and raises each person's proposal (once
// per pair and person, whatever is retried).
func (s *Service) finish(ctx context.Context, r *dynamo.FlashRound, created bool) (RoundResult, error) {
	var p roundPlan
	if r.Plan != "" {
		if err := json.Unmarshal([]byte(r.Plan), &p); err != nil {
			return RoundResult{}, err
		}
	}
	for _, x := range p.Proposals {
		x.Org = r.Org
	}
	if err := s.Store.PutFlashPairs(ctx, p.Proposals); err != nil {
		return RoundResult{}, err
	}
	for _, x := range p.Proposals {
		for _, side := range [][2]dynamo.FlashParty{{x.A, x.B}, {x.B, x.A}} {
			if err := notify.Raise(ctx, s.Store, proposalNote(x, side[0], side[1])); err != nil {
				return RoundResult{}, err
			}
		}
	}
	return RoundResult{Round: *r, Created: created, Proposals: p.Proposals}, nil
}

func zoneOf(name string) *time.Location {
	if loc, err := time.LoadLocation(name); err == nil {
		return loc
	}
	return time.UTC
}

func proposalNote(p *dynamo.FlashPair, to, other dynamo.FlashParty) notify.Note {
	z := zoneOf(to.Timezone)
	dept := other.Department
	if dept == "" {
		dept = "another team"
	}
	return notify.Note{Org: p.Org, UserID: to.ID, Kind: notify.KindFlashProposed, EventKey: "flash:" + p.ID + ":proposed",
		At: p.CreatedAt, Path: "/flash", Deadline: p.Deadline,
		Title: "Flash mentoring: meet " + other.Name + " (" + dept + ")",
		Lines: []string{
			"Tandem proposes a 30-minute conversation with " + other.Name + " from " + dept + ", " + notify.FormatTime(p.Start, z) + ".",
			"Accept or decline with one click in Tandem before " + notify.FormatTime(p.Deadline, z) + "; once you both accept, the time is held for both of you.",
		}}
}

func confirmedNote(p *dynamo.FlashPair, to, other dynamo.FlashParty) notify.Note {
	z := zoneOf(to.Timezone)
	return notify.Note{Org: p.Org, UserID: to.ID, Kind: notify.KindFlashConfirmed, EventKey: "flash:" + p.ID + ":confirmed",
		At: p.ConfirmedAt, Path: "/flash",
		Title: "Flash mentoring confirmed with " + other.Name,
		Lines: []string{"You and " + other.Name + " both accepted: 30 minutes, " + notify.FormatTime(p.Start, z) + "."}}
}

// plan pairs the members and finds each pair a time.
func (s *Service) plan(ctx context.Context, org string, cfg *Config, g *dynamo.FlashGroup, k int, now time.Time) (*dynamo.FlashRound, error) {
	var members []Member
	byID := map[string]dynamo.FlashMember{}
	for _, m := range g.Members {
		if !cfg.Eligible(m.Department) {
			continue
		}
		members = append(members, Member{ID: m.UserID, Name: m.Name, Email: m.Email, Department: m.Department, Timezone: m.Timezone})
		byID[m.UserID] = m
	}
	from, to := now.Add(Notice), now.Add(Horizon)
	facts, err := s.facts(ctx, org, members, g.Pairs, from, to)
	if err != nil {
		return nil, err
	}
	met := facts.Met
	r := &dynamo.FlashRound{Org: org}
	if len(members) < 2 {
		r.SatOut = ids(members)
		return r, setPlan(r, nil)
	}
	pl, err := PairUp(members, cfg, met, now, Seed(org, k))
	if err != nil {
		return nil, err
	}
	r.SatOut = pl.SatOut
	w := cfg.WindowOf()
	var proposals []*dynamo.FlashPair
	for _, p := range pl.Pairs {
		a, b := byID[p.A], byID[p.B]
		start, ok := FindStart(Person{ID: p.A, Zone: zoneOf(a.Timezone), Busy: facts.Busy[p.A]},
			Person{ID: p.B, Zone: zoneOf(b.Timezone), Busy: facts.Busy[p.B]}, w, from, to)
		if !ok {
			r.NoTime = append(r.NoTime, [2]string{p.A, p.B})
			continue
		}
		proposals = append(proposals, &dynamo.FlashPair{Org: org, ID: dynamo.FlashPairID(k, p.A, p.B), Round: k,
			A: party(a), B: party(b), Start: start, End: start.Add(SessionMin * time.Minute), Deadline: Deadline(now, start),
			Status: dynamo.FlashProposed, CreatedAt: now.Truncate(time.Second), Updated: now.Truncate(time.Second)})
	}
	r.FirstCross = FirstCross(pl.Pairs, members, met)
	for _, p := range pl.Pairs {
		if !met(p.A, p.B) && !met(p.B, p.A) {
			r.New++
		}
		if da, db := strings.ToLower(strings.TrimSpace(byID[p.A].Department)), strings.ToLower(strings.TrimSpace(byID[p.B].Department)); da != "" && db != "" && da != db {
			r.Cross++
		}
	}
	return r, setPlan(r, proposals)
}

func party(m dynamo.FlashMember) dynamo.FlashParty {
	return dynamo.FlashParty{ID: m.UserID, Name: m.Name, Email: m.Email, Department: m.Department, Timezone: m.Timezone}
}

// Facts are what a round reads about its members: who has met whom, and each one's busy time.
type Facts struct {
	Met  func(a, b string) bool
	Busy map[string][]Interval
}

// MetSet is a symmetric "have these two met" relation.
type MetSet map[string]map[string]bool

// Add records that a and b have met.
func (m MetSet) Add(a, b string) {
	if a == b || a == "" || b == "" {
		return
	}
	for _, x := range [][2]string{{a, b}, {b, a}} {
		if m[x[0]] == nil {
			m[x[0]] = map[string]bool{}
		}
		m[x[0]][x[1]] = true
	}
}

// Has reports whether a and b have met.
func (m MetSet) Has(a, b string) bool { return m[a][b] }

// facts reads, for every member in parallel (bounded): their bookings as learner and as
// expert over the past year and ahead (ListUserBookings: a confirmed or completed one means
// its two people have met; a live one ahead is busy time, an expert's with its buffers), their
// connected calendars' busy ranges (CalendarBusy, what the slot listing reads); plus the
// published cohorts they shared (MetBefore) and the org's earlier flash pairs (any pair
// proposed before counts as met, so a declined pair is not proposed again at once; a live one
// ahead is busy time for both).
func (s *Service) facts(ctx context.Context, org string, members []Member, pairs []*dynamo.FlashPair, from, to time.Time) (*Facts, error) {
	now := s.Now()
	met := MetSet{}
	busy := map[string][]Interval{}
	idx := map[string]int{}
	for i, m := range members {
		idx[m.ID] = i
	}
	type read struct {
		bookings []*tandem.Booking
		cal      []Interval
	}
	reads := make([]read, len(members))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	for i, m := range members {
		g.Go(func() error {
			bs, err := s.Store.ListUserBookings(gctx, org, m.ID, now.AddDate(-1, 0, 0))
			if err != nil {
				return err
			}
			cal, err := s.Store.CalendarBusy(gctx, org, m.ID, from, to)
			if err != nil {
				return err
			}
			reads[i].bookings = bs
			for _, c := range cal {
				reads[i].cal = append(reads[i].cal, Interval{c.Start.Add(-c.BufferBefore), c.End.Add(c.BufferAfter)})
			}
			return nil
		})
	}
	var cohortMet map[string]map[string]bool
	g.Go(func() (err error) {
		cohortMet, err = s.Store.MetBefore(gctx, org, ids(members))
		return err
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	for i, m := range members {
		busy[m.ID] = append(busy[m.ID], reads[i].cal...)
		for _, b := range reads[i].bookings {
			st := b.EffectiveStatus(now)
			if st == tandem.StatusConfirmed || st == tandem.StatusCompleted {
				met.Add(b.Learner.ID, b.Expert.ID)
			}
			if st != tandem.StatusConfirmed && st != tandem.StatusPending {
				continue
			}
			span := Interval{b.Start, b.End}
			if b.Expert.ID == m.ID {
				span = Interval{b.Start.Add(-time.Duration(b.SessionType.BufferBeforeMin) * time.Minute),
					b.End.Add(time.Duration(b.SessionType.BufferAfterMin) * time.Minute)}
			}
			busy[m.ID] = append(busy[m.ID], span)
		}
	}
	for a, set := range cohortMet {
		for b := range set {
			met.Add(a, b)
		}
	}
	for _, p := range pairs {
		met.Add(p.A.ID, p.B.ID)
		if st := p.EffectiveStatus(now); (st == dynamo.FlashProposed || st == dynamo.FlashConfirmed) && p.End.After(now) {
			for _, id := range []string{p.A.ID, p.B.ID} {
				busy[id] = append(busy[id], Interval{p.Start, p.End})
			}
		}
	}
	return &Facts{Met: met.Has, Busy: busy}, nil
}

// ErrNotYours hides a pair from anyone but its two people.
var errNotYours = tandem.Errorf(tandem.ENotFound, "No such flash proposal.")

// Mine lists the caller's flash proposals from two weeks back on, soonest first.
func (s *Service) Mine(ctx context.Context, caller tandem.Caller) ([]*dynamo.FlashPair, error) {
	ps, err := s.Store.UserFlashPairs(ctx, caller.OrgID, caller.UserID, s.Now().Add(-Horizon))
	if err != nil {
		return nil, err
	}
	slices.SortFunc(ps, func(a, b *dynamo.FlashPair) int { return a.Start.Compare(b.Start) })
	return ps, nil
}

// Accept records the caller's accept. The second accept confirms the pair and holds the time
// for both in the same transaction (dynamo.Store.AnswerFlashPair). Accepting again, or a
// confirmed pair, changes nothing. Errors: not_found (not theirs), conflict (lapsed, declined,
// cancelled: Detail.status; or flash_busy: one of them is no longer free).
func (s *Service) Accept(ctx context.Context, caller tandem.Caller, id string) (*dynamo.FlashPair, error) {
	for attempt := 0; ; attempt++ {
		p, err := s.get(ctx, caller, id)
		if err != nil {
			return nil, err
		}
		now := s.Now()
		switch st := p.EffectiveStatus(now); st {
		case dynamo.FlashConfirmed:
			return p, s.notifyConfirmed(ctx, p)
		case dynamo.FlashProposed:
		default:
			return nil, &tandem.Error{Code: tandem.EConflict, Message: "This flash proposal is " + st + ".", Detail: map[string]any{"status": st}}
		}
		isA := p.A.ID == caller.UserID
		if (isA && p.AcceptedA) || (!isA && p.AcceptedB) {
			return p, nil
		}
		after := *p
		if isA {
			after.AcceptedA = true
		} else {
			after.AcceptedB = true
		}
		if after.AcceptedA && after.AcceptedB {
			after.Status, after.ConfirmedAt = dynamo.FlashConfirmed, now.UTC().Truncate(time.Second)
		}
		err = s.Store.AnswerFlashPair(ctx, p, &after)
		if changed(err) && attempt < 4 {
			continue // the other one answered at the same moment: read again and decide again
		}
		if err != nil {
			return nil, err
		}
		if after.Status == dynamo.FlashConfirmed {
			return &after, s.notifyConfirmed(ctx, &after)
		}
		return &after, nil
	}
}

// Decline turns a proposal down (declined: the pair is released, both stay in the group for
// the next round) or calls off a confirmed session that has not started (cancelled: the held
// time is released in the same transaction). Declining what is already declined, cancelled
// or lapsed changes nothing.
func (s *Service) Decline(ctx context.Context, caller tandem.Caller, id string) (*dynamo.FlashPair, error) {
	for attempt := 0; ; attempt++ {
		p, err := s.get(ctx, caller, id)
		if err != nil {
			return nil, err
		}
		now := s.Now()
		after := *p
		switch p.EffectiveStatus(now) {
		case dynamo.FlashProposed:
			after.Status = dynamo.FlashDeclined
		case dynamo.FlashConfirmed:
			if !now.Before(p.Start) {
				return nil, &tandem.Error{Code: tandem.EConflict, Message: "This flash session has started.", Detail: map[string]any{"status": p.Status}}
			}
			after.Status = dynamo.FlashCancelled
		default:
			return p, nil
		}
		after.By = caller.UserID
		err = s.Store.AnswerFlashPair(ctx, p, &after)
		if changed(err) && attempt < 4 {
			continue
		}
		if err != nil {
			return nil, err
		}
		return &after, nil
	}
}

func changed(err error) bool {
	var e *tandem.Error
	return errors.As(err, &e) && e.Detail["conflict"] == "flash_changed"
}

func (s *Service) get(ctx context.Context, caller tandem.Caller, id string) (*dynamo.FlashPair, error) {
	p, err := s.Store.GetFlashPair(ctx, caller.OrgID, id)
	if tandem.ErrorCode(err) == tandem.ENotFound {
		return nil, errNotYours
	}
	if err != nil {
		return nil, err
	}
	if p.A.ID != caller.UserID && p.B.ID != caller.UserID {
		return nil, errNotYours
	}
	return p, nil
}

// notifyConfirmed tells both of a confirmed session once (each note is raised once per event
// key; the mark only saves the work on later accepts).
func (s *Service) notifyConfirmed(ctx context.Context, p *dynamo.FlashPair) error {
	if !p.NotifiedConfirmedAt.IsZero() {
		return nil
	}
	for _, side := range [][2]dynamo.FlashParty{{p.A, p.B}, {p.B, p.A}} {
		if err := notify.Raise(ctx, s.Store, confirmedNote(p, side[0], side[1])); err != nil {
			return err
		}
	}
	return s.Store.MarkFlashConfirmedNotified(ctx, p, s.Now())
}

// setPlan stores the proposals on the round (its plan, JSON) and lists their ids.
func setPlan(r *dynamo.FlashRound, proposals []*dynamo.FlashPair) error {
	if proposals == nil {
		proposals = []*dynamo.FlashPair{}
	}
	doc, err := json.Marshal(roundPlan{Proposals: proposals})
	if err != nil {
		return err
	}
	r.Plan = string(doc)
	r.Pairs = r.Pairs[:0]
	for _, p := range proposals {
		r.Pairs = append(r.Pairs, p.ID)
	}
	return nil
}
