package cohorts

import "testing"

// Build on the synthetic populations, cohorts of 6 within 4 h. Measured on the 2-core dev
// machine (go test -run '^$' -bench . -benchtime 5x, and 20x):
//
//	BenchmarkBuild60-2     3.3-4.3 ms/op     ~45 KB/op    ~850 allocs/op
//	BenchmarkBuild600-2   35-50    ms/op    ~536 KB/op   ~8100 allocs/op
//
// Most of the time is the annealing (200 proposals per member, each O(Size)) and the first
// Met lookup of each pair; 2,000 members in cohorts of 20 took about 0.26 s.
func BenchmarkBuild60(b *testing.B)  { benchmarkBuild(b, 60) }
func BenchmarkBuild600(b *testing.B) { benchmarkBuild(b, 600) }

func benchmarkBuild(b *testing.B, n int) {
	s := generate(b, n, 1)
	opts := Options{Size: 6, At: winter, Seed: 1, Met: s.Met}
	b.ReportAllocs()
	var cohorts []Cohort
	for b.Loop() {
		var err error
		if cohorts, err = Build(s.members, opts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(cohorts)), "cohorts")
}
