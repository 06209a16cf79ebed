package analytics

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const csvHeader = "month,kind,key,name,suppressed,suppressedReason,withheld," +
	"booked,completed,cancelled,lateCancelled,noShowHost,noShowGuest," +
	"hoursBooked,hoursDelivered,hoursOffered,requests,matched,newTies,activeLearners," +
	"utilizationBooked,utilizationDelivered,completionRate,noShowRateHost,noShowRateGuest,lateCancelRate," +
	"csat,nps,averageRating,timeToMatchMedianHours,crossFunctionalReach," +
	"budgetHours,budgetUsedHours,budgetUsedShare\r\n"

func TestWriteCSV(t *testing.T) {
	rows := []Row{
		{Month: "2027-01", Group: Group{Kind: KindOrg, Name: "Acme, Inc."}, Metrics: Compute(sample(), WithBudget(100, 6))},
		{Month: "2027-01", Group: Group{Kind: KindDepartment, Key: "=cmd", Name: "-Sales"},
			Suppressed: true, SuppressedReason: "fewer than 3 active learners", Metrics: Compute(sample())},
		{Month: "2027-02", Group: Group{Kind: KindDepartment, Key: "eng", Name: `R&D "core"`},
			Withheld: []string{FieldCSAT, FieldAverageRating},
			Metrics:  Compute(Counts{Recommends: 4, Detractors: 3, Promoters: 1})},
	}
	want := csvHeader +
		`2027-01,org,,"Acme, Inc.",false,,,10,6,2,1,1,1,8,6,20,5,4,3,4,` +
		"0.4,0.3,0.75,0.125,0.125,0.1,0.8333,33.33,4.33,2,0.3333,100,6,0.06\r\n" +
		"2027-01,department,'=cmd,'-Sales,true,fewer than 3 active learners," + strings.Repeat(",", 27) + "\r\n" +
		`2027-02,department,eng,"R&D ""core""",false,,csat;averageRating,0,0,0,0,0,0,0,0,0,0,0,0,0,` +
		",,,,,,,-50,,,,,,\r\n"

	var buf bytes.Buffer
	if err := WriteCSV(&buf, rows); err != nil {
		t.Fatalf("WriteCSV error: %v", err)
	}
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("WriteCSV mismatch (-want +got):\n%s", diff)
	}

	// Re-parse: every record has the header's width and the text survives the quoting.
	records, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("re-parse: %v", err)
	}
	if got, want := len(records), len(rows)+1; got != want {
		t.Fatalf("re-parse: %d records, want %d", got, want)
	}
	width := len(records[0])
	for i, rec := range records {
		if len(rec) != width {
			t.Errorf("record %d has %d fields, want %d", i, len(rec), width)
		}
	}
	for i, want := range []string{"Acme, Inc.", "'-Sales", `R&D "core"`} {
		if got := records[i+1][3]; got != want {
			t.Errorf("record %d name = %q, want %q", i+1, got, want)
		}
	}
}

func TestWriteCSVEmpty(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCSV(&buf, nil); err != nil {
		t.Fatalf("WriteCSV error: %v", err)
	}
	if got := buf.String(); got != csvHeader {
		t.Errorf("WriteCSV(nil) = %q, want the header only", got)
	}
}

func TestSpreadsheetSafe(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"Sales", "Sales"},
		{"a=b", "a=b"},
		{"=1+1", "'=1+1"},
		{"+1", "'+1"},
		{"-2", "'-2"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tx", "'\tx"},
		{"\rx", "'\rx"},
		{"'quoted", "'quoted"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := spreadsheetSafe(tt.in); got != tt.want {
				t.Errorf("spreadsheetSafe(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestWriteCSVInjectionRoundTrip writes hostile names through a real report and reads them
// back: every text cell is defused, numbers (a negative NPS) are left alone.
func TestWriteCSVInjectionRoundTrip(t *testing.T) {
	hostile := []string{`=HYPERLINK("http://x","y")`, "+cmd|' /C calc'!A0", "@SUM(1,2)", "-1+2", "\t=1"}
	var groups []MonthGroup
	for i, name := range hostile {
		groups = append(groups, MonthGroup{Month: "2027-01",
			Group:  Group{Kind: KindDepartment, Key: string(rune('a' + i)), Name: name},
			Counts: Counts{ActiveLearners: 3, Recommends: 3, Detractors: 3}})
	}
	rows, err := Report(groups, ByDepartment, 3)
	if err != nil {
		t.Fatalf("Report error: %v", err)
	}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, rows); err != nil {
		t.Fatalf("WriteCSV error: %v", err)
	}
	records, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("re-parse: %v", err)
	}
	nps := indexOf(t, records[0], "nps")
	var names []string
	for _, rec := range records[1:] {
		names = append(names, rec[3])
		if rec[nps] != "-100" {
			t.Errorf("nps cell = %q, want -100 (numbers are not escaped)", rec[nps])
		}
	}
	var want []string
	for _, r := range rows {
		want = append(want, "'"+r.Group.Name)
	}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("names mismatch (-want +got):\n%s", diff)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteCSVWriterError(t *testing.T) {
	if err := WriteCSV(failingWriter{}, nil); err == nil {
		t.Error("WriteCSV to a failing writer: want an error")
	}
}

func indexOf(t *testing.T, header []string, name string) int {
	t.Helper()
	for i, h := range header {
		if h == name {
			return i
		}
	}
	t.Fatalf("no column %q in %v", name, header)
	return -1
}
