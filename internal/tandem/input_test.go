package tandem

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestValidID(t *testing.T) {
	for _, ok := range []string{"u-alice", "acme-ben", "c0123456789abcdef01234567", "0d7f6e2c-1b8a-4d5e-9f00-123456789abc",
		"us-east-1:0d7f6e2c", "a", "A.b_c:d-e", strings.Repeat("x", 128)} {
		if !ValidID(ok) {
			t.Errorf("ValidID(%q) = false", ok)
		}
	}
	for _, bad := range []string{"", strings.Repeat("x", 129), strings.Repeat("a", 2000), "a#b", "-a", ".a", "a b", "a/b",
		"ü", "a\x00", "a\u202e", "😀", "a%b"} {
		if ValidID(bad) {
			t.Errorf("ValidID(%q) = true", bad)
		}
	}
	if !ValidToken("demo-feed-token-acme-ben-0000000000000001") || !ValidToken(strings.Repeat("a1", 26)) {
		t.Error("a real token is refused")
	}
	for _, bad := range []string{"short", strings.Repeat("a", 129), strings.Repeat("a", 40) + "#", strings.Repeat("ä", 40)} {
		if ValidToken(bad) {
			t.Errorf("ValidToken(%q) = true", bad)
		}
	}
}

func TestTextProblem(t *testing.T) {
	for _, ok := range []string{"", "Ana Lúcia", "日本語", "مرحبا\u200f", "👩🏽\u200d💻", "a-b_c (d)", "x\u200cy"} {
		if p := TextProblem(ok, false); p != "" {
			t.Errorf("TextProblem(%q) = %q", ok, p)
		}
	}
	for _, bad := range []string{"a\x00", "a\x07", "\x1b[31m", "a\x7f", "a\u0085", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
		"\u2066", "\u2067", "\u2068", "\u2069", "a\u2028b", "\u2029", "\ufeffx", "\uffff", "\ufffe", "a\xffb"} {
		if TextProblem(bad, true) == "" {
			t.Errorf("TextProblem(%q, multiline) accepts it", bad)
		}
	}
	for _, s := range []string{"line\nbreak", "tab\there", "crlf\r\n"} {
		if TextProblem(s, true) != "" || TextProblem(s, false) == "" {
			t.Errorf("%q: allowed in multi-line text only", s)
		}
	}
	if p := TextProblem("a\xffb", false); p != "must be valid UTF-8" {
		t.Errorf("invalid UTF-8: %q", p)
	}
	var v Validation
	v.CheckText("name", strings.Repeat("é", 101), 100, false)
	v.CheckText("bio", "ok\nfine", 100, true)
	if e, _ := v.Err().(*Error); e == nil || len(e.Fields) != 1 || e.Fields[0].Field != "name" {
		t.Errorf("CheckText: %v", v.Err())
	}
}

func TestInstantRange(t *testing.T) {
	for at, want := range map[time.Time]bool{
		MinInstant: true, MaxInstant: false, MaxInstant.Add(-time.Second): true, MinInstant.Add(-time.Second): false,
		time.Date(9999, 12, 31, 23, 0, 0, 0, time.UTC): false, {}: false, time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC): true,
	} {
		if InstantInRange(at) != want {
			t.Errorf("InstantInRange(%v) = %v", at, !want)
		}
	}
	var v Validation
	v.CheckInstant("absent", time.Time{})
	v.CheckInstant("start", time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC))
	if e, _ := v.Err().(*Error); e == nil || len(e.Fields) != 1 || e.Fields[0].Field != "start" {
		t.Errorf("CheckInstant: %v", v.Err())
	}
}

// The validators refuse what the central checks refuse, when called on their own (a test or
// another entry point that skips the HTTP layer).
func TestValidatorsCheckTextIDsAndInstants(t *testing.T) {
	in := BookInput{ExpertID: strings.Repeat("e", 2000), SessionType: "intro\u202e", Start: time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC),
		Note: "hi\x00", RequestID: "r#1"}
	e, _ := in.Validate().(*Error)
	got := map[string]bool{}
	if e != nil {
		for _, f := range e.Fields {
			got[f.Field] = true
		}
	}
	for _, f := range []string{"expertId", "sessionType", "start", "note", "requestId"} {
		if !got[f] {
			t.Errorf("BookInput: no error for %s (%v)", f, e)
		}
	}
	u := UserInput{Name: "Bob\u2066", Timezone: "UTC"}
	if u.Validate() == nil {
		t.Error("UserInput: a bidi isolate in the name passed")
	}
	r := RequestInput{Topics: []string{"go"}, Goal: "learn\x1b[2J"}
	if r.Validate() == nil {
		t.Error("RequestInput: an escape sequence in the goal passed")
	}
	one := 5
	fb := FeedbackInput{Rating: &one, Recommend: &one, MatchFit: FitGood, Comment: "great\u202e"}
	if fb.Validate(RoleLearner) == nil {
		t.Error("FeedbackInput: an override in the comment passed")
	}
	p := ExpertProfileInput{Headline: "Coach\nof coaches", Bio: "Line one\nline two", Topics: []string{"go"}, Languages: []string{"en"},
		Timezone: "UTC", BookingMode: BookingInstant, SessionTypes: []SessionType{{ID: "intro", Name: "Intro\u2028", DurationMin: 30, Seats: 1}},
		Limits: Limits{HorizonDays: 30, StartIncrementMin: 30}}
	e, _ = p.Validate().(*Error)
	got = map[string]bool{}
	if e != nil {
		for _, f := range e.Fields {
			got[f.Field] = true
		}
	}
	if !got["headline"] || !got["sessionTypes[0].name"] || got["bio"] {
		t.Errorf("ExpertProfileInput: %v (a headline is one line, a bio may have several)", e)
	}
}

// FuzzValidID: an accepted id is short ASCII without the key separator or a path separator.
func FuzzValidID(f *testing.F) {
	for _, s := range []string{"u-alice", "", "a#b", strings.Repeat("x", 129), "ü", "us-east-1:abc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !ValidID(s) {
			return
		}
		if len(s) == 0 || len(s) > MaxIDLen || strings.ContainsAny(s, "#/ %?\x00") || !isASCII(s) {
			t.Fatalf("ValidID(%q) = true", s)
		}
		if TextProblem(s, false) != "" {
			t.Fatalf("an id that is not text: %q", s)
		}
	})
}

// FuzzTextProblem: accepted text is valid UTF-8 without a forbidden character, and the verdict
// for single-line text is never laxer than for multi-line text.
func FuzzTextProblem(f *testing.F) {
	for _, s := range []string{"hello", "a\nb", "\u202e", "\x00", "\xff", "👍🏽", "\r\n\t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		multi, single := TextProblem(s, true), TextProblem(s, false)
		if multi != "" && single == "" {
			t.Fatalf("%q: refused as multi-line text but accepted on one line", s)
		}
		if multi != "" {
			return
		}
		if !utf8.ValidString(s) {
			t.Fatalf("%q: invalid UTF-8 accepted", s)
		}
		for _, r := range s {
			if ForbiddenRune(r, true) {
				t.Fatalf("%q: forbidden %U accepted", s, r)
			}
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
