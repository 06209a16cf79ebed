package analytics

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// column is one CSV column: its header (the JSON name) and its cell for a row.
type column struct {
	name string
	cell func(Row) string
}

// text columns describe the row; a suppressed row keeps them.
var textColumns = []column{
	{"month", func(r Row) string { return r.Month }},
	{"kind", func(r Row) string { return r.Group.Kind }},
	{"key", func(r Row) string { return r.Group.Key }},
	{"name", func(r Row) string { return r.Group.Name }},
	{"suppressed", func(r Row) string { return strconv.FormatBool(r.Suppressed) }},
	{"suppressedReason", func(r Row) string { return r.SuppressedReason }},
	{"withheld", func(r Row) string { return strings.Join(r.Withheld, ";") }},
}

// metric columns are empty for a suppressed row.
var metricColumns = []column{
	{"booked", count(func(m Metrics) int64 { return m.Booked })},
	{"completed", count(func(m Metrics) int64 { return m.Completed })},
	{"cancelled", count(func(m Metrics) int64 { return m.Cancelled })},
	{"lateCancelled", count(func(m Metrics) int64 { return m.LateCancelled })},
	{"noShowHost", count(func(m Metrics) int64 { return m.NoShowHost })},
	{"noShowGuest", count(func(m Metrics) int64 { return m.NoShowGuest })},
	{"hoursBooked", number(func(m Metrics) *float64 { return &m.HoursBooked })},
	{"hoursDelivered", number(func(m Metrics) *float64 { return &m.HoursDelivered })},
	{"hoursOffered", number(func(m Metrics) *float64 { return &m.HoursOffered })},
	{"requests", count(func(m Metrics) int64 { return m.Requests })},
	{"matched", count(func(m Metrics) int64 { return m.Matched })},
	{"newTies", count(func(m Metrics) int64 { return m.NewTies })},
	{"activeLearners", count(func(m Metrics) int64 { return m.ActiveLearners })},
	{"utilizationBooked", number(func(m Metrics) *float64 { return m.UtilizationBooked })},
	{"utilizationDelivered", number(func(m Metrics) *float64 { return m.UtilizationDelivered })},
	{"completionRate", number(func(m Metrics) *float64 { return m.CompletionRate })},
	{"noShowRateHost", number(func(m Metrics) *float64 { return m.NoShowRateHost })},
	{"noShowRateGuest", number(func(m Metrics) *float64 { return m.NoShowRateGuest })},
	{"lateCancelRate", number(func(m Metrics) *float64 { return m.LateCancelRate })},
	{"csat", number(func(m Metrics) *float64 { return m.CSAT })},
	{"nps", number(func(m Metrics) *float64 { return m.NPS })},
	{"averageRating", number(func(m Metrics) *float64 { return m.AverageRating })},
	{"timeToMatchMedianHours", number(func(m Metrics) *float64 { return m.TimeToMatchMedianHours })},
	{"crossFunctionalReach", number(func(m Metrics) *float64 { return m.CrossFunctionalReach })},
	{"budgetHours", number(func(m Metrics) *float64 { return m.BudgetHours })},
	{"budgetUsedHours", number(func(m Metrics) *float64 { return m.BudgetUsedHours })},
	{"budgetUsedShare", number(func(m Metrics) *float64 { return m.BudgetUsedShare })},
}

func count(f func(Metrics) int64) func(Row) string {
	return func(r Row) string { return strconv.FormatInt(f(r.Metrics), 10) }
}

func number(f func(Metrics) *float64) func(Row) string {
	return func(r Row) string {
		if v := f(r.Metrics); v != nil {
			return strconv.FormatFloat(*v, 'f', -1, 64)
		}
		return ""
	}
}

// WriteCSV writes rows as RFC 4180 CSV (CRLF line ends) with a header of the JSON names.
// Ratios are decimals (0.25, not 25%); null figures and every metric of a suppressed row are
// empty cells. Text cells that a spreadsheet would run as a formula (starting with = + - @,
// tab or carriage return) get a leading single quote.
func WriteCSV(w io.Writer, rows []Row) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	record := make([]string, 0, len(textColumns)+len(metricColumns))
	for _, c := range textColumns {
		record = append(record, c.name)
	}
	for _, c := range metricColumns {
		record = append(record, c.name)
	}
	if err := cw.Write(record); err != nil {
		return fmt.Errorf("analytics.WriteCSV: %w", err)
	}
	for _, r := range rows {
		record = record[:0]
		for _, c := range textColumns {
			record = append(record, spreadsheetSafe(c.cell(r)))
		}
		for _, c := range metricColumns {
			cell := ""
			if !r.Suppressed {
				cell = c.cell(r)
			}
			record = append(record, cell)
		}
		if err := cw.Write(record); err != nil {
			return fmt.Errorf("analytics.WriteCSV: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("analytics.WriteCSV: %w", err)
	}
	return nil
}

// spreadsheetSafe defuses CSV injection (OWASP): a cell starting with a formula character
// is prefixed with a single quote so spreadsheets show it as text.
func spreadsheetSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// writeTable writes a header and rows as WriteCSV does (RFC 4180, CRLF); the text cells
// (text(column)) are defused with spreadsheetSafe, numbers (which may start with "-") are not.
func writeTable(w io.Writer, header []string, rows [][]string, text func(column int) bool) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	for _, r := range append([][]string{header}, rows...) {
		safe := make([]string, len(r))
		for i, c := range r {
			safe[i] = c
			if text(i) {
				safe[i] = spreadsheetSafe(c)
			}
		}
		if err := cw.Write(safe); err != nil {
			return fmt.Errorf("analytics.writeTable: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("analytics.writeTable: %w", err)
	}
	return nil
}
