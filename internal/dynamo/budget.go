package dynamo

import (
	"context"
	"errors"
	"hash/fnv"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/tandemhq/tandem/internal/analytics"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Budget usage lives in one partition per org. Each period has a group of counters for the
// whole org ("2027-03#ORG") and one per learner department ("2027-03#DEPT#Sales"); a group is
// up to 16 shards ("2027-03#ORG#S07"), so that bookings at 50 a second do not all update one
// item (README, "Scale"). Shard i of a capped group has a share of the cap (cap/n, one minute
// more for the first cap mod n; n = cap/4 h, 1 to 16: a share always covers a long session,
// and a small cap, which few bookings can use, needs no shards).
//
// Each shard holds usedMin (what bookings drew on it: reports, recounts) and loadMin, what
// counts against its share: a draw is `ADD usedMin :m, loadMin :m` conditioned on
// loadMin ≤ share − m (condition expressions cannot add). A booking draws on its home shard
// (hash of its id), one transaction as before; when that shard is short, it reads the group
// (one Query) and either answers the true refusal (cap − Σ used < minutes) or splits the draw
// over shards with headroom, each part conditioned on its shard, and tries again. The parts
// are recorded on the booking (budgetParts), so a refund gives back exactly to those shards.
//
// Why Σ used never exceeds the cap: let e_i = max(load_i − share_i, 0), X = Σ e_i and the
// slack S = Σ load − Σ used. A group is sound when every e_i ≥ X − S. A draw needs e_i = 0
// before and after, so then X ≤ S and Σ used = Σ load − S ≤ Σ share = cap. Soundness is kept
// by every write: draws (conditioned), refunds (load and used fall together) and rebalances
// (below). A change of cap changes the shares, so the settings save (PutSettings) rebalances
// every group that is no longer sound, and so does a booking that finds its group unsound or
// its headroom scattered: one transaction sets every shard's load, conditioned on all of them
// being as read, to share − (its part of the free minutes), or, over a lowered cap, to
// share + (Σ used − cap), so that no shard can draw again before refunds bring the whole
// group back under the cap.
//
// The unsharded item of a group ("2027-03#ORG") holds usage from before the shards and
// imported history: it counts in Σ used (so S < 0 until a rebalance folds it into the
// loads); a booking recorded before the shards (no budgetParts) refunds to it.

// budgetUsageItem is one usage counter: a shard, or a group's unsharded counter (no loadMin).
type budgetUsageItem struct {
	PK      string   `dynamodbav:"PK"`
	SK      string   `dynamodbav:"SK"`
	Type    itemType `dynamodbav:"type"`
	UsedMin int      `dynamodbav:"usedMin"`
	LoadMin *int     `dynamodbav:"loadMin,omitempty"`
}

const (
	budgetShards   = 16
	budgetMinShare = 240 // minutes: a shard's share is at least four hours
)

// shardCount is how many shards a cap is shared over (an uncapped group is tracked on all 16).
func shardCount(capMin int) int {
	if capMin <= 0 {
		return budgetShards
	}
	return min(max(capMin/budgetMinShare, 1), budgetShards)
}

// spread is shard i's part of total minutes spread over n shards: total/n, one more for the
// first total mod n (0 for i ≥ n).
func spread(total, n, i int) int {
	if i >= n || total <= 0 {
		return 0
	}
	s := total / n
	if i < total%n {
		s++
	}
	return s
}

// shareOf is shard i's share of a cap.
func shareOf(capMin, i int) int { return spread(capMin, shardCount(capMin), i) }

// homeShard is the shard a booking draws on first.
func homeShard(bookingID string, n int) int {
	h := fnv.New32a()
	h.Write([]byte(bookingID))
	return int(h.Sum32() % uint32(n))
}

// budgetGroup is one capped-or-not counter group a draw is on.
type budgetGroup struct {
	kind   txKind // what a failed condition on it means
	base   string // the unsharded SK: "2027-03#ORG", "2027-03#DEPT#Sales"
	capMin int    // 0: not capped (usage is tracked anyway)
}

// budgetPart is minutes drawn on one shard.
type budgetPart struct{ shard, minutes int }

// budgetDraw is what one booking takes from its org's budget.
type budgetDraw struct {
	bookingID          string
	period, department string
	minutes            int
	orgCap, deptCap    int // minutes per period; 0: not capped
	// parts are the planned draws per group (org, department); nil: all on the home shard.
	parts [2][]budgetPart
}

// drawFor is booking b's draw on budget, or nil when the org has no budget.
func drawFor(b *tandem.Booking, budget *tandem.Budget, parts [2][]budgetPart) *budgetDraw {
	if budget == nil {
		return nil
	}
	orgCap, deptCap := budget.CapMinutes(b.Learner.Department)
	return &budgetDraw{bookingID: b.ID, period: budget.PeriodOf(b.Start), department: b.Learner.Department,
		minutes: b.SessionType.DurationMin, orgCap: orgCap, deptCap: deptCap, parts: parts}
}

// groups are the draw's counter groups: the org's, then the department's if any.
func (d *budgetDraw) groups() []budgetGroup {
	g := []budgetGroup{{kindBudgetOrg, budgetOrgSK(d.period), d.orgCap}}
	if d.department != "" {
		g = append(g, budgetGroup{kindBudgetDepartment, budgetDeptSK(d.period, d.department), d.deptCap})
	}
	return g
}

// partsOf is the draw's parts on group gi: as planned, or all on the home shard.
func (d *budgetDraw) partsOf(gi int, g budgetGroup) []budgetPart {
	if d.parts[gi] != nil {
		return d.parts[gi]
	}
	return []budgetPart{{homeShard(d.bookingID, shardCount(g.capMin)), d.minutes}}
}

// homeShort says the home shard's share of a capped group cannot hold the draw: the booking
// plans its parts before its first transaction rather than fail it.
func (d *budgetDraw) homeShort() bool {
	for gi, g := range d.groups() {
		if g.capMin > 0 && d.parts[gi] == nil && shareOf(g.capMin, homeShard(d.bookingID, shardCount(g.capMin))) < d.minutes {
			return true
		}
	}
	return false
}

// tooBig refuses, before any write, a session longer than a whole period's cap.
func (d *budgetDraw) tooBig() error {
	switch {
	case d.orgCap > 0 && d.minutes > d.orgCap:
		return explain(&failure{kind: kindBudgetOrg})
	case d.deptCap > 0 && d.minutes > d.deptCap:
		return explain(&failure{kind: kindBudgetDepartment})
	}
	return nil
}

// record notes the draw on the booking item, so a refund gives back exactly what was taken,
// where it was taken, even if HR changes the budget in between.
func (d *budgetDraw) record(it *bookingItem) {
	it.BudgetPeriod, it.BudgetDepartment, it.BudgetMin = d.period, d.department, d.minutes
	var enc [2]string
	for gi, g := range d.groups() {
		for i, p := range d.partsOf(gi, g) {
			if i > 0 {
				enc[gi] += ","
			}
			enc[gi] += strconv.Itoa(p.shard) + ":" + strconv.Itoa(p.minutes)
		}
	}
	it.BudgetParts = enc[0]
	if enc[1] != "" {
		it.BudgetParts += "|" + enc[1]
	}
}

// recordedParts reads budgetParts ("7:30,2:30|7:60": the org's parts, then the department's).
func recordedParts(s string) [2][]budgetPart {
	var out [2][]budgetPart
	for gi, group := range strings.SplitN(s, "|", 2) {
		for _, p := range strings.Split(group, ",") {
			shard, m, ok := strings.Cut(p, ":")
			i, err1 := strconv.Atoi(shard)
			n, err2 := strconv.Atoi(m)
			if ok && err1 == nil && err2 == nil {
				out[gi] = append(out[gi], budgetPart{i, n})
			}
		}
	}
	return out
}

// drawBudget adds the draw's shard updates to tx: each part conditioned on its shard's share
// when the group is capped.
func (t *txBuilder) drawBudget(org string, d *budgetDraw) {
	for gi, g := range d.groups() {
		for _, p := range d.partsOf(gi, g) {
			values := map[string]types.AttributeValue{":m": num(int64(p.minutes)), ":type": strAttr(string(typeBudget))}
			cond := ""
			if g.capMin > 0 {
				room := shareOf(g.capMin, p.shard) - p.minutes
				cond = "loadMin <= :room"
				if room >= 0 {
					cond = "attribute_not_exists(loadMin) OR " + cond
				}
				values[":room"] = num(int64(room))
			}
			t.update(g.kind, budgetPK(org), budgetShardSK(g.base, p.shard), "SET #t = :type ADD usedMin :m, loadMin :m", cond,
				map[string]string{"#t": "type"}, values)
		}
	}
}

// refundBudget gives back what the booking item recorded as drawn, to the shards it was drawn
// on (or, drawn before the shards, to the group's unsharded counter).
func (t *txBuilder) refundBudget(it *bookingItem) {
	if it.BudgetMin == 0 {
		return
	}
	bases := []string{budgetOrgSK(it.BudgetPeriod)}
	if it.BudgetDepartment != "" {
		bases = append(bases, budgetDeptSK(it.BudgetPeriod, it.BudgetDepartment))
	}
	if it.BudgetParts == "" {
		minus := map[string]types.AttributeValue{":minus": num(int64(-it.BudgetMin))}
		for _, base := range bases {
			t.update(kindCounter, budgetPK(it.Org), base, "ADD usedMin :minus", "", nil, minus)
		}
		return
	}
	parts := recordedParts(it.BudgetParts)
	for gi, base := range bases {
		for _, p := range parts[gi] {
			t.update(kindCounter, budgetPK(it.Org), budgetShardSK(base, p.shard), "ADD usedMin :minus, loadMin :minus", "", nil,
				map[string]types.AttributeValue{":minus": num(int64(-p.minutes))})
		}
	}
}

// groupState is a counter group as read: its shards and its unsharded counter.
type groupState struct {
	used, load [budgetShards]int
	exists     [budgetShards]bool
	loads      [budgetShards]*int // as read, for the rebalance's conditions (nil: no loadMin)
	legacy     int
	hasLegacy  bool
}

// usedTotal is Σ used, the unsharded counter included.
func (g *groupState) usedTotal() int {
	n := g.legacy
	for _, u := range g.used {
		n += u
	}
	return n
}

// sound says the group keeps its cap as it is (the invariant in the comment at the top).
func (g *groupState) sound(capMin int) bool {
	x, load := 0, 0
	for i := range budgetShards {
		x += max(g.load[i]-shareOf(capMin, i), 0)
		load += g.load[i]
	}
	need := x - (load - g.usedTotal()) // X − S
	for i := range budgetShards {
		if max(g.load[i]-shareOf(capMin, i), 0) < need {
			return false
		}
	}
	return true
}

// split plans minutes over the shards with headroom: the home shard if it has the room, else
// one other shard that has it, else several; false when their headroom does not cover it.
// Shards are picked at random among those that qualify, so bookings that plan at the same
// time near the cap spread over the shards rather than all collide on the roomiest.
func (g *groupState) split(capMin, minutes, home int) ([]budgetPart, bool) {
	room := func(i int) int { return shareOf(capMin, i) - g.load[i] }
	if room(home) >= minutes {
		return []budgetPart{{home, minutes}}, true
	}
	var whole, some []int
	for _, i := range rand.Perm(budgetShards) {
		switch {
		case room(i) >= minutes:
			whole = append(whole, i)
		case room(i) > 0:
			some = append(some, i)
		}
	}
	if len(whole) > 0 {
		return []budgetPart{{whole[0], minutes}}, true
	}
	var parts []budgetPart
	left := minutes
	for _, i := range some {
		if left == 0 {
			break
		}
		take := min(room(i), left)
		parts = append(parts, budgetPart{i, take})
		left -= take
	}
	return parts, left == 0
}

// readGroup reads a group's shards and unsharded counter (one strongly consistent Query).
func (s *Store) readGroup(ctx context.Context, org, base string) (*groupState, error) {
	g := &groupState{}
	err := s.eachBudgetItem(ctx, org, base, base+"#S~", true, func(it *budgetUsageItem) {
		switch got, shard := splitShardSK(it.SK); {
		case got != base: // another department whose name starts with this one's
		case shard < 0:
			g.legacy, g.hasLegacy = it.UsedMin, true
		default:
			g.used[shard], g.exists[shard], g.loads[shard] = it.UsedMin, true, it.LoadMin
			if it.LoadMin != nil {
				g.load[shard] = *it.LoadMin
			}
		}
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}

// eachBudgetItem calls each with every usage item of the org's budget partition whose sort
// key is between lo and hi (one Query, its pages).
func (s *Store) eachBudgetItem(ctx context.Context, org, lo, hi string, consistent bool, each func(*budgetUsageItem)) error {
	p := dynamodb.NewQueryPaginator(s.client, &dynamodb.QueryInput{TableName: &s.table, ConsistentRead: aws.Bool(consistent),
		KeyConditionExpression: aws.String("PK = :pk AND SK BETWEEN :lo AND :hi"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": strAttr(budgetPK(org)),
			":lo": strAttr(lo), ":hi": strAttr(hi)}})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return translate(err, "")
		}
		for _, raw := range page.Items {
			var it budgetUsageItem
			if err := attributevalue.UnmarshalMap(raw, &it); err != nil {
				return err
			}
			each(&it)
		}
	}
	return nil
}

// rebalance sets every shard's load of a capped group so that the group is sound and its
// headroom is where the shares are: share − (its part of cap − Σ used), or, over the cap,
// share + (Σ used − cap). One transaction, conditioned on every shard and the unsharded
// counter being as read (and on guard, the rules a booking was decided with, if any). It
// returns the group as written, or nil when something changed meanwhile (read again).
func (s *Store) rebalance(ctx context.Context, org string, grp budgetGroup, g *groupState, guard *BookingRules) (*groupState, error) {
	tx := newTx(s.table)
	if guard != nil {
		tx.guardRules(guard)
	}
	used, n := g.usedTotal(), shardCount(grp.capMin)
	after := *g
	for i := range budgetShards {
		share := shareOf(grp.capMin, i)
		target := share - spread(grp.capMin-used, n, i)
		if used > grp.capMin {
			target = share + used - grp.capMin
		}
		after.load[i] = target
		sk := budgetShardSK(grp.base, i)
		if !g.exists[i] {
			if target == 0 {
				tx.add(grp.kind, types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{TableName: &s.table,
					Key: pkSK(budgetPK(org), sk), ConditionExpression: aws.String("attribute_not_exists(PK)")}})
				continue
			}
			tx.update(grp.kind, budgetPK(org), sk, "SET #t = :type, loadMin = :load, usedMin = :zero", "attribute_not_exists(PK)",
				map[string]string{"#t": "type"}, map[string]types.AttributeValue{":type": strAttr(string(typeBudget)),
					":load": num(int64(target)), ":zero": num(0)})
			continue
		}
		cond, values := "usedMin = :used AND attribute_not_exists(loadMin)", map[string]types.AttributeValue{
			":used": num(int64(g.used[i])), ":load": num(int64(target))}
		if g.loads[i] != nil {
			cond = "usedMin = :used AND loadMin = :was"
			values[":was"] = num(int64(*g.loads[i]))
		}
		tx.update(grp.kind, budgetPK(org), sk, "SET loadMin = :load", cond, nil, values)
	}
	legacy := "attribute_not_exists(PK)"
	var values map[string]types.AttributeValue
	if g.hasLegacy {
		legacy, values = "usedMin = :used", map[string]types.AttributeValue{":used": num(int64(g.legacy))}
	}
	tx.add(grp.kind, types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{TableName: &s.table,
		Key: pkSK(budgetPK(org), grp.base), ConditionExpression: aws.String(legacy), ExpressionAttributeValues: values}})
	failed, err := s.commit(ctx, tx, "")
	switch {
	case failed != nil && failed.kind == kindRules:
		return nil, &tandem.Error{Code: tandem.EConflict, Message: explanations[kindRules].message, Err: ErrRulesChanged}
	case failed != nil || errors.Is(err, ErrContended):
		return nil, nil
	case err != nil:
		return nil, err
	}
	for i := range budgetShards {
		after.exists[i] = after.exists[i] || after.load[i] != 0
		after.loads[i] = &after.load[i]
	}
	return &after, nil
}

// planRounds bounds how often a booking reads its groups again because other bookings took
// the headroom it planned on, or changed a group it meant to rebalance.
const planRounds = 8

// planDraw plans d's parts on every capped group from the groups as they are: the true
// refusal when cap − Σ used does not cover the draw; else parts over the shards with
// headroom, after a rebalance if the group is unsound or its headroom too scattered.
func (s *Store) planDraw(ctx context.Context, org string, d *budgetDraw, guard *BookingRules) error {
	for gi, grp := range d.groups() {
		if grp.capMin == 0 {
			continue
		}
		d.parts[gi] = nil
		for round := 0; d.parts[gi] == nil; round++ {
			if round == planRounds {
				return &tandem.Error{Code: tandem.EConflict, Message: "Another change to this time is in progress; please retry.", Err: ErrContended}
			}
			g, err := s.readGroup(ctx, org, grp.base)
			if err != nil {
				return err
			}
			if grp.capMin-g.usedTotal() < d.minutes {
				return explain(&failure{kind: grp.kind})
			}
			home := homeShard(d.bookingID, shardCount(grp.capMin))
			if g.sound(grp.capMin) {
				if parts, ok := g.split(grp.capMin, d.minutes, home); ok {
					d.parts[gi] = parts
					break
				}
			}
			if g, err = s.rebalance(ctx, org, grp, g, guard); err != nil {
				return err
			}
			if g != nil {
				if parts, ok := g.split(grp.capMin, d.minutes, home); ok {
					d.parts[gi] = parts
				}
			}
		}
	}
	return nil
}

// commitDrawing runs a booking's transaction (run builds and commits attempt n with r as it
// is) and, when a budget shard refused it, plans the draw from the groups as they are and
// runs it again. A draw whose home shard's share is too small is planned before the first.
func (s *Store) commitDrawing(ctx context.Context, r *BookRequest, run func(n int) (*failure, error)) (*failure, error) {
	draw := drawFor(r.Booking, r.Budget, r.budgetParts)
	if draw != nil {
		if err := draw.tooBig(); err != nil {
			return nil, err
		}
		if draw.homeShort() {
			if err := s.planDraw(ctx, r.Booking.OrgID, draw, r.Rules); err != nil {
				return nil, err
			}
			r.budgetParts = draw.parts
		}
	}
	for n := 0; ; n++ {
		failed, err := run(n)
		if failed == nil || draw == nil || (failed.kind != kindBudgetOrg && failed.kind != kindBudgetDepartment) {
			return failed, err
		}
		// Planned again even after the last round: a group that has no room left answers the
		// true refusal; one that still has room but kept being taken answers "retry".
		if err := s.planDraw(ctx, r.Booking.OrgID, draw, r.Rules); err != nil {
			return nil, err
		}
		if n == planRounds {
			return nil, &tandem.Error{Code: tandem.EConflict, Message: "Another change to this time is in progress; please retry.", Err: ErrContended}
		}
		r.budgetParts = draw.parts
	}
}

// RebalanceBudget makes every capped group of budget's current and later periods sound for
// its cap (PutSettings runs it after saving; run it once per org to fold usage from before
// the shards into them). It returns how many groups it rebalanced.
func (s *Store) RebalanceBudget(ctx context.Context, org string, budget *tandem.Budget) (_ int, err error) {
	defer tandem.Wrap(&err, "Store.RebalanceBudget")
	if budget == nil {
		return 0, nil
	}
	from := budget.PeriodOf(s.now())
	bases := map[string]bool{}
	p := dynamodb.NewQueryPaginator(s.client, &dynamodb.QueryInput{TableName: &s.table,
		KeyConditionExpression: aws.String("PK = :pk AND SK >= :from"), ProjectionExpression: aws.String("SK"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": strAttr(budgetPK(org)), ":from": strAttr(from + "#")}})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return 0, translate(err, "")
		}
		for _, raw := range page.Items {
			var it budgetUsageItem
			if err := attributevalue.UnmarshalMap(raw, &it); err != nil {
				return 0, err
			}
			base, _ := splitShardSK(it.SK)
			if period, _, _ := strings.Cut(base, "#"); periodKind(period) == periodKind(from) {
				bases[base] = true // a period of the budget's kind, not one from before HR changed it
			}
		}
	}
	done := 0
	for base := range bases {
		grp := budgetGroup{kind: kindBudgetOrg, base: base, capMin: budget.OrgHours * 60}
		if _, dept, ok := strings.Cut(base, "#DEPT#"); ok {
			grp = budgetGroup{kind: kindBudgetDepartment, base: base, capMin: budget.DepartmentHours[dept] * 60}
		}
		if grp.capMin == 0 {
			continue
		}
		for round := 0; ; round++ {
			g, err := s.readGroup(ctx, org, base)
			if err != nil {
				return done, err
			}
			if g.sound(grp.capMin) {
				break
			}
			if round == 4*planRounds {
				return done, &tandem.Error{Code: tandem.EConflict, Message: "The budget is too busy to change now; please retry.", Err: ErrContended}
			}
			if g, err = s.rebalance(ctx, org, grp, g, nil); err != nil {
				return done, err
			}
			if g != nil {
				done++
				break
			}
			if err := s.backoff(ctx, min(round+1, 4)); err != nil {
				return done, err
			}
		}
	}
	return done, nil
}

// periodKind tells "2027" (a year), "2027-Q1" (a quarter) and "2027-03" (a month) apart.
func periodKind(p string) string {
	switch {
	case len(p) == 4:
		return "year"
	case len(p) == 7 && p[5] == 'Q':
		return "quarter"
	}
	return "month"
}

// LoadBudgetUsage reads the usage counters of the periods (one Query over the org's budget
// partition, bounded by the first and last period) and sums each group's shards: periods ×
// (1 + departments) groups of at most 17 items, whatever the number of bookings. Periods
// without usage are returned with zeros.
func (s *Store) LoadBudgetUsage(ctx context.Context, org string, periods []string) (_ []analytics.BudgetUsage, err error) {
	defer tandem.Wrap(&err, "Store.LoadBudgetUsage")
	out := make([]analytics.BudgetUsage, len(periods))
	index := map[string]int{}
	for i, p := range periods {
		out[i] = analytics.BudgetUsage{Period: p, Departments: map[string]int{}}
		index[p] = i
	}
	if len(periods) == 0 {
		return out, nil
	}
	err = s.eachBudgetItem(ctx, org, periods[0]+"#", periods[len(periods)-1]+"#~", false, func(it *budgetUsageItem) {
		base, _ := splitShardSK(it.SK)
		period, rest, _ := strings.Cut(base, "#")
		i, ok := index[period]
		if !ok {
			return // a period of another kind (the budget's period changed) or between ours
		}
		if dept, ok := strings.CutPrefix(rest, "DEPT#"); ok {
			out[i].Departments[dept] += it.UsedMin
		} else if rest == "ORG" {
			out[i].OrgMin += it.UsedMin
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ImportBudgetUsage adds bulk-imported history's draws (minutes by period, org-wide and by
// department) to the groups' unsharded counters once: a marker item guards it, as ApplyStep's
// do, so importing the same batch again changes nothing. One transaction per period (one item
// per group, not sixteen: the 100-item limit). Then the groups of the org's budget's current
// and later periods are rebalanced, which folds the imported minutes into the shards' loads.
func (s *Store) ImportBudgetUsage(ctx context.Context, org, batch string, usage []analytics.BudgetUsage) (err error) {
	defer tandem.Wrap(&err, "Store.ImportBudgetUsage(%q)", batch)
	for _, u := range usage {
		tx := newTx(s.table)
		if err := tx.put(kindMarker, toAggMarkerItem(aggMarkPK(org, "BUDGET#"+batch+"#"+u.Period), time.Time{}, ""),
			"attribute_not_exists(PK)", nil); err != nil {
			return err
		}
		add := func(sk string, m int) {
			tx.update(kindCounter, budgetPK(org), sk, "SET #t = :type ADD usedMin :m", "", map[string]string{"#t": "type"},
				map[string]types.AttributeValue{":m": num(int64(m)), ":type": strAttr(string(typeBudget))})
		}
		add(budgetOrgSK(u.Period), u.OrgMin)
		for dept, m := range u.Departments {
			add(budgetDeptSK(u.Period, dept), m)
		}
		if len(tx.items) > 100 {
			return tandem.Errorf(tandem.EInvalid, "too many departments to import at once")
		}
		failed, err := s.commit(ctx, tx, "")
		if failed != nil && failed.kind == kindMarker {
			continue // imported before
		}
		if err != nil {
			return err
		}
	}
	settings, err := s.GetSettings(ctx, org)
	if err != nil {
		return err
	}
	_, err = s.RebalanceBudget(ctx, org, settings.Budget)
	return err
}

// Hot items. In DynamoDB two transactions on one item at the same time cancel one another
// (TransactionConflict). With a budget set, every booking of an org draws on its budget
// groups, which is why their usage is sharded (above); every seat and waitlist place of a
// circle still updates its busy entry, so a crowd opening a circle collides on it (README,
// "Scale"). commit's own 5 tries span 0.1–0.2 s; commitPatient, used by Book and BookSeat,
// runs the same transaction again for up to rounds more rounds after exponentially growing,
// jittered pauses, as AWS advises for TransactionConflict, before answering the conflict. A
// booking rarely needs more than one round now. A circle's seats collide on its busy entry
// when it opens to a crowd: BookSeat reads the circle between rounds instead
// (circleContentionRounds), and the waitlist does not collide (circles.go).

// contentionRounds is how many more times commitPatient runs a booking's transaction that kept
// colliding: with pauses up to 20 ms × 2^(n−1) (at most 1.28 s), about 2.5 s in all at worst.
const contentionRounds = 7

// circleContentionRounds is contentionRounds for the collisions of a circle's seats
// (BookSeat): 14 rounds with pauses up to 160 ms, each followed by a read of the circle; the
// function's timeout (10 s) comes first only on a machine far slower than DynamoDB
// (backoff keeps deadlineMargin to answer).
const circleContentionRounds = 14

// commitPatient is commit, run again for up to rounds more rounds while the transaction only
// collided with concurrent ones (ErrContended). Each round has its own ClientRequestToken
// (derived from token).
func (s *Store) commitPatient(ctx context.Context, tx *txBuilder, token string, rounds int) (*failure, error) {
	for round := 0; ; round++ {
		t := token
		if t != "" && round > 0 {
			t = requestToken(token, "round", strconv.Itoa(round))
		}
		failed, err := s.commit(ctx, tx, t)
		if failed != nil || !errors.Is(err, ErrContended) || round == rounds {
			return failed, err
		}
		if err := s.backoff(ctx, round+1); err != nil {
			return nil, err
		}
	}
}

// backoff waits before contention round n (1, 2, ...): a random time up to 20 ms × 2^(n−1),
// at most 1.28 s ("full jitter"), with the store's Pause. A wait that would end less than
// deadlineMargin before ctx's deadline (the function's timeout) is not taken: the conflict is
// answered ("please retry") while there is time to answer it.
func (s *Store) backoff(ctx context.Context, n int) error {
	d := time.Duration(rand.Int64N(int64(20*time.Millisecond)<<min(n-1, 6))) + time.Millisecond
	if end, ok := ctx.Deadline(); ok && time.Until(end) < d+deadlineMargin {
		return &tandem.Error{Code: tandem.EConflict, Message: "Another change to this time is in progress; please retry.", Err: ErrContended}
	}
	return s.pause(ctx, d)
}

// deadlineMargin is the time kept to answer a request after its last try (backoff).
const deadlineMargin = time.Second
