package dynamo

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/tandemhq/tandem/internal/tandem"
)

type programItem struct {
	PK, SK         string
	GSI1PK, GSI1SK string
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
	Version        int64    `dynamodbav:"version"`
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
	return p
}

type enrollItem struct {
	PK, SK         string
	GSI2PK, GSI2SK string
	Type           itemType `dynamodbav:"type"`
	ProgramID      string   `dynamodbav:"programId"`
	UserID         string   `dynamodbav:"userId"`
	Name           string   `dynamodbav:"name"`
	Department     string   `dynamodbav:"department"`
	Timezone       string   `dynamodbav:"timezone"`
	Interests      []string `dynamodbav:"interests"`
	EnrolledAt     string   `dynamodbav:"enrolledAt"`
}

// CreateProgram writes a new program (one PutItem).
func (s *Store) CreateProgram(ctx context.Context, p *tandem.Program) (err error) {
	defer tandem.Wrap(&err, "Store.CreateProgram")
	now := s.now().UTC().Truncate(time.Second)
	p.CreatedAt, p.UpdatedAt, p.Version, p.Status = now, now, 1, tandem.ProgramEnrolling
	created := now.Format(time.RFC3339)
	av, err := attributevalue.MarshalMap(programItem{PK: programPK(p.OrgID, p.ID), SK: skProgram,
		GSI1PK: programsGSI1PK(p.OrgID), GSI1SK: created + "#" + p.ID, Type: typeProgram, ID: p.ID, Org: p.OrgID,
		Title: p.Title, Topic: p.Topic, Description: p.Description, CohortSize: p.CohortSize, Start: timeKey(p.Start),
		Timezone: p.Timezone, Cadence: string(p.Cadence), Sessions: p.Sessions, SessionMin: p.SessionMin,
		Facilitators: p.Facilitators, MaxSpreadHours: p.MaxSpreadHours, Status: string(p.Status),
		CreatedAt: created, UpdatedAt: created, Version: 1})
	if err != nil {
		return err
	}
	_, err = s.client.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.table, Item: av, ConditionExpression: aws.String("attribute_not_exists(PK)")})
	return translate(err, "A program with this id exists.")
}

// GetProgram returns the program (one consistent GetItem). Errors: not_found.
func (s *Store) GetProgram(ctx context.Context, org, id string) (_ *tandem.Program, err error) {
	defer tandem.Wrap(&err, "Store.GetProgram(%q)", id)
	it, err := getItem[programItem](ctx, s, pkSK(programPK(org, id), skProgram), true)
	if err != nil {
		return nil, err
	}
	if it == nil {
		return nil, tandem.Errorf(tandem.ENotFound, "No program with this id.")
	}
	return it.toDomain(), nil
}

// ListPrograms lists the org's programs, newest first (one Query on GSI1, up to 100).
func (s *Store) ListPrograms(ctx context.Context, org string) (_ []*tandem.Program, err error) {
	defer tandem.Wrap(&err, "Store.ListPrograms")
	out, err := s.client.Query(ctx, &dynamodb.QueryInput{TableName: &s.table, IndexName: aws.String("GSI1"),
		KeyConditionExpression:    aws.String("GSI1PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": strAttr(programsGSI1PK(org))},
		ScanIndexForward:          aws.Bool(false), Limit: aws.Int32(100)})
	if err != nil {
		return nil, translate(err, "")
	}
	programs := make([]*tandem.Program, 0, len(out.Items))
	for _, raw := range out.Items {
		var it programItem
		if err := attributevalue.UnmarshalMap(raw, &it); err != nil {
			return nil, err
		}
		programs = append(programs, it.toDomain())
	}
	return programs, nil
}

// Enroll adds the learner to the program while it is enrolling and below the enrollee cap,
// counting them on the program item in the same transaction. Enrolling twice changes
// nothing: e is then filled with the enrollment as stored.
// Errors: not_found, conflict (Detail.status: enrollment closed), limit_exceeded.
func (s *Store) Enroll(ctx context.Context, org string, e *tandem.Enrollment) (err error) {
	defer tandem.Wrap(&err, "Store.Enroll(%q)", e.ProgramID)
	e.EnrolledAt = s.now().UTC().Truncate(time.Second)
	tx := newTx(s.table)
	if err := tx.put("enrollment", enrollItem{PK: programPK(org, e.ProgramID), SK: prefixEnroll + e.UserID,
		GSI2PK: userProgramsPK(org, e.UserID), GSI2SK: e.ProgramID, Type: typeEnroll, ProgramID: e.ProgramID,
		UserID: e.UserID, Name: e.Name, Department: e.Department, Timezone: e.Timezone, Interests: e.Interests,
		EnrolledAt: e.EnrolledAt.Format(time.RFC3339)}, "attribute_not_exists(PK)", nil); err != nil {
		return err
	}
	tx.update("program", programPK(org, e.ProgramID), skProgram, "ADD enrolled :one, version :one",
		"#s = :enrolling AND enrolled < :cap", map[string]string{"#s": "status"},
		map[string]types.AttributeValue{":one": num(1), ":enrolling": strAttr(string(tandem.ProgramEnrolling)), ":cap": num(tandem.MaxEnrollees)})
	failed, err := s.commit(ctx, tx, "")
	switch {
	case failed == nil:
		return err
	case failed.kind == "enrollment":
		// Enrolled already: e becomes the stored enrollment (from the failed condition).
		var it enrollItem
		if err := attributevalue.UnmarshalMap(failed.old, &it); err != nil {
			return err
		}
		e.Name, e.Department, e.Timezone, e.Interests = it.Name, it.Department, it.Timezone, it.Interests
		e.EnrolledAt, _ = time.Parse(time.RFC3339, it.EnrolledAt)
		return nil
	default:
		return programClosed(failed.old)
	}
}

// Withdraw removes the learner's enrollment while the program is enrolling. Withdrawing when
// not enrolled is a no-op. Errors: conflict (enrollment closed).
func (s *Store) Withdraw(ctx context.Context, org, programID, userID string) (err error) {
	defer tandem.Wrap(&err, "Store.Withdraw(%q)", programID)
	tx := newTx(s.table)
	tx.delete("enrollment", programPK(org, programID), prefixEnroll+userID, "attribute_exists(PK)", nil)
	tx.update("program", programPK(org, programID), skProgram, "ADD enrolled :minus, version :one",
		"#s = :enrolling", map[string]string{"#s": "status"},
		map[string]types.AttributeValue{":minus": num(-1), ":one": num(1), ":enrolling": strAttr(string(tandem.ProgramEnrolling))})
	failed, err := s.commit(ctx, tx, "")
	switch {
	case failed == nil:
		return err
	case failed.kind == "enrollment":
		return nil
	default:
		return programClosed(failed.old)
	}
}

// programClosed explains a failed condition on the program item.
func programClosed(old map[string]types.AttributeValue) error {
	var it programItem
	if old == nil || attributevalue.UnmarshalMap(old, &it) != nil {
		return tandem.Errorf(tandem.ENotFound, "No program with this id.")
	}
	if it.Status != string(tandem.ProgramEnrolling) {
		return &tandem.Error{Code: tandem.EConflict, Message: "Enrollment in this program is closed: its cohorts are published.",
			Detail: map[string]any{"status": it.Status}}
	}
	return &tandem.Error{Code: tandem.ELimitExceeded, Message: "The program is full.", Detail: map[string]any{"limit": "enrollees"}}
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
	for _, it := range items {
		at, _ := time.Parse(time.RFC3339, it.EnrolledAt)
		out = append(out, tandem.Enrollment{ProgramID: it.ProgramID, UserID: it.UserID, Name: it.Name,
			Department: it.Department, Timezone: it.Timezone, Interests: it.Interests, EnrolledAt: at})
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

// EnrolledPrograms lists the ids of the programs the learner is enrolled in (one Query on GSI2).
func (s *Store) EnrolledPrograms(ctx context.Context, org, userID string) (_ map[string]bool, err error) {
	defer tandem.Wrap(&err, "Store.EnrolledPrograms")
	out, err := s.client.Query(ctx, &dynamodb.QueryInput{TableName: &s.table, IndexName: aws.String("GSI2"),
		KeyConditionExpression:    aws.String("GSI2PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": strAttr(userProgramsPK(org, userID))}})
	if err != nil {
		return nil, translate(err, "")
	}
	ids := map[string]bool{}
	for _, raw := range out.Items {
		ids[str(raw["programId"])] = true
	}
	return ids, nil
}

// CohortPlanDoc is a program's cohort plan as stored: a JSON document the API layer owns.
type CohortPlanDoc struct {
	Doc       []byte
	Published bool
	Version   int64
}

// GetCohortPlan returns the program's plan, or nil if none was built (one GetItem).
func (s *Store) GetCohortPlan(ctx context.Context, org, programID string) (_ *CohortPlanDoc, err error) {
	defer tandem.Wrap(&err, "Store.GetCohortPlan(%q)", programID)
	it, err := getItem[struct {
		Doc       string `dynamodbav:"doc"`
		Published bool   `dynamodbav:"published"`
		Version   int64  `dynamodbav:"version"`
	}](ctx, s, pkSK(programPK(org, programID), skCohortPlan), true)
	if err != nil || it == nil {
		return nil, err
	}
	return &CohortPlanDoc{Doc: []byte(it.Doc), Published: it.Published, Version: it.Version}, nil
}

// PutCohortPlan stores a draft plan while the program is enrolling, replacing the draft
// whose version was read (0: none yet), so two HR people adjusting at once cannot silently
// overwrite each other. Errors: conflict (published, or changed since read).
func (s *Store) PutCohortPlan(ctx context.Context, org, programID string, doc []byte, readVersion int64) (err error) {
	defer tandem.Wrap(&err, "Store.PutCohortPlan(%q)", programID)
	return s.writePlan(ctx, org, programID, doc, readVersion, false)
}

// PublishCohortPlan stores the final plan and closes enrollment, in one transaction.
// Errors: conflict (published already, or the plan changed since read).
func (s *Store) PublishCohortPlan(ctx context.Context, org, programID string, doc []byte, readVersion int64) (err error) {
	defer tandem.Wrap(&err, "Store.PublishCohortPlan(%q)", programID)
	return s.writePlan(ctx, org, programID, doc, readVersion, true)
}

func (s *Store) writePlan(ctx context.Context, org, programID string, doc []byte, readVersion int64, publish bool) error {
	now := s.now().UTC().Truncate(time.Second).Format(time.RFC3339)
	tx := newTx(s.table)
	cond, values := "attribute_not_exists(PK)", map[string]types.AttributeValue{}
	if readVersion > 0 {
		cond, values = "version = :v AND published = :no", map[string]types.AttributeValue{":v": num(readVersion), ":no": &types.AttributeValueMemberBOOL{Value: false}}
	}
	if err := tx.put("plan", map[string]any{"PK": programPK(org, programID), "SK": skCohortPlan, "type": typeCohortDoc,
		"doc": string(doc), "published": publish, "version": readVersion + 1, "updatedAt": now}, cond, values); err != nil {
		return err
	}
	expr, progValues := "SET updatedAt = :now ADD version :one", map[string]types.AttributeValue{":now": strAttr(now), ":one": num(1),
		":enrolling": strAttr(string(tandem.ProgramEnrolling))}
	if publish {
		expr = "SET updatedAt = :now, #s = :published ADD version :one"
		progValues[":published"] = strAttr(string(tandem.ProgramPublished))
	}
	tx.update("program", programPK(org, programID), skProgram, expr, "#s = :enrolling", map[string]string{"#s": "status"}, progValues)
	failed, err := s.commit(ctx, tx, "")
	switch {
	case failed == nil:
		return err
	case failed.kind == "plan":
		return &tandem.Error{Code: tandem.EConflict, Message: "The cohorts changed since you loaded them; reload and try again.",
			Detail: map[string]any{"conflict": "plan_changed"}}
	default:
		return programClosed(failed.old)
	}
}

// MetBefore returns, for each of the users, the ids of people they have shared a published
// cohort with (BatchGetItem, 100 keys a call).
func (s *Store) MetBefore(ctx context.Context, org string, userIDs []string) (_ map[string]map[string]bool, err error) {
	defer tandem.Wrap(&err, "Store.MetBefore")
	out := map[string]map[string]bool{}
	for i := 0; i < len(userIDs); i += 100 {
		keys := make([]map[string]types.AttributeValue, 0, 100)
		for _, id := range userIDs[i:min(i+100, len(userIDs))] {
			keys = append(keys, pkSK(userPK(org, id), skMet))
		}
		req := map[string]types.KeysAndAttributes{s.table: {Keys: keys}}
		for attempt := 0; len(req) > 0; attempt++ {
			res, err := s.client.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: req})
			if err != nil {
				return nil, translate(err, "")
			}
			for _, raw := range res.Responses[s.table] {
				var it struct {
					UserID string   `dynamodbav:"userId"`
					Met    []string `dynamodbav:"met,stringset"`
				}
				if err := attributevalue.UnmarshalMap(raw, &it); err != nil {
					return nil, err
				}
				set := map[string]bool{}
				for _, m := range it.Met {
					set[m] = true
				}
				out[it.UserID] = set
			}
			req = res.UnprocessedKeys
			if len(req) > 0 && attempt >= 8 {
				return nil, fmt.Errorf("BatchGetItem left %d tables unprocessed after retries", len(req))
			}
			if len(req) > 0 {
				time.Sleep(time.Duration(10<<attempt) * time.Millisecond)
			}
		}
	}
	return out, nil
}

// RecordMet adds each cohort's members to each other's met sets (one UpdateItem per member;
// set ADD is idempotent, so publishing is safe to retry).
func (s *Store) RecordMet(ctx context.Context, org string, cohorts [][]string) (err error) {
	defer tandem.Wrap(&err, "Store.RecordMet")
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
			_, err := s.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &s.table, Key: pkSK(userPK(org, id), skMet),
				UpdateExpression:          aws.String("SET #t = :t, userId = :u ADD met :others"),
				ExpressionAttributeNames:  map[string]string{"#t": "type"},
				ExpressionAttributeValues: map[string]types.AttributeValue{":t": strAttr("met"), ":u": strAttr(id), ":others": &types.AttributeValueMemberSS{Value: others}}})
			if err != nil {
				return translate(err, "")
			}
		}
	}
	return nil
}
