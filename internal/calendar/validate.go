package calendar

import (
	"net/mail"
	"net/url"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/tandemhq/tandem/internal/tandem"
)

// statuses maps every tandem.BookingStatus to the VEVENT STATUS it shows as.
// A status missing here is EInvalid, so a new one cannot slip into calendars unmapped.
var statuses = map[tandem.BookingStatus]ics.ObjectStatus{
	tandem.StatusPending:   ics.ObjectStatusTentative,
	tandem.StatusConfirmed: ics.ObjectStatusConfirmed,
	tandem.StatusCompleted: ics.ObjectStatusConfirmed,
	tandem.StatusNoShow:    ics.ObjectStatusConfirmed,
	tandem.StatusCancelled: ics.ObjectStatusCancelled,
	tandem.StatusDeclined:  ics.ObjectStatusCancelled,
	tandem.StatusExpired:   ics.ObjectStatusCancelled,
}

// Instants must render as four-digit years; 1970 keeps out zero and garbage values.
var (
	minTime = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
)

const (
	maxIDLen    = 128
	maxEmailLen = 254
	maxURLLen   = 2048
)

// validate records the problems of s under field names prefixed with prefix and returns the
// STATUS that s maps to.
func (s Session) validate(v *tandem.Validation, prefix string) ics.ObjectStatus {
	v.Check(validID(s.BookingID), prefix+"bookingId",
		"is required: 1 to %d letters, digits, '-', '_' or '.'", maxIDLen)
	v.Check(oneLine(s.Title) != "", prefix+"title", "is required")

	// The library renders whole seconds, so compare what it will write.
	start, end := s.Start.Truncate(time.Second), s.End.Truncate(time.Second)
	v.Check(inRange(start), prefix+"start", "is required, between 1970 and 9999")
	v.Check(inRange(end), prefix+"end", "is required, between 1970 and 9999")
	if inRange(start) && inRange(end) {
		v.Check(end.After(start), prefix+"end", "must be after start (to the second)")
	}
	stampOK := inRange(stamp(s)) &&
		(s.Created.IsZero() || inRange(s.Created)) && (s.Updated.IsZero() || inRange(s.Updated))
	v.Check(stampOK, prefix+"updated", "is required (or created), between 1970 and 9999")

	v.Check(validEmail(s.Expert.Email), prefix+"expert.email", "must be a plain email address")
	v.Check(validEmail(s.Learner.Email), prefix+"learner.email", "must be a plain email address")
	v.Check(s.MeetingURL == "" || validURL(s.MeetingURL), prefix+"meetingUrl",
		"must be an absolute http or https URL")
	v.Check(s.Sequence >= 0, prefix+"sequence", "must not be negative")
	st, ok := statuses[s.Status]
	v.Check(ok, prefix+"status", "must be a booking status such as confirmed, pending or cancelled")
	return st
}

func inRange(t time.Time) bool { return !t.Before(minTime) && t.Before(maxTime) }

// validID keeps UIDs to characters that need no escaping anywhere.
func validID(id string) bool {
	if id == "" || len(id) > maxIDLen {
		return false
	}
	for _, r := range id {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
			r == '-' || r == '_' || r == '.'
		if !ok {
			return false
		}
	}
	return true
}

// validEmail accepts a bare addr-spec of printable ASCII without quotes or backslashes: the
// library writes "mailto:"+email verbatim, so nothing in it may need escaping.
func validEmail(s string) bool {
	if s == "" || len(s) > maxEmailLen || !printableASCII(s) || strings.ContainsAny(s, `"\`) {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Name == "" && a.Address == s
}

// validURL accepts an absolute http(s) URL of printable ASCII: the library writes URL values
// verbatim.
func validURL(s string) bool {
	if len(s) > maxURLLen || !printableASCII(s) {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

// printableASCII reports whether s is non-empty and has only the bytes 0x21–0x7E.
func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return s != ""
}

// multiLine cleans untrusted text for a TEXT value that may span lines: invalid UTF-8 becomes
// U+FFFD, CRLF and CR become LF, other control characters except tab are dropped, and the
// ends are trimmed. The library then escapes what TEXT needs escaped.
func multiLine(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\r':
			return '\n'
		case r == '\n' || r == '\t':
			return r
		case r < 0x20 || r == 0x7f:
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// oneLine is multiLine with every run of white space (line breaks included) made one space.
func oneLine(s string) string {
	return strings.Join(strings.Fields(multiLine(s)), " ")
}

// paramNoEscape rewrites the characters the library would backslash-escape in a parameter
// value (which RFC 5545 does not allow and clients show literally).
var paramNoEscape = strings.NewReplacer(
	"'", "’",
	`"`, "",
	`\`, "",
	",", " ",
	";", " ",
	":", " ",
)

// paramText makes a display name safe as an unquoted parameter value (CN).
func paramText(s string) string {
	return oneLine(paramNoEscape.Replace(oneLine(s)))
}
