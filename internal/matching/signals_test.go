package matching

import (
	"strings"
	"testing"
	"time"
)

// signalOf ranks c alone for req at now and returns its signal called name.
func signalOf(t *testing.T, req Request, c Candidate, now time.Time, name string) Signal {
	t.Helper()
	if len(req.Topics) == 0 {
		req.Topics = []string{"go"}
	}
	if len(c.Topics) == 0 {
		c.Topics = req.Topics
	}
	c.ExpertID = "e"
	ms := Rank(req, []Candidate{c}, DefaultWeights(), now)
	if len(ms) != 1 {
		t.Fatalf("Rank returned %d matches, want 1", len(ms))
	}
	s, _ := ms[0].Signal(name)
	return s
}

type valueReason struct {
	Value  float64
	Reason string
}

func TestTopicSignal(t *testing.T) {
	now := ts(t, "2027-02-01T08:00:00Z")
	tests := []struct {
		name    string
		req, ex []string
		want    valueReason
	}{
		{"all", []string{"go"}, []string{"go", "sql"}, valueReason{1, "covers 1 of 1 topic: go"}},
		{"some, in request order", []string{"sql", "Go", "rust"}, []string{"go", "sql"}, valueReason{0.6667, "covers 2 of 3 topics: sql, go"}},
		{"normalised both sides", []string{"Public  Speaking"}, []string{"PUBLIC speaking"}, valueReason{1, "covers 1 of 1 topic: public-speaking"}},
		{"repeats in the request count once", []string{"go", "GO", "sql", "sql"}, []string{"go"}, valueReason{0.5, "covers 1 of 2 topics: go"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := signalOf(t, Request{Topics: tt.req}, Candidate{Topics: tt.ex}, now, SignalTopic)
			if got := (valueReason{s.Value, s.Reason}); got != tt.want {
				t.Errorf("topic = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestLanguageSignal(t *testing.T) {
	now := ts(t, "2027-02-01T08:00:00Z")
	tests := []struct {
		asked string
		speak []string
		want  valueReason
	}{
		{"pt", []string{"en", "pt-BR"}, valueReason{1, "speaks pt-BR"}},
		{"pt-BR", []string{"pt-PT"}, valueReason{1, "speaks pt-PT"}}, // primary subtags match
		{"PT", []string{"pt"}, valueReason{1, "speaks pt"}},
		{"zh-Hant-TW", []string{"zh"}, valueReason{1, "speaks zh"}},
		{"en", []string{"pt", "es"}, valueReason{0, "does not speak en"}},
		{"en", nil, valueReason{0, "does not speak en"}},
		{"", []string{"pt"}, valueReason{0.5, "no language requested"}},
	}
	for _, tt := range tests {
		t.Run(tt.asked+" vs "+strings.Join(tt.speak, ","), func(t *testing.T) {
			s := signalOf(t, Request{Language: tt.asked}, Candidate{Languages: tt.speak}, now, SignalLanguage)
			if got := (valueReason{s.Value, s.Reason}); got != tt.want {
				t.Errorf("language = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestTimezoneSignal uses half- and quarter-hour zones, DST in the southern hemisphere and
// the date line, where offsets more than 12 hours apart are close on the clock.
func TestTimezoneSignal(t *testing.T) {
	jan, jul := ts(t, "2027-01-15T12:00:00Z"), ts(t, "2027-07-15T12:00:00Z")
	tests := []struct {
		name            string
		learner, expert string
		now             time.Time
		want            valueReason
	}{
		{"same zone", "Asia/Kolkata", "Asia/Kolkata", jan, valueReason{1, "same clock time as you"}},
		{"Kolkata +5:30 → Kathmandu +5:45", "Asia/Kolkata", "Asia/Kathmandu", jan, valueReason{0.9792, "0.25 h ahead of you"}},           // 1 − .25/12
		{"Kolkata +5:30 → Adelaide +10:30 (summer)", "Asia/Kolkata", "Australia/Adelaide", jan, valueReason{0.5833, "5 h ahead of you"}}, // 1 − 5/12
		{"Kolkata +5:30 → Adelaide +9:30 (winter)", "Asia/Kolkata", "Australia/Adelaide", jul, valueReason{0.6667, "4 h ahead of you"}},
		{"St John's −3:30 → Kolkata +5:30", "America/St_Johns", "Asia/Kolkata", jan, valueReason{0.25, "9 h ahead of you"}},
		{"Kolkata +5:30 → St John's −2:30 (summer)", "Asia/Kolkata", "America/St_Johns", jul, valueReason{0.3333, "8 h behind you"}},
		{"London 0 → New York −5", "Europe/London", "America/New_York", jan, valueReason{0.5833, "5 h behind you"}},
		{"Chatham +13:45 → Honolulu −10: 23.75 h apart is 0.25 h on the clock", "Pacific/Chatham", "Pacific/Honolulu", jan, valueReason{0.9792, "0.25 h ahead of you"}},
		{"Pago Pago −11 → Kiritimati +14: 25 h apart is 1 h", "Pacific/Pago_Pago", "Pacific/Kiritimati", jan, valueReason{0.9167, "1 h ahead of you"}},
		{"UTC → Kiritimati +14 is 10 h behind", "UTC", "Pacific/Kiritimati", jan, valueReason{0.1667, "10 h behind you"}},
		{"12 h apart is the farthest", "UTC", "Pacific/Auckland", jul, valueReason{0, "12 h ahead of you"}},
		{"expert zone unknown", "UTC", "Mars/Olympus", jan, valueReason{0.5, "time zone unknown"}},
		{"learner zone unknown", "", "UTC", jan, valueReason{0.5, "your time zone is unknown"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := signalOf(t, Request{LearnerTimezone: tt.learner}, Candidate{Timezone: tt.expert}, tt.now, SignalTimezone)
			if got := (valueReason{s.Value, s.Reason}); got != tt.want {
				t.Errorf("timezone = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestRatingSignal(t *testing.T) {
	now := ts(t, "2027-02-01T08:00:00Z")
	tests := []struct {
		name  string
		count int
		avg   float64
		want  valueReason
	}{
		{"no ratings count as the prior 4.0", 0, 0, valueReason{0.75, "no ratings yet (counted as 4.0)"}},
		{"one 5-star", 1, 5, valueReason{0.7917, "5.0 average from 1 rating"}},                      // ((20+5)/6 − 1)/4
		{"fifty 4.8s beat one 5-star", 50, 4.8, valueReason{0.9318, "4.8 average from 50 ratings"}}, // ((20+240)/55 − 1)/4
		{"five 1-stars", 5, 1, valueReason{0.375, "1.0 average from 5 ratings"}},                    // ((20+5)/10 − 1)/4
		{"many 5s approach 1", 995, 5, valueReason{0.9988, "5.0 average from 995 ratings"}},         // ((20+4975)/1000 − 1)/4
		{"average clamped to 1..5", 4, 9, valueReason{0.8611, "5.0 average from 4 ratings"}},        // ((20+20)/9 − 1)/4
		{"negative count is none", -2, 5, valueReason{0.75, "no ratings yet (counted as 4.0)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := signalOf(t, Request{}, Candidate{Rating: ratings(tt.count, tt.avg)}, now, SignalRating)
			if got := (valueReason{s.Value, s.Reason}); got != tt.want {
				t.Errorf("rating = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestLoadSignal(t *testing.T) {
	now := ts(t, "2027-02-01T08:00:00Z")
	tests := []struct {
		upcoming int
		want     valueReason
	}{
		{0, valueReason{1, "no upcoming sessions"}},
		{1, valueReason{0.8333, "1 upcoming session"}}, // 5/6
		{5, valueReason{0.5, "5 upcoming sessions"}},
		{10, valueReason{0.3333, "10 upcoming sessions"}},
		{45, valueReason{0.1, "45 upcoming sessions"}},
		{-3, valueReason{1, "no upcoming sessions"}},
	}
	for _, tt := range tests {
		t.Run(plural(tt.upcoming, "session"), func(t *testing.T) {
			s := signalOf(t, Request{}, Candidate{UpcomingSessions: tt.upcoming}, now, SignalLoad)
			if got := (valueReason{s.Value, s.Reason}); got != tt.want {
				t.Errorf("load = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestConnectionSignal(t *testing.T) {
	now := ts(t, "2027-02-01T08:00:00Z")
	tests := []struct {
		learner, expert string
		met             bool
		want            valueReason
	}{
		{"Sales", "Legal", false, valueReason{1, "another department, not met yet"}},
		{"Sales", "Legal", true, valueReason{0.6, "another department, met before"}},
		{"Sales", "Sales", false, valueReason{0.5, "same department, not met yet"}},
		{"Sales", " sales ", true, valueReason{0.2, "same department, met before"}},
		{"", "Legal", false, valueReason{0.5, "department unknown, not met yet"}},
		{"Sales", "", true, valueReason{0.2, "department unknown, met before"}},
	}
	for _, tt := range tests {
		t.Run(tt.learner+"/"+tt.expert, func(t *testing.T) {
			s := signalOf(t, Request{LearnerDepartment: tt.learner}, Candidate{Department: tt.expert, MetBefore: tt.met}, now, SignalConnection)
			if got := (valueReason{s.Value, s.Reason}); got != tt.want {
				t.Errorf("connection = %+v, want %+v", got, tt.want)
			}
		})
	}
}
