package httpapi

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/analytics"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/tandem"
	"golang.org/x/sync/errgroup"
)

// Reports read only the aggregates the stream consumer keeps: one Query per month of the
// range (in parallel), whatever the number of bookings behind them.
const (
	maxReportMonths = 24
	minGroupSize    = 3 // smaller groups are suppressed (README "Design rules", HR metrics)
)

type reportsAPI struct {
	store *dynamo.Store
	now   func() time.Time
}

func (a reportsAPI) register(rt *Router) {
	rt.handle("GET /v1/reports/utilization", a.utilization)
	rt.handle("GET /v1/reports/connections", a.connections)
}

// monthRange parses from/to (YYYY-MM, inclusive; default: the last three months).
func monthRange(r *http.Request, now time.Time) ([]string, error) {
	q := r.URL.Query()
	var v tandem.Validation
	to := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	from := to.AddDate(0, -2, 0)
	parse := func(field string, into *time.Time) {
		if s := q.Get(field); s != "" {
			t, err := time.Parse("2006-01", s)
			v.Check(err == nil, field, "must be a month, YYYY-MM")
			if err == nil {
				*into = t
			}
		}
	}
	parse("from", &from)
	parse("to", &to)
	if err := v.Err(); err != nil {
		return nil, err
	}
	v.Check(!to.Before(from), "to", "must not be before from")
	n := (to.Year()-from.Year())*12 + int(to.Month()-from.Month()) + 1
	v.Check(n <= maxReportMonths, "to", "must be at most %d months after from", maxReportMonths-1)
	if err := v.Err(); err != nil {
		return nil, err
	}
	months := make([]string, 0, n)
	for m := from; !m.After(to); m = m.AddDate(0, 1, 0) {
		months = append(months, m.Format("2006-01"))
	}
	return months, nil
}

// utilization: GET /v1/reports/utilization?from=&to=&groupBy=month|department|expert
// [&format=csv] (HR of the caller's org only).
func (a reportsAPI) utilization(w http.ResponseWriter, r *http.Request, c Caller) error {
	if err := c.Require(tandem.RoleHR); err != nil {
		return err
	}
	months, err := monthRange(r, a.now())
	if err != nil {
		return err
	}
	q := r.URL.Query()
	groupBy := q.Get("groupBy")
	if groupBy == "" {
		groupBy = analytics.ByMonth
	}
	format := q.Get("format")
	if format == "" && strings.Contains(r.Header.Get("Accept"), "text/csv") {
		format = "csv"
	}
	if format != "" && format != "csv" && format != "json" {
		return &tandem.Error{Code: tandem.EInvalid, Message: "Unknown format.",
			Fields: []tandem.FieldError{{Field: "format", Message: `must be "json" or "csv"`}}}
	}
	var (
		settings tandem.OrgSettings
		groups   []analytics.MonthGroup
		broken   int
	)
	g, gctx := errgroup.WithContext(r.Context())
	g.Go(func() (err error) { settings, err = a.store.GetSettings(gctx, c.OrgID); return err })
	if format != "csv" {
		g.Go(func() (err error) { broken, err = a.store.CalendarBrokenUsers(gctx, c.OrgID); return err })
	}
	g.Go(func() (err error) { groups, _, err = a.store.LoadAggregates(gctx, c.OrgID, months); return err })
	if err := g.Wait(); err != nil {
		return err
	}
	rows, err := analytics.Report(groups, groupBy, minGroupSize)
	if err != nil {
		return err
	}
	if err := a.nameExperts(r.Context(), c.OrgID, rows); err != nil {
		return err
	}
	total := analytics.Total(groups, minGroupSize)
	budget, err := a.budget(r, c, settings.Budget, months, groups)
	if err != nil {
		return err
	}
	budget.Apply(&total, rows, groupBy)
	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="tandem-utilization-`+months[0]+`-`+months[len(months)-1]+`-`+groupBy+`.csv"`)
		w.WriteHeader(http.StatusOK)
		return analytics.WriteCSV(w, rows)
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"from": months[0], "to": months[len(months)-1], "groupBy": groupBy,
		"total": total, "rows": rows, "budget": budget, "expertsWithBrokenCalendar": broken,
	})
	return nil
}

// nameExperts names the expert rows whose aggregates carry no name (an expert with only
// offered hours in the range: those are aggregated from the schedule, which has no name), so
// HR never sees a raw id: one GetItem per such expert, in parallel. Rows of experts with
// sessions are named by the aggregates and cost nothing.
func (a reportsAPI) nameExperts(ctx context.Context, org string, rows []analytics.Row) error {
	g, gctx := errgroup.WithContext(ctx)
	for i := range rows {
		row := &rows[i]
		if row.Group.Kind != analytics.KindExpert || row.Group.Name != "" {
			continue
		}
		g.Go(func() error {
			u, err := a.store.GetUser(gctx, org, row.Group.Key)
			if tandem.ErrorCode(err) == tandem.ENotFound {
				return nil // no record: the id stays the only name there is
			}
			if err != nil {
				return err
			}
			row.Group.Name = u.Name
			return nil
		})
	}
	return g.Wait()
}

// budget reads the usage of the budget periods the months touch (one Query, only when the
// org has a budget) and sums it against the caps. Departments the by-department report
// does not show (suppressed or absent) have their used hours withheld.
func (a reportsAPI) budget(r *http.Request, c Caller, budget *tandem.Budget, months []string, groups []analytics.MonthGroup) (*analytics.BudgetSummary, error) {
	if budget == nil {
		return nil, nil
	}
	usage, err := a.store.LoadBudgetUsage(r.Context(), c.OrgID, budget.PeriodsOf(months))
	if err != nil {
		return nil, err
	}
	byDept, err := analytics.Report(groups, analytics.ByDepartment, minGroupSize)
	if err != nil {
		return nil, err
	}
	shown := map[string]bool{}
	for _, row := range byDept {
		shown[row.Group.Key] = !row.Suppressed
	}
	return analytics.SummarizeBudget(budget, usage, shown), nil
}

// connections: GET /v1/reports/connections?from=&to= — the department graph of completed
// sessions, E-I index, density and new ties, and the peer ties of published cohorts (HR only).
func (a reportsAPI) connections(w http.ResponseWriter, r *http.Request, c Caller) error {
	if err := c.Require(tandem.RoleHR); err != nil {
		return err
	}
	months, err := monthRange(r, a.now())
	if err != nil {
		return err
	}
	groups, edges, err := a.store.LoadAggregates(r.Context(), c.OrgID, months)
	if err != nil {
		return err
	}
	var ties int64
	seen := map[string]bool{}
	var nodes []string
	for _, g := range groups {
		switch g.Group.Kind {
		case analytics.KindOrg:
			ties += g.Counts.NewTies
		case analytics.KindDepartment:
			if !seen[g.Group.Key] {
				seen[g.Group.Key] = true
				nodes = append(nodes, g.Group.Key)
			}
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"from": months[0], "to": months[len(months)-1],
		"graph": analytics.Connections(edges, ties, nodes, minGroupSize).WithCohorts(groups, edges, minGroupSize)})
	return nil
}
