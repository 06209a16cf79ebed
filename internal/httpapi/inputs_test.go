package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
	"github.com/google/go-cmp/cmp"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Regression tests for the inputs that reached DynamoDB or broke a response (issue #15): a
// ~2,000-character path id, a cursor of another listing or gone stale, year-9999 dates on
// slots, booking, reschedule and offers, an encoder failure after the status, control and
// bidirectional-override characters, a JSON key in another case.
//
// Most run on routers without a store (Deps{Store: nil}): any store call would panic and
// come back as a 500, so a 400 proves the input was refused before any database call.

// storeless is every function's router with no store behind it, keyed by pattern.
func storeless(t *testing.T) map[string]*lambdaClient {
	t.Helper()
	out := map[string]*lambdaClient{}
	for _, rt := range Functions(Deps{Logger: quietLog, Now: func() time.Time { return time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC) }}) {
		for _, p := range rt.Routes() {
			out[p] = &lambdaClient{t: t, adapter: httpadapter.NewV2(rt), escaped: true}
		}
	}
	return out
}

// wantInvalid fails unless res is a 400 invalid naming field.
func wantInvalid(t *testing.T, res response, field string) {
	t.Helper()
	if res.Status != http.StatusBadRequest {
		t.Fatalf("status %d, want 400 (body %s)", res.Status, clip(res.Body, 400))
	}
	p := res.problem(t)
	if p.Code != tandem.EInvalid {
		t.Fatalf("code %q, want invalid", p.Code)
	}
	for _, fe := range p.Errors {
		if fe.Field == field {
			return
		}
	}
	t.Fatalf("field errors %v, want one for %q", p.Errors, field)
}

var everyCaller = &tandem.Caller{UserID: "u-all", OrgID: "acme", Email: "all@acme.test", Name: "All Roles",
	Department: "Ops", Roles: []tandem.Role{tandem.RoleLearner, tandem.RoleExpert, tandem.RoleHR}}

// TestLongPathIDIsRefusedBeforeTheStore: on every route with a path parameter, a 2,000
// character value (and other non-ids) is 400 naming the parameter, never a lookup.
func TestLongPathIDIsRefusedBeforeTheStore(t *testing.T) {
	clients := storeless(t)
	wild := regexp.MustCompile(`\{([^}]+)\}`)
	routes := 0
	for _, pattern := range slices.Sorted(func(yield func(string) bool) {
		for p := range clients {
			if !yield(p) {
				return
			}
		}
	}) {
		method, path, _ := strings.Cut(pattern, " ")
		names := wild.FindAllStringSubmatch(path, -1)
		if len(names) == 0 {
			continue
		}
		routes++
		for _, bad := range []string{strings.Repeat("a", 2000), strings.Repeat("b", 129), "a#b", "a\u202eb", "x y", "ü", "a\x00b"} {
			target := wild.ReplaceAllString(path, url.PathEscape(bad))
			headers := []string{"Idempotency-Key", "key-12345678"}
			res := clients[pattern].do(method, target, "", everyCaller, headers...)
			t.Run(pattern+"/"+clip(fmt.Sprintf("%q", bad), 12), func(t *testing.T) { wantInvalid(t, res, names[0][1]) })
		}
	}
	if routes < 20 {
		t.Fatalf("only %d routes with path parameters", routes)
	}
}

// TestYear9999IsRefusedBeforeTheStore: the four routes that took a year-9999 date to the
// database (slots, booking, reschedule, offers) refuse it, and year 1, in the input checks.
func TestYear9999IsRefusedBeforeTheStore(t *testing.T) {
	c := storeless(t)
	key := []string{"Idempotency-Key", "key-12345678"}
	for _, when := range []string{"9999-12-31T23:00:00Z", "0001-01-01T00:00:00Z", "2100-01-01T00:00:00Z", "1999-12-31T23:59:59Z"} {
		t.Run(when, func(t *testing.T) {
			day := when[:10]
			wantInvalid(t, c["GET /v1/experts/{expertId}/slots"].do("GET", "/v1/experts/u-alice/slots?from="+day, "", bobLearner), "from")
			wantInvalid(t, c["GET /v1/experts/{expertId}/slots"].do("GET", "/v1/experts/u-alice/slots?to="+url.QueryEscape(when), "", bobLearner), "to")
			wantInvalid(t, c["POST /v1/bookings"].do("POST", "/v1/bookings",
				`{"expertId":"u-alice","sessionType":"intro","start":"`+when+`"}`, bobLearner, key...), "start")
			wantInvalid(t, c["POST /v1/bookings/{bookingId}/reschedule"].do("POST", "/v1/bookings/b1/reschedule",
				`{"start":"`+when+`"}`, bobLearner), "start")
			wantInvalid(t, c["POST /v1/requests/{requestId}/offers"].do("POST", "/v1/requests/r1/offers",
				`{"sessionType":"intro","starts":["2027-03-10T10:00:00Z","`+when+`"]}`, aliceExpert), "starts[1]")
			wantInvalid(t, c["POST /v1/requests/{requestId}/accept"].do("POST", "/v1/requests/r1/accept",
				`{"expertId":"u-alice","start":"`+when+`"}`, bobLearner, key...), "start")
			wantInvalid(t, c["POST /v1/programs"].do("POST", "/v1/programs", `{"title":"T","topic":"go","cohortSize":2,"start":"`+when+
				`","timezone":"UTC","cadence":"weekly","sessions":1,"sessionMin":60}`, everyCaller), "start")
			wantInvalid(t, c["PUT /v1/experts/me/availability"].do("PUT", "/v1/experts/me/availability",
				`{"timezone":"UTC","timeOff":[{"start":"2027-03-10T00:00:00Z","end":"`+when+`"}]}`, aliceExpert), "timeOff[0].end")
		})
	}
	wantInvalid(t, c["GET /v1/reports/utilization"].do("GET", "/v1/reports/utilization?from=9999-01", "", everyCaller), "from")
	wantInvalid(t, c["GET /v1/reports/connections"].do("GET", "/v1/reports/connections?to=0001-12", "", everyCaller), "to")
}

// TestControlAndBidiCharactersAreRefused: text with control characters or bidirectional
// overrides is 400 naming the field, in every body (the decoder checks them all) and query.
func TestControlAndBidiCharactersAreRefused(t *testing.T) {
	c := storeless(t)
	key := []string{"Idempotency-Key", "key-12345678"}
	for _, bad := range []string{"\u202e", "\u202a", "\u2066", "\u2069", "\x00", "\x1b[31m", "\u0085", "\u2028", "\ufeff"} {
		t.Run(fmt.Sprintf("%U", []rune(bad)[0]), func(t *testing.T) {
			q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
			wantInvalid(t, c["PUT /v1/me"].do("PUT", "/v1/me", `{"name":`+q("Bob"+bad+"by")+`,"timezone":"UTC"}`, bobLearner), "name")
			wantInvalid(t, c["PUT /v1/experts/me"].do("PUT", "/v1/experts/me",
				strings.Replace(aliceProfile, `"I help`, q("I" + bad + " help")[:len(q("I"+bad+" help"))-1], 1), aliceExpert), "bio")
			wantInvalid(t, c["POST /v1/bookings"].do("POST", "/v1/bookings",
				`{"expertId":"u-alice","sessionType":"intro","start":"2027-03-10T10:00:00Z","note":`+q("see "+bad+"you")+`}`, bobLearner, key...), "note")
			wantInvalid(t, c["POST /v1/bookings/{bookingId}/cancel"].do("POST", "/v1/bookings/b1/cancel", `{"reason":`+q("ill"+bad)+`}`, bobLearner), "reason")
			wantInvalid(t, c["POST /v1/requests"].do("POST", "/v1/requests", `{"topics":["go"],"goal":`+q("learn"+bad)+`}`, bobLearner), "goal")
			wantInvalid(t, c["PUT /v1/org/settings"].do("PUT", "/v1/org/settings",
				`{"matching":{"topic":1},"budget":{"period":"month","orgHours":0,"departmentHours":{`+q("Sales"+bad)+`:5}}}`, everyCaller), "budget.departmentHours")
			wantInvalid(t, c["POST /v1/programs"].do("POST", "/v1/programs", `{"title":`+q("Lead"+bad)+`}`, everyCaller), "title")
			wantInvalid(t, c["GET /v1/experts"].do("GET", "/v1/experts?q="+url.QueryEscape("go"+bad), "", bobLearner), "q")
		})
	}
	// Line breaks and tabs are text in a multi-line field, and nowhere else.
	wantInvalid(t, c["PUT /v1/me"].do("PUT", "/v1/me", `{"name":"Bob\nBy","timezone":"UTC"}`, bobLearner), "name")
	var in tandem.BookInput
	if err := decodeBytes([]byte(`{"expertId":"u-alice","sessionType":"intro","start":"2027-03-10T10:00:00Z","note":"line\r\none\ttab"}`), &in); err != nil {
		t.Errorf("a note with a line break and a tab was refused: %v", err)
	}
	// Invalid UTF-8 is refused, not silently replaced.
	wantInvalid(t, c["PUT /v1/me"].do("PUT", "/v1/me", "{\"name\":\"B\xffb\",\"timezone\":\"UTC\"}", bobLearner), "body")
}

// TestJSONKeysMatchExactly: encoding/json matches field names case-insensitively; the API
// does not: {"ExpertID": ...} is an unknown field like any other.
func TestJSONKeysMatchExactly(t *testing.T) {
	c := storeless(t)
	key := []string{"Idempotency-Key", "key-12345678"}
	for _, tc := range []struct{ pattern, method, target, body, field string }{
		{"POST /v1/bookings", "POST", "/v1/bookings", `{"ExpertID":"u-alice","sessionType":"intro","start":"2027-03-10T10:00:00Z"}`, "ExpertID"},
		{"POST /v1/bookings", "POST", "/v1/bookings", `{"expertId":"u-alice","SESSIONTYPE":"intro","start":"2027-03-10T10:00:00Z"}`, "SESSIONTYPE"},
		{"PUT /v1/me", "PUT", "/v1/me", `{"Name":"Bob","timezone":"UTC"}`, "Name"},
		{"PUT /v1/experts/me", "PUT", "/v1/experts/me", strings.Replace(aliceProfile, `"durationMin"`, `"DurationMin"`, 1), "sessionTypes[0].DurationMin"},
		{"PUT /v1/org/settings", "PUT", "/v1/org/settings", `{"matching":{"Topic":1}}`, "matching.Topic"},
		{"POST /v1/bookings/{bookingId}/reschedule", "POST", "/v1/bookings/b1/reschedule", `{"Start":"2027-03-10T10:00:00Z"}`, "Start"},
	} {
		t.Run(tc.field, func(t *testing.T) {
			res := c[tc.pattern].do(tc.method, tc.target, tc.body, everyCaller, key...)
			wantInvalid(t, res, tc.field)
			if p := res.problem(t); !strings.Contains(p.Detail, "unknown fields") {
				t.Errorf("detail %q, want the unknown-fields message", p.Detail)
			}
		})
	}
}

// TestEncoderFailureIsA500Problem: a value that cannot be encoded (a NaN) is a logged
// problem+json 500, not the status the handler meant with an empty body.
func TestEncoderFailureIsA500Problem(t *testing.T) {
	var logs bytes.Buffer
	rt := newRouter(slog.New(slog.NewJSONHandler(&logs, nil)))
	rt.handle("GET /v1/me", func(w http.ResponseWriter, r *http.Request, c Caller) error {
		w.Header().Set("Location", "/v1/somewhere")
		writeJSON(w, http.StatusCreated, map[string]any{"score": math.NaN()})
		return nil
	})
	res := newLambdaClient(t, rt).do("GET", "/v1/me", "", bobLearner)
	if res.Status != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500 (body %q)", res.Status, res.Body)
	}
	if p := res.problem(t); p.Code != tandem.EInternal || p.RequestID == "" {
		t.Errorf("problem %+v", p)
	}
	if res.Headers["Location"] != "" {
		t.Errorf("the failed response kept Location %q", res.Headers["Location"])
	}
	if !strings.Contains(logs.String(), "encode the 201 response") {
		t.Errorf("the failure was not logged: %s", logs.String())
	}

	// Outside a router (no request known) it is still a problem, not an empty success.
	defer slog.SetDefault(slog.Default())
	slog.SetDefault(quietLog)
	rec := httptest.NewRecorder()
	writeJSON(rec, http.StatusOK, map[string]any{"x": math.Inf(1)})
	if rec.Code != http.StatusInternalServerError || !strings.Contains(rec.Body.String(), `"code":"internal"`) {
		t.Errorf("bare writeJSON: %d %s", rec.Code, rec.Body.String())
	}
}

// TestQueryRulesEqualTheDocument: the query parameters checkInputs knows for each route are
// exactly those openapi.yaml documents for it.
func TestQueryRulesEqualTheDocument(t *testing.T) {
	c, err := loadContract()
	if err != nil {
		t.Fatal(err)
	}
	fromDoc := map[string][]string{}
	for path, item := range c.doc.Paths.Map() {
		for method, op := range item.Operations() {
			for _, p := range append(item.Parameters, op.Parameters...) {
				if p.Value.In == "query" {
					key := method + " " + path
					fromDoc[key] = append(fromDoc[key], p.Value.Name)
				}
			}
		}
	}
	fromRules := map[string][]string{}
	for pattern, rules := range queryRules() {
		for name := range rules {
			fromRules[pattern] = append(fromRules[pattern], name)
		}
	}
	for _, m := range []map[string][]string{fromDoc, fromRules} {
		for k := range m {
			slices.Sort(m[k])
		}
	}
	if diff := cmp.Diff(fromDoc, fromRules); diff != "" {
		t.Errorf("query parameters in openapi.yaml (-) vs queryRules (+):\n%s", diff)
	}
}

// TestCursorsAreBoundToTheirListing: a cursor works only on the listing, with the parameters,
// for the caller and in the org that it came from, and only while its position is inside the
// listing; anything else is 400 on the field cursor (it was a 500 from DynamoDB).
func TestCursorsAreBoundToTheirListing(t *testing.T) {
	f := newBookingFixture(t, "instant", 0)
	for i, start := range []string{"2027-03-03T14:00:00Z", "2027-03-03T15:00:00Z", "2027-03-04T14:00:00Z", "2027-03-05T14:00:00Z"} {
		f.mustBook(t, bobLearner, fmt.Sprintf("cursor-key-%d", i), start, "intro")
	}
	f.setNow(time.Date(2027, 3, 3, 16, 0, 0, 0, time.UTC)) // two sessions past, two upcoming
	page := func(c *tandem.Caller, query string) string {
		t.Helper()
		res := f.bookings.do("GET", "/v1/bookings?limit=1&"+query, "", c)
		if res.Status != http.StatusOK {
			t.Fatalf("%s: %d %s", query, res.Status, res.Body)
		}
		var p struct{ NextCursor string }
		res.decode(t, &p)
		if p.NextCursor == "" {
			t.Fatalf("%s: no next page", query)
		}
		return p.NextCursor
	}
	past, upcoming, asExpert := page(bobLearner, "when=past"), page(bobLearner, "when=upcoming"), page(aliceExpert, "as=expert")
	refused := func(c *tandem.Caller, query, want string) {
		t.Helper()
		res := f.bookings.do("GET", "/v1/bookings?limit=1&"+query, "", c)
		wantInvalid(t, res, "cursor")
		if p := res.problem(t); !strings.Contains(p.Errors[0].Message, want) {
			t.Errorf("%s: message %q, want it to say %q", query, p.Errors[0].Message, want)
		}
	}
	refused(bobLearner, "when=upcoming&cursor="+past, "another listing")
	refused(bobLearner, "when=past&cursor="+upcoming, "another listing")
	refused(aliceExpert, "as=learner&cursor="+asExpert, "another listing")
	refused(learner(1), "when=past&cursor="+past, "someone else")
	refused(oscarOtherOrg, "when=past&cursor="+past, "someone else")
	refused(bobLearner, "when=past&cursor=eyJ2IjoyfQ", "not a cursor")               // {"v":2}
	refused(bobLearner, "when=past&cursor=eyJwIjoiT1JHI2dsb2JleCJ9", "not a cursor") // an old-style cursor
	refused(bobLearner, "when=past&cursor="+past[:len(past)/2], "not a cursor")

	// The cursors work where they belong.
	if res := f.bookings.do("GET", "/v1/bookings?limit=1&when=upcoming&cursor="+upcoming, "", bobLearner); res.Status != http.StatusOK {
		t.Fatalf("own cursor: %d %s", res.Status, res.Body)
	}
	// Once the session the upcoming cursor stands on has ended, the cursor is stale.
	f.setNow(time.Date(2027, 3, 4, 15, 0, 0, 0, time.UTC))
	refused(bobLearner, "when=upcoming&cursor="+upcoming, "expired")
	if res := f.bookings.do("GET", "/v1/bookings?limit=1&when=past&cursor="+past, "", bobLearner); res.Status != http.StatusOK {
		t.Fatalf("a past cursor stays good: %d %s", res.Status, res.Body)
	}

	// Experts: a cursor of one topic is refused on another, and in another org.
	second := &tandem.Caller{UserID: "u-zed", OrgID: "acme", Name: "Zed Zephyr", Email: "zed@acme.test", Department: "Ops", Roles: []tandem.Role{tandem.RoleExpert}}
	if res := f.api.do("PUT", "/v1/experts/me", fmt.Sprintf(bookingProfile, "instant", 0), second); res.Status != http.StatusOK {
		t.Fatalf("second expert: %d %s", res.Status, res.Body)
	}
	res := f.api.do("GET", "/v1/experts?topic=go&limit=1", "", bobLearner)
	var ep struct{ NextCursor string }
	res.decode(t, &ep)
	if ep.NextCursor == "" {
		t.Fatalf("experts: no next page: %s", res.Body)
	}
	wantInvalid(t, f.api.do("GET", "/v1/experts?topic=rust&cursor="+ep.NextCursor, "", bobLearner), "cursor")
	wantInvalid(t, f.api.do("GET", "/v1/experts?cursor="+ep.NextCursor, "", bobLearner), "cursor")
	wantInvalid(t, f.api.do("GET", "/v1/experts?topic=go&cursor="+ep.NextCursor, "", oscarOtherOrg), "cursor")
	wantInvalid(t, f.requests.do("GET", "/v1/requests?cursor="+ep.NextCursor, "", bobLearner), "cursor")
	if res := f.api.do("GET", "/v1/experts?topic=go&limit=1&cursor="+ep.NextCursor, "", bobLearner); res.Status != http.StatusOK {
		t.Fatalf("own experts cursor: %d %s", res.Status, res.Body)
	}
}
