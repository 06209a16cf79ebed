package httpapi

import (
	"context"
	"errors"
	"net/http/httptest"
	"net/url"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/core"
	"github.com/tandemhq/tandem/internal/availability"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Fuzz targets for every parser of outside input in the HTTP layer: the JSON decoder (for
// each body type), the path and query checks, the slot range and the report months, and the
// caller's claims. Their seed corpora run in plain `go test`; `go test -fuzz FuzzX` explores.

// bodyTypes are the types request bodies are decoded into.
var bodyTypes = []func() any{
	func() any { return &tandem.BookInput{} },
	func() any { return &tandem.ExpertProfileInput{} },
	func() any { return &tandem.UserInput{} },
	func() any { return &tandem.RequestInput{} },
	func() any { return &tandem.FeedbackInput{} },
	func() any { return &tandem.OrgSettings{} },
	func() any { return &tandem.ProgramInput{} },
	func() any { return &tandem.EnrollInput{} },
	func() any { return &availability.Schedule{} },
	func() any { return &reasonInput{} },
	func() any { return &rescheduleInput{} },
	func() any { return &offerInput{} },
	func() any { return &acceptInput{} },
	func() any { return &struct{}{} },
}

// FuzzDecodeJSON: whatever the body, decodeBytes answers nil or a client error (400, 413)
// naming a field, never panics; what it accepts holds only instants in range and text
// without forbidden characters, at most tandem.MaxText characters a string.
func FuzzDecodeJSON(f *testing.F) {
	for i, body := range []string{
		`{"expertId":"u-alice","sessionType":"intro","start":"2027-03-10T14:30:00Z","note":"hi\nthere"}`,
		`{"ExpertID":"u-alice"}`, `{"start":"9999-12-31T23:59:59Z"}`, `{"start":"0001-01-01T00:00:00Z"}`, `null`, `[]`, `{}{}`,
		aliceProfile, `{"name":"Bob\u202e","timezone":"UTC"}`, "{\"name\":\"\xff\"}", `{"topics":["go"],"goal":"x\u0000"}`,
		`{"rating":5,"recommend":9,"matchFit":"good"}`, `{"matching":{"topic":1},"budget":{"period":"month","orgHours":1,"departmentHours":{"Sa\tles":1}}}`,
		`{"title":"T","start":"2027-03-10T10:00:00Z"}`, `{"interests":["go"]}`,
		`{"timezone":"UTC","timeOff":[{"start":"2027-03-10T00:00:00Z","end":"2100-01-01T00:00:00Z"}]}`, `{"reason":"ill\r\n"}`,
		`{"start":"2027-03-10T10:00:00+14:00"}`, `{"sessionType":"intro","starts":["2027-03-10T10:00:00Z"]}`,
		`{"expertId":"u-alice","start":"2027-03-10T10:00:00Z","note":"` + strings.Repeat("x", 5001) + `"}`, `{}`,
	} {
		f.Add(body, uint8(i))
	}
	f.Fuzz(func(t *testing.T, body string, which uint8) {
		dst := bodyTypes[int(which)%len(bodyTypes)]()
		err := decodeBytes([]byte(body), dst)
		if err != nil {
			var te *tandem.Error
			if !errors.As(err, &te) || (te.Code != tandem.EInvalid && te.Code != tandem.ELimitExceeded) || len(te.Fields) == 0 {
				t.Fatalf("decode %q into %T: %v, want a client error with fields", body, dst, err)
			}
			return
		}
		if !utf8.ValidString(body) || strings.TrimSpace(body) == "null" {
			t.Fatalf("accepted %q", body)
		}
		checkDecoded(t, reflect.ValueOf(dst), "", body)
	})
}

// checkDecoded walks a decoded value: instants zero (absent) or in range, text clean.
func checkDecoded(t *testing.T, v reflect.Value, multilineField string, body string) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			checkDecoded(t, v.Elem(), multilineField, body)
		}
	case reflect.Struct:
		if at, ok := v.Interface().(time.Time); ok {
			if !at.IsZero() && !tandem.InstantInRange(at) {
				t.Fatalf("accepted the instant %v from %q", at, body)
			}
			return
		}
		for i := range v.NumField() {
			if f := v.Type().Field(i); f.IsExported() {
				name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
				checkDecoded(t, v.Field(i), name, body)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			checkDecoded(t, v.Index(i), multilineField, body)
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			checkDecoded(t, k, "", body)
			checkDecoded(t, v.MapIndex(k), "", body)
		}
	case reflect.String:
		s := v.String()
		if tandem.TextProblem(s, multilineFields[multilineField]) != "" || utf8.RuneCountInString(s) > tandem.MaxText {
			t.Fatalf("accepted the text %q (field %q) from %q", s, multilineField, body)
		}
	}
}

// FuzzCheckInputs: whatever the path value and query, checkInputs answers nil or a 400
// naming a parameter; what it lets through is an id (or token), and each documented query
// value obeys its rule.
func FuzzCheckInputs(f *testing.F) {
	patterns := make([]string, 0, len(queryRules())+2)
	for p := range queryRules() {
		patterns = append(patterns, p)
	}
	patterns = append(patterns, "GET /v1/bookings/{bookingId}", "GET /v1/calendar/{token}/feed.ics")
	sort.Strings(patterns)
	for i, tc := range []struct{ path, query string }{
		{"u-alice", "from=2027-03-01&to=2027-03-10&tz=Europe/London"}, {strings.Repeat("a", 2000), "limit=5"},
		{"a#b", "cursor=abc_-"}, {"x", "from=9999-12-31"}, {"x", "to=0001-01"}, {"x", "limit=0&limit=1"},
		{"x", "q=%E2%80%AE"}, {"x", "as=expert&when=past"}, {"x", "a=%zz"}, {"demo-feed-token-acme-ben-0000000000000001", ""},
		{"x", "groupBy=expert&format=csv&from=2026-01"}, {"x", "cursor=" + strings.Repeat("A", 3000)},
	} {
		f.Add(uint8(i), tc.path, tc.query)
	}
	f.Fuzz(func(t *testing.T, which uint8, pathValue, rawQuery string) {
		pattern := patterns[int(which)%len(patterns)]
		_, path, _ := strings.Cut(pattern, " ")
		r := httptest.NewRequest("GET", "/", nil)
		r.URL.Path, r.URL.RawQuery = path, rawQuery
		params := pathParams(pattern)
		for _, name := range params {
			r.SetPathValue(name, pathValue)
		}
		err := checkInputs(pattern, r)
		if err != nil {
			var te *tandem.Error
			if !errors.As(err, &te) || te.Code != tandem.EInvalid || len(te.Fields) == 0 {
				t.Fatalf("%s %q ?%s: %v", pattern, pathValue, rawQuery, err)
			}
			return
		}
		for _, name := range params {
			if name == "token" && !tandem.ValidToken(pathValue) || name != "token" && !tandem.ValidID(pathValue) {
				t.Fatalf("%s: accepted the %s %q", pattern, name, pathValue)
			}
		}
		q, _ := url.ParseQuery(rawQuery)
		for name, rule := range queryRules()[pattern] {
			for _, v := range q[name] {
				if v != "" && (rule(v) != "" || queryText(v) != "") {
					t.Fatalf("%s: accepted %s=%q", pattern, name, v)
				}
				switch name {
				case "from", "to":
					if at, err := time.Parse(time.RFC3339, v); err == nil && !tandem.InstantInRange(at) {
						t.Fatalf("%s: accepted %s=%q", pattern, name, v)
					}
				case "limit":
					if n, err := strconv.Atoi(v); v != "" && (err != nil || n < 1 || n > maxPageSize) {
						t.Fatalf("%s: accepted limit=%q", pattern, v)
					}
				}
			}
		}
	})
}

// FuzzParseRange: the slot range a request can ask for is non-empty and at most 62 days.
func FuzzParseRange(f *testing.F) {
	for _, tc := range [][2]string{{"", ""}, {"2027-03-01", "2027-03-10"}, {"2027-03-01T10:00:00Z", ""}, {"9999-12-31", ""},
		{"2027-03-10", "2027-03-01"}, {"2027-01-01", "2027-06-01"}, {"x", "y"}, {"2027-03-01T10:00:00+14:00", "2027-03-01T10:00:00-12:00"}} {
		f.Add(tc[0], tc[1])
	}
	now := time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, from, to string) {
		for _, zone := range []string{"UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago"} {
			loc, _ := tandem.LoadZone(zone)
			a, b, err := parseRange(from, to, loc, now)
			if err != nil {
				if tandem.ErrorCode(err) != tandem.EInvalid {
					t.Fatalf("parseRange(%q, %q): %v", from, to, err)
				}
				continue
			}
			if !b.After(a) || b.Sub(a) > maxSlotRangeDays*24*time.Hour {
				t.Fatalf("parseRange(%q, %q) = [%v, %v)", from, to, a, b)
			}
		}
	})
}

// FuzzMonthRange: a report covers 1 to 24 whole months, in order.
func FuzzMonthRange(f *testing.F) {
	for _, tc := range [][2]string{{"", ""}, {"2026-01", "2027-03"}, {"2027-03", "2026-01"}, {"0000-01", "9999-12"}, {"2027-13", ""}, {"x", "y"}} {
		f.Add(tc[0], tc[1])
	}
	now := time.Date(2027, 3, 15, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, from, to string) {
		r := httptest.NewRequest("GET", "/v1/reports/utilization", nil)
		r.URL.RawQuery = url.Values{"from": {from}, "to": {to}}.Encode()
		months, err := monthRange(r, now)
		if err != nil {
			if tandem.ErrorCode(err) != tandem.EInvalid {
				t.Fatalf("monthRange(%q, %q): %v", from, to, err)
			}
			return
		}
		if len(months) < 1 || len(months) > maxReportMonths {
			t.Fatalf("monthRange(%q, %q): %d months", from, to, len(months))
		}
		for i := 1; i < len(months); i++ {
			if months[i] <= months[i-1] {
				t.Fatalf("monthRange(%q, %q): %v out of order", from, to, months)
			}
		}
	})
}

// FuzzCallerFrom: claims become a caller only with a user, an org free of the key separator
// and known roles.
func FuzzCallerFrom(f *testing.F) {
	for _, tc := range [][3]string{{"u-bob", "acme", "[learner expert]"}, {"", "acme", ""}, {"u", "a#b", "hr"},
		{"u", "acme", `["hr","admin"]`}, {"u", "acme", "learner,expert"}, {"u", "acme", "[["}} {
		f.Add(tc[0], tc[1], tc[2])
	}
	f.Fuzz(func(t *testing.T, sub, org, groups string) {
		var ra core.RequestAccessorV2
		r, err := ra.EventToRequestWithContext(context.Background(), events.APIGatewayV2HTTPRequest{
			Version: "2.0", RawPath: "/v1/me", RequestContext: events.APIGatewayV2HTTPRequestContext{
				DomainName: "api.test", HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET", Path: "/v1/me"},
				Authorizer: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
					JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{
						Claims: map[string]string{"sub": sub, "custom:org": org, "cognito:groups": groups}}}}})
		if err != nil {
			t.Fatal(err)
		}
		c, err := callerFrom(r)
		if err != nil {
			return
		}
		if c.UserID == "" || c.OrgID == "" || strings.Contains(c.OrgID, "#") {
			t.Fatalf("caller %+v from claims %q %q", c, sub, org)
		}
		for _, role := range c.Roles {
			if role != tandem.RoleLearner && role != tandem.RoleExpert && role != tandem.RoleHR {
				t.Fatalf("unknown role %q from %q", role, groups)
			}
		}
	})
}
