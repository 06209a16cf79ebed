package mentorships

import (
	"context"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/booking"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Between sessions: a shared agenda per occurrence (both parties read and write it), action
// items (owner, due date, done), and private notes, which only their author can ever read: the
// store keeps them under the author's id and lists only the caller's own.

func invalid(field, msg string) error {
	return &tandem.Error{Code: tandem.EInvalid, Message: "The request has invalid fields.",
		Fields: []tandem.FieldError{{Field: field, Message: msg}}}
}

func changedAtOnce(what string) error {
	return &tandem.Error{Code: tandem.EConflict, Message: "The " + what + " changed since you read it; read it again.",
		Detail: map[string]any{"conflict": "changed"}}
}

// AgendaInput replaces an occurrence's agenda, over the version read (0: none yet).
type AgendaInput struct {
	Items   []string `json:"items"`
	Version int64    `json:"version"`
}

// Agendas lists the mentorship's agendas, by occurrence.
func (s *Service) Agendas(ctx context.Context, c tandem.Caller, id string) ([]*tandem.Agenda, error) {
	if _, err := s.Get(ctx, c, id); err != nil {
		return nil, err
	}
	return s.store.Agendas(ctx, c.OrgID, id)
}

// SetAgenda replaces one occurrence's shared agenda; lines kept from the stored agenda keep
// who added them. A stale version is a conflict (read again), so nobody overwrites unseen.
func (s *Service) SetAgenda(ctx context.Context, c tandem.Caller, id string, index int, in AgendaInput) (*tandem.Agenda, error) {
	var v tandem.Validation
	v.Check(len(in.Items) <= tandem.MaxAgendaItems, "items", "must list at most %d items", tandem.MaxAgendaItems)
	for i, it := range in.Items {
		f := "items[" + strconv.Itoa(i) + "]"
		v.Check(strings.TrimSpace(it) != "", f, "must not be empty")
		v.CheckText(f, it, 500, false)
	}
	v.Check(in.Version >= 0, "version", "must be 0 (new) or the version read")
	if err := v.Err(); err != nil {
		return nil, err
	}
	m, err := s.Get(ctx, c, id)
	if err != nil {
		return nil, err
	}
	if _, err := occurrence(m, index); err != nil {
		return nil, err
	}
	all, err := s.store.Agendas(ctx, c.OrgID, id)
	if err != nil {
		return nil, err
	}
	var prev *tandem.Agenda
	for _, a := range all {
		if a.Occurrence == index {
			prev = a
		}
	}
	var stored int64
	if prev != nil {
		stored = prev.Version
	}
	if stored != in.Version {
		return nil, changedAtOnce("agenda")
	}
	a := &tandem.Agenda{Occurrence: index, Items: []tandem.AgendaItem{}, Version: in.Version + 1, UpdatedAt: s.now().UTC().Truncate(time.Second)}
	for _, text := range in.Items {
		by := c.UserID
		if prev != nil {
			for _, old := range prev.Items {
				if old.Text == text {
					by = old.AddedBy
					break
				}
			}
		}
		a.Items = append(a.Items, tandem.AgendaItem{Text: text, AddedBy: by})
	}
	if err := s.store.SaveAgenda(ctx, c.OrgID, id, a, in.Version); err != nil {
		if stale(err) {
			return nil, changedAtOnce("agenda")
		}
		return nil, err
	}
	return a, nil
}

// ActionInput creates an action item, or changes one over the version read.
type ActionInput struct {
	Text    string `json:"text"`
	Owner   string `json:"owner"` // "learner" or "expert"
	Due     string `json:"due"`   // YYYY-MM-DD
	Done    bool   `json:"done"`
	Version int64  `json:"version,omitempty"`
}

func (in *ActionInput) validate() error {
	var v tandem.Validation
	v.Check(strings.TrimSpace(in.Text) != "", "text", "is required")
	v.CheckText("text", in.Text, 500, false)
	v.Check(in.Owner == "learner" || in.Owner == "expert", "owner", `must be "learner" or "expert"`)
	d, err := time.Parse(time.DateOnly, in.Due)
	v.Check(err == nil && tandem.InstantInRange(d), "due", "must be a date YYYY-MM-DD")
	return v.Err()
}

func ownerID(m *tandem.Mentorship, owner string) string {
	if owner == "expert" {
		return m.Expert.ID
	}
	return m.Learner.ID
}

// ActionItems lists the mentorship's action items, oldest first.
func (s *Service) ActionItems(ctx context.Context, c tandem.Caller, id string) ([]*tandem.ActionItem, error) {
	if _, err := s.Get(ctx, c, id); err != nil {
		return nil, err
	}
	items, err := s.store.ActionItems(ctx, c.OrgID, id)
	if err != nil {
		return nil, err
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].CreatedAt.Before(items[j].CreatedAt) })
	return items, nil
}

// AddActionItem adds an action item owned by one of the parties.
func (s *Service) AddActionItem(ctx context.Context, c tandem.Caller, id string, in ActionInput) (*tandem.ActionItem, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	m, err := s.Get(ctx, c, id)
	if err != nil {
		return nil, err
	}
	items, err := s.store.ActionItems(ctx, c.OrgID, id)
	if err != nil {
		return nil, err
	}
	if len(items) >= tandem.MaxActionItems {
		return nil, &tandem.Error{Code: tandem.ELimitExceeded, Message: "A mentorship has at most 50 action items.", Detail: map[string]any{"limit": "action_items"}}
	}
	now := s.now().UTC().Truncate(time.Second)
	a := &tandem.ActionItem{ID: booking.NewID(), Text: in.Text, Owner: ownerID(m, in.Owner), Due: in.Due, Done: in.Done,
		CreatedBy: c.UserID, CreatedAt: now, UpdatedAt: now, Version: 1}
	if err := s.store.SaveActionItem(ctx, c.OrgID, id, a, 0); err != nil {
		return nil, err
	}
	return a, nil
}

// UpdateActionItem changes an action item (text, owner, due date, done) over the version read.
func (s *Service) UpdateActionItem(ctx context.Context, c tandem.Caller, id, actionID string, in ActionInput) (*tandem.ActionItem, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	if in.Version < 1 {
		return nil, invalid("version", "must be the version read")
	}
	m, err := s.Get(ctx, c, id)
	if err != nil {
		return nil, err
	}
	items, err := s.store.ActionItems(ctx, c.OrgID, id)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(items, func(a *tandem.ActionItem) bool { return a.ID == actionID })
	if i < 0 {
		return nil, tandem.Errorf(tandem.ENotFound, "No action item with this id.")
	}
	a := *items[i]
	if a.Version != in.Version {
		return nil, changedAtOnce("action item")
	}
	a.Text, a.Owner, a.Due, a.Done = in.Text, ownerID(m, in.Owner), in.Due, in.Done
	a.Version, a.UpdatedAt = in.Version+1, s.now().UTC().Truncate(time.Second)
	if err := s.store.SaveActionItem(ctx, c.OrgID, id, &a, in.Version); err != nil {
		if stale(err) {
			return nil, changedAtOnce("action item")
		}
		return nil, err
	}
	return &a, nil
}

// NoteInput is a private note, optionally about one occurrence.
type NoteInput struct {
	Note       string `json:"note"`
	Occurrence *int   `json:"occurrence,omitempty"`
}

// AddNote stores a note only its author (the caller) can read.
func (s *Service) AddNote(ctx context.Context, c tandem.Caller, id string, in NoteInput) (*tandem.PrivateNote, error) {
	var v tandem.Validation
	v.Check(strings.TrimSpace(in.Note) != "", "note", "is required")
	v.CheckText("note", in.Note, tandem.MaxText, true)
	if err := v.Err(); err != nil {
		return nil, err
	}
	m, err := s.Get(ctx, c, id)
	if err != nil {
		return nil, err
	}
	if in.Occurrence != nil {
		if _, err := occurrence(m, *in.Occurrence); err != nil {
			return nil, err
		}
	}
	mine, err := s.store.PrivateNotes(ctx, c.OrgID, id, c.UserID)
	if err != nil {
		return nil, err
	}
	if len(mine) >= tandem.MaxPrivateNotes {
		return nil, &tandem.Error{Code: tandem.ELimitExceeded, Message: "You have reached 200 notes on this mentorship.", Detail: map[string]any{"limit": "notes"}}
	}
	n := &tandem.PrivateNote{ID: booking.NewID(), AuthorID: c.UserID, Occurrence: in.Occurrence, Note: in.Note,
		CreatedAt: s.now().UTC().Truncate(time.Second)}
	if err := s.store.AddPrivateNote(ctx, c.OrgID, id, n); err != nil {
		return nil, err
	}
	return n, nil
}

// Notes lists the caller's own notes on the mentorship; nobody else's, ever.
func (s *Service) Notes(ctx context.Context, c tandem.Caller, id string) ([]*tandem.PrivateNote, error) {
	if _, err := s.Get(ctx, c, id); err != nil {
		return nil, err
	}
	return s.store.PrivateNotes(ctx, c.OrgID, id, c.UserID)
}

// CheckInInput is the learner's rating of every goal (1-5, in the agreement's order).
type CheckInInput struct {
	Kind       tandem.CheckInKind `json:"kind"`
	Ratings    []int              `json:"ratings"`
	Occurrence *int               `json:"occurrence,omitempty"`
	Comment    string             `json:"comment"`
}

// AddCheckIn records the learner's progress ratings: at the start, after a session, or at
// the end. Only the learner rates; both parties read the series.
func (s *Service) AddCheckIn(ctx context.Context, c tandem.Caller, id string, in CheckInInput) (*tandem.CheckIn, error) {
	m, err := s.Get(ctx, c, id)
	if err != nil {
		return nil, err
	}
	if c.UserID != m.Learner.ID {
		return nil, tandem.Errorf(tandem.EForbidden, "Only the learner rates progress on the goals.")
	}
	var v tandem.Validation
	v.Check(in.Kind == tandem.CheckInStart || in.Kind == tandem.CheckInSession || in.Kind == tandem.CheckInEnd, "kind", `must be "start", "session" or "end"`)
	v.Check(len(in.Ratings) == len(m.Agreement.Goals), "ratings", "must rate each of the %d goals", len(m.Agreement.Goals))
	for i, r := range in.Ratings {
		v.Check(r >= 1 && r <= 5, "ratings["+strconv.Itoa(i)+"]", "must be 1-5")
	}
	v.CheckText("comment", in.Comment, 2000, true)
	if in.Occurrence != nil {
		if _, err := occurrence(m, *in.Occurrence); err != nil {
			v.Add("occurrence", "is not an occurrence of this mentorship")
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if m.Status == tandem.MentorshipProposed && in.Kind != tandem.CheckInStart {
		return nil, &tandem.Error{Code: tandem.EConflict, Message: "Only the starting ratings can be given before the mentorship is active.",
			Detail: map[string]any{"conflict": "mentorship_state", "status": string(m.Status)}}
	}
	ci := &tandem.CheckIn{ID: booking.NewID(), Kind: in.Kind, Occurrence: in.Occurrence, Ratings: in.Ratings, Comment: in.Comment,
		At: s.now().UTC()} // the store keeps it to the millisecond, ordered (Store.AddCheckIn)
	if err := s.store.AddCheckIn(ctx, c.OrgID, id, ci); err != nil {
		return nil, err
	}
	return ci, nil
}

// Point is one rating of one goal.
type Point struct {
	At     time.Time          `json:"at"`
	Kind   tandem.CheckInKind `json:"kind"`
	Rating int                `json:"rating"`
}

// Trend is one goal's ratings over time, with the change from the first to the last.
type Trend struct {
	Goal   tandem.Goal `json:"goal"`
	Points []Point     `json:"points"`
	Change *int        `json:"change"` // last − first; null with fewer than two ratings
}

// Progress returns the check-ins and each goal's trend, for both parties.
func (s *Service) Progress(ctx context.Context, c tandem.Caller, id string) ([]*tandem.CheckIn, []Trend, error) {
	m, err := s.Get(ctx, c, id)
	if err != nil {
		return nil, nil, err
	}
	cis, err := s.store.CheckIns(ctx, c.OrgID, id)
	if err != nil {
		return nil, nil, err
	}
	return cis, Trends(m.Agreement.Goals, cis), nil
}

// Trends turns check-ins (in time order) into each goal's series.
func Trends(goals []tandem.Goal, cis []*tandem.CheckIn) []Trend {
	out := make([]Trend, len(goals))
	for g := range goals {
		out[g] = Trend{Goal: goals[g], Points: []Point{}}
		for _, ci := range cis {
			if g < len(ci.Ratings) {
				out[g].Points = append(out[g].Points, Point{At: ci.At, Kind: ci.Kind, Rating: ci.Ratings[g]})
			}
		}
		if n := len(out[g].Points); n >= 2 {
			d := out[g].Points[n-1].Rating - out[g].Points[0].Rating
			out[g].Change = &d
		}
	}
	return out
}

// ReflectionInput is one side's final reflection.
type ReflectionInput struct {
	GoalsAchieved  []int  `json:"goalsAchieved"`
	WouldRecommend bool   `json:"wouldRecommend"`
	PoorFit        bool   `json:"poorFit"`
	Comment        string `json:"comment"`
}

// Reflected is a stored reflection and whether a re-match was offered.
type Reflected struct {
	Mentorship     *tandem.Mentorship
	RematchOffered bool
}

// Reflect records the caller's final reflection, once, after the mentorship is closed. A
// learner who calls it a poor fit gets a re-match as feedback on a single session does: the
// request the mentorship started from is open for new matches again (once per mentorship).
func (s *Service) Reflect(ctx context.Context, c tandem.Caller, id string, in ReflectionInput) (*Reflected, error) {
	var fresh, retryReopen bool
	m, err := s.update(ctx, c, id, func(m *tandem.Mentorship, now time.Time) (bool, error) {
		if m.Status != tandem.MentorshipClosed {
			return false, &tandem.Error{Code: tandem.EConflict, Message: "Reflections come after the mentorship is closed.",
				Detail: map[string]any{"conflict": "mentorship_state", "status": string(m.Status)}}
		}
		var v tandem.Validation
		v.Check(len(in.GoalsAchieved) == len(m.Agreement.Goals), "goalsAchieved", "must rate each of the %d goals", len(m.Agreement.Goals))
		for i, r := range in.GoalsAchieved {
			v.Check(r >= 1 && r <= 5, "goalsAchieved["+strconv.Itoa(i)+"]", "must be 1-5")
		}
		v.CheckText("comment", in.Comment, 2000, true)
		if err := v.Err(); err != nil {
			return false, err
		}
		if prev, done := m.Reflections[c.UserID]; done {
			retryReopen = prev.PoorFit
			return false, &tandem.Error{Code: tandem.EConflict, Message: "You have already given your reflection.", Detail: map[string]any{"conflict": "duplicate"}}
		}
		if m.Reflections == nil {
			m.Reflections = map[string]tandem.Reflection{}
		}
		m.Reflections[c.UserID] = tandem.Reflection{GoalsAchieved: in.GoalsAchieved, WouldRecommend: in.WouldRecommend,
			PoorFit: in.PoorFit, Comment: in.Comment, CreatedAt: now}
		fresh = true
		return true, nil
	})
	if err != nil {
		// A reflection stored by a call that failed before reopening the request: reopen it now
		// (once per mentorship, so this changes nothing when it was reopened).
		if retryReopen && m != nil && c.UserID == m.Learner.ID && m.RequestID != "" {
			if _, rerr := s.store.ReopenRequestForRematch(ctx, m.OrgID, m.RequestID, m.ID, s.now()); rerr != nil {
				return nil, rerr
			}
		}
		return nil, err
	}
	out := &Reflected{Mentorship: m}
	if fresh && in.PoorFit && c.UserID == m.Learner.ID && m.RequestID != "" {
		if _, err := s.store.ReopenRequestForRematch(ctx, m.OrgID, m.RequestID, m.ID, s.now()); err != nil {
			return nil, err
		}
		out.RematchOffered = true
	}
	return out, nil
}
