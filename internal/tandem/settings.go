package tandem

import (
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// MatchingWeights are an org's weights for the matching signals (see internal/matching,
// whose Weights has the same fields and converts directly).
type MatchingWeights struct {
	Topic      float64 `json:"topic"`
	Capacity   float64 `json:"capacity"`
	Language   float64 `json:"language"`
	Timezone   float64 `json:"timezone"`
	Rating     float64 `json:"rating"`
	Load       float64 `json:"load"`
	Connection float64 `json:"connection"`
}

// OrgSettings are the knobs HR sets for an org. Zero values mean the defaults.
type OrgSettings struct {
	Matching          MatchingWeights `json:"matching"`
	LateCancelHours   int             `json:"lateCancelHours"`
	RequestExpiryDays int             `json:"requestExpiryDays"`
	// Budget is the org's coaching budget; null means none (bookings are not capped).
	Budget    *Budget   `json:"budget"`
	UpdatedAt time.Time `json:"updatedAt,omitzero"`
}

// Budget caps the coaching hours an org's learners can book per period, org-wide and per
// department (the learner's). A booking draws its session minutes from the period its start
// falls in (UTC), inside the booking transaction, so concurrent bookings can never overdraw
// it. A cancellation, a decline or a lapsed hold gives the minutes back; a learner's late
// cancellation does not (the expert's time was blocked). Usage is tracked for every
// department once a budget is set, capped or not, so HR sees used hours everywhere.
type Budget struct {
	Period BudgetPeriod `json:"period"`
	// OrgHours caps the whole org per period (0: no org-wide cap).
	OrgHours int `json:"orgHours"`
	// DepartmentHours caps departments per period; a department not listed is not capped.
	DepartmentHours map[string]int `json:"departmentHours,omitempty"`
}

// BudgetPeriod is how often a budget renews.
type BudgetPeriod string

const (
	BudgetMonthly   BudgetPeriod = "month"
	BudgetQuarterly BudgetPeriod = "quarter"
	BudgetYearly    BudgetPeriod = "year"
)

// Budget limits: generous, but they keep the settings item small.
const (
	MaxBudgetHours       = 1_000_000
	MaxBudgetDepartments = 200
)

// PeriodOf names the budget period that t falls in (UTC): "2027-03", "2027-Q1" or "2027".
func (b *Budget) PeriodOf(t time.Time) string {
	t = t.UTC()
	switch b.Period {
	case BudgetQuarterly:
		return fmt.Sprintf("%04d-Q%d", t.Year(), (int(t.Month())-1)/3+1)
	case BudgetYearly:
		return fmt.Sprintf("%04d", t.Year())
	default:
		return t.Format("2006-01")
	}
}

// PeriodsOf lists, in order and once each, the budget periods that the months (YYYY-MM)
// touch: a report for October to March with a quarterly budget covers Q4 and Q1 whole.
func (b *Budget) PeriodsOf(months []string) []string {
	var out []string
	for _, m := range months {
		t, err := time.Parse("2006-01", m)
		if err != nil {
			continue
		}
		if p := b.PeriodOf(t); len(out) == 0 || out[len(out)-1] != p {
			out = append(out, p)
		}
	}
	return out
}

// CapMinutes returns the org's cap and the learner department's cap in minutes for one
// period (0: not capped).
func (b *Budget) CapMinutes(department string) (org, dept int) {
	return b.OrgHours * 60, b.DepartmentHours[department] * 60
}

// Validate checks the budget's period and hours.
func (b *Budget) Validate(v *Validation) {
	v.Check(b.Period == BudgetMonthly || b.Period == BudgetQuarterly || b.Period == BudgetYearly,
		"budget.period", `must be "month", "quarter" or "year"`)
	v.Check(b.OrgHours >= 0 && b.OrgHours <= MaxBudgetHours, "budget.orgHours", "must be 0-%d hours (0: no org-wide cap)", MaxBudgetHours)
	v.Check(len(b.DepartmentHours) <= MaxBudgetDepartments, "budget.departmentHours", "must name at most %d departments", MaxBudgetDepartments)
	depts := make([]string, 0, len(b.DepartmentHours))
	for d := range b.DepartmentHours {
		depts = append(depts, d)
	}
	sort.Strings(depts) // field errors in a stable order
	for _, d := range depts {
		h := b.DepartmentHours[d]
		v.Check(strings.TrimSpace(d) == d && d != "" && utf8.RuneCountInString(d) <= 80 && TextProblem(d, false) == "",
			"budget.departmentHours", "department names must be 1-80 characters on one line, without surrounding spaces")
		v.Check(h >= 1 && h <= MaxBudgetHours, "budget.departmentHours."+d, "must be 1-%d hours", MaxBudgetHours)
	}
	v.Check(b.OrgHours > 0 || len(b.DepartmentHours) > 0, "budget", "needs an org-wide cap or at least one department cap (to have no budget, send null)")
}

// DefaultOrgSettings are an org's settings until HR changes them.
func DefaultOrgSettings() OrgSettings {
	return OrgSettings{
		Matching:        MatchingWeights{Topic: 0.30, Capacity: 0.20, Language: 0.10, Timezone: 0.10, Rating: 0.10, Load: 0.10, Connection: 0.10},
		LateCancelHours: int(DefaultLateCancel / time.Hour), RequestExpiryDays: 14,
	}
}

// LateCancelWindow is the policy window inside which a cancellation is late.
func (s OrgSettings) LateCancelWindow() time.Duration {
	if s.LateCancelHours <= 0 {
		return DefaultLateCancel
	}
	return time.Duration(s.LateCancelHours) * time.Hour
}

// RequestExpiry is how long a request looks for an expert.
func (s OrgSettings) RequestExpiry() time.Duration {
	if s.RequestExpiryDays <= 0 {
		return 14 * 24 * time.Hour
	}
	return time.Duration(s.RequestExpiryDays) * 24 * time.Hour
}

// Validate checks the policy fields (the weights are checked by internal/matching).
func (s *OrgSettings) Validate() error {
	var v Validation
	v.Check(s.LateCancelHours >= 0 && s.LateCancelHours <= 168, "lateCancelHours", "must be 0-168 hours")
	v.Check(s.RequestExpiryDays >= 0 && s.RequestExpiryDays <= 90, "requestExpiryDays", "must be 0-90 days")
	if s.Budget != nil {
		s.Budget.Validate(&v)
	}
	return v.Err()
}
