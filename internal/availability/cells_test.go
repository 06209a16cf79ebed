package availability

import (
	"math/rand/v2"
	"testing"
	"time"
)

// cellSet lists the 15-minute cells (Unix-aligned) covering [lo, hi), as the booking
// transaction locks them.
func cellSet(lo, hi time.Time, cell time.Duration) map[int64]bool {
	out := map[int64]bool{}
	for c := lo.Truncate(cell); c.Before(hi); c = c.Add(cell) {
		out[c.Unix()] = true
	}
	return out
}

// TestLockCellsMatchBookingLocks proves that with LockCellMin set, Check refuses a start as
// busy exactly when the cells the booking would lock intersect the cells of a busy interval.
func TestLockCellsMatchBookingLocks(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	s := Schedule{Timezone: "UTC", Weekly: everyDay(li("00:00", "24:00"))}
	now := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	cell := 15 * time.Minute
	for i := range 2000 {
		r := Rules{DurationMin: 5 * (1 + rng.IntN(24)), BufferBeforeMin: rng.IntN(4) * 5, BufferAfterMin: rng.IntN(4) * 5,
			IncrementMin: 5, HorizonDays: 30, LockCellMin: 15}
		b := Busy{Start: now.Add(time.Duration(24*60+rng.IntN(600)) * time.Minute), BufferBefore: time.Duration(rng.IntN(4)*5) * time.Minute,
			BufferAfter: time.Duration(rng.IntN(4)*5) * time.Minute}
		b.End = b.Start.Add(time.Duration(5*(1+rng.IntN(24))) * time.Minute)
		start := b.Start.Add(time.Duration(rng.IntN(400)-200) / 5 * 5 * time.Minute).Truncate(5 * time.Minute)
		mine := cellSet(start.Add(-time.Duration(r.BufferBeforeMin)*time.Minute), start.Add(time.Duration(r.DurationMin+r.BufferAfterMin)*time.Minute), cell)
		theirs := cellSet(b.Start.Add(-b.BufferBefore), b.End.Add(b.BufferAfter), cell)
		shared := false
		for c := range mine {
			shared = shared || theirs[c]
		}
		err := Check(s, r, []Busy{b}, start, now)
		_, reason := codeAndReason(err)
		gotBusy := reason == ReasonBusy
		if gotBusy != shared {
			t.Fatalf("case %d: start %s rules %+v busy %+v: Check busy=%v, cells shared=%v (err %v)", i, start, r, b, gotBusy, shared, err)
		}
	}
}
