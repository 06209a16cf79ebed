package dynamo

import (
	"context"
	"errors"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/tandemhq/tandem/internal/tandem"
	"golang.org/x/sync/errgroup"
)

// Mentorships. The mentorship item lives in its org's MENTORSHIPS partition (HR's report reads
// the org's mentorships with one Query, paged), on GSI1 under its learner and on GSI2 under its
// expert (each party lists theirs with two Queries in parallel). What belongs to one
// mentorship (shared agendas, action items, private notes, check-ins) lives in the
// mentorship's own partition; a private note's sort key starts with its author's id, and the
// only read of notes is a Query on that prefix for the caller, so nobody else can list them.
// The store decides nothing: internal/mentorships decides and hands it writes, each guarded by
// the version the decision was made on (*MentorshipChanged when that no longer holds).

// MentorshipChanged refuses a write whose guard no longer held: the item changed (or, for a
// create, exists) since it was read. Re-read and decide again.
type MentorshipChanged struct{ What string }

func (e *MentorshipChanged) Error() string { return e.What + " changed since it was read" }

type partyAV struct {
	ID         string `dynamodbav:"id"`
	Name       string `dynamodbav:"name"`
	Email      string `dynamodbav:"email,omitempty"`
	Department string `dynamodbav:"department"`
}

type goalAV struct {
	Title   string `dynamodbav:"title"`
	Measure string `dynamodbav:"measure"`
}

type agreementAV struct {
	Goals       []goalAV `dynamodbav:"goals"`
	Cadence     string   `dynamodbav:"cadence"`
	Months      int      `dynamodbav:"months"`
	Sessions    int      `dynamodbav:"sessions,omitempty"`
	SessionType string   `dynamodbav:"sessionType"`
	Weekday     string   `dynamodbav:"weekday"`
	WindowStart string   `dynamodbav:"windowStart"`
	WindowEnd   string   `dynamodbav:"windowEnd"`
	Timezone    string   `dynamodbav:"timezone"`
}

type occurrenceAV struct {
	Index     int    `dynamodbav:"index"`
	Start     string `dynamodbav:"start"`
	BookingID string `dynamodbav:"bookingId,omitempty"`
	State     string `dynamodbav:"state"`
	Reason    string `dynamodbav:"reason,omitempty"`
}

type reflectionAV struct {
	GoalsAchieved  []int  `dynamodbav:"goalsAchieved"`
	WouldRecommend bool   `dynamodbav:"wouldRecommend"`
	PoorFit        bool   `dynamodbav:"poorFit"`
	Comment        string `dynamodbav:"comment"`
	CreatedAt      string `dynamodbav:"createdAt"`
}

// mentorshipItem is a mentorship as stored. Attribute names are stored data: never rename one.
type mentorshipItem struct {
	PK           string                  `dynamodbav:"PK"`
	SK           string                  `dynamodbav:"SK"`
	GSI1PK       string                  `dynamodbav:"GSI1PK"`
	GSI1SK       string                  `dynamodbav:"GSI1SK"`
	GSI2PK       string                  `dynamodbav:"GSI2PK"`
	GSI2SK       string                  `dynamodbav:"GSI2SK"`
	Type         itemType                `dynamodbav:"type"`
	ID           string                  `dynamodbav:"id"`
	Org          string                  `dynamodbav:"org"`
	Learner      partyAV                 `dynamodbav:"learner"`
	Expert       partyAV                 `dynamodbav:"expert"`
	Origin       string                  `dynamodbav:"origin"`
	RequestID    string                  `dynamodbav:"requestId,omitempty"`
	ProgramID    string                  `dynamodbav:"programId,omitempty"`
	ProposedBy   string                  `dynamodbav:"proposedBy"`
	Accepted     []string                `dynamodbav:"accepted"`
	Status       string                  `dynamodbav:"status"`
	Agreement    agreementAV             `dynamodbav:"agreement"`
	Occurrences  []occurrenceAV          `dynamodbav:"occurrences"`
	Reflections  map[string]reflectionAV `dynamodbav:"reflections"`
	Health       string                  `dynamodbav:"health,omitempty"`
	HealthReason string                  `dynamodbav:"healthReason,omitempty"`
	CreatedAt    string                  `dynamodbav:"createdAt"`
	ActivatedAt  string                  `dynamodbav:"activatedAt,omitempty"`
	ClosedAt     string                  `dynamodbav:"closedAt,omitempty"`
	UpdatedAt    string                  `dynamodbav:"updatedAt"`
	Version      int64                   `dynamodbav:"version"`
	// HealthVersion counts SetMentorshipHealth's writes since the last whole write (which
	// drops it): with Version it names every state of the item, for the stream's markers.
	HealthVersion int64  `dynamodbav:"healthVersion,omitempty"`
	ChangedBy     string `dynamodbav:"changedBy,omitempty"`
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func unstamp(s string) time.Time {
	t, _ := time.Parse(time.RFC3339, s)
	return t
}

func toPartyAV(p tandem.Party) partyAV {
	return partyAV{ID: p.ID, Name: p.Name, Email: p.Email, Department: p.Department}
}

func (p partyAV) domain() tandem.Party {
	return tandem.Party{ID: p.ID, Name: p.Name, Email: p.Email, Department: p.Department}
}

func mentorshipItemFrom(m *tandem.Mentorship) mentorshipItem {
	listed := timeKey(m.CreatedAt) + "#" + m.ID
	it := mentorshipItem{PK: mentorshipsPK(m.OrgID), SK: mentorshipSK(m.ID),
		GSI1PK: userMentorshipsPK(m.OrgID, m.Learner.ID), GSI1SK: listed,
		GSI2PK: userMentorshipsPK(m.OrgID, m.Expert.ID), GSI2SK: listed,
		Type: typeMentorship, ID: m.ID, Org: m.OrgID, Learner: toPartyAV(m.Learner), Expert: toPartyAV(m.Expert),
		Origin: string(m.Origin), RequestID: m.RequestID, ProgramID: m.ProgramID, ProposedBy: m.ProposedBy,
		Accepted: append([]string{}, m.Accepted...), Status: string(m.Status),
		Health: m.Health, HealthReason: m.HealthReason, CreatedAt: stamp(m.CreatedAt), ActivatedAt: stamp(m.ActivatedAt),
		ClosedAt: stamp(m.ClosedAt), UpdatedAt: stamp(m.UpdatedAt), Version: m.Version, ChangedBy: m.ChangedBy,
		Occurrences: []occurrenceAV{}, Reflections: map[string]reflectionAV{}}
	a := m.Agreement
	it.Agreement = agreementAV{Cadence: string(a.Cadence), Months: a.Months, Sessions: a.Sessions, SessionType: a.SessionType, Weekday: a.Weekday,
		WindowStart: a.Window.Start, WindowEnd: a.Window.End, Timezone: a.Timezone, Goals: []goalAV{}}
	for _, g := range a.Goals {
		it.Agreement.Goals = append(it.Agreement.Goals, goalAV{Title: g.Title, Measure: g.Measure})
	}
	for _, o := range m.Occurrences {
		it.Occurrences = append(it.Occurrences, occurrenceAV{Index: o.Index, Start: timeKey(o.Start), BookingID: o.BookingID,
			State: string(o.State), Reason: o.Reason})
	}
	for who, r := range m.Reflections {
		it.Reflections[who] = reflectionAV{GoalsAchieved: append([]int{}, r.GoalsAchieved...), WouldRecommend: r.WouldRecommend,
			PoorFit: r.PoorFit, Comment: r.Comment, CreatedAt: stamp(r.CreatedAt)}
	}
	return it
}

func (it *mentorshipItem) toDomain() *tandem.Mentorship {
	m := &tandem.Mentorship{ID: it.ID, OrgID: it.Org, Learner: it.Learner.domain(), Expert: it.Expert.domain(),
		Origin: tandem.MentorshipOrigin(it.Origin), RequestID: it.RequestID, ProgramID: it.ProgramID, ProposedBy: it.ProposedBy,
		Accepted: append([]string{}, it.Accepted...), Status: tandem.MentorshipStatus(it.Status), Health: it.Health,
		HealthReason: it.HealthReason, CreatedAt: unstamp(it.CreatedAt), ActivatedAt: unstamp(it.ActivatedAt),
		ClosedAt: unstamp(it.ClosedAt), UpdatedAt: unstamp(it.UpdatedAt), Version: it.Version, ChangedBy: it.ChangedBy,
		Reflections: map[string]tandem.Reflection{}}
	a := it.Agreement
	m.Agreement = tandem.Agreement{Cadence: tandem.Cadence(a.Cadence), Months: a.Months, Sessions: a.Sessions, SessionType: a.SessionType,
		Weekday: a.Weekday, Window: tandem.Window{Start: a.WindowStart, End: a.WindowEnd}, Timezone: a.Timezone, Goals: []tandem.Goal{}}
	for _, g := range a.Goals {
		m.Agreement.Goals = append(m.Agreement.Goals, tandem.Goal{Title: g.Title, Measure: g.Measure})
	}
	for _, o := range it.Occurrences {
		m.Occurrences = append(m.Occurrences, tandem.Occurrence{Index: o.Index, Start: parseKeyTime(o.Start),
			BookingID: o.BookingID, State: tandem.OccurrenceState(o.State), Reason: o.Reason})
	}
	for who, r := range it.Reflections {
		m.Reflections[who] = tandem.Reflection{GoalsAchieved: append([]int{}, r.GoalsAchieved...), WouldRecommend: r.WouldRecommend,
			PoorFit: r.PoorFit, Comment: r.Comment, CreatedAt: unstamp(r.CreatedAt)}
	}
	return m
}

// SaveMentorship writes m whole (one PutItem): a new one (prevVersion 0) only if none with its
// id exists; otherwise only if the stored one is still at prevVersion. m.Version must be the
// version to store. Errors: *MentorshipChanged when the guard no longer held.
func (s *Store) SaveMentorship(ctx context.Context, m *tandem.Mentorship, prevVersion int64) (err error) {
	defer tandem.Wrap(&err, "Store.SaveMentorship(%q)", m.ID)
	return s.putGuarded(ctx, mentorshipItemFrom(m), prevVersion, "mentorship")
}

// SetMentorshipHealth stores the health computed at read (one UpdateItem, without a new
// version: health is derived, and a stream consumer sees the change). Only an existing item.
func (s *Store) SetMentorshipHealth(ctx context.Context, org, id, health, reason string) (err error) {
	defer tandem.Wrap(&err, "Store.SetMentorshipHealth(%q)", id)
	_, err = s.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &s.table, Key: pkSK(mentorshipsPK(org), mentorshipSK(id)),
		UpdateExpression:          aws.String("SET health = :h, healthReason = :r ADD healthVersion :one"),
		ConditionExpression:       aws.String("attribute_exists(PK)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":h": strAttr(health), ":r": strAttr(reason), ":one": num(1)}})
	return translate(err, "")
}

// GetMentorship returns the mentorship (one consistent GetItem). Errors: not_found.
func (s *Store) GetMentorship(ctx context.Context, org, id string) (_ *tandem.Mentorship, err error) {
	defer tandem.Wrap(&err, "Store.GetMentorship(%q)", id)
	it, err := getFound[mentorshipItem](ctx, s, pkSK(mentorshipsPK(org), mentorshipSK(id)), true, "No mentorship with this id.")
	if err != nil {
		return nil, err
	}
	return it.toDomain(), nil
}

// ListUserMentorships lists up to max mentorships of the user, as learner (GSI1) and as
// expert (GSI2), newest first: two Queries in parallel.
func (s *Store) ListUserMentorships(ctx context.Context, org, userID string, max int) (_ []*tandem.Mentorship, err error) {
	defer tandem.Wrap(&err, "Store.ListUserMentorships")
	var as [2][]mentorshipItem
	g, gctx := errgroup.WithContext(ctx)
	for i, index := range []string{"GSI1", "GSI2"} {
		g.Go(func() (err error) {
			as[i], err = queryAll[mentorshipItem](gctx, s.client, &dynamodb.QueryInput{TableName: &s.table, IndexName: aws.String(index),
				KeyConditionExpression:    aws.String(index + "PK = :pk"),
				ExpressionAttributeValues: map[string]types.AttributeValue{":pk": strAttr(userMentorshipsPK(org, userID))},
				ScanIndexForward:          aws.Bool(false), Limit: aws.Int32(int32(max))}, max)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	out := make([]*tandem.Mentorship, 0, len(as[0])+len(as[1]))
	for _, items := range as {
		for i := range items {
			out = append(out, items[i].toDomain())
		}
	}
	return out, nil
}

// ListOrgMentorships lists every mentorship of the org (one Query on its MENTORSHIPS
// partition, paged through): HR's report.
func (s *Store) ListOrgMentorships(ctx context.Context, org string) (_ []*tandem.Mentorship, err error) {
	defer tandem.Wrap(&err, "Store.ListOrgMentorships")
	items, err := queryAll[mentorshipItem](ctx, s.client, &dynamodb.QueryInput{TableName: &s.table,
		KeyConditionExpression: aws.String("PK = :pk AND begins_with(SK, :p)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": strAttr(mentorshipsPK(org)),
			":p": strAttr(prefixMentorship)}}, 0)
	if err != nil {
		return nil, err
	}
	out := make([]*tandem.Mentorship, 0, len(items))
	for i := range items {
		out = append(out, items[i].toDomain())
	}
	return out, nil
}

// GetBookings reads the bookings with the ids (BatchGetItem, 100 keys a call, in parallel);
// missing ones are left out.
func (s *Store) GetBookings(ctx context.Context, org string, ids []string) (_ map[string]*tandem.Booking, err error) {
	defer tandem.Wrap(&err, "Store.GetBookings")
	items, err := batchGetAll[bookingItem](ctx, s, ids, func(id string) map[string]types.AttributeValue {
		return pkSK(bookingPK(org, id), skBooking)
	}, true)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*tandem.Booking, len(items))
	for _, it := range items {
		b := it.toDomain()
		out[b.ID] = b
	}
	return out, nil
}

// ---------------------------------------------------------------- between sessions

type agendaLineAV struct {
	Text    string `dynamodbav:"text"`
	AddedBy string `dynamodbav:"addedBy"`
}

type agendaItem struct {
	PK         string         `dynamodbav:"PK"`
	SK         string         `dynamodbav:"SK"`
	Type       itemType       `dynamodbav:"type"`
	Occurrence int            `dynamodbav:"occurrence"`
	Items      []agendaLineAV `dynamodbav:"items"`
	UpdatedAt  string         `dynamodbav:"updatedAt"`
	Version    int64          `dynamodbav:"version"`
}

type actionItemAV struct {
	PK        string   `dynamodbav:"PK"`
	SK        string   `dynamodbav:"SK"`
	Type      itemType `dynamodbav:"type"`
	ID        string   `dynamodbav:"id"`
	Text      string   `dynamodbav:"text"`
	Owner     string   `dynamodbav:"owner"`
	Due       string   `dynamodbav:"due"`
	Done      bool     `dynamodbav:"done"`
	CreatedBy string   `dynamodbav:"createdBy"`
	CreatedAt string   `dynamodbav:"createdAt"`
	UpdatedAt string   `dynamodbav:"updatedAt"`
	Version   int64    `dynamodbav:"version"`
}

type noteItem struct {
	PK         string   `dynamodbav:"PK"`
	SK         string   `dynamodbav:"SK"`
	Type       itemType `dynamodbav:"type"`
	ID         string   `dynamodbav:"id"`
	Author     string   `dynamodbav:"author"`
	Occurrence *int     `dynamodbav:"occurrence,omitempty"`
	Note       string   `dynamodbav:"note"`
	CreatedAt  string   `dynamodbav:"createdAt"`
}

type checkInItem struct {
	PK         string   `dynamodbav:"PK"`
	SK         string   `dynamodbav:"SK"`
	Type       itemType `dynamodbav:"type"`
	ID         string   `dynamodbav:"id"`
	Kind       string   `dynamodbav:"kind"`
	Occurrence *int     `dynamodbav:"occurrence,omitempty"`
	Ratings    []int    `dynamodbav:"ratings"`
	Comment    string   `dynamodbav:"comment"`
	At         string   `dynamodbav:"at"`            // to the millisecond (whole seconds before seq existed)
	Seq        int      `dynamodbav:"seq,omitempty"` // see checkInSK; absent on whole-second items
}

func (it *checkInItem) toDomain() *tandem.CheckIn {
	return &tandem.CheckIn{ID: it.ID, Kind: tandem.CheckInKind(it.Kind), Occurrence: it.Occurrence,
		Ratings: it.Ratings, Comment: it.Comment, At: unstamp(it.At), Seq: it.Seq}
}

// putGuarded puts item v: a new one (prevVersion 0) only if absent, else only at prevVersion.
func (s *Store) putGuarded(ctx context.Context, v any, prevVersion int64, what string) error {
	av, err := attributevalue.MarshalMap(v)
	if err != nil {
		return err
	}
	in := &dynamodb.PutItemInput{TableName: &s.table, Item: av, ConditionExpression: aws.String("attribute_not_exists(PK)")}
	if prevVersion > 0 {
		in.ConditionExpression = aws.String("version = :v")
		in.ExpressionAttributeValues = map[string]types.AttributeValue{":v": num(prevVersion)}
	}
	_, err = s.client.PutItem(ctx, in)
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return &MentorshipChanged{What: what}
	}
	return translate(err, "")
}

// queryMentorship reads the items of the mentorship's partition whose sort key starts with
// prefix (one Query, paged through), in sort key order.
func queryMentorship[T any](ctx context.Context, s *Store, org, id, prefix string) ([]T, error) {
	return queryAll[T](ctx, s.client, &dynamodb.QueryInput{TableName: &s.table,
		KeyConditionExpression: aws.String("PK = :pk AND begins_with(SK, :p)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": strAttr(mentorshipPK(org, id)),
			":p": strAttr(prefix)}}, 0)
}

// SaveAgenda writes an occurrence's shared agenda, guarded by the version read (0: none yet).
// a.Version must be the version to store. Errors: *MentorshipChanged.
func (s *Store) SaveAgenda(ctx context.Context, org, mentorshipID string, a *tandem.Agenda, prevVersion int64) (err error) {
	defer tandem.Wrap(&err, "Store.SaveAgenda(%q, %d)", mentorshipID, a.Occurrence)
	it := agendaItem{PK: mentorshipPK(org, mentorshipID), SK: agendaSK(a.Occurrence), Type: typeMentorAgenda,
		Occurrence: a.Occurrence, Items: []agendaLineAV{}, UpdatedAt: stamp(a.UpdatedAt), Version: a.Version}
	for _, l := range a.Items {
		it.Items = append(it.Items, agendaLineAV{Text: l.Text, AddedBy: l.AddedBy})
	}
	return s.putGuarded(ctx, it, prevVersion, "agenda")
}

// Agendas lists the mentorship's agendas by occurrence.
func (s *Store) Agendas(ctx context.Context, org, mentorshipID string) (_ []*tandem.Agenda, err error) {
	defer tandem.Wrap(&err, "Store.Agendas(%q)", mentorshipID)
	items, err := queryMentorship[agendaItem](ctx, s, org, mentorshipID, prefixAgenda)
	if err != nil {
		return nil, err
	}
	out := make([]*tandem.Agenda, 0, len(items))
	for _, it := range items {
		a := &tandem.Agenda{Occurrence: it.Occurrence, Items: []tandem.AgendaItem{}, Version: it.Version, UpdatedAt: unstamp(it.UpdatedAt)}
		for _, l := range it.Items {
			a.Items = append(a.Items, tandem.AgendaItem{Text: l.Text, AddedBy: l.AddedBy})
		}
		out = append(out, a)
	}
	return out, nil
}

// SaveActionItem writes an action item, guarded by the version read (0: a new one). a.Version
// must be the version to store. Errors: *MentorshipChanged.
func (s *Store) SaveActionItem(ctx context.Context, org, mentorshipID string, a *tandem.ActionItem, prevVersion int64) (err error) {
	defer tandem.Wrap(&err, "Store.SaveActionItem(%q)", a.ID)
	return s.putGuarded(ctx, actionItemAV{PK: mentorshipPK(org, mentorshipID), SK: actionSK(a.ID), Type: typeMentorAction,
		ID: a.ID, Text: a.Text, Owner: a.Owner, Due: a.Due, Done: a.Done, CreatedBy: a.CreatedBy,
		CreatedAt: stamp(a.CreatedAt), UpdatedAt: stamp(a.UpdatedAt), Version: a.Version}, prevVersion, "action item")
}

// ActionItems lists the mentorship's action items (in id order: ids sort by creation).
func (s *Store) ActionItems(ctx context.Context, org, mentorshipID string) (_ []*tandem.ActionItem, err error) {
	defer tandem.Wrap(&err, "Store.ActionItems(%q)", mentorshipID)
	items, err := queryMentorship[actionItemAV](ctx, s, org, mentorshipID, prefixAction)
	if err != nil {
		return nil, err
	}
	out := make([]*tandem.ActionItem, 0, len(items))
	for _, it := range items {
		out = append(out, &tandem.ActionItem{ID: it.ID, Text: it.Text, Owner: it.Owner, Due: it.Due, Done: it.Done,
			CreatedBy: it.CreatedBy, CreatedAt: unstamp(it.CreatedAt), UpdatedAt: unstamp(it.UpdatedAt), Version: it.Version})
	}
	return out, nil
}

// AddPrivateNote stores a note under its author (one PutItem, never overwriting).
func (s *Store) AddPrivateNote(ctx context.Context, org, mentorshipID string, n *tandem.PrivateNote) (err error) {
	defer tandem.Wrap(&err, "Store.AddPrivateNote")
	return s.putGuarded(ctx, noteItem{PK: mentorshipPK(org, mentorshipID), SK: noteSK(n.AuthorID, n.CreatedAt, n.ID),
		Type: typeMentorNote, ID: n.ID, Author: n.AuthorID, Occurrence: n.Occurrence, Note: n.Note, CreatedAt: stamp(n.CreatedAt)}, 0, "note")
}

// PrivateNotes lists the notes author wrote on the mentorship, oldest first: one Query on the
// author's own prefix, the only way notes are read.
func (s *Store) PrivateNotes(ctx context.Context, org, mentorshipID, author string) (_ []*tandem.PrivateNote, err error) {
	defer tandem.Wrap(&err, "Store.PrivateNotes")
	items, err := queryMentorship[noteItem](ctx, s, org, mentorshipID, notePrefix(author))
	if err != nil {
		return nil, err
	}
	out := make([]*tandem.PrivateNote, 0, len(items))
	for _, it := range items {
		if it.Author != author { // the prefix already ensures it; never show another's note
			continue
		}
		out = append(out, &tandem.PrivateNote{ID: it.ID, AuthorID: it.Author, Occurrence: it.Occurrence, Note: it.Note,
			CreatedAt: unstamp(it.CreatedAt)})
	}
	return out, nil
}

// maxCheckInSeq bounds the check-ins of one mentorship in one millisecond (checkInSK).
const maxCheckInSeq = 99

// AddCheckIn stores a progress check-in at c.At truncated to the millisecond, never
// overwriting: one PutItem at seq 1, and one more at the next seq for each check-in already
// stored in the same millisecond, so the condition, not a read, decides the order of two
// check-ins of one millisecond. A seq found holding this very check-in (the SDK retried a
// put that had landed) is where it is. It sets c.At and c.Seq to what was stored.
func (s *Store) AddCheckIn(ctx context.Context, org, mentorshipID string, c *tandem.CheckIn) (err error) {
	defer tandem.Wrap(&err, "Store.AddCheckIn")
	at := c.At.UTC().Truncate(time.Millisecond)
	for seq := 1; seq <= maxCheckInSeq; seq++ {
		av, err := attributevalue.MarshalMap(checkInItem{PK: mentorshipPK(org, mentorshipID), SK: checkInSK(at, seq), Type: typeMentorCheckIn,
			ID: c.ID, Kind: string(c.Kind), Occurrence: c.Occurrence, Ratings: append([]int{}, c.Ratings...), Comment: c.Comment,
			At: at.Format(keyTimeMilli), Seq: seq})
		if err != nil {
			return err
		}
		_, err = s.client.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.table, Item: av,
			ConditionExpression: aws.String("attribute_not_exists(PK)"), ReturnValuesOnConditionCheckFailure: allOld})
		var ccf *types.ConditionalCheckFailedException
		if errors.As(err, &ccf) && str(ccf.Item["id"]) != c.ID {
			continue // another check-in of this millisecond has this seq
		}
		if err != nil && ccf == nil {
			return translate(err, "")
		}
		c.At, c.Seq = at, seq
		return nil
	}
	return tandem.Errorf(tandem.EConflict, "Too many check-ins at once; retry.")
}

// CheckIns lists the mentorship's check-ins in order (tandem.CheckIn.Before). The keys give
// that order except where a whole-second key of an older check-in shares its second with
// millisecond ones ("…05Z#" sorts after "…05.000Z#"), hence the sort.
func (s *Store) CheckIns(ctx context.Context, org, mentorshipID string) (_ []*tandem.CheckIn, err error) {
	defer tandem.Wrap(&err, "Store.CheckIns(%q)", mentorshipID)
	items, err := queryMentorship[checkInItem](ctx, s, org, mentorshipID, prefixCheckIn)
	if err != nil {
		return nil, err
	}
	out := make([]*tandem.CheckIn, 0, len(items))
	for i := range items {
		out = append(out, items[i].toDomain())
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Before(out[j]) })
	return out, nil
}

// ReopenRequestForRematch reopens the request a mentorship started from, for new matches, as
// feedback does for a poor match on a single session (one UpdateItem). It reopens once per
// mentorship (reopenedFrom names it), so a retried reflection changes nothing more; it
// reports whether this call reopened it.
func (s *Store) ReopenRequestForRematch(ctx context.Context, org, requestID, mentorshipID string, now time.Time) (_ bool, err error) {
	defer tandem.Wrap(&err, "Store.ReopenRequestForRematch(%q)", requestID)
	_, err = s.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &s.table, Key: pkSK(requestPK(org, requestID), skRequest),
		UpdateExpression:         aws.String("SET #s = :open, reopenedAt = :now, reopenedFrom = :m ADD version :one"),
		ConditionExpression:      aws.String("attribute_exists(PK) AND (attribute_not_exists(reopenedFrom) OR reopenedFrom <> :m)"),
		ExpressionAttributeNames: map[string]string{"#s": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":open": strAttr(string(tandem.RequestOpen)),
			":now": strAttr(now.UTC().Format(time.RFC3339)), ":m": strAttr(mentorshipID), ":one": num(1)}})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return false, nil
	}
	return err == nil, translate(err, "")
}
