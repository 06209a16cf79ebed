package dynamo

import (
	"context"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/tandemhq/tandem/internal/tandem"
)

// feedbackItem is one participant's feedback, stored with the booking (PK = the booking).
// The learner's also sits on GSI1 under the expert's reviews, newest first.
type feedbackItem struct {
	PK           string   `dynamodbav:"PK"`
	SK           string   `dynamodbav:"SK"`
	GSI1PK       string   `dynamodbav:"GSI1PK,omitempty"`
	GSI1SK       string   `dynamodbav:"GSI1SK,omitempty"`
	Type         itemType `dynamodbav:"type"`
	Org          string   `dynamodbav:"org"`
	BookingID    string   `dynamodbav:"bookingId"`
	ExpertID     string   `dynamodbav:"expertId"`
	LearnerID    string   `dynamodbav:"learnerId"`
	Role         string   `dynamodbav:"role"`
	LearnerDept  string   `dynamodbav:"learnerDepartment"`
	ExpertDept   string   `dynamodbav:"expertDepartment"`
	Rating       int      `dynamodbav:"rating,omitempty"`
	Recommend    int      `dynamodbav:"recommend,omitempty"`
	MatchFit     string   `dynamodbav:"matchFit,omitempty"`
	Comment      string   `dynamodbav:"comment,omitempty"`
	ShareComment bool     `dynamodbav:"shareComment,omitempty"`
	Progress     int      `dynamodbav:"progress,omitempty"`
	Notes        string   `dynamodbav:"notes,omitempty"`
	Attended     bool     `dynamodbav:"attended,omitempty"`
	SessionStart string   `dynamodbav:"sessionStart"`
	CreatedAt    string   `dynamodbav:"createdAt"`
	UpdatedAt    string   `dynamodbav:"updatedAt"`
	Version      int64    `dynamodbav:"version"`
}

// toFeedbackItem is f on booking b as stored at version (the learner's also on GSI1 under the
// expert's reviews).
func toFeedbackItem(b *tandem.Booking, f *tandem.Feedback, version int64) feedbackItem {
	it := feedbackItem{PK: bookingPK(b.OrgID, b.ID), SK: feedbackSK(f.Role), Type: typeFeedback, Org: b.OrgID,
		BookingID: b.ID, ExpertID: b.Expert.ID, LearnerID: b.Learner.ID, Role: string(f.Role), Rating: f.Rating,
		LearnerDept: b.Learner.Department, ExpertDept: b.Expert.Department,
		Recommend: f.Recommend, MatchFit: string(f.MatchFit), Comment: f.Comment, ShareComment: f.ShareComment,
		Progress: f.Progress, Notes: f.Notes, Attended: f.Attended, SessionStart: timeKey(b.Start),
		CreatedAt: f.CreatedAt.UTC().Format(time.RFC3339), UpdatedAt: f.UpdatedAt.UTC().Format(time.RFC3339), Version: version}
	if f.Role == tandem.RoleLearner {
		it.GSI1PK, it.GSI1SK = reviewsPK(b.OrgID, b.Expert.ID), it.CreatedAt+"#"+b.ID
	}
	return it
}

func fromFeedbackItem(it *feedbackItem) (*tandem.Feedback, error) {
	created, err := parseStoredTime("feedback createdAt", it.CreatedAt)
	if err != nil {
		return nil, err
	}
	updated, err := parseStoredTime("feedback updatedAt", it.UpdatedAt)
	if err != nil {
		return nil, err
	}
	return &tandem.Feedback{BookingID: it.BookingID, ExpertID: it.ExpertID, LearnerID: it.LearnerID, Role: tandem.Role(it.Role),
		Rating: it.Rating, Recommend: it.Recommend, MatchFit: tandem.MatchFit(it.MatchFit), Comment: it.Comment,
		ShareComment: it.ShareComment, Progress: it.Progress, Notes: it.Notes, Attended: it.Attended, Version: it.Version,
		CreatedAt: created, UpdatedAt: updated}, nil
}

// fromFeedbackItemFact is the feedback with what aggregation needs about its session.
func fromFeedbackItemFact(it *feedbackItem) (*FeedbackFact, error) {
	f, err := fromFeedbackItem(it)
	if err != nil {
		return nil, err
	}
	start, err := parseStoredKeyTime("feedback sessionStart", it.SessionStart)
	if err != nil {
		return nil, err
	}
	return &FeedbackFact{Feedback: *f, SessionStart: start, LearnerDepartment: it.LearnerDept, ExpertDepartment: it.ExpertDept}, nil
}

// fromFeedbackItemReview is the learner's feedback as a public review.
func fromFeedbackItemReview(it *feedbackItem) (Review, error) {
	created, err := parseStoredTime("feedback createdAt", it.CreatedAt)
	if err != nil {
		return Review{}, err
	}
	r := Review{BookingID: it.BookingID, Rating: it.Rating, CreatedAt: created}
	if it.ShareComment {
		r.Comment = it.Comment
	}
	return r, nil
}

// GetFeedback returns the booking's feedback by role (one Query; missing roles are absent).
func (s *Store) GetFeedback(ctx context.Context, org, bookingID string) (_ map[tandem.Role]*tandem.Feedback, err error) {
	defer tandem.Wrap(&err, "Store.GetFeedback(%q)", bookingID)
	out, err := s.client.Query(ctx, &dynamodb.QueryInput{
		TableName: &s.table, ConsistentRead: aws.Bool(true),
		KeyConditionExpression: aws.String("PK = :pk AND begins_with(SK, :fb)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": strAttr(bookingPK(org, bookingID)), ":fb": strAttr(prefixFeedback)},
	})
	if err != nil {
		return nil, translate(err, "")
	}
	res := map[tandem.Role]*tandem.Feedback{}
	for _, raw := range out.Items {
		var it feedbackItem
		if err := attributevalue.UnmarshalMap(raw, &it); err != nil {
			return nil, err
		}
		f, err := fromFeedbackItem(&it)
		if err != nil {
			return nil, err
		}
		res[f.Role] = f
	}
	return res, nil
}

// FeedbackWrite is a feedback submission or edit.
type FeedbackWrite struct {
	Booking  *tandem.Booking
	Feedback *tandem.Feedback // the new state; Version 0 for a first submission
	Previous *tandem.Feedback // the stored state for an edit, nil for a first submission
	// Topics are the expert's topic copies, whose rating tallies move with the profile's.
	Topics []string
	// ReopenRequest reopens the booking's request for new matches (a poor match).
	ReopenRequest bool
}

// SaveFeedback writes feedback in one transaction: the feedback (first time: only if none
// exists; an edit: only if unchanged since read) and, for a learner's rating, ADDs to the
// expert's rating tally on the profile and on each topic copy (an edit moves the tally from
// the old rating to the new one), and optionally reopens the request. Errors: conflict
// (Detail.conflict = duplicate | changed | profile_changed).
func (s *Store) SaveFeedback(ctx context.Context, w FeedbackWrite) (err error) {
	b, f := w.Booking, w.Feedback
	defer tandem.Wrap(&err, "Store.SaveFeedback(%q)", b.ID)
	now := s.now().UTC().Truncate(time.Second)
	if w.Previous == nil {
		f.CreatedAt = now
	}
	f.UpdatedAt = now
	it := toFeedbackItem(b, f, f.Version+1)
	tx := newTx(s.table)
	if w.Previous == nil {
		if err := tx.put(kindDuplicate, it, "attribute_not_exists(PK)", nil); err != nil {
			return err
		}
	} else if err := tx.put(kindChanged, it, "version = :v", map[string]types.AttributeValue{":v": num(w.Previous.Version)}); err != nil {
		return err
	}
	if f.Role == tandem.RoleLearner {
		old := 0
		if w.Previous != nil {
			old = w.Previous.Rating
		}
		expr, values := tallyChange(old, f.Rating)
		if expr != "" {
			pk := expertPK(b.OrgID, b.Expert.ID)
			tx.update(kindProfileChanged, pk, skProfile, expr+", version :one", "attribute_exists(PK)", nil, withOne(values))
			for _, t := range w.Topics {
				tx.update(kindProfileChanged, pk, topicSK(t), expr, "attribute_exists(PK)", nil, values)
			}
		}
	}
	if w.ReopenRequest && b.RequestID != "" {
		tx.update(kindRequest, requestPK(b.OrgID, b.RequestID), skRequest,
			"SET #s = :open, reopenedAt = :now, reopenedFrom = :b ADD version :one", "attribute_exists(PK)",
			map[string]string{"#s": "status"},
			map[string]types.AttributeValue{":open": strAttr(string(tandem.RequestOpen)), ":now": strAttr(now.Format(time.RFC3339)), ":b": strAttr(b.ID), ":one": num(1)})
	}
	f.Version = it.Version
	failed, err := s.commit(ctx, tx, "")
	if failed == nil {
		return err
	}
	return explain(failed)
}

// tallyChange is the ADD expression moving one rating from old (0: none) to new.
func tallyChange(old, new int) (string, map[string]types.AttributeValue) {
	switch {
	case old == new:
		return "", nil
	case old == 0:
		return "ADD ratingCount :one, ratingSum :new, rating" + strconv.Itoa(new) + " :one",
			map[string]types.AttributeValue{":one": num(1), ":new": num(int64(new))}
	}
	return "ADD ratingSum :delta, rating" + strconv.Itoa(old) + " :minus, rating" + strconv.Itoa(new) + " :one",
		map[string]types.AttributeValue{":delta": num(int64(new - old)), ":minus": num(-1), ":one": num(1)}
}

func withOne(values map[string]types.AttributeValue) map[string]types.AttributeValue {
	out := map[string]types.AttributeValue{":one": num(1)}
	for k, v := range values {
		out[k] = v
	}
	return out
}

// Review is a learner's rating as shown on an expert's page: no learner identity, and the
// comment only when the learner chose to share it.
type Review struct {
	BookingID string
	Rating    int
	Comment   string
	CreatedAt time.Time
}

// ReviewPage is a page of reviews, newest first.
type ReviewPage struct {
	Reviews []Review
	Cursor  string
}

// ListReviews returns the expert's reviews, newest first (one Query on GSI1 per page).
func (s *Store) ListReviews(ctx context.Context, org, expertID, cursor string, limit int) (_ *ReviewPage, err error) {
	defer tandem.Wrap(&err, "Store.ListReviews(%q)", expertID)
	partition := reviewsPK(org, expertID)
	l := listing{name: "reviews", org: org, pkName: "GSI1PK", skName: "GSI1SK", partition: partition}
	start, err := l.decode(ctx, cursor)
	if err != nil {
		return nil, err
	}
	out, err := s.client.Query(ctx, &dynamodb.QueryInput{
		TableName: &s.table, IndexName: aws.String("GSI1"),
		KeyConditionExpression:    aws.String("GSI1PK = :p"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": strAttr(partition)},
		ScanIndexForward:          aws.Bool(false), ExclusiveStartKey: start, Limit: aws.Int32(int32(limit)),
	})
	if err != nil {
		return nil, translate(err, "")
	}
	reviews, err := fromItems(out.Items, fromFeedbackItemReview)
	if err != nil {
		return nil, err
	}
	return &ReviewPage{Reviews: reviews, Cursor: l.encode(ctx, out.LastEvaluatedKey)}, nil
}
