package tandem

import (
	"time"
	"unicode/utf8"
)

// The rules every value from outside obeys before it reaches the store, whatever route it
// comes through: ids, tokens, instants and free text. internal/httpapi applies them centrally
// (path values in the router, query values by route, every string and instant of a JSON body
// in the decoder); the Validate methods apply them again to the fields they know, with
// field-specific limits.

// MaxIDLen is the longest id a path, query or body may name. Ids are made by Tandem (base32
// booking ids, "c"+hex circle ids) or by the identity provider (UUID subjects), all far
// shorter; DynamoDB refuses keys over 1,024/2,048 bytes, so an unbounded id would be a 500.
const MaxIDLen = 128

// ValidID reports whether s can be an id: 1-128 ASCII letters, digits, '.', '_', ':' or '-',
// starting with a letter or digit. '#' (the key separator) and everything else is refused.
func ValidID(s string) bool {
	if len(s) == 0 || len(s) > MaxIDLen || !alnum(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !alnum(c) && c != '.' && c != '_' && c != ':' && c != '-' {
			return false
		}
	}
	return true
}

// IDRule is how ValidID's rule reads in a field error.
const IDRule = "must be an id: 1-128 letters, digits, '.', '_', ':' or '-'"

// ValidToken reports whether s can be a calendar feed token: 32-128 ASCII letters, digits,
// '_' or '-' (Tandem makes them of base32 letters and digits; the demo data's has dashes).
func ValidToken(s string) bool {
	if len(s) < 32 || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !alnum(c) && c != '_' && c != '-' {
			return false
		}
	}
	return true
}

// TokenRule is how ValidToken's rule reads in a field error.
const TokenRule = "must be a calendar token: 32-128 letters, digits, '_' or '-'"

func alnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// The instants an input may name: [MinInstant, MaxInstant). Far wider than any booking
// horizon, yet it keeps year-9999 (and year-0) arithmetic away from the store and the engine.
var (
	MinInstant = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	MaxInstant = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
)

// InstantRule is how the instant range reads in a field error.
const InstantRule = "must be between 2000-01-01 and 2100-01-01"

// InstantInRange reports whether t lies in [MinInstant, MaxInstant).
func InstantInRange(t time.Time) bool {
	return !t.Before(MinInstant) && t.Before(MaxInstant)
}

// CheckInstant records a field error unless t is zero (absent: the caller says whether it is
// required) or within the instant range.
func (v *Validation) CheckInstant(field string, t time.Time) {
	v.Check(t.IsZero() || InstantInRange(t), field, InstantRule)
}

// MaxText caps any string of a request body that has no tighter limit of its own.
const MaxText = 5000

// Free text may not carry characters that are invisible or that change how text around them
// is shown: C0 and C1 control characters (a multi-line field may hold tab, line feed and
// carriage return), DEL, the bidirectional embeddings, overrides and isolates (U+202A-U+202E,
// U+2066-U+2069, the "Trojan Source" characters), the line and paragraph separators, the byte
// order mark and the non-characters U+FFFE and U+FFFF. Marks that only hint a direction
// (U+200E, U+200F, U+061C) and the joiners emoji and many scripts need are allowed.

// ForbiddenRune reports whether r may not appear in text; multiline allows tab, LF and CR.
func ForbiddenRune(r rune, multiline bool) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return !multiline
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x2028, r == 0x2029, r == 0xfeff, r == 0xfffe, r == 0xffff:
		return true
	}
	return false
}

// TextProblem says what is wrong with s as text (invalid UTF-8 or a forbidden character), or
// "" when nothing is.
func TextProblem(s string, multiline bool) string {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size <= 1 {
				return "must be valid UTF-8"
			}
		}
		if ForbiddenRune(r, multiline) {
			if multiline {
				return "must not contain control or bidirectional-formatting characters"
			}
			return "must be one line without control or bidirectional-formatting characters"
		}
	}
	return ""
}

// CheckText records a field error when s is longer than max characters or carries a
// forbidden character.
func (v *Validation) CheckText(field, s string, max int, multiline bool) {
	if p := TextProblem(s, multiline); p != "" {
		v.Add(field, "%s", p)
		return
	}
	v.Check(utf8.RuneCountInString(s) <= max, field, "must be at most %d characters", max)
}

// CheckID records a field error unless s is empty (absent) or a valid id.
func (v *Validation) CheckID(field, s string) {
	v.Check(s == "" || ValidID(s), field, IDRule)
}
