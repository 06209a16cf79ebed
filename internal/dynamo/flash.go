package dynamo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/tandemhq/tandem/internal/tandem"
	"golang.org/x/sync/errgroup"
)

// Flash mentoring (internal/flash decides; the store carries out). An org's flash group lives
// in one partition, ORG#<org>#FLASH: the config, one item per member who opted in, one item
// per round (its plan, written once: attribute_not_exists decides which run made the round)
// and one item per proposed pair, which is also on GSI1 under its first member and on GSI2
// under its second (each member lists theirs with two Queries in parallel). A cross-org
// partition, FLASHGROUPS, lists the orgs with a flash group for the scheduler (no Scan).
// Answering a pair is one transaction conditioned on the version read; the answer that
// confirms it also takes both people's lock slots (as learner and as expert, the items
// bookings take, cells.go) and puts a busy entry in each one's busy partition, so neither can be booked
// over the session by Tandem, and no booking already holding that time lets it confirm.

// FlashConfig is an org's flash round settings.
type FlashConfig struct {
	Org                    string
	Departments            []string
	EveryWeeks             int
	WindowStart, WindowEnd int
	Weekdays               []int
	Anchor                 time.Time
	Enabled                bool
	UpdatedAt              time.Time
	UpdatedBy              string
	Version                int64
}

// FlashMember is someone who opted in.
type FlashMember struct {
	Org, UserID, Name, Email, Department, Timezone string
	JoinedAt                                       time.Time
}

// FlashParty is one side of a pair as proposed.
type FlashParty struct {
	ID         string `dynamodbav:"id" json:"id"`
	Name       string `dynamodbav:"name" json:"name"`
	Email      string `dynamodbav:"email,omitempty" json:"email,omitempty"`
	Department string `dynamodbav:"department" json:"department"`
	Timezone   string `dynamodbav:"timezone" json:"timezone"`
}

// Flash pair statuses (stored). A proposed pair past its deadline reads as lapsed.
const (
	FlashProposed  = "proposed"
	FlashConfirmed = "confirmed"
	FlashDeclined  = "declined"
	FlashCancelled = "cancelled"
	FlashLapsed    = "lapsed" // never stored: a proposed pair whose deadline has passed
)

// FlashPair is a proposed flash session.
type FlashPair struct {
	Org, ID             string
	Round               int
	A, B                FlashParty
	Start, End          time.Time
	Deadline            time.Time
	Status              string
	AcceptedA           bool
	AcceptedB           bool
	By                  string // who declined or cancelled
	CreatedAt, Updated  time.Time
	Version             int64
	ConfirmedAt         time.Time
	NotifiedConfirmedAt time.Time
}

// EffectiveStatus is the status at now: a proposal past its deadline has lapsed.
func (p *FlashPair) EffectiveStatus(now time.Time) string {
	if p.Status == FlashProposed && !now.Before(p.Deadline) {
		return FlashLapsed
	}
	return p.Status
}

// FlashRef is the id the pair's lock cells and busy entries carry (never a booking's id).
func FlashRef(pairID string) string { return "flash-" + pairID }

// FlashRound is one round's plan, written once.
type FlashRound struct {
	Org    string
	Index  int
	Start  time.Time // the round's period start
	RanAt  time.Time
	RanBy  string // "scheduler" or the HR user's id
	Pairs  []string
	NoTime [][2]string // pairs for whom no common free time was found
	SatOut []string
	// Measures of this round's pairing, for HR: pairs new to each other and across departments.
	FirstCross, New, Cross int
	// Plan is the round's proposals as written (JSON, internal/flash's), so a run that died
	// half way is completed from it, never re-planned.
	Plan string
}

type flashConfigItem struct {
	PK          string   `dynamodbav:"PK"`
	SK          string   `dynamodbav:"SK"`
	Type        itemType `dynamodbav:"type"`
	Org         string   `dynamodbav:"org"`
	Departments []string `dynamodbav:"departments"`
	EveryWeeks  int      `dynamodbav:"everyWeeks"`
	WindowStart int      `dynamodbav:"windowStart"`
	WindowEnd   int      `dynamodbav:"windowEnd"`
	Weekdays    []int    `dynamodbav:"weekdays"`
	Anchor      string   `dynamodbav:"anchor"`
	Enabled     bool     `dynamodbav:"enabled"`
	UpdatedAt   string   `dynamodbav:"updatedAt"`
	UpdatedBy   string   `dynamodbav:"updatedBy"`
	Version     int64    `dynamodbav:"version"`
}

type flashGroupItem struct {
	PK   string   `dynamodbav:"PK"`
	SK   string   `dynamodbav:"SK"`
	Type itemType `dynamodbav:"type"`
	Org  string   `dynamodbav:"org"`
}

type flashMemberItem struct {
	PK         string   `dynamodbav:"PK"`
	SK         string   `dynamodbav:"SK"`
	Type       itemType `dynamodbav:"type"`
	UserID     string   `dynamodbav:"userId"`
	Name       string   `dynamodbav:"name"`
	Email      string   `dynamodbav:"email"`
	Department string   `dynamodbav:"department"`
	Timezone   string   `dynamodbav:"timezone"`
	JoinedAt   string   `dynamodbav:"joinedAt"`
}

type flashRoundItem struct {
	PK         string      `dynamodbav:"PK"`
	SK         string      `dynamodbav:"SK"`
	Type       itemType    `dynamodbav:"type"`
	Index      int         `dynamodbav:"index"`
	Start      string      `dynamodbav:"start"`
	RanAt      string      `dynamodbav:"ranAt"`
	RanBy      string      `dynamodbav:"ranBy"`
	Pairs      []string    `dynamodbav:"pairs"`
	NoTime     [][2]string `dynamodbav:"noTime"`
	SatOut     []string    `dynamodbav:"satOut"`
	FirstCross int         `dynamodbav:"firstCross"`
	New        int         `dynamodbav:"new"`
	Cross      int         `dynamodbav:"cross"`
	Plan       string      `dynamodbav:"plan"`
}

type flashPairItem struct {
	PK                  string     `dynamodbav:"PK"`
	SK                  string     `dynamodbav:"SK"`
	GSI1PK              string     `dynamodbav:"GSI1PK"`
	GSI1SK              string     `dynamodbav:"GSI1SK"`
	GSI2PK              string     `dynamodbav:"GSI2PK"`
	GSI2SK              string     `dynamodbav:"GSI2SK"`
	Type                itemType   `dynamodbav:"type"`
	ID                  string     `dynamodbav:"id"`
	Round               int        `dynamodbav:"round"`
	A                   FlashParty `dynamodbav:"a"`
	B                   FlashParty `dynamodbav:"b"`
	Start               string     `dynamodbav:"start"`
	End                 string     `dynamodbav:"end"`
	Deadline            string     `dynamodbav:"deadline"`
	Status              string     `dynamodbav:"status"`
	AcceptedA           bool       `dynamodbav:"acceptedA"`
	AcceptedB           bool       `dynamodbav:"acceptedB"`
	By                  string     `dynamodbav:"by,omitempty"`
	CreatedAt           string     `dynamodbav:"createdAt"`
	UpdatedAt           string     `dynamodbav:"updatedAt"`
	ConfirmedAt         string     `dynamodbav:"confirmedAt,omitempty"`
	NotifiedConfirmedAt string     `dynamodbav:"notifiedConfirmedAt,omitempty"`
	Version             int64      `dynamodbav:"version"`
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return timeKey(t)
}

func (it *flashPairItem) toDomain(org string) *FlashPair {
	return &FlashPair{Org: org, ID: it.ID, Round: it.Round, A: it.A, B: it.B, Start: parseKeyTime(it.Start), End: parseKeyTime(it.End),
		Deadline: parseKeyTime(it.Deadline), Status: it.Status, AcceptedA: it.AcceptedA, AcceptedB: it.AcceptedB, By: it.By,
		CreatedAt: parseKeyTime(it.CreatedAt), Updated: parseKeyTime(it.UpdatedAt), Version: it.Version,
		ConfirmedAt: parseKeyTime(it.ConfirmedAt), NotifiedConfirmedAt: parseKeyTime(it.NotifiedConfirmedAt)}
}

func flashPairItemFrom(p *FlashPair) flashPairItem {
	return flashPairItem{PK: flashPK(p.Org), SK: flashPairSK(p.ID),
		GSI1PK: userFlashPK(p.Org, p.A.ID), GSI1SK: timeKey(p.Start) + "#" + p.ID,
		GSI2PK: userFlashPK(p.Org, p.B.ID), GSI2SK: timeKey(p.Start) + "#" + p.ID,
		Type: typeFlashPair, ID: p.ID, Round: p.Round, A: p.A, B: p.B, Start: timeKey(p.Start), End: timeKey(p.End),
		Deadline: timeKey(p.Deadline), Status: p.Status, AcceptedA: p.AcceptedA, AcceptedB: p.AcceptedB, By: p.By,
		CreatedAt: timeKey(p.CreatedAt), UpdatedAt: timeKey(p.Updated), ConfirmedAt: fmtTime(p.ConfirmedAt),
		NotifiedConfirmedAt: fmtTime(p.NotifiedConfirmedAt), Version: p.Version}
}

// GetFlashConfig returns the org's flash config (one consistent GetItem). Errors: not_found.
func (s *Store) GetFlashConfig(ctx context.Context, org string) (_ *FlashConfig, err error) {
	defer tandem.Wrap(&err, "Store.GetFlashConfig")
	it, err := getFound[flashConfigItem](ctx, s, pkSK(flashPK(org), skFlashConfig), true, "Flash mentoring is not set up for this organisation.")
	if err != nil {
		return nil, err
	}
	return &FlashConfig{Org: org, Departments: it.Departments, EveryWeeks: it.EveryWeeks, WindowStart: it.WindowStart,
		WindowEnd: it.WindowEnd, Weekdays: it.Weekdays, Anchor: parseKeyTime(it.Anchor), Enabled: it.Enabled,
		UpdatedAt: parseKeyTime(it.UpdatedAt), UpdatedBy: it.UpdatedBy, Version: it.Version}, nil
}

// PutFlashConfig writes the config at the version read (0: a new one) and lists the org for
// the scheduler, in one transaction. Errors: conflict (changed since read).
func (s *Store) PutFlashConfig(ctx context.Context, c *FlashConfig) (err error) {
	defer tandem.Wrap(&err, "Store.PutFlashConfig")
	now := s.now()
	it := flashConfigItem{PK: flashPK(c.Org), SK: skFlashConfig, Type: typeFlashConfig, Org: c.Org, Departments: c.Departments,
		EveryWeeks: c.EveryWeeks, WindowStart: c.WindowStart, WindowEnd: c.WindowEnd, Weekdays: c.Weekdays,
		Anchor: timeKey(c.Anchor), Enabled: c.Enabled, UpdatedAt: timeKey(now), UpdatedBy: c.UpdatedBy, Version: c.Version + 1}
	if it.Departments == nil {
		it.Departments = []string{}
	}
	tx := newTx(s.table)
	cond, vals := "attribute_not_exists(PK)", map[string]types.AttributeValue(nil)
	if c.Version > 0 {
		cond, vals = "version = :v", map[string]types.AttributeValue{":v": num(c.Version)}
	}
	_ = tx.put(kindFlash, it, cond, vals)
	_ = tx.put(kindFlashIndex, flashGroupItem{PK: pkFlashGroups, SK: orgPrefix(c.Org), Type: typeFlashGroup, Org: c.Org}, "", nil)
	if _, err := s.commit(ctx, tx, ""); err != nil {
		return err
	}
	c.Version, c.UpdatedAt = it.Version, now.UTC().Truncate(time.Second)
	return nil
}

// FlashOrgs lists the orgs with a flash group (one Query of the cross-org index partition).
func (s *Store) FlashOrgs(ctx context.Context) (_ []string, err error) {
	defer tandem.Wrap(&err, "Store.FlashOrgs")
	items, err := queryAll[flashGroupItem](ctx, s.client, &dynamodb.QueryInput{TableName: &s.table,
		KeyConditionExpression:    aws.String("PK = :p"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": strAttr(pkFlashGroups)}}, 0)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		out = append(out, it.Org)
	}
	return out, nil
}

// PutFlashMember opts a member in (or refreshes their name, department and zone).
func (s *Store) PutFlashMember(ctx context.Context, m *FlashMember) (err error) {
	defer tandem.Wrap(&err, "Store.PutFlashMember")
	av, err := attributevalue.MarshalMap(flashMemberItem{PK: flashPK(m.Org), SK: flashMemberSK(m.UserID), Type: typeFlashMember,
		UserID: m.UserID, Name: m.Name, Email: m.Email, Department: m.Department, Timezone: m.Timezone, JoinedAt: timeKey(m.JoinedAt)})
	if err != nil {
		return err
	}
	_, err = s.client.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.table, Item: av})
	return translate(err, "")
}

// DeleteFlashMember opts a member out (nothing if they were not in).
func (s *Store) DeleteFlashMember(ctx context.Context, org, userID string) (err error) {
	defer tandem.Wrap(&err, "Store.DeleteFlashMember")
	_, err = s.client.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &s.table, Key: pkSK(flashPK(org), flashMemberSK(userID))})
	return translate(err, "")
}

// FlashGroup is everything in an org's flash partition except the config.
type FlashGroup struct {
	Members []FlashMember
	Pairs   []*FlashPair
	Rounds  []FlashRound
}

// LoadFlashGroup reads the org's members, pairs and rounds (one consistent Query, paged).
func (s *Store) LoadFlashGroup(ctx context.Context, org string) (_ *FlashGroup, err error) {
	defer tandem.Wrap(&err, "Store.LoadFlashGroup")
	in := &dynamodb.QueryInput{TableName: &s.table, ConsistentRead: aws.Bool(true),
		KeyConditionExpression:    aws.String("PK = :p"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": strAttr(flashPK(org))}}
	g := &FlashGroup{}
	p := dynamodb.NewQueryPaginator(s.client, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, translate(err, "")
		}
		for _, raw := range page.Items {
			var head struct {
				Type itemType `dynamodbav:"type"`
			}
			if err := attributevalue.UnmarshalMap(raw, &head); err != nil {
				return nil, err
			}
			switch head.Type {
			case typeFlashMember:
				var it flashMemberItem
				if err := attributevalue.UnmarshalMap(raw, &it); err != nil {
					return nil, err
				}
				g.Members = append(g.Members, FlashMember{Org: org, UserID: it.UserID, Name: it.Name, Email: it.Email,
					Department: it.Department, Timezone: it.Timezone, JoinedAt: parseKeyTime(it.JoinedAt)})
			case typeFlashPair:
				var it flashPairItem
				if err := attributevalue.UnmarshalMap(raw, &it); err != nil {
					return nil, err
				}
				g.Pairs = append(g.Pairs, it.toDomain(org))
			case typeFlashRound:
				var it flashRoundItem
				if err := attributevalue.UnmarshalMap(raw, &it); err != nil {
					return nil, err
				}
				g.Rounds = append(g.Rounds, flashRoundOf(org, &it))
			}
		}
	}
	return g, nil
}

func flashRoundOf(org string, it *flashRoundItem) FlashRound {
	return FlashRound{Org: org, Index: it.Index, Start: parseKeyTime(it.Start), RanAt: parseKeyTime(it.RanAt), RanBy: it.RanBy,
		Pairs: it.Pairs, NoTime: it.NoTime, SatOut: it.SatOut, FirstCross: it.FirstCross, New: it.New, Cross: it.Cross, Plan: it.Plan}
}

// GetFlashRound returns a round, or nil when it has not run (one consistent GetItem).
func (s *Store) GetFlashRound(ctx context.Context, org string, index int) (_ *FlashRound, err error) {
	defer tandem.Wrap(&err, "Store.GetFlashRound")
	it, err := getItem[flashRoundItem](ctx, s, pkSK(flashPK(org), flashRoundSK(index)), true)
	if err != nil || it == nil {
		return nil, err
	}
	r := flashRoundOf(org, it)
	return &r, nil
}

// CreateFlashRound writes a round's plan unless the round exists: created is false when
// another run made it first (its plan stands).
func (s *Store) CreateFlashRound(ctx context.Context, r *FlashRound) (created bool, err error) {
	defer tandem.Wrap(&err, "Store.CreateFlashRound")
	it := flashRoundItem{PK: flashPK(r.Org), SK: flashRoundSK(r.Index), Type: typeFlashRound, Index: r.Index, Start: timeKey(r.Start),
		RanAt: timeKey(r.RanAt), RanBy: r.RanBy, Pairs: r.Pairs, NoTime: r.NoTime, SatOut: r.SatOut,
		FirstCross: r.FirstCross, New: r.New, Cross: r.Cross, Plan: r.Plan}
	if it.Pairs == nil {
		it.Pairs = []string{}
	}
	if it.NoTime == nil {
		it.NoTime = [][2]string{}
	}
	if it.SatOut == nil {
		it.SatOut = []string{}
	}
	av, err := attributevalue.MarshalMap(it)
	if err != nil {
		return false, err
	}
	_, err = s.client.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.table, Item: av, ConditionExpression: aws.String("attribute_not_exists(PK)")})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return false, nil
	}
	return err == nil, translate(err, "")
}

// PutFlashPairs writes the round's proposed pairs, each only if it does not exist yet (a
// resumed run writes the missing ones and leaves answered ones alone), in parallel.
func (s *Store) PutFlashPairs(ctx context.Context, pairs []*FlashPair) (err error) {
	defer tandem.Wrap(&err, "Store.PutFlashPairs")
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(metConcurrency)
	for _, p := range pairs {
		g.Go(func() error {
			av, err := attributevalue.MarshalMap(flashPairItemFrom(p))
			if err != nil {
				return err
			}
			_, err = s.client.PutItem(gctx, &dynamodb.PutItemInput{TableName: &s.table, Item: av, ConditionExpression: aws.String("attribute_not_exists(PK)")})
			var ccf *types.ConditionalCheckFailedException
			if errors.As(err, &ccf) {
				return nil
			}
			return translate(err, "")
		})
	}
	return g.Wait()
}

// GetFlashPair returns a pair (one consistent GetItem). Errors: not_found.
func (s *Store) GetFlashPair(ctx context.Context, org, id string) (_ *FlashPair, err error) {
	defer tandem.Wrap(&err, "Store.GetFlashPair")
	it, err := getFound[flashPairItem](ctx, s, pkSK(flashPK(org), flashPairSK(id)), true, "No such flash proposal.")
	if err != nil {
		return nil, err
	}
	return it.toDomain(org), nil
}

// UserFlashPairs lists a member's pairs whose start is at or after since, soonest first (two
// Queries in parallel: GSI1 where they are A, GSI2 where they are B; at most 100 each).
func (s *Store) UserFlashPairs(ctx context.Context, org, userID string, since time.Time) (_ []*FlashPair, err error) {
	defer tandem.Wrap(&err, "Store.UserFlashPairs")
	var sides [2][]flashPairItem
	g, gctx := errgroup.WithContext(ctx)
	for i, index := range []string{"GSI1", "GSI2"} {
		g.Go(func() (err error) {
			sides[i], err = queryAll[flashPairItem](gctx, s.client, &dynamodb.QueryInput{TableName: &s.table, IndexName: aws.String(index),
				KeyConditionExpression: aws.String(index + "PK = :p AND " + index + "SK >= :s"),
				ExpressionAttributeValues: map[string]types.AttributeValue{":p": strAttr(userFlashPK(org, userID)),
					":s": strAttr(timeKey(since))}, Limit: aws.Int32(100)}, 100)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	var out []*FlashPair
	for _, side := range sides {
		for i := range side {
			out = append(out, side[i].toDomain(org))
		}
	}
	return out, nil
}

// AnswerFlashPair writes after over before, conditioned on before's version, in one
// transaction. When after confirms the pair, the same transaction takes both people's lock
// cells over the session (as learner and as expert: the keys bookings take, so a booking
// holding either person then, or a later one, collides) and puts a busy entry in each
// person's busy partition (experts' slot listings then hide it). When after cancels a
// confirmed pair, it releases them. Errors: conflict (Detail.conflict = flash_changed when
// the pair changed since read, flash_busy when one of them is no longer free).
func (s *Store) AnswerFlashPair(ctx context.Context, before, after *FlashPair) (err error) {
	defer tandem.Wrap(&err, "Store.AnswerFlashPair(%q)", after.ID)
	now := s.now()
	after.Version = before.Version + 1
	after.Updated = now.UTC().Truncate(time.Second)
	tx := newTx(s.table)
	_ = tx.put(kindFlash, flashPairItemFrom(after), "version = :v", map[string]types.AttributeValue{":v": num(before.Version)})
	ref := FlashRef(after.ID)
	people := []FlashParty{after.A, after.B}
	switch {
	case after.Status == FlashConfirmed && before.Status != FlashConfirmed:
		for _, p := range people {
			for _, l := range flashLocks(after.Org, p.ID) {
				tx.takeSpan(l, after.Start, after.End, ref, 0, now)
			}
			_ = tx.put(kindFlashBusy, busyItem{PK: expertPK(after.Org, p.ID), SK: busySK(after.Start, ref), Type: typeBusy, BookingID: ref,
				Start: timeKey(after.Start), End: timeKey(after.End), ExpiresAt: after.End.Add(60 * 24 * time.Hour).Unix()}, "attribute_not_exists(PK)", nil)
		}
	case before.Status == FlashConfirmed && after.Status != FlashConfirmed:
		for _, p := range people {
			for _, l := range flashLocks(after.Org, p.ID) {
				tx.releaseSpan(l, after.Start, after.End, ref)
			}
			tx.delete(kindRelease, expertPK(after.Org, p.ID), busySK(after.Start, ref), "", nil)
		}
	}
	f, err := s.commit(ctx, tx, "")
	if err != nil && f != nil && f.kind == kindFlashBusy {
		return &tandem.Error{Code: tandem.EConflict, Message: explanations[kindFlashBusy].message,
			Detail: map[string]any{"conflict": "flash_busy", "who": whoseCell(f.old, after)}, Err: err}
	}
	if err != nil {
		after.Version = before.Version
	}
	return err
}

// flashLocks is a person's locks as learner and as expert (cells.go: the items bookings take),
// a failure on them explained as flash_busy.
func flashLocks(org, id string) []locks {
	return []locks{{org, "L", id, kindFlashBusy}, {org, "E", id, kindFlashBusy}}
}

// whoseCell names the person whose cell or busy entry failed ("" when unknown).
func whoseCell(old map[string]types.AttributeValue, p *FlashPair) string {
	pk, _ := old["PK"].(*types.AttributeValueMemberS)
	if pk == nil {
		return ""
	}
	for _, x := range []FlashParty{p.A, p.B} {
		if strings.Contains(pk.Value, "#"+x.ID+"#") || strings.HasSuffix(pk.Value, "#"+x.ID) {
			return x.ID
		}
	}
	return ""
}

// MarkFlashConfirmedNotified records that both were told of the confirmation (at the version
// read; a conflict means someone else did it or the pair moved on).
func (s *Store) MarkFlashConfirmedNotified(ctx context.Context, p *FlashPair, at time.Time) (err error) {
	defer tandem.Wrap(&err, "Store.MarkFlashConfirmedNotified")
	_, err = s.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &s.table, Key: pkSK(flashPK(p.Org), flashPairSK(p.ID)),
		UpdateExpression:          aws.String("SET notifiedConfirmedAt = :t"),
		ConditionExpression:       aws.String("attribute_not_exists(notifiedConfirmedAt)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":t": strAttr(timeKey(at))}})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return nil
	}
	return translate(err, "")
}

// FlashPairID is the id of a round's pair: the round and the two ids, hashed (no '#').
func FlashPairID(round int, a, b string) string {
	return fmt.Sprintf("r%d-%s", round, requestToken("flash", a, b)[:16])
}
