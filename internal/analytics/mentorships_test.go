package analytics

import (
	"bytes"
	"strings"
	"testing"
)

// TestMentorshipFiguresByHand: figures from counters worked out by hand, the privacy floor
// on each figure, and the CSV (numbers as numbers, names defused).
func TestMentorshipFiguresByHand(t *testing.T) {
	c := map[string]int64{MActive: 4, MProposed: 1, MStalled: 1, MPairs: 5, MCrossDeptPairs: 2, MHeldSessions: 7,
		HeldField(1): 1, HeldField(2): 1, HeldField(4): 1, // and two pairs with none
		MFirstPairs: 3, MTTFDaysSum: 40, TTFField(3): 1, TTFField(12): 1, TTFField(25): 1,
		MProgressPairs: 2, MGoalsRated: 3, MGoalDeltaSum: 2, GoalField(1): 2, GoalField(0): 1}
	f := MentorshipFiguresOf(Group{Kind: "org", Name: "acme"}, c, 3)
	if f.Counts == nil || f.Counts.Active != 4 || f.Mentorships != 5 || f.Pairs != 5 {
		t.Errorf("counts = %+v", f)
	}
	s := f.SessionsPerPair
	if s == nil || s.Mean != 1.4 || s.Median != "1" || s.Distribution[0].Count != 2 || s.Distribution[4].Count != 1 {
		t.Errorf("sessions per pair = %+v, want mean 7/5, median 1 (0,0,1,2,4)", s)
	}
	tt := f.TimeToFirstSession
	if tt == nil || tt.MeanDays != 13.3 || tt.Distribution[0].Count != 1 || tt.Distribution[1].Count != 1 || tt.Distribution[3].Count != 1 {
		t.Errorf("time to first = %+v", tt)
	}
	if f.GoalProgress != nil || len(f.Withheld) != 1 || f.Withheld[0] != "goalProgress" {
		t.Errorf("goal progress over 2 pairs must be withheld: %+v %v", f.GoalProgress, f.Withheld)
	}
	if f.CrossDepartmentShare == nil || *f.CrossDepartmentShare != 0.4 {
		t.Errorf("cross share = %v", f.CrossDepartmentShare)
	}
	d := MentorshipFiguresOf(Group{Kind: "department", Key: "=HYPERLINK()", Name: "=HYPERLINK()"}, map[string]int64{MActive: 2, MPairs: 2}, 3)
	if d.Counts != nil || d.SessionsPerPair != nil || d.CrossDepartmentShare != nil || strings.Join(d.Withheld, ",") != "counts,sessionsPerPair,crossDepartmentShare" {
		t.Errorf("a department of 2 = %+v", d)
	}
	var buf bytes.Buffer
	g := MentorshipFiguresOf(Group{Kind: "org"}, map[string]int64{MPairs: 3, MProgressPairs: 3, MGoalsRated: 3, MGoalDeltaSum: -2, GoalField(-1): 2, GoalField(0): 1}, 3)
	if err := WriteMentorshipCSV(&buf, g, []MentorshipFigures{d}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\r\n"), "\r\n")
	if len(lines) != 3 || !strings.Contains(lines[1], ",-0.67,") || !strings.HasPrefix(lines[2], "department,'=HYPERLINK(),'=HYPERLINK(),2,,,,,,2,") {
		t.Errorf("csv:\n%s", buf.String())
	}
	if n := len(strings.Split(lines[0], ",")); n != len(strings.Split(lines[1], ",")) || n != len(strings.Split(lines[2], ",")) {
		t.Errorf("ragged csv:\n%s", buf.String())
	}
}
