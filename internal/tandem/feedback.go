package tandem

import (
	"strings"
	"time"
)

// MatchFit is the learner's view of whether the expert was the right person.
type MatchFit string

// Match fits; a poor fit offers the learner a new match for their request.
const (
	FitGood   MatchFit = "good"
	FitUnsure MatchFit = "unsure"
	FitPoor   MatchFit = "poor"
)

// Feedback limits.
const (
	MaxComment      = 2000
	MaxNotes        = 4000
	FeedbackEditFor = 7 * 24 * time.Hour
)

// FeedbackInput is what either participant sends. The learner fills Rating, Recommend,
// MatchFit, Comment, ShareComment and Progress; the expert fills Notes and Attended. Fields
// of the other role are refused, so nobody can slip a rating in as the expert.
type FeedbackInput struct {
	Rating       *int     `json:"rating,omitempty"`
	Recommend    *int     `json:"recommend,omitempty"`
	MatchFit     MatchFit `json:"matchFit,omitempty"`
	Comment      string   `json:"comment,omitempty"`
	ShareComment bool     `json:"shareComment,omitempty"`
	Progress     *int     `json:"progress,omitempty"`
	Notes        string   `json:"notes,omitempty"`
	Attended     *bool    `json:"attended,omitempty"`
}

// Feedback is one participant's feedback on a booking.
type Feedback struct {
	BookingID string
	ExpertID  string
	LearnerID string
	Role      Role // RoleLearner or RoleExpert: who wrote it
	// Learner's part.
	Rating       int
	Recommend    int
	MatchFit     MatchFit
	Comment      string
	ShareComment bool
	Progress     int
	// Expert's part (private to the expert).
	Notes     string
	Attended  bool
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int64
}

// Validate checks the input for the role that sends it (EInvalid with field errors).
func (in *FeedbackInput) Validate(role Role) error {
	in.Comment, in.Notes = strings.TrimSpace(in.Comment), strings.TrimSpace(in.Notes)
	var v Validation
	if role == RoleLearner {
		v.Check(in.Rating != nil && *in.Rating >= 1 && *in.Rating <= 5, "rating", "must be 1 to 5")
		v.Check(in.Recommend != nil && *in.Recommend >= 0 && *in.Recommend <= 10, "recommend", "must be 0 to 10")
		v.Check(in.MatchFit == FitGood || in.MatchFit == FitUnsure || in.MatchFit == FitPoor, "matchFit", `must be "good", "unsure" or "poor"`)
		v.CheckText("comment", in.Comment, MaxComment, true)
		v.Check(in.Progress == nil || (*in.Progress >= 0 && *in.Progress <= 10), "progress", "must be 0 to 10")
		v.Check(in.Notes == "", "notes", "is for the expert")
		v.Check(in.Attended == nil, "attended", "is for the expert")
		return v.Err()
	}
	v.CheckText("notes", in.Notes, MaxNotes, true)
	v.Check(in.Attended != nil, "attended", "is required")
	for field, set := range map[string]bool{"rating": in.Rating != nil, "recommend": in.Recommend != nil,
		"matchFit": in.MatchFit != "", "comment": in.Comment != "", "progress": in.Progress != nil, "shareComment": in.ShareComment} {
		v.Check(!set, field, "is for the learner")
	}
	return v.Err()
}

// Apply copies the input into f.
func (in *FeedbackInput) Apply(f *Feedback) {
	deref := func(p *int) int {
		if p == nil {
			return 0
		}
		return *p
	}
	if f.Role == RoleLearner {
		f.Rating, f.Recommend, f.MatchFit = deref(in.Rating), deref(in.Recommend), in.MatchFit
		f.Comment, f.ShareComment, f.Progress = in.Comment, in.ShareComment, deref(in.Progress)
		return
	}
	f.Notes, f.Attended = in.Notes, in.Attended != nil && *in.Attended
}

// CanGiveFeedback says whether feedback may be written on b now: once it has ended, unless it
// was cancelled, declined or never confirmed.
func (b *Booking) CanGiveFeedback(now time.Time) error {
	switch st := b.EffectiveStatus(now); {
	case st == StatusCancelled || st == StatusDeclined || st == StatusExpired || st == StatusPending:
		return &Error{Code: EConflict, Message: "There is no feedback on a session that did not take place.",
			Detail: map[string]any{"status": st}}
	case now.Before(b.End):
		return &Error{Code: EConflict, Message: "Feedback opens when the session has ended.",
			Detail: map[string]any{"status": st, "opensAt": b.End}}
	}
	return nil
}
