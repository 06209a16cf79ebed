package httpapi

import (
	"regexp"
	"strings"
	"testing"
)

// idemKeyPattern is the rule validIdemKey implements, as the regexp it replaced (compiled here,
// in the test, not at the handlers' cold start).
var idemKeyPattern = regexp.MustCompile(`^[A-Za-z0-9._:-]{8,100}$`)

func FuzzIdemKeyMatchesPattern(f *testing.F) {
	for _, s := range []string{"", "abcdefg", "abcdefgh", "retry-01.x:y_Z", strings.Repeat("a", 100), strings.Repeat("a", 101),
		"abcdefg\n", "abcdefgh\n", "abcdéfgh", "abc defgh", "abc/defgh", "ABCDEFGH\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, key string) {
		if got, want := validIdemKey(key), idemKeyPattern.MatchString(key); got != want {
			t.Errorf("validIdemKey(%q) = %v, the pattern says %v", key, got, want)
		}
	})
}

// BenchmarkIdemKey compares the check per request with the regexp it replaced.
func BenchmarkIdemKey(b *testing.B) {
	key := "booking-2027-03-10T14:30:00.retry_1"
	b.Run("loop", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			validIdemKey(key)
		}
	})
	b.Run("regexp", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			idemKeyPattern.MatchString(key)
		}
	})
	b.Run("compile", func(b *testing.B) { // what the package's init paid once per cold start
		b.ReportAllocs()
		for b.Loop() {
			regexp.MustCompile(`^[A-Za-z0-9._:-]{8,100}$`)
		}
	})
}
