package dynamo

import (
	"context"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/tandemhq/tandem/internal/analytics"
	"github.com/tandemhq/tandem/internal/tandem"
	"golang.org/x/sync/errgroup"
)

// Aggregates live in one partition per org and month, so a report reads O(months) pages
// whatever the number of bookings:
//
//	ORG#o#AGG#2027-03 / ORG | DEPT#<department> | EXPERT#<id> | EDGE#<from>#<to>
//
// The stream consumer changes them only through AggStep, each guarded by a marker item
// (ORG#o#AGGMARK#<marker>) put in the same transaction with attribute_not_exists: a step is
// applied at most once however often its record is delivered.

// aggMarkerItem marks a step of the aggregates as applied (or, for a learner–expert pair,
// the month its tie is counted in). expiresAt lets TTL remove old step markers.
type aggMarkerItem struct {
	PK         string   `dynamodbav:"PK"`
	SK         string   `dynamodbav:"SK"`
	Type       itemType `dynamodbav:"type"`
	ExpiresAt  int64    `dynamodbav:"expiresAt,omitempty"`
	FirstMonth string   `dynamodbav:"firstMonth,omitempty"`
}

func toAggMarkerItem(pk string, expires time.Time, firstMonth string) aggMarkerItem {
	it := aggMarkerItem{PK: pk, SK: skMark, Type: typeAggMarker, FirstMonth: firstMonth}
	if !expires.IsZero() {
		it.ExpiresAt = expires.Unix()
	}
	return it
}

// AggAdd adds to the counters (analytics.Counts JSON names) of one group in one month.
type AggAdd struct {
	Month  string
	Group  analytics.Group // Kind "org", "department", "expert" or "edge" (Key "from#to")
	Fields map[string]int64
	Append []int64 // values appended to matchMinutes
	// Learners are added to the learners set (analytics.LearnerKey of each learner id).
	Learners []int64
}

// AggStep is one idempotent change to the aggregates.
type AggStep struct {
	Org    string
	Marker string
	Adds   []AggAdd
}

// ApplyStep applies the step once: if its marker exists it was applied before and nothing
// happens (returns false).
func (s *Store) ApplyStep(ctx context.Context, st AggStep) (applied bool, err error) {
	defer tandem.Wrap(&err, "Store.ApplyStep(%q)", st.Marker)
	tx := newTx(s.table)
	if err := tx.put(kindMarker, toAggMarkerItem(aggMarkPK(st.Org, st.Marker), s.now().Add(400*24*time.Hour), ""),
		"attribute_not_exists(PK)", nil); err != nil {
		return false, err
	}
	addAggUpdates(tx, st.Org, st.Adds)
	failed, err := s.commit(ctx, tx, "")
	if failed != nil && failed.kind == kindMarker {
		return false, nil
	}
	return err == nil, err
}

// addAggUpdates adds the aggregate additions to tx, one update per month and group.
func addAggUpdates(tx *txBuilder, org string, adds []AggAdd) {
	for _, a := range mergeAdds(adds) {
		names := map[string]string{"#kind": "kind", "#key": "key"}
		values := map[string]types.AttributeValue{":kind": strAttr(a.Group.Kind), ":key": strAttr(a.Group.Key)}
		set := []string{"#kind = :kind", "#key = :key"}
		if a.Group.Name != "" {
			names["#name"], values[":name"] = "name", strAttr(a.Group.Name)
			set = append(set, "#name = :name")
		}
		var add []string
		keys := make([]string, 0, len(a.Fields))
		for k := range a.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for i, k := range keys {
			if a.Fields[k] == 0 {
				continue
			}
			n, v := "#f"+strconv.Itoa(i), ":f"+strconv.Itoa(i)
			names[n], values[v] = k, num(a.Fields[k])
			add = append(add, n+" "+v)
		}
		if len(a.Append) > 0 {
			names["#mm"] = "matchMinutes"
			list := make([]types.AttributeValue, len(a.Append))
			for i, m := range a.Append {
				list[i] = num(m)
			}
			values[":mm"], values[":empty"] = &types.AttributeValueMemberL{Value: list}, &types.AttributeValueMemberL{Value: []types.AttributeValue{}}
			set = append(set, "#mm = list_append(if_not_exists(#mm, :empty), :mm)")
		}
		if len(a.Learners) > 0 {
			ns := make([]string, len(a.Learners))
			for i, k := range a.Learners {
				ns[i] = strconv.FormatInt(k, 10)
			}
			names["#ls"], values[":ls"] = "learners", &types.AttributeValueMemberNS{Value: ns}
			add = append(add, "#ls :ls")
		}
		expr := "SET " + strings.Join(set, ", ")
		if len(add) > 0 {
			expr += " ADD " + strings.Join(add, ", ")
		}
		tx.update(kindAgg, aggPK(org, a.Month), aggSK(a.Group), expr, "", names, values)
	}
}

// mergeAdds folds additions to the same month and group into one (a transaction may touch
// an item only once).
func mergeAdds(adds []AggAdd) []AggAdd {
	type key struct {
		month string
		group analytics.Group
	}
	index := map[key]int{}
	var out []AggAdd
	for _, a := range adds {
		k := key{a.Month, a.Group}
		i, ok := index[k]
		if !ok {
			index[k] = len(out)
			out = append(out, AggAdd{Month: a.Month, Group: a.Group, Fields: map[string]int64{}})
			i = len(out) - 1
		}
		for f, n := range a.Fields {
			out[i].Fields[f] += n
		}
		out[i].Append = append(out[i].Append, a.Append...)
		out[i].Learners = append(out[i].Learners, a.Learners...)
	}
	for i := range out { // a set literal may not repeat a member
		slices.Sort(out[i].Learners)
		out[i].Learners = slices.Compact(out[i].Learners)
	}
	return out
}

// SetOffered records an expert's offered minutes for a month as computed from their
// availability at asOf; an older computation never overwrites a newer one.
func (s *Store) SetOffered(ctx context.Context, org, month string, expert analytics.Group, minutes int64, asOf time.Time) (err error) {
	defer tandem.Wrap(&err, "Store.SetOffered")
	_, err = s.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &s.table, Key: pkSK(aggPK(org, month), aggSK(expert)),
		UpdateExpression:         aws.String("SET #kind = :kind, #key = :key, #name = :name, minutesOffered = :m, offeredAsOf = :ts"),
		ConditionExpression:      aws.String("attribute_not_exists(offeredAsOf) OR offeredAsOf <= :ts"),
		ExpressionAttributeNames: map[string]string{"#kind": "kind", "#key": "key", "#name": "name"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":kind": strAttr(expert.Kind), ":key": strAttr(expert.Key),
			":name": strAttr(expert.Name), ":m": num(minutes), ":ts": num(asOf.UnixMilli())}})
	if tandem.ErrorCode(translate(err, "")) == tandem.EConflict {
		return nil // a newer schedule already set this month
	}
	return translate(err, "")
}

// LoadAggregates reads the aggregates of the months, one Query per month in parallel: the
// number of calls depends on the months asked for, never on the number of bookings. The org
// row's offered minutes are the sum of its experts'.
func (s *Store) LoadAggregates(ctx context.Context, org string, months []string) (_ []analytics.MonthGroup, _ []analytics.Edge, err error) {
	defer tandem.Wrap(&err, "Store.LoadAggregates")
	type result struct {
		groups []analytics.MonthGroup
		edges  []analytics.Edge
	}
	results := make([]result, len(months))
	eg, gctx := errgroup.WithContext(ctx)
	for i, month := range months {
		eg.Go(func() error {
			r := &results[i]
			p := dynamodb.NewQueryPaginator(s.client, &dynamodb.QueryInput{TableName: &s.table,
				KeyConditionExpression:    aws.String("PK = :pk"),
				ExpressionAttributeValues: map[string]types.AttributeValue{":pk": strAttr(aggPK(org, month))}})
			orgRow := -1
			var offered int64
			for p.HasMorePages() {
				page, err := p.NextPage(gctx)
				if err != nil {
					return translate(err, "")
				}
				for _, raw := range page.Items {
					var c analytics.Counts
					if err := attributevalue.UnmarshalMapWithOptions(raw, &c, func(o *attributevalue.DecoderOptions) { o.TagKey = "json" }); err != nil {
						return err
					}
					slices.Sort(c.Learners) // DynamoDB sets have no order; analytics unites sorted sets
					g := analytics.Group{Kind: str(raw["kind"]), Key: str(raw["key"]), Name: str(raw["name"])}
					if g.Kind == "edge" {
						from, to, _ := strings.Cut(g.Key, "#")
						r.edges = append(r.edges, analytics.Edge{Month: month, From: from, To: to, Sessions: c.Completed})
						continue
					}
					if g.Kind == "cohortEdge" {
						a, b, _ := strings.Cut(g.Key, "#")
						r.edges = append(r.edges, analytics.Edge{Month: month, From: a, To: b, Cohort: true, CohortPairs: c.CohortPairs})
						continue
					}
					if g.Kind == "expert" {
						offered += c.MinutesOffered
					}
					r.groups = append(r.groups, analytics.MonthGroup{Month: month, Group: g, Counts: c})
					if g.Kind == "org" {
						orgRow = len(r.groups) - 1
					}
				}
			}
			if orgRow < 0 && offered > 0 {
				r.groups = append(r.groups, analytics.MonthGroup{Month: month, Group: analytics.Group{Kind: "org", Name: org}})
				orgRow = len(r.groups) - 1
			}
			if orgRow >= 0 {
				r.groups[orgRow].Counts.MinutesOffered = offered
			}
			return nil
		})
	}
	if err := eg.Wait(); err != nil {
		return nil, nil, err
	}
	var groups []analytics.MonthGroup
	var edges []analytics.Edge
	for _, r := range results {
		groups = append(groups, r.groups...)
		edges = append(edges, r.edges...)
	}
	return groups, edges, nil
}

// RecordTie counts a learner–expert pair as a new tie in the month of their first completed
// session. Completions can be processed in any order, so the pair's marker remembers the
// month it is counted in and moves the tie to an earlier month when one turns up: the tie is
// always in the month of the earliest completion, exactly once.
func (s *Store) RecordTie(ctx context.Context, org, learnerID, expertID, month string, groups []analytics.Group) (err error) {
	defer tandem.Wrap(&err, "Store.RecordTie")
	pk := aggMarkPK(org, "PAIR#"+learnerID+"#"+expertID)
	for attempt := 0; attempt < 5; attempt++ {
		marker, err := getItem[aggMarkerItem](ctx, s, pkSK(pk, skMark), true)
		if err != nil {
			return err
		}
		old := ""
		if marker != nil {
			old = marker.FirstMonth
		}
		if old != "" && old <= month {
			return nil
		}
		tx := newTx(s.table)
		cond, values := "attribute_not_exists(PK)", map[string]types.AttributeValue{}
		if old != "" {
			cond, values = "firstMonth = :old", map[string]types.AttributeValue{":old": strAttr(old)}
		}
		if err := tx.put(kindMarker, toAggMarkerItem(pk, time.Time{}, month), cond, values); err != nil {
			return err
		}
		for _, g := range groups {
			tx.update(kindAgg, aggPK(org, month), aggSK(g), "SET #kind = :kind, #key = :key ADD newTies :one", "",
				map[string]string{"#kind": "kind", "#key": "key"},
				map[string]types.AttributeValue{":kind": strAttr(g.Kind), ":key": strAttr(g.Key), ":one": num(1)})
			if old != "" {
				tx.update(kindAgg, aggPK(org, old), aggSK(g), "ADD newTies :minus", "", nil,
					map[string]types.AttributeValue{":minus": num(-1)})
			}
		}
		failed, err := s.commit(ctx, tx, "")
		if failed != nil && failed.kind == kindMarker {
			continue // another completion of the pair moved it meanwhile: decide again
		}
		return err
	}
	return tandem.Errorf(tandem.EConflict, "The pair's first session kept changing; retry.")
}

// MentorshipAggregates is the AggAdd.Month of the org's mentorship counters (analytics,
// mentorships.go): one partition per org, ORG#o#AGG#MENTORSHIPS, an item for the org and one
// per learner department, read whole by LoadMentorshipAggregates. Its counters describe the
// mentorships as they are now, not a month.
const MentorshipAggregates = "MENTORSHIPS"

// AggFact is what the stream consumer remembers across items for the mentorship figures,
// under ORG#o#AGGMARK#<key> (no TTL): a booking's join of its mentorship and its being held
// (MJOIN#<booking>), a mentorship's held sessions so far (MSTATE#<mentorship>), a
// mentorship's first and last check-in (MPROG#<mentorship>). Each write is guarded by the
// version read, so concurrent records never lose one another's change.
type AggFact struct {
	Version int64 `dynamodbav:"version"`
	// MJOIN: the mentorship a booking belongs to (its occurrence), when that is known, and
	// the booking's start once it was held (completed); Counted once both were counted.
	Mentorship  string `dynamodbav:"mentorship,omitempty"`
	Department  string `dynamodbav:"department,omitempty"`
	ActivatedAt string `dynamodbav:"activatedAt,omitempty"`
	HeldStart   string `dynamodbav:"heldStart,omitempty"`
	Counted     bool   `dynamodbav:"counted,omitempty"`
	// MSTATE: completed sessions counted and the earliest one's start.
	Held      int64  `dynamodbav:"held,omitempty"`
	FirstHeld string `dynamodbav:"firstHeld,omitempty"`
	// MPROG: the first and last check-in in their order (tandem.CheckIn.Before: at, seq,
	// id), with their ratings.
	FirstAt      string `dynamodbav:"firstAt,omitempty"`
	FirstID      string `dynamodbav:"firstId,omitempty"`
	FirstSeq     int    `dynamodbav:"firstSeq,omitempty"`
	FirstRatings []int  `dynamodbav:"firstRatings,omitempty"`
	LastAt       string `dynamodbav:"lastAt,omitempty"`
	LastID       string `dynamodbav:"lastId,omitempty"`
	LastSeq      int    `dynamodbav:"lastSeq,omitempty"`
	LastRatings  []int  `dynamodbav:"lastRatings,omitempty"`
}

type aggFactItem struct {
	PK   string   `dynamodbav:"PK"`
	SK   string   `dynamodbav:"SK"`
	Type itemType `dynamodbav:"type"`
	AggFact
}

// GetAggFact reads a fact (consistent); nil when there is none.
func (s *Store) GetAggFact(ctx context.Context, org, key string) (_ *AggFact, err error) {
	defer tandem.Wrap(&err, "Store.GetAggFact(%q)", key)
	it, err := getItem[aggFactItem](ctx, s, pkSK(aggMarkPK(org, key), skMark), true)
	if err != nil || it == nil {
		return nil, err
	}
	return &it.AggFact, nil
}

// FactWrite stores Fact under Key if the stored one is still at Prev (0: none yet); the
// stored version becomes Prev+1.
type FactWrite struct {
	Key  string
	Prev int64
	Fact AggFact
}

// CommitAggFacts writes the facts and the aggregate additions in one transaction; false when
// a fact changed since it was read (read again and decide again).
func (s *Store) CommitAggFacts(ctx context.Context, org string, facts []FactWrite, adds []AggAdd) (_ bool, err error) {
	defer tandem.Wrap(&err, "Store.CommitAggFacts")
	tx := newTx(s.table)
	for _, f := range facts {
		f.Fact.Version = f.Prev + 1
		cond, values := "attribute_not_exists(PK)", map[string]types.AttributeValue(nil)
		if f.Prev > 0 {
			cond, values = "version = :v", map[string]types.AttributeValue{":v": num(f.Prev)}
		}
		if err := tx.put(kindMarker, aggFactItem{PK: aggMarkPK(org, f.Key), SK: skMark, Type: typeAggMarker, AggFact: f.Fact}, cond, values); err != nil {
			return false, err
		}
	}
	addAggUpdates(tx, org, adds)
	failed, err := s.commit(ctx, tx, "")
	if failed != nil && failed.kind == kindMarker {
		return false, nil
	}
	return err == nil, err
}

// LoadMentorshipAggregates reads the org's mentorship counters, keyed "org|" and
// "department|<name>" (analytics.MentorshipGroupKey): one Query of one partition, whose
// items are the org and its departments, whatever the number of mentorships.
func (s *Store) LoadMentorshipAggregates(ctx context.Context, org string) (_ map[string]map[string]int64, err error) {
	defer tandem.Wrap(&err, "Store.LoadMentorshipAggregates")
	out := map[string]map[string]int64{}
	p := dynamodb.NewQueryPaginator(s.client, &dynamodb.QueryInput{TableName: &s.table,
		KeyConditionExpression:    aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": strAttr(aggPK(org, MentorshipAggregates))}})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, translate(err, "")
		}
		for _, raw := range page.Items {
			g := analytics.Group{Kind: str(raw["kind"]), Key: str(raw["key"])}
			counters := map[string]int64{}
			for name, v := range raw {
				if n, ok := v.(*types.AttributeValueMemberN); ok {
					if x, err := strconv.ParseInt(n.Value, 10, 64); err == nil && x != 0 {
						counters[name] = x
					}
				}
			}
			out[analytics.MentorshipGroupKey(g)] = counters
		}
	}
	return out, nil
}
