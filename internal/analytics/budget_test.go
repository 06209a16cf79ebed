package analytics

import (
	"testing"

	"github.com/tandemhq/tandem/internal/tandem"
)

func TestSummarizeBudget(t *testing.T) {
	budget := &tandem.Budget{Period: tandem.BudgetMonthly, OrgHours: 10, DepartmentHours: map[string]int{"Sales": 4, "Legal": 2}}
	usage := []BudgetUsage{
		{Period: "2027-02", OrgMin: 300, Departments: map[string]int{"Sales": 120, "Product": 180}},
		{Period: "2027-03", OrgMin: 90, Departments: map[string]int{"Sales": 30, "Legal": 60}},
	}
	s := SummarizeBudget(budget, usage, map[string]bool{"Sales": true, "Product": true})
	if *s.Org.AllottedHours != 20 || *s.Org.UsedHours != 6.5 || *s.Org.UsedShare != 0.325 {
		t.Errorf("org line %+v, want 6.5 of 20 hours", s.Org)
	}
	want := []struct {
		dept     string
		allotted float64 // 0: none
		used     float64 // -1: withheld
	}{{"Legal", 4, -1}, {"Product", 0, 3}, {"Sales", 8, 2.5}}
	if len(s.Departments) != len(want) {
		t.Fatalf("lines %+v", s.Departments)
	}
	for i, w := range want {
		l := s.Departments[i]
		if l.Department != w.dept || (w.allotted == 0) != (l.AllottedHours == nil) || (l.AllottedHours != nil && *l.AllottedHours != w.allotted) {
			t.Errorf("line %d = %+v, want %s with %v allotted", i, l, w.dept, w.allotted)
		}
		if w.used < 0 && (!l.Withheld || l.UsedHours != nil || l.UsedShare != nil) {
			t.Errorf("%s: %+v, want used hours withheld (not shown in the report)", w.dept, l)
		}
		if w.used >= 0 && (l.Withheld || *l.UsedHours != w.used) {
			t.Errorf("%s: %+v, want %v used", w.dept, l, w.used)
		}
	}
	// Month rows get their own month's figures with a monthly budget.
	rows := []Row{{Month: "2027-02"}, {Month: "2027-03"}}
	var total Row
	s.Apply(&total, rows, ByMonth)
	if *total.Metrics.BudgetHours != 20 || *rows[0].Metrics.BudgetUsedHours != 5 || *rows[1].Metrics.BudgetUsedShare != 0.15 {
		t.Errorf("applied: total %v, rows %v / %v", total.Metrics.BudgetHours, rows[0].Metrics.BudgetUsedHours, rows[1].Metrics.BudgetUsedShare)
	}
	if SummarizeBudget(nil, usage, nil) != nil {
		t.Error("no budget, no summary")
	}
}
