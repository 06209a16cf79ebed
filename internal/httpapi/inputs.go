package httpapi

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tandemhq/tandem/internal/tandem"
)

// checkInputs holds every path value and query value of a request to the rules of its route
// before the handler runs, so nothing malformed, oversized or out of range can reach the
// store (where DynamoDB would refuse it with a ValidationException, a 500):
//
//   - each {…Id} path value is an id (tandem.ValidID) and {token} a calendar token;
//   - on a route with query parameters (queryRules, the ones openapi.yaml documents) the
//     query parses, and each value of those parameters is one line of valid UTF-8 without
//     control or bidirectional-formatting characters, at most maxQueryValue bytes, and obeys
//     its rule (enums, limits, cursors, instants and months within tandem's range, zones).
//     Handlers may check further (the relation between from and to, say); they never see
//     less than this. Parameters a route does not document are ignored, by this check and by
//     the handlers alike.
//
// The errors are 400 invalid naming the parameter.
func checkInputs(pattern string, r *http.Request) error {
	var v tandem.Validation
	for _, name := range pathParams(pattern) {
		val := r.PathValue(name)
		if name == "token" {
			v.Check(tandem.ValidToken(val), name, tandem.TokenRule)
			continue
		}
		if name == "linkToken" {
			v.Check(validLinkToken(val), name, linkTokenRule)
			continue
		}
		v.Check(tandem.ValidID(val), name, tandem.IDRule)
	}
	if rules := queryRules()[pattern]; rules != nil {
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			v.Add("query", "is not a valid query string")
		}
		for _, name := range sortedKeys(q) {
			rule, known := rules[name]
			if !known {
				continue // handlers read only the parameters they document
			}
			for _, val := range q[name] {
				p := queryText(val)
				if p == "" && val != "" { // empty means the default, as in the handlers
					p = rule(val)
				}
				if p != "" {
					v.Add(name, "%s", p)
					break
				}
			}
		}
	}
	return v.Err()
}

// maxQueryValue bounds any query value (a cursor is the longest the API hands out).
const maxQueryValue = 2048

func queryText(val string) string {
	if len(val) > maxQueryValue {
		return fmt.Sprintf("must be at most %d bytes", maxQueryValue)
	}
	return tandem.TextProblem(val, false)
}

// pathParams lists the wildcards of a ServeMux pattern ("GET /v1/experts/{expertId}/slots").
func pathParams(pattern string) []string {
	var out []string
	for rest := pattern; ; {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			return out
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return out
		}
		name := strings.TrimSuffix(rest[i+1:i+j], "...")
		if name != "$" {
			out = append(out, name)
		}
		rest = rest[i+j+1:]
	}
}

func sortedKeys(q url.Values) []string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// queryRule checks one non-empty query value: "" when it is acceptable, else what it must be.
type queryRule func(string) string

// queryRules are the query parameters each route documents in openapi.yaml (a test holds the
// two equal) with the rule of each; built on first use, not at init (`make coldstart`).
var queryRules = sync.OnceValue(func() map[string]map[string]queryRule {
	return map[string]map[string]queryRule{
		"GET /v1/experts": {
			"topic": textParam(100), "language": textParam(8), "q": textParam(100),
			"cursor": cursorParam, "limit": limitParam,
		},
		"GET /v1/experts/{expertId}/slots": {
			"from": instantOrDateParam, "to": instantOrDateParam, "sessionType": textParam(40), "tz": zoneParam,
		},
		"GET /v1/bookings": {
			"as": enumParam("learner", "expert"), "when": enumParam("upcoming", "past"),
			"cursor": cursorParam, "limit": limitParam,
		},
		"GET /v1/experts/{expertId}/reviews": {"cursor": cursorParam, "limit": limitParam},
		"GET /v1/requests":                   {"cursor": cursorParam, "limit": limitParam},
		"GET /v1/requests/board":             {"cursor": cursorParam, "limit": limitParam},
		"GET /v1/programs":                   {"status": enumParam("enrolling", "published", "archived")},
		"GET /v1/reports/utilization": {
			"from": monthParam, "to": monthParam,
			"groupBy": enumParam("month", "department", "expert"), "format": enumParam("json", "csv"),
		},
		"GET /v1/reports/connections": {"from": monthParam, "to": monthParam},
		"GET /v1/reports/mentorships": {"format": enumParam("json", "csv")},
		"GET /v1/notifications":       {"cursor": cursorParam, "unread": enumParam("true", "false")},
	}
})

func textParam(max int) queryRule {
	return func(s string) string {
		if n := len([]rune(s)); n > max {
			return fmt.Sprintf("must be at most %d characters", max)
		}
		return ""
	}
}

func enumParam(values ...string) queryRule {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = strconv.Quote(v)
	}
	msg := "must be " + strings.Join(quoted[:len(quoted)-1], ", ") + " or " + quoted[len(quoted)-1]
	return func(s string) string {
		for _, v := range values {
			if s == v {
				return ""
			}
		}
		return msg
	}
}

func limitParam(s string) string {
	if n, err := strconv.Atoi(s); err != nil || n < 1 || n > maxPageSize {
		return fmt.Sprintf("must be a number from 1 to %d", maxPageSize)
	}
	return ""
}

// cursorParam checks a cursor's shape only: the store decodes it and checks it belongs to
// the listing, the caller and the org (internal/dynamo/cursor.go).
func cursorParam(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !alnumByte(c) && c != '-' && c != '_' {
			return "is not a cursor returned by this API"
		}
	}
	return ""
}

func alnumByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// instantOrDateParam is an RFC 3339 instant or a date (YYYY-MM-DD) within tandem's range.
func instantOrDateParam(s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		if t, err = time.Parse(time.DateOnly, s); err != nil {
			return "must be an RFC 3339 time or a date (YYYY-MM-DD)"
		}
	}
	if !tandem.InstantInRange(t) {
		return tandem.InstantRule
	}
	return ""
}

// monthParam is a month (YYYY-MM) within tandem's range.
func monthParam(s string) string {
	t, err := time.Parse("2006-01", s)
	if err != nil {
		return "must be a month, YYYY-MM"
	}
	if !tandem.InstantInRange(t) {
		return tandem.InstantRule
	}
	return ""
}

func zoneParam(s string) string {
	if _, err := tandem.LoadZone(s); err != nil {
		return "is not a known IANA time zone"
	}
	return ""
}

// linkTokenRule is the shape of a signed e-mail link token (internal/mail): 32-1024
// base64url characters.
const linkTokenRule = "must be a link token: 32-1024 letters, digits, '_' or '-'"

func validLinkToken(s string) bool {
	if len(s) < 32 || len(s) > 1024 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}
