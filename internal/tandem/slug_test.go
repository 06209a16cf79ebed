package tandem

import (
	"regexp"
	"testing"
)

// isSlug and isLanguage are loops (no regexp compiled at init): they must accept exactly what
// the patterns they replace accept.
func TestSlugAndLanguageMatchTheirPatterns(t *testing.T) {
	slugRe := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	languageRe := regexp.MustCompile(`^[a-z]{2,3}(-[A-Z]{2})?$`)
	alphabet := []string{"a", "z", "0", "9", "-", "A", "Z", "_", " ", "é", "."}
	var inputs []string
	var gen func(prefix string, n int)
	gen = func(prefix string, n int) {
		inputs = append(inputs, prefix)
		if n == 0 {
			return
		}
		for _, c := range alphabet {
			gen(prefix+c, n-1)
		}
	}
	gen("", 4)
	inputs = append(inputs, "public-speaking", "pt-BR", "en", "eng-US", "en-us", "e", "engl", "en-BRA", "a--b", "-a", "a-")
	for _, s := range inputs {
		if got, want := isSlug(s), slugRe.MatchString(s); got != want {
			t.Errorf("isSlug(%q) = %v, the pattern says %v", s, got, want)
		}
		if got, want := isLanguage(s), languageRe.MatchString(s); got != want {
			t.Errorf("isLanguage(%q) = %v, the pattern says %v", s, got, want)
		}
	}
}
