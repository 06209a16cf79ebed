package mentorships

import (
	"context"
	"sort"
	"time"

	"github.com/tandemhq/tandem/internal/analytics"
	"github.com/tandemhq/tandem/internal/tandem"
)

// HR's view (GET /v1/reports/mentorships). It follows the HR reports' privacy rules
// (internal/analytics): HR sees metadata, never content. The counts are org-wide (an org row
// is never suppressed); the stalled pairs are listed by name and department with the reason
// and the days since the last session, as HR already sees bookings' metadata, so that someone
// can help; goals, agendas, action items, notes, check-ins and reflections' words are never in
// it. The share of reflections that would recommend is withheld (null) while fewer than 3
// reflections exist, as csat and nps are.
//
// Figures (sessions per pair, time to first session, goal progress, share across departments,
// counts by status) come from the aggregates the stream consumer keeps (internal/streams,
// mentorships.go): one Query of the org's MENTORSHIPS aggregate partition, an item for the
// org and one per learner department, whatever the number of mentorships behind them. A
// figure covering fewer than minGroup pairs is null and named in withheld.

// minGroup is the HR reports' privacy floor (internal/analytics).
const minGroup = 3

// Counts are the org's mentorships by status, and the active ones that are stalled.
type Counts struct {
	Proposed int `json:"proposed"`
	Active   int `json:"active"`
	Paused   int `json:"paused"`
	Closed   int `json:"closed"`
	Stalled  int `json:"stalled"`
}

// Person is a party as HR sees it (no email).
type Person struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Department string `json:"department"`
}

// StalledPair is one stalled mentorship.
type StalledPair struct {
	ID                 string     `json:"id"`
	Learner            Person     `json:"learner"`
	Expert             Person     `json:"expert"`
	Reason             string     `json:"reason"`
	LastSessionAt      *time.Time `json:"lastSessionAt,omitempty"`
	DaysWithoutSession int        `json:"daysWithoutSession"`
	ActivatedAt        time.Time  `json:"activatedAt"`
}

// Report is HR's view of the org's mentorships at AsOf.
type Report struct {
	AsOf           time.Time     `json:"asOf"`
	Counts         Counts        `json:"counts"`
	Stalled        []StalledPair `json:"stalled"`
	Reflections    int           `json:"reflections"`
	WouldRecommend *float64      `json:"wouldRecommend"` // share; null under 3 reflections
	// Figures are the stream-kept figures (analytics, mentorships.go): read from the org's
	// aggregates, one Query of one item per department, whatever the history.
	Figures *Figures `json:"figures"`
}

// Figures are the org's mentorship figures and each learner department's.
type Figures struct {
	MinGroupSize int                           `json:"minGroupSize"`
	Suppression  string                        `json:"suppression"`
	Org          analytics.MentorshipFigures   `json:"org"`
	Departments  []analytics.MentorshipFigures `json:"departments"`
}

// FiguresNote says how suppressed figures read.
const FiguresNote = "A figure covering fewer than 3 pairs is null (fewer than 3) and named in withheld; a department with fewer than 3 mentorships shows no counts."

// LoadFigures reads the stream-kept mentorship aggregates of the org (one Query) into figures.
func (s *Service) LoadFigures(ctx context.Context, org string) (*Figures, error) {
	byGroup, err := s.store.LoadMentorshipAggregates(ctx, org)
	if err != nil {
		return nil, err
	}
	return FiguresFrom(org, byGroup), nil
}

// FiguresFrom turns the counters (from the aggregates, or a recount) into figures.
func FiguresFrom(org string, byGroup map[string]map[string]int64) *Figures {
	o, depts := analytics.MentorshipFiguresAll(org, byGroup, minGroup)
	if depts == nil {
		depts = []analytics.MentorshipFigures{}
	}
	return &Figures{MinGroupSize: minGroup, Suppression: FiguresNote, Org: o, Departments: depts}
}

func person(p tandem.Party) Person { return Person{ID: p.ID, Name: p.Name, Department: p.Department} }

// Report computes HR's view: one Query of the org's mentorships and one batched read of the
// active ones' bookings; each health computed exactly as the parties see it (ComputeHealth).
func (s *Service) Report(ctx context.Context, c tandem.Caller) (*Report, error) {
	if !c.Has(tandem.RoleHR) {
		return nil, tandem.Errorf(tandem.EForbidden, "Only HR can see the mentorship report.")
	}
	ms, err := s.store.ListOrgMentorships(ctx, c.OrgID)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, m := range ms {
		if m.Status != tandem.MentorshipActive {
			continue
		}
		for _, o := range m.Occurrences {
			if o.State == tandem.OccurrenceBooked {
				ids = append(ids, o.BookingID)
			}
		}
	}
	books := map[string]*tandem.Booking{}
	if len(ids) > 0 {
		if books, err = s.store.GetBookings(ctx, c.OrgID, ids); err != nil {
			return nil, err
		}
	}
	now := s.now()
	r := BuildReport(ms, books, now)
	if r.Figures, err = s.LoadFigures(ctx, c.OrgID); err != nil {
		return nil, err
	}
	return r, nil
}

// BuildReport is the report from the raw items (the recount tests call it too).
func BuildReport(ms []*tandem.Mentorship, books map[string]*tandem.Booking, now time.Time) *Report {
	r := &Report{AsOf: now.UTC(), Stalled: []StalledPair{}}
	recommend := 0
	for _, m := range ms {
		switch m.Status {
		case tandem.MentorshipProposed:
			r.Counts.Proposed++
		case tandem.MentorshipActive:
			r.Counts.Active++
		case tandem.MentorshipPaused:
			r.Counts.Paused++
		case tandem.MentorshipClosed:
			r.Counts.Closed++
		}
		for _, rf := range m.Reflections {
			r.Reflections++
			if rf.WouldRecommend {
				recommend++
			}
		}
		h := ComputeHealth(m, books, now)
		if h.Status != HealthStalled {
			continue
		}
		r.Counts.Stalled++
		p := StalledPair{ID: m.ID, Learner: person(m.Learner), Expert: person(m.Expert), Reason: h.Reason,
			DaysWithoutSession: h.DaysWithoutSession, ActivatedAt: m.ActivatedAt}
		if !h.LastSessionAt.IsZero() {
			t := h.LastSessionAt
			p.LastSessionAt = &t
		}
		r.Stalled = append(r.Stalled, p)
	}
	sort.Slice(r.Stalled, func(i, j int) bool {
		if r.Stalled[i].DaysWithoutSession != r.Stalled[j].DaysWithoutSession {
			return r.Stalled[i].DaysWithoutSession > r.Stalled[j].DaysWithoutSession
		}
		return r.Stalled[i].ID < r.Stalled[j].ID
	})
	if r.Reflections >= minGroup {
		share := float64(int(float64(recommend)/float64(r.Reflections)*10000+0.5)) / 10000
		r.WouldRecommend = &share
	}
	return r
}
