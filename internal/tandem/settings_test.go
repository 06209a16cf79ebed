package tandem

import (
	"slices"
	"testing"
	"time"
)

func TestBudgetPeriods(t *testing.T) {
	at := time.Date(2027, 1, 1, 0, 30, 0, 0, time.FixedZone("UTC+1", 3600)) // 31 Dec 2026 23:30 UTC
	for period, want := range map[BudgetPeriod]string{BudgetMonthly: "2026-12", BudgetQuarterly: "2026-Q4", BudgetYearly: "2026"} {
		if got := (&Budget{Period: period}).PeriodOf(at); got != want {
			t.Errorf("%s: PeriodOf = %q, want %q (periods are UTC)", period, got, want)
		}
	}
	months := []string{"2026-11", "2026-12", "2027-01", "2027-02", "2027-03", "2027-04"}
	for period, want := range map[BudgetPeriod][]string{
		BudgetMonthly:   months,
		BudgetQuarterly: {"2026-Q4", "2027-Q1", "2027-Q2"},
		BudgetYearly:    {"2026", "2027"},
	} {
		if got := (&Budget{Period: period}).PeriodsOf(months); !slices.Equal(got, want) {
			t.Errorf("%s: PeriodsOf = %v, want %v", period, got, want)
		}
	}
	b := &Budget{Period: BudgetQuarterly, OrgHours: 100, DepartmentHours: map[string]int{"Sales": 20}}
	if org, dept := b.CapMinutes("Sales"); org != 6000 || dept != 1200 {
		t.Errorf("caps for Sales = %d, %d", org, dept)
	}
	if _, dept := b.CapMinutes("Finance"); dept != 0 {
		t.Errorf("an unlisted department is not capped, got %d", dept)
	}
}
