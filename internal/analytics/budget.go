package analytics

import (
	"slices"

	"github.com/tandemhq/tandem/internal/tandem"
)

// BudgetUsage is the minutes drawn on an org's coaching budget in one budget period,
// org-wide and by learner department, as the booking transactions keep them.
type BudgetUsage struct {
	Period      string
	OrgMin      int
	Departments map[string]int
}

// BudgetLine is allotted against used hours over a report's budget periods. AllottedHours
// is null for a line without a cap; UsedHours is null when withheld for privacy.
type BudgetLine struct {
	Department    string   `json:"department,omitempty"`
	AllottedHours *float64 `json:"allottedHours"`
	UsedHours     *float64 `json:"usedHours"`
	UsedShare     *float64 `json:"usedShare"`
	Withheld      bool     `json:"withheld,omitempty"`
}

// BudgetSummary is the budget section of a utilization report: the whole budget periods
// the report's months touch (a report from October to March with a quarterly budget covers
// Q4 and Q1), the org's line and one line per department that has a cap or used hours.
type BudgetSummary struct {
	Period      tandem.BudgetPeriod `json:"period"`
	Periods     []string            `json:"periods"`
	Org         BudgetLine          `json:"org"`
	Departments []BudgetLine        `json:"departments"`

	budget *tandem.Budget
	usage  []BudgetUsage
}

// SummarizeBudget adds up usage over the periods against budget's caps. A department with
// used hours that is not in shown (the departments the same report shows, unsuppressed:
// at least minGroup people behind them) keeps its cap but has its used hours withheld, since
// they could reveal one person's coaching.
func SummarizeBudget(budget *tandem.Budget, usage []BudgetUsage, shown map[string]bool) *BudgetSummary {
	if budget == nil {
		return nil
	}
	n := float64(len(usage))
	s := &BudgetSummary{Period: budget.Period, Periods: []string{}, Departments: []BudgetLine{}, budget: budget, usage: usage}
	var orgMin int
	deptMin := map[string]int{}
	for _, u := range usage {
		s.Periods = append(s.Periods, u.Period)
		orgMin += u.OrgMin
		for d, m := range u.Departments {
			deptMin[d] += m
		}
	}
	s.Org = budgetLine("", float64(budget.OrgHours)*n, orgMin)
	var depts []string
	for d := range budget.DepartmentHours {
		depts = append(depts, d)
	}
	for d := range deptMin {
		if _, capped := budget.DepartmentHours[d]; !capped {
			depts = append(depts, d)
		}
	}
	slices.Sort(depts)
	for _, d := range depts {
		line := budgetLine(d, float64(budget.DepartmentHours[d])*n, deptMin[d])
		if deptMin[d] > 0 && !shown[d] {
			line.UsedHours, line.UsedShare, line.Withheld = nil, nil, true
		}
		s.Departments = append(s.Departments, line)
	}
	return s
}

func budgetLine(department string, allottedHours float64, usedMin int) BudgetLine {
	line := BudgetLine{Department: department, UsedHours: ptr(round(float64(usedMin)/60, 2))}
	if allottedHours > 0 {
		line.AllottedHours = ptr(round(allottedHours, 2))
		line.UsedShare = ptr(round(float64(usedMin)/60/allottedHours, 4))
	}
	return line
}

// Apply puts the summary's figures on the report's rows, so the CSV carries them too: the
// org line on the total, department lines on department rows (capped, shown ones only), and
// with a monthly budget each month's own figures on month rows.
func (s *BudgetSummary) Apply(total *Row, rows []Row, groupBy string) {
	if s == nil {
		return
	}
	budget, usage := s.budget, s.usage
	if s.Org.AllottedHours != nil {
		WithBudget(*s.Org.AllottedHours, *s.Org.UsedHours)(&total.Metrics)
	}
	switch groupBy {
	case ByDepartment:
		lines := map[string]BudgetLine{}
		for _, l := range s.Departments {
			lines[l.Department] = l
		}
		for i := range rows {
			if l, ok := lines[rows[i].Group.Key]; ok && !rows[i].Suppressed && !l.Withheld && l.AllottedHours != nil {
				WithBudget(*l.AllottedHours, *l.UsedHours)(&rows[i].Metrics)
			}
		}
	case ByMonth:
		if budget.Period != tandem.BudgetMonthly || budget.OrgHours == 0 {
			return
		}
		used := map[string]int{}
		for _, u := range usage {
			used[u.Period] = u.OrgMin
		}
		for i := range rows {
			if !rows[i].Suppressed {
				WithBudget(float64(budget.OrgHours), float64(used[rows[i].Month])/60)(&rows[i].Metrics)
			}
		}
	}
}
