package matching

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/tandem"
)

// BenchmarkRank500 ranks a large org's experts for one request: 500 candidates with 40 free
// slots each over the next 14 days, a learner in Kolkata with four preferred windows.
func BenchmarkRank500(b *testing.B) {
	now := ts(b, "2027-03-08T06:00:00Z")
	req := Request{
		LearnerID: "learner", Topics: []string{"go", "sql", "kubernetes"}, Language: "en",
		LearnerTimezone: "Asia/Kolkata", LearnerDepartment: "Engineering", DurationMin: 60,
		PreferredTimes: []TimeWindow{
			{Weekday: time.Monday, StartHour: 9, EndHour: 12}, {Weekday: time.Wednesday, StartHour: 14, EndHour: 18},
			{Weekday: time.Thursday, StartHour: 9, EndHour: 11}, {Weekday: time.Saturday, StartHour: 10, EndHour: 13},
		},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	zones := []string{"Europe/Berlin", "America/New_York", "Asia/Kolkata", "Asia/Singapore", "America/Sao_Paulo"}
	topics := []string{"go", "sql", "kubernetes", "rust", "design", "sales", "leadership", "python"}
	cands := make([]Candidate, 500)
	for i := range cands {
		c := Candidate{
			ExpertID:         fmt.Sprintf("expert-%04d", i),
			Topics:           []string{topics[rng.IntN(3)], topics[3+rng.IntN(5)], topics[rng.IntN(8)]},
			Languages:        []string{"en", "pt-BR", "de"}[:1+rng.IntN(3)],
			Timezone:         zones[rng.IntN(len(zones))],
			Department:       []string{"Engineering", "Finance", "Sales", "Legal"}[rng.IntN(4)],
			Rating:           tandem.RatingSummary{Count: rng.IntN(80), Average: 3 + 2*rng.Float64()},
			UpcomingSessions: rng.IntN(15),
			MetBefore:        rng.IntN(5) == 0,
		}
		// 40 sorted slots: about three a day on the half hour.
		t := now.Truncate(30 * time.Minute)
		for range 40 {
			t = t.Add(time.Duration(1+rng.IntN(16)) * 30 * time.Minute)
			c.FreeSlots = append(c.FreeSlots, t)
		}
		cands[i] = c
	}
	w := DefaultWeights()
	b.ReportAllocs()
	var n int
	for b.Loop() {
		n = len(Rank(req, cands, w, now))
	}
	b.ReportMetric(float64(n), "matches")
}
