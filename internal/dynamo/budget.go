package dynamo

import (
	"context"
	"errors"
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

// Budget usage lives in one partition per org: an item per period for the whole org
// ("2027-Q1#ORG") and one per period and learner department ("2027-Q1#DEPT#Sales"), each
// with usedMin. Bookings add to them inside the booking transaction, conditioned on the cap,
// so two bookings can never both take the last hour; refunds subtract in the transaction
// that ends the booking.

// budgetUsageItem is one usage counter. Bookings change it with ADD in their transactions
// (drawCounter, refundBudget); it is read whole for the reports.
type budgetUsageItem struct {
	PK      string   `dynamodbav:"PK"`
	SK      string   `dynamodbav:"SK"`
	Type    itemType `dynamodbav:"type"`
	UsedMin int      `dynamodbav:"usedMin"`
}

// budgetDraw is what one booking takes from its org's budget.
type budgetDraw struct {
	period, department string
	minutes            int
	orgCap, deptCap    int // minutes per period; 0: not capped
}

// drawFor is booking b's draw on budget, or nil when the org has no budget.
func drawFor(b *tandem.Booking, budget *tandem.Budget) *budgetDraw {
	if budget == nil {
		return nil
	}
	orgCap, deptCap := budget.CapMinutes(b.Learner.Department)
	return &budgetDraw{period: budget.PeriodOf(b.Start), department: b.Learner.Department,
		minutes: b.SessionType.DurationMin, orgCap: orgCap, deptCap: deptCap}
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

// record notes the draw on the booking item, so a refund gives back exactly what was
// taken even if HR changes the budget in between.
func (d *budgetDraw) record(it *bookingItem) {
	it.BudgetPeriod, it.BudgetDepartment, it.BudgetMin = d.period, d.department, d.minutes
}

// drawBudget adds the draw's counter updates to tx: the org's and the department's.
func (t *txBuilder) drawBudget(org string, d *budgetDraw) {
	t.drawCounter(kindBudgetOrg, budgetPK(org), budgetOrgSK(d.period), d.minutes, d.orgCap)
	if d.department != "" {
		t.drawCounter(kindBudgetDepartment, budgetPK(org), budgetDeptSK(d.period, d.department), d.minutes, d.deptCap)
	}
}

// drawCounter adds minutes to a usage counter; with a cap, only while it still fits.
// Condition expressions cannot add, so the room left is computed here: used ≤ cap − minutes.
func (t *txBuilder) drawCounter(kind txKind, pk, sk string, minutes, capMin int) {
	values := map[string]types.AttributeValue{":m": num(int64(minutes)), ":type": strAttr(string(typeBudget))}
	cond := ""
	if capMin > 0 {
		cond = "attribute_not_exists(usedMin) OR usedMin <= :room"
		values[":room"] = num(int64(capMin - minutes))
	}
	t.update(kind, pk, sk, "SET #t = :type ADD usedMin :m", cond, map[string]string{"#t": "type"}, values)
}

// refundBudget gives back what the booking item recorded as drawn.
func (t *txBuilder) refundBudget(it *bookingItem) {
	if it.BudgetMin == 0 {
		return
	}
	minus := map[string]types.AttributeValue{":minus": num(int64(-it.BudgetMin))}
	t.update(kindCounter, budgetPK(it.Org), budgetOrgSK(it.BudgetPeriod), "ADD usedMin :minus", "", nil, minus)
	if it.BudgetDepartment != "" {
		t.update(kindCounter, budgetPK(it.Org), budgetDeptSK(it.BudgetPeriod, it.BudgetDepartment), "ADD usedMin :minus", "", nil, minus)
	}
}

// LoadBudgetUsage reads the usage counters of the periods (one Query over the org's budget
// partition, bounded by the first and last period): periods × (1 + departments) items,
// whatever the number of bookings. Periods without usage are returned with zeros.
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
	p := dynamodb.NewQueryPaginator(s.client, &dynamodb.QueryInput{TableName: &s.table,
		KeyConditionExpression: aws.String("PK = :pk AND SK BETWEEN :lo AND :hi"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": strAttr(budgetPK(org)),
			":lo": strAttr(periods[0] + "#"), ":hi": strAttr(periods[len(periods)-1] + "#~")}})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, translate(err, "")
		}
		for _, raw := range page.Items {
			var it budgetUsageItem
			if err := attributevalue.UnmarshalMap(raw, &it); err != nil {
				return nil, err
			}
			period, rest, _ := strings.Cut(it.SK, "#")
			i, ok := index[period]
			if !ok {
				continue // a period of another kind (the budget's period changed) or between ours
			}
			if dept, ok := strings.CutPrefix(rest, "DEPT#"); ok {
				out[i].Departments[dept] = it.UsedMin
			} else if rest == "ORG" {
				out[i].OrgMin = it.UsedMin
			}
		}
	}
	return out, nil
}

// ImportBudgetUsage adds bulk-imported history's draws (minutes by period, org-wide and by
// department) to the usage counters once: a marker item guards it, as ApplyStep's do, so
// importing the same batch again changes nothing. One transaction per period.
func (s *Store) ImportBudgetUsage(ctx context.Context, org, batch string, usage []analytics.BudgetUsage) (err error) {
	defer tandem.Wrap(&err, "Store.ImportBudgetUsage(%q)", batch)
	for _, u := range usage {
		tx := newTx(s.table)
		if err := tx.put(kindMarker, toAggMarkerItem(aggMarkPK(org, "BUDGET#"+batch+"#"+u.Period), time.Time{}, ""),
			"attribute_not_exists(PK)", nil); err != nil {
			return err
		}
		tx.drawCounter(kindCounter, budgetPK(org), budgetOrgSK(u.Period), u.OrgMin, 0)
		for dept, m := range u.Departments {
			tx.drawCounter(kindCounter, budgetPK(org), budgetDeptSK(u.Period, dept), m, 0)
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
	return nil
}

// Hot items. With a budget set, every booking of the org updates the same usage counters, and
// every seat and waitlist place of a circle its busy entry; in DynamoDB two transactions on
// one item at the same time cancel one another (TransactionConflict), so at a Monday
// morning's rate most first attempts collide (README, "Scale"). commit's own 5 tries span
// 0.1–0.2 s; commitPatient, used by Book and BookSeat, runs the same transaction again for
// up to contentionRounds more rounds after exponentially growing, jittered pauses, as AWS
// advises for TransactionConflict, before answering the conflict.

// contentionRounds is how many more times commitPatient runs a transaction that kept
// colliding: with pauses up to 20 ms × 2^(n−1) (at most 1.28 s), about 2.5 s in all at worst.
const contentionRounds = 7

// commitPatient is commit, run again while the transaction only collided with concurrent ones
// (ErrContended). Each round has its own ClientRequestToken (derived from token).
func (s *Store) commitPatient(ctx context.Context, tx *txBuilder, token string) (*failure, error) {
	for round := 0; ; round++ {
		t := token
		if t != "" && round > 0 {
			t = requestToken(token, "round", strconv.Itoa(round))
		}
		failed, err := s.commit(ctx, tx, t)
		if failed != nil || !errors.Is(err, ErrContended) || round == contentionRounds {
			return failed, err
		}
		if err := s.backoff(ctx, round+1); err != nil {
			return nil, err
		}
	}
}

// backoff waits before contention round n (1, 2, ...): a random time up to 20 ms × 2^(n−1),
// at most 1.28 s ("full jitter"), with the store's Pause.
func (s *Store) backoff(ctx context.Context, n int) error {
	return s.pause(ctx, time.Duration(rand.Int64N(int64(20*time.Millisecond)<<min(n-1, 6)))+time.Millisecond)
}
