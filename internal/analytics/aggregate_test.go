package analytics

import (
	"slices"
	"testing"
)

// TestActiveLearnersAcrossMonths: a range's active learners are the distinct people over it.
func TestActiveLearnersAcrossMonths(t *testing.T) {
	a, b, c := LearnerKey("ana"), LearnerKey("bo"), LearnerKey("cy")
	sorted := func(ks ...int64) []int64 { slices.Sort(ks); return ks }
	march := Counts{Completed: 3, ActiveLearners: 2, Learners: sorted(a, b)}
	april := Counts{Completed: 2, ActiveLearners: 2, Learners: sorted(b, c)}
	sum := march.Add(april)
	if sum.ActiveLearners != 3 || sum.Completed != 5 || !slices.Equal(sum.Learners, sorted(a, b, c)) {
		t.Errorf("March + April = %d active (%v), want 3: bo counts once", sum.ActiveLearners, sum.Learners)
	}
	if again := sum.Add(march); again.ActiveLearners != 3 {
		t.Errorf("adding March again: %d active, want 3", again.ActiveLearners)
	}
	if len(march.Learners) != 2 || march.Learners[0] > march.Learners[1] {
		t.Error("Add must not change its operands")
	}
	// Counts without sets (hand-made) still add up.
	if got := (Counts{ActiveLearners: 2}).Add(Counts{ActiveLearners: 1}); got.ActiveLearners != 3 {
		t.Errorf("without sets: %d, want the sum 3", got.ActiveLearners)
	}
	if LearnerKey("ana") != a || a < 0 || LearnerKey("ana ") == a {
		t.Error("LearnerKey must be stable, non-negative and tell ids apart")
	}
}
