package analytics

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/tandem"
)

// Group kinds, as the aggregator writes them in Group.Kind.
const (
	KindOrg        = "org"
	KindDepartment = "department"
	KindExpert     = "expert"
)

// Report groupings.
const (
	ByMonth      = "month"
	ByDepartment = "department"
	ByExpert     = "expert"
)

// Names of the figures Row.Withheld can list (their JSON names).
const (
	FieldCSAT          = "csat"
	FieldNPS           = "nps"
	FieldAverageRating = "averageRating"
)

// Row is one line of a report. Month is empty when the report is not grouped by month. A
// suppressed row keeps Month and Group but its Metrics are zero (every ratio null); Withheld
// names the figures of a shown row nulled for privacy. The rules are in metrics.go.
type Row struct {
	Month            string   `json:"month,omitempty"`
	Group            Group    `json:"group"`
	Metrics          Metrics  `json:"metrics"`
	Suppressed       bool     `json:"suppressed"`
	SuppressedReason string   `json:"suppressedReason,omitempty"`
	Withheld         []string `json:"withheld,omitempty"`
}

// Report builds the rows of one grouping from the aggregates of a range of months:
//   - ByMonth: one row per month present, from the org group (Kind "org") of that month;
//   - ByDepartment, ByExpert: one row per department or expert, summed over the range, sorted
//     by name (case-insensitively) and then key.
//
// Rows of other kinds are ignored. Small groups are suppressed and small rating counts
// withheld, with minGroup people as the threshold (see metrics.go). It returns an EInvalid
// error for an unknown groupBy and an internal error for a month not shaped "2006-01".
func Report(groups []MonthGroup, groupBy string, minGroup int) ([]Row, error) {
	kind, ok := map[string]string{ByMonth: KindOrg, ByDepartment: KindDepartment, ByExpert: KindExpert}[groupBy]
	if !ok {
		return nil, &tandem.Error{Code: tandem.EInvalid, Message: "The report grouping is not supported.",
			Fields: []tandem.FieldError{{Field: "groupBy", Message: "must be month, department or expert"}}}
	}
	for _, g := range groups {
		if _, err := time.Parse("2006-01", g.Month); err != nil {
			return nil, fmt.Errorf("analytics.Report: group %s %q: bad month %q", g.Group.Kind, g.Group.Key, g.Month)
		}
	}
	if groupBy == ByMonth {
		return byMonth(groups, minGroup), nil
	}
	return byKey(groups, kind, minGroup), nil
}

// Total is the org row over the whole range of groups: never suppressed, with the rating
// figures withheld under minGroup answers like every shown row.
func Total(groups []MonthGroup, minGroup int) Row {
	row := Row{Group: Group{Kind: KindOrg}}
	var c Counts
	last := ""
	for _, g := range groups {
		if g.Group.Kind != KindOrg {
			continue
		}
		c = c.Add(g.Counts)
		if g.Month >= last {
			last, row.Group = g.Month, g.Group
		}
	}
	return shown(row, c, minGroup)
}

func byMonth(groups []MonthGroup, minGroup int) []Row {
	type acc struct {
		group  Group
		counts Counts
	}
	months := map[string]*acc{}
	for _, g := range groups {
		if g.Group.Kind != KindOrg {
			continue
		}
		a := months[g.Month]
		if a == nil {
			a = &acc{}
			months[g.Month] = a
		}
		a.group = g.Group
		a.counts = a.counts.Add(g.Counts)
	}
	rows := make([]Row, 0, len(months))
	for month, a := range months {
		rows = append(rows, shown(Row{Month: month, Group: a.group}, a.counts, minGroup))
	}
	slices.SortFunc(rows, func(a, b Row) int { return strings.Compare(a.Month, b.Month) })
	return rows
}

func byKey(groups []MonthGroup, kind string, minGroup int) []Row {
	type acc struct {
		group     Group
		lastMonth string // the group's name is taken from its latest month that has one
		counts    Counts
	}
	keys := map[string]*acc{}
	for _, g := range groups {
		if g.Group.Kind != kind {
			continue
		}
		a := keys[g.Group.Key]
		if a == nil {
			a = &acc{}
			keys[g.Group.Key] = a
		}
		// Some aggregates carry no name (an expert's offered minutes are written from the
		// schedule alone, for months without sessions too): they must not blank the name
		// the months with sessions gave the group.
		if a.group.Kind == "" {
			a.group = g.Group
		}
		if g.Group.Name != "" && (a.lastMonth == "" || g.Month >= a.lastMonth) {
			a.group, a.lastMonth = g.Group, g.Month
		}
		a.counts = a.counts.Add(g.Counts)
	}
	rows := make([]Row, 0, len(keys))
	for _, a := range keys {
		row := Row{Group: a.group}
		if a.counts.ActiveLearners < int64(minGroup) { // distinct people over the range
			row.Suppressed = true
			row.SuppressedReason = fmt.Sprintf("fewer than %d active learners", minGroup)
			rows = append(rows, row)
			continue
		}
		rows = append(rows, shown(row, a.counts, minGroup))
	}
	slices.SortFunc(rows, func(a, b Row) int {
		return cmp.Or(
			strings.Compare(strings.ToLower(a.Group.Name), strings.ToLower(b.Group.Name)),
			strings.Compare(a.Group.Name, b.Group.Name),
			strings.Compare(a.Group.Key, b.Group.Key),
		)
	})
	return rows
}

// shown fills row with the metrics of c, withholding rating figures backed by fewer than
// minGroup answers.
func shown(row Row, c Counts, minGroup int) Row {
	row.Metrics = Compute(c)
	small := func(n int64) bool { return n > 0 && n < int64(minGroup) }
	if small(c.Ratings) {
		row.Metrics.CSAT, row.Metrics.AverageRating = nil, nil
		row.Withheld = append(row.Withheld, FieldCSAT, FieldAverageRating)
	}
	if small(c.Recommends) {
		row.Metrics.NPS = nil
		row.Withheld = append(row.Withheld, FieldNPS)
	}
	return row
}
