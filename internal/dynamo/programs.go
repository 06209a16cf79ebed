package dynamo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/tandemhq/tandem/internal/tandem"
	"golang.org/x/sync/errgroup"
)

// A program lives in its own partition: the program item, one item per enrollment and the
// cohort plan. GSI1 lists an org's programs, newest first; GSI2 lists a learner's
// enrollments. The store decides nothing about programs: internal/programs reads, decides,
// and hands it writes to carry out, each guarded by what the decision was based on (the
// program's status, the plan's version). When a guard no longer holds, the write is refused
// with the facts as stored (*ProgramChanged, *PlanChanged) for the caller to explain.
// ProgramChanged refuses a write whose program guard no longer held: Current is the program
// as stored when it was refused, nil when there is none.
type ProgramChanged struct{ Current *tandem.Program }

func (e *ProgramChanged) Error() string {
	if e.Current == nil {
		return "program does not exist"
	}
	return fmt.Sprintf("program is %s with %d enrolled", e.Current.Status, e.Current.Enrolled)
}

// PlanChanged refuses a cohort plan write whose plan was replaced since it was read: Version
// is the stored plan's (0: none).
type PlanChanged struct{ Version int64 }

func (e *PlanChanged) Error() string { return fmt.Sprintf("cohort plan is at version %d", e.Version) }

// ProgramGuard is what a write requires of the program item: its status and, when MaxEnrolled
// is set, fewer enrollees than that.
type ProgramGuard struct {
	Status      tandem.ProgramStatus
	MaxEnrolled int
}

// condition is the guard as a condition expression on the program item (#s is status).
func (g ProgramGuard) condition(values map[string]types.AttributeValue) string {
	values[":guardStatus"] = strAttr(string(g.Status))
	cond := "#s = :guardStatus"
	if g.MaxEnrolled > 0 {
		values[":guardMax"] = num(int64(g.MaxEnrolled))
		cond += " AND enrolled < :guardMax"
	}
	return cond
}

// programChanged turns the program item returned by a failed condition into the refusal.
func programChanged(old map[string]types.AttributeValue) error {
	if len(old) == 0 {
		return &ProgramChanged{}
	}
	var it programItem
	if err := attributevalue.UnmarshalMap(old, &it); err != nil {
		return err
	}
	return &ProgramChanged{Current: it.toDomain()}
}

// ---------------------------------------------------------------------------------- program

// programItem is a program as stored. Attribute names are part of the stored data: never
// rename one without reading the old name too.
type programItem struct {
	PK             string   `dynamodbav:"PK"`
	SK             string   `dynamodbav:"SK"`
	GSI1PK         string   `dynamodbav:"GSI1PK"`
	GSI1SK         string   `dynamodbav:"GSI1SK"`
	Type           itemType `dynamodbav:"type"`
	ID             string   `dynamodbav:"id"`
	Org            string   `dynamodbav:"org"`
	Title          string   `dynamodbav:"title"`
	Topic          string   `dynamodbav:"topic"`
	Description    string   `dynamodbav:"description"`
	CohortSize     int      `dynamodbav:"cohortSize"`
	Start          string   `dynamodbav:"start"`
	Timezone       string   `dynamodbav:"timezone"`
	Cadence        string   `dynamodbav:"cadence"`
	Sessions       int      `dynamodbav:"sessions"`
	SessionMin     int      `dynamodbav:"sessionMin"`
	Facilitators   []string `dynamodbav:"facilitators"`
	MaxSpreadHours float64  `dynamodbav:"maxSpreadHours"`
	Status         string   `dynamodbav:"status"`
	Enrolled       int      `dynamodbav:"enrolled"`
	CreatedAt      string   `dynamodbav:"createdAt"`
	UpdatedAt      string   `dynamodbav:"updatedAt"`
	ArchivedAt     string   `dynamodbav:"archivedAt,omitempty"`
	Version        int64    `dynamodbav:"version"`
}

// programItemFrom and toDomain are the one place a program is converted.
func programItemFrom(p *tandem.Program) programItem {
	created := p.CreatedAt.UTC().Format(time.RFC3339)
	it := programItem{PK: programPK(p.OrgID, p.ID), SK: skProgram, GSI1PK: programsGSI1PK(p.OrgID), GSI1SK: created + "#" + p.ID,
		Type: typeProgram, ID: p.ID, Org: p.OrgID, Title: p.Title, Topic: p.Topic, Description: p.Description,
		CohortSize: p.CohortSize, Start: timeKey(p.Start), Timezone: p.Timezone, Cadence: string(p.Cadence),
		Sessions: p.Sessions, SessionMin: p.SessionMin, Facilitators: p.Facilitators, MaxSpreadHours: p.MaxSpreadHours,
		Status: string(p.Status), Enrolled: p.Enrolled, CreatedAt: created, UpdatedAt: p.UpdatedAt.UTC().Format(time.RFC3339),
		Version: p.Version}
	if !p.ArchivedAt.IsZero() {
		it.ArchivedAt = p.ArchivedAt.UTC().Format(time.RFC3339)
	}
	return it
}

func (it *programItem) toDomain() *tandem.Program {
	p := &tandem.Program{ID: it.ID, OrgID: it.Org, Title: it.Title, Topic: it.Topic, Description: it.Description,
		CohortSize: it.CohortSize, Start: parseKeyTime(it.Start), Timezone: it.Timezone, Cadence: tandem.Cadence(it.Cadence),
		Sessions: it.Sessions, SessionMin: it.SessionMin, Facilitators: it.Facilitators, MaxSpreadHours: it.MaxSpreadHours,
		Status: tandem.ProgramStatus(it.Status), Enrolled: it.Enrolled, Version: it.Version}
	if p.Facilitators == nil {
		p.Facilitators = []string{}
	}
	p.CreatedAt, _ = time.Parse(time.RFC3339, it.CreatedAt)
	p.UpdatedAt, _ = time.Parse(time.RFC3339, it.UpdatedAt)
	p.ArchivedAt, _ = time.Parse(time.RFC3339, it.ArchivedAt)
	return p
}

// CreateProgram writes a new program exactly as given (one PutItem). Errors: conflict when
// a program with its id exists.
func (s *Store) CreateProgram(ctx context.Context, p *tandem.Program) (err error) {
	defer tandem.Wrap(&err, "Store.CreateProgram")
	av, err := attributevalue.MarshalMap(programItemFrom(p))
	if err != nil {
		return err
	}
	_, err = s.client.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.table, Item: av, ConditionExpression: aws.String("attribute_not_exists(PK)")})
	return translate(err, "A program with this id exists.")
}

// GetProgram returns the program (one consistent GetItem). Errors: not_found.
func (s *Store) GetProgram(ctx context.Context, org, id string) (_ *tandem.Program, err error) {
	defer tandem.Wrap(&err, "Store.GetProgram(%q)", id)
	it, err := getFound[programItem](ctx, s, pkSK(programPK(org, id), skProgram), true, "No program with this id.")
	if err != nil {
		return nil, err
	}
	return it.toDomain(), nil
}

// ListPrograms lists up to max of the org's programs in the given statuses, newest first
// (a Query on GSI1, paged until max are found).
func (s *Store) ListPrograms(ctx context.Context, org string, statuses []tandem.ProgramStatus, max int) (_ []*tandem.Program, err error) {
	defer tandem.Wrap(&err, "Store.ListPrograms")
	in := &dynamodb.QueryInput{TableName: &s.table, IndexName: aws.String("GSI1"),
		KeyConditionExpression:    aws.String("GSI1PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": strAttr(programsGSI1PK(org))},
		ScanIndexForward:          aws.Bool(false), Limit: aws.Int32(int32(max))}
	if len(statuses) > 0 {
		filter := "#s IN ("
		for i, st := range statuses {
			name := fmt.Sprintf(":s%d", i)
			in.ExpressionAttributeValues[name] = strAttr(string(st))
			if i > 0 {
				filter += ", "
			}
			filter += name
		}
		in.FilterExpression, in.ExpressionAttributeNames = aws.String(filter+")"), map[string]string{"#s": "status"}
	}
	items, err := queryAll[programItem](ctx, s.client, in, max)
	if err != nil {
		return nil, err
	}
	programs := make([]*tandem.Program, 0, len(items))
	for i := range items {
		programs = append(programs, items[i].toDomain())
	}
	return programs, nil
}

// SetProgramStatus moves the program from one status to another at the given time (one
// conditional UpdateItem; archiving also records archivedAt). Errors: *ProgramChanged when
// the program is not in from (any more).
func (s *Store) SetProgramStatus(ctx context.Context, org, id string, from, to tandem.ProgramStatus, at time.Time) (err error) {
	defer tandem.Wrap(&err, "Store.SetProgramStatus(%q, %s→%s)", id, from, to)
	stamp := at.UTC().Truncate(time.Second).Format(time.RFC3339)
	expr := "SET #s = :to, updatedAt = :at"
	if to == tandem.ProgramArchived {
		expr += ", archivedAt = :at"
	}
	values := map[string]types.AttributeValue{":to": strAttr(string(to)), ":at": strAttr(stamp), ":one": num(1)}
	cond := ProgramGuard{Status: from}.condition(values)
	_, err = s.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &s.table, Key: pkSK(programPK(org, id), skProgram),
		UpdateExpression: aws.String(expr + " ADD version :one"), ConditionExpression: aws.String(cond),
		ExpressionAttributeNames: map[string]string{"#s": "status"}, ExpressionAttributeValues: values,
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return programChanged(ccf.Item)
	}
	return translate(err, "")
}

// ------------------------------------------------------------------------------- enrollment

// enrollItem is an enrollment as stored.
type enrollItem struct {
	PK         string   `dynamodbav:"PK"`
	SK         string   `dynamodbav:"SK"`
	GSI2PK     string   `dynamodbav:"GSI2PK"`
	GSI2SK     string   `dynamodbav:"GSI2SK"`
	Type       itemType `dynamodbav:"type"`
	ProgramID  string   `dynamodbav:"programId"`
	UserID     string   `dynamodbav:"userId"`
	Name       string   `dynamodbav:"name"`
	Department string   `dynamodbav:"department"`
	Timezone   string   `dynamodbav:"timezone"`
	Interests  []string `dynamodbav:"interests"`
	EnrolledAt string   `dynamodbav:"enrolledAt"`
}

// enrollItemFrom and toDomain are the one place an enrollment is converted.
func enrollItemFrom(org string, e *tandem.Enrollment) enrollItem {
	return enrollItem{PK: programPK(org, e.ProgramID), SK: prefixEnroll + e.UserID, GSI2PK: userProgramsPK(org, e.UserID),
		GSI2SK: e.ProgramID, Type: typeEnroll, ProgramID: e.ProgramID, UserID: e.UserID, Name: e.Name,
		Department: e.Department, Timezone: e.Timezone, Interests: e.Interests, EnrolledAt: e.EnrolledAt.UTC().Format(time.RFC3339)}
}

func (it *enrollItem) toDomain() tandem.Enrollment {
	e := tandem.Enrollment{ProgramID: it.ProgramID, UserID: it.UserID, Name: it.Name, Department: it.Department,
		Timezone: it.Timezone, Interests: it.Interests}
	e.EnrolledAt, _ = time.Parse(time.RFC3339, it.EnrolledAt)
	return e
}

// AddEnrollment writes the enrollment and counts it on the program, in one transaction,
// while the program meets the guard. When the learner is enrolled already nothing is
// written and the stored enrollment is returned; otherwise nil.
// Errors: *ProgramChanged when the guard no longer held.
func (s *Store) AddEnrollment(ctx context.Context, org string, e *tandem.Enrollment, g ProgramGuard) (stored *tandem.Enrollment, err error) {
	defer tandem.Wrap(&err, "Store.AddEnrollment(%q)", e.ProgramID)
	tx := newTx(s.table)
	if err := tx.put("enrollment", enrollItemFrom(org, e), "attribute_not_exists(PK)", nil); err != nil {
		return nil, err
	}
	values := map[string]types.AttributeValue{":one": num(1)}
	tx.update("program", programPK(org, e.ProgramID), skProgram, "ADD enrolled :one, version :one", g.condition(values),
		map[string]string{"#s": "status"}, values)
	failed, err := s.commit(ctx, tx, "")
	switch {
	case failed == nil:
		return nil, err
	case failed.kind == "enrollment":
		var it enrollItem
		if err := attributevalue.UnmarshalMap(failed.old, &it); err != nil {
			return nil, err
		}
		had := it.toDomain()
		return &had, nil
	default:
		return nil, programChanged(failed.old)
	}
}

// RemoveEnrollment deletes the learner's enrollment and uncounts it, in one transaction,
// while the program meets the guard; removed is false when they were not enrolled.
// Errors: *ProgramChanged when the guard no longer held.
func (s *Store) RemoveEnrollment(ctx context.Context, org, programID, userID string, g ProgramGuard) (removed bool, err error) {
	defer tandem.Wrap(&err, "Store.RemoveEnrollment(%q)", programID)
	tx := newTx(s.table)
	tx.delete("enrollment", programPK(org, programID), prefixEnroll+userID, "attribute_exists(PK)", nil)
	values := map[string]types.AttributeValue{":minus": num(-1), ":one": num(1)}
	tx.update("program", programPK(org, programID), skProgram, "ADD enrolled :minus, version :one", g.condition(values),
		map[string]string{"#s": "status"}, values)
	failed, err := s.commit(ctx, tx, "")
	switch {
	case failed == nil:
		return err == nil, err
	case failed.kind == "enrollment":
		return false, nil
	default:
		return false, programChanged(failed.old)
	}
}

// Enrollments returns every enrollment of the program (Query on its partition; up to
// MaxEnrollees items, paged by the SDK).
func (s *Store) Enrollments(ctx context.Context, org, programID string) (_ []tandem.Enrollment, err error) {
	defer tandem.Wrap(&err, "Store.Enrollments(%q)", programID)
	items, err := queryAll[enrollItem](ctx, s.client, &dynamodb.QueryInput{TableName: &s.table, ConsistentRead: aws.Bool(true),
		KeyConditionExpression: aws.String("PK = :pk AND begins_with(SK, :e)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": strAttr(programPK(org, programID)),
			":e": strAttr(prefixEnroll)}}, 0)
	if err != nil {
		return nil, err
	}
	out := make([]tandem.Enrollment, 0, len(items))
	for i := range items {
		out = append(out, items[i].toDomain())
	}
	return out, nil
}

// IsEnrolled says whether the user is enrolled in the program (one GetItem).
func (s *Store) IsEnrolled(ctx context.Context, org, programID, userID string) (_ bool, err error) {
	defer tandem.Wrap(&err, "Store.IsEnrolled(%q)", programID)
	out, err := s.client.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.table, Key: pkSK(programPK(org, programID), prefixEnroll+userID),
		ProjectionExpression: aws.String("PK")})
	if err != nil {
		return false, translate(err, "")
	}
	return out.Item != nil, nil
}

// EnrolledPrograms lists the ids of the programs the learner is enrolled in (a Query on GSI2).
func (s *Store) EnrolledPrograms(ctx context.Context, org, userID string) (_ map[string]bool, err error) {
	defer tandem.Wrap(&err, "Store.EnrolledPrograms")
	items, err := queryAll[struct {
		ProgramID string `dynamodbav:"programId"`
	}](ctx, s.client, &dynamodb.QueryInput{TableName: &s.table, IndexName: aws.String("GSI2"),
		KeyConditionExpression:    aws.String("GSI2PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": strAttr(userProgramsPK(org, userID))}}, 0)
	if err != nil {
		return nil, err
	}
	ids := make(map[string]bool, len(items))
	for _, it := range items {
		ids[it.ProgramID] = true
	}
	return ids, nil
}

// ------------------------------------------------------------------------------ cohort plan

// cohortPlanItem is a program's cohort plan as stored: the plan in attributes of its own
// (format 2). Plans written before had only the API's JSON in doc (and published, version,
// updatedAt); they stay readable through legacyPlanDoc and are rewritten in this form by the
// next save.
type cohortPlanItem struct {
	PK          string           `dynamodbav:"PK"`
	SK          string           `dynamodbav:"SK"`
	Type        itemType         `dynamodbav:"type"`
	Format      int              `dynamodbav:"format,omitempty"`
	ProgramID   string           `dynamodbav:"programId,omitempty"`
	Status      string           `dynamodbav:"status,omitempty"`
	Published   bool             `dynamodbav:"published"`
	Seed        uint64           `dynamodbav:"seed"`
	Adjusted    bool             `dynamodbav:"adjusted"`
	Cohorts     []planCohortItem `dynamodbav:"cohorts"`
	Measures    planMeasuresItem `dynamodbav:"measures"`
	Baseline    planMeasuresItem `dynamodbav:"baseline"`
	BuiltAt     string           `dynamodbav:"builtAt,omitempty"`
	PublishedAt string           `dynamodbav:"publishedAt,omitempty"`
	UpdatedAt   string           `dynamodbav:"updatedAt"`
	Version     int64            `dynamodbav:"version"`
	Doc         string           `dynamodbav:"doc,omitempty"` // format 1 only
}

const planFormat = 2

type planCohortItem struct {
	Number      int                 `dynamodbav:"number" json:"number"`
	Members     []planMemberItem    `dynamodbav:"members" json:"members"`
	Explanation planExplanationItem `dynamodbav:"explanation" json:"explanation"`
}

type planMemberItem struct {
	ID         string `dynamodbav:"id" json:"id"`
	Name       string `dynamodbav:"name" json:"name"`
	Department string `dynamodbav:"department" json:"department"`
	Timezone   string `dynamodbav:"timezone" json:"timezone"`
}

type planExplanationItem struct {
	Departments     []string `dynamodbav:"departments" json:"departments"`
	Pairs           int      `dynamodbav:"pairs" json:"pairs"`
	CrossPairs      int      `dynamodbav:"crossPairs" json:"crossPairs"`
	NewPairs        int      `dynamodbav:"newPairs" json:"newPairs"`
	SpreadHours     float64  `dynamodbav:"spreadHours" json:"spreadHours"`
	SharedInterests []string `dynamodbav:"sharedInterests" json:"sharedInterests"`
	EIIndex         float64  `dynamodbav:"eiIndex" json:"eiIndex"`
}

type planMeasuresItem struct {
	EIIndex        float64 `dynamodbav:"eiIndex" json:"eiIndex"`
	NewPairs       int     `dynamodbav:"newPairs" json:"newPairs"`
	CrossPairs     int     `dynamodbav:"crossPairs" json:"crossPairs"`
	Pairs          int     `dynamodbav:"pairs" json:"pairs"`
	MaxSpreadHours float64 `dynamodbav:"maxSpreadHours" json:"maxSpreadHours"`
	Violations     int     `dynamodbav:"violations" json:"violations"`
}

// cohortPlanItemFrom and toDomain are the one place a plan is converted.
func cohortPlanItemFrom(org string, cp *tandem.CohortPlan, now time.Time) cohortPlanItem {
	it := cohortPlanItem{PK: programPK(org, cp.ProgramID), SK: skCohortPlan, Type: typeCohortDoc, Format: planFormat,
		ProgramID: cp.ProgramID, Status: string(cp.Status), Published: cp.Status == tandem.PlanPublished, Seed: cp.Seed,
		Adjusted: cp.Adjusted, Cohorts: make([]planCohortItem, 0, len(cp.Cohorts)), Measures: planMeasuresItem(cp.Measures),
		Baseline: planMeasuresItem(cp.Baseline), UpdatedAt: now.UTC().Format(time.RFC3339), Version: cp.Version}
	if !cp.BuiltAt.IsZero() {
		it.BuiltAt = cp.BuiltAt.UTC().Format(time.RFC3339)
	}
	if !cp.PublishedAt.IsZero() {
		it.PublishedAt = cp.PublishedAt.UTC().Format(time.RFC3339)
	}
	for _, pc := range cp.Cohorts {
		c := planCohortItem{Number: pc.Number, Members: make([]planMemberItem, 0, len(pc.Members)),
			Explanation: planExplanationItem(pc.Explanation)}
		for _, m := range pc.Members {
			c.Members = append(c.Members, planMemberItem(m))
		}
		it.Cohorts = append(it.Cohorts, c)
	}
	return it
}

func (it *cohortPlanItem) toDomain(programID string) (*tandem.CohortPlan, error) {
	if it.Format < planFormat && it.Doc != "" {
		return legacyPlan(programID, it.Doc, it.Version)
	}
	cp := &tandem.CohortPlan{ProgramID: programID, Status: tandem.PlanStatus(it.Status), Seed: it.Seed, Adjusted: it.Adjusted,
		Cohorts: make([]tandem.PlanCohort, 0, len(it.Cohorts)), Measures: tandem.CohortMeasures(it.Measures),
		Baseline: tandem.CohortMeasures(it.Baseline), Version: it.Version}
	cp.BuiltAt, _ = time.Parse(time.RFC3339, it.BuiltAt)
	cp.PublishedAt, _ = time.Parse(time.RFC3339, it.PublishedAt)
	for _, c := range it.Cohorts {
		pc := tandem.PlanCohort{Number: c.Number, Members: make([]tandem.PlanMember, 0, len(c.Members)),
			Explanation: tandem.CohortExplanation(c.Explanation)}
		for _, m := range c.Members {
			pc.Members = append(pc.Members, tandem.PlanMember(m))
		}
		cp.Cohorts = append(cp.Cohorts, pc)
	}
	return cp, nil
}

// legacyPlanDoc is the JSON document plans were stored as before format 2 (the API's shape
// at the time, frozen here so the API can change without orphaning stored plans): its
// cohorts and measures have the attribute names of format 2's items (their json tags).
type legacyPlanDoc struct {
	Status      string           `json:"status"`
	Seed        uint64           `json:"seed"`
	Adjusted    bool             `json:"adjusted"`
	Cohorts     []planCohortItem `json:"cohorts"`
	Measures    planMeasuresItem `json:"measures"`
	Baseline    planMeasuresItem `json:"baseline"`
	BuiltAt     time.Time        `json:"builtAt"`
	PublishedAt *time.Time       `json:"publishedAt"`
}

func legacyPlan(programID, doc string, version int64) (*tandem.CohortPlan, error) {
	var d legacyPlanDoc
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		return nil, fmt.Errorf("cohort plan of %s (format 1): %w", programID, err)
	}
	it := cohortPlanItem{Format: planFormat, Status: d.Status, Seed: d.Seed, Adjusted: d.Adjusted, Cohorts: d.Cohorts,
		Measures: d.Measures, Baseline: d.Baseline, Version: version}
	cp, err := it.toDomain(programID)
	if err != nil {
		return nil, err
	}
	cp.BuiltAt = d.BuiltAt
	if d.PublishedAt != nil {
		cp.PublishedAt = *d.PublishedAt
	}
	return cp, nil
}

// GetCohortPlan returns the program's plan, or nil if none was built (one consistent GetItem).
func (s *Store) GetCohortPlan(ctx context.Context, org, programID string) (_ *tandem.CohortPlan, err error) {
	defer tandem.Wrap(&err, "Store.GetCohortPlan(%q)", programID)
	it, err := getItem[cohortPlanItem](ctx, s, pkSK(programPK(org, programID), skCohortPlan), true)
	if err != nil || it == nil {
		return nil, err
	}
	return it.toDomain(programID)
}

// PlanWrite says how a plan is stored: over the version read (0: there was none), while the
// program meets Guard, and, when SetStatus is set, moving the program to that status in the
// same transaction.
type PlanWrite struct {
	ReadVersion int64
	Guard       ProgramGuard
	SetStatus   tandem.ProgramStatus
}

// SaveCohortPlan stores the plan (its Version must be w.ReadVersion+1) and touches the program
// item, in one transaction. Errors: *PlanChanged when the plan was replaced since read,
// *ProgramChanged when the program no longer meets the guard.
func (s *Store) SaveCohortPlan(ctx context.Context, org string, cp *tandem.CohortPlan, w PlanWrite) (err error) {
	defer tandem.Wrap(&err, "Store.SaveCohortPlan(%q)", cp.ProgramID)
	if cp.Version != w.ReadVersion+1 {
		return fmt.Errorf("plan version %d does not follow the version read, %d", cp.Version, w.ReadVersion)
	}
	now := s.now().UTC().Truncate(time.Second)
	tx := newTx(s.table)
	cond, values := "attribute_not_exists(PK)", map[string]types.AttributeValue(nil)
	if w.ReadVersion > 0 {
		cond, values = "version = :v", map[string]types.AttributeValue{":v": num(w.ReadVersion)}
	}
	if err := tx.put("plan", cohortPlanItemFrom(org, cp, now), cond, values); err != nil {
		return err
	}
	expr := "SET updatedAt = :now"
	progValues := map[string]types.AttributeValue{":now": strAttr(now.Format(time.RFC3339)), ":one": num(1)}
	if w.SetStatus != "" {
		expr += ", #s = :to"
		progValues[":to"] = strAttr(string(w.SetStatus))
	}
	tx.update("program", programPK(org, cp.ProgramID), skProgram, expr+" ADD version :one", w.Guard.condition(progValues),
		map[string]string{"#s": "status"}, progValues)
	failed, err := s.commit(ctx, tx, "")
	switch {
	case failed == nil:
		return err
	case failed.kind == "plan":
		var it struct {
			Version int64 `dynamodbav:"version"`
		}
		if err := attributevalue.UnmarshalMap(failed.old, &it); err != nil {
			return fmt.Errorf("cohort plan of %s as it was: %w", cp.ProgramID, err)
		}
		return &PlanChanged{Version: it.Version}
	default:
		return programChanged(failed.old)
	}
}

// ---------------------------------------------------------------------------- who met whom

// metItem lists whom a user has been in a published cohort with, read when cohorts are built
// so that new pairs can be preferred.
type metItem struct {
	UserID string   `dynamodbav:"userId"`
	Met    []string `dynamodbav:"met,stringset"`
}

// metConcurrency bounds the parallel calls of MetBefore and RecordMet.
const metConcurrency = 8

// MetBefore returns, for each of the users, the ids of people they have shared a published
// cohort with (BatchGetItem, 100 keys a call, the calls in parallel).
func (s *Store) MetBefore(ctx context.Context, org string, userIDs []string) (_ map[string]map[string]bool, err error) {
	defer tandem.Wrap(&err, "Store.MetBefore")
	items, err := batchGetAll[metItem](ctx, s, userIDs, func(id string) map[string]types.AttributeValue {
		return pkSK(userPK(org, id), skMet)
	}, false)
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]bool{}
	for _, it := range items {
		set := make(map[string]bool, len(it.Met))
		for _, m := range it.Met {
			set[m] = true
		}
		out[it.UserID] = set
	}
	return out, nil
}

// batchGetAll reads the items of ids (key gives each one's key) with BatchGetItem, 100 keys a
// call and up to metConcurrency calls in parallel, and unmarshals them; missing ones are left
// out.
func batchGetAll[T any](ctx context.Context, s *Store, ids []string, key func(string) map[string]types.AttributeValue, consistent bool) ([]*T, error) {
	batches := make([][]*T, (len(ids)+99)/100)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(metConcurrency)
	for b := range batches {
		chunk := ids[b*100 : min(b*100+100, len(ids))]
		g.Go(func() error {
			keys := make([]map[string]types.AttributeValue, 0, len(chunk))
			for _, id := range chunk {
				keys = append(keys, key(id))
			}
			raws, err := s.batchGet(gctx, keys, consistent)
			if err != nil {
				return err
			}
			for _, raw := range raws {
				it := new(T)
				if err := attributevalue.UnmarshalMap(raw, it); err != nil {
					return err
				}
				batches[b] = append(batches[b], it)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	var out []*T
	for _, batch := range batches {
		out = append(out, batch...)
	}
	return out, nil
}

// batchGet reads the items with the keys (at most 100), retrying unprocessed keys with
// backoff; missing items are left out.
func (s *Store) batchGet(ctx context.Context, keys []map[string]types.AttributeValue, consistent bool) ([]map[string]types.AttributeValue, error) {
	var out []map[string]types.AttributeValue
	req := map[string]types.KeysAndAttributes{s.table: {Keys: keys, ConsistentRead: aws.Bool(consistent)}}
	for attempt := 0; len(req) > 0 && len(req[s.table].Keys) > 0; attempt++ {
		if attempt > 0 {
			if attempt > 8 {
				return nil, fmt.Errorf("BatchGetItem left %d keys unprocessed after retries", len(req[s.table].Keys))
			}
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(time.Duration(10<<(attempt-1)) * time.Millisecond):
			}
		}
		res, err := s.client.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: req})
		if err != nil {
			return nil, translate(err, "")
		}
		out = append(out, res.Responses[s.table]...)
		req = res.UnprocessedKeys
	}
	return out, nil
}

// RecordMet adds each cohort's members to each other's met sets (one UpdateItem per member,
// in parallel; set ADD is idempotent, so publishing is safe to retry).
func (s *Store) RecordMet(ctx context.Context, org string, cohorts [][]string) (err error) {
	defer tandem.Wrap(&err, "Store.RecordMet")
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(metConcurrency)
	for _, members := range cohorts {
		for _, id := range members {
			var others []string
			for _, o := range members {
				if o != id {
					others = append(others, o)
				}
			}
			if len(others) == 0 {
				continue
			}
			g.Go(func() error {
				_, err := s.client.UpdateItem(gctx, &dynamodb.UpdateItemInput{TableName: &s.table, Key: pkSK(userPK(org, id), skMet),
					UpdateExpression:         aws.String("SET #t = :t, userId = :u ADD met :others"),
					ExpressionAttributeNames: map[string]string{"#t": "type"},
					ExpressionAttributeValues: map[string]types.AttributeValue{":t": strAttr(string(typeMet)), ":u": strAttr(id),
						":others": &types.AttributeValueMemberSS{Value: others}}})
				return translate(err, "")
			})
		}
	}
	return g.Wait()
}
