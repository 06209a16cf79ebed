package httpapi

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/google/go-cmp/cmp"
	"github.com/tandemhq/tandem/internal/samtemplate"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The contract: openapi.yaml is held to the handlers from both sides. Its routes must equal
// template.yaml's, and every exchange the handler tests make through the harness
// (lambdaClient.do) is validated against it by checkContract:
//
//   - the response always: its status must be documented for the operation, its Content-Type
//     one the operation lists, its body valid against that schema (errors too, as
//     problem+json); a request no operation matches must get a problem+json 404 or 405;
//   - the request only when the handler accepted it (2xx): tests send invalid requests on
//     purpose, and the server refusing what the document also refuses is fine, but a request
//     the server took and the document would not is drift.

// exchange is one request made through the harness and the response it got.
type exchange struct {
	method, target string
	header         http.Header // as the client sent them; Authorization added when signed in
	body           string
	signedIn       bool // the request carried JWT claims (a bearer token, behind API Gateway)
	res            response
}

// contract validates exchanges against the OpenAPI document.
type contract struct {
	doc     *openapi3.T
	router  routers.Router
	problem *openapi3.Schema
}

var loadContract = sync.OnceValues(func() (*contract, error) {
	// Calendar documents are text: validate them as a string against their pattern.
	openapi3filter.RegisterBodyDecoder("text/calendar", openapi3filter.PlainBodyDecoder)
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(OpenAPI)
	if err != nil {
		return nil, fmt.Errorf("load openapi.yaml: %w", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		return nil, fmt.Errorf("openapi.yaml is not a valid OpenAPI document: %w", err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("route openapi.yaml: %w", err)
	}
	p := doc.Components.Schemas["Problem"]
	if p == nil || p.Value == nil {
		return nil, errors.New("openapi.yaml has no components.schemas.Problem")
	}
	return &contract{doc: doc, router: router, problem: p.Value}, nil
})

// checkContract reports every way ex departs from the OpenAPI document as a test error. The
// harness calls it for every request, from whatever goroutine made it, so it never stops the
// test (no t.Fatal).
func checkContract(t testing.TB, ex exchange) {
	t.Helper()
	c, err := loadContract()
	if err != nil {
		t.Error(err)
		return
	}
	for _, v := range c.check(ex) {
		t.Errorf("OpenAPI contract: %s %s → %d: %s", ex.method, ex.target, ex.res.Status, v)
	}
}

// check returns the violations of ex, none when it conforms.
func (c *contract) check(ex exchange) []string {
	req, err := ex.request()
	if err != nil {
		return []string{err.Error()}
	}
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		return c.checkUnrouted(ex, err)
	}
	var out []string
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: validationOptions()}
	if ex.res.Status >= 200 && ex.res.Status < 300 {
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
			for _, d := range describe(err) {
				out = append(out, "the handler accepted a request the document refuses: "+d)
			}
		}
	}
	resIn := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: ex.res.Status,
		Header: ex.res.header(), Options: validationOptions()}
	resIn.SetBodyBytes([]byte(ex.res.Body))
	if err := openapi3filter.ValidateResponse(context.Background(), resIn); err != nil {
		for _, d := range describe(err) {
			out = append(out, "response: "+d)
		}
	}
	// kin-openapi skips the body of a response documented without content; such a response
	// must not have one.
	if doc := route.Operation.Responses.Status(ex.res.Status); doc != nil && doc.Value != nil &&
		len(doc.Value.Content) == 0 && ex.res.Body != "" {
		out = append(out, fmt.Sprintf("response: status %d is documented without a body, got %q", ex.res.Status, ex.res.Body))
	}
	return out
}

// checkUnrouted checks the answer to a request that no operation of the document matches:
// the router's own problem+json 404 or 405. Anything else is a route missing from the document.
func (c *contract) checkUnrouted(ex exchange, routeErr error) []string {
	if ex.res.Status != http.StatusNotFound && ex.res.Status != http.StatusMethodNotAllowed {
		return []string{fmt.Sprintf("no operation in openapi.yaml (%v), yet the handler answered %d", routeErr, ex.res.Status)}
	}
	if ct := ex.res.header().Get("Content-Type"); ct != "application/problem+json" {
		return []string{fmt.Sprintf("response: Content-Type %q, want application/problem+json", ct)}
	}
	var body any
	if err := json.Unmarshal([]byte(ex.res.Body), &body); err != nil {
		return []string{fmt.Sprintf("response: body is not JSON: %v", err)}
	}
	var out []string
	opts := []openapi3.SchemaValidationOption{openapi3.MultiErrors(), openapi3.SetSchemaErrorMessageCustomizer(schemaMessage)}
	if err := c.problem.VisitJSON(body, opts...); err != nil {
		for _, d := range describe(err) {
			out = append(out, "response: "+d)
		}
	}
	if m, _ := body.(map[string]any); m["status"] != float64(ex.res.Status) {
		out = append(out, fmt.Sprintf("response: problem status %v differs from the HTTP status", m["status"]))
	}
	return out
}

// validationOptions are strict: every violation reported, undocumented statuses refused.
func validationOptions() *openapi3filter.Options {
	o := &openapi3filter.Options{
		MultiError:            true,
		IncludeResponseStatus: true, // an undocumented status is drift
		SkipSettingDefaults:   true,
		AuthenticationFunc:    bearerPresent,
	}
	o.WithCustomSchemaErrorFunc(schemaMessage)
	return o
}

// bearerPresent stands in for API Gateway's JWT authorizer: the harness hands claims to the
// handler directly, so all the document can check is that a token was sent where it asks for one.
func bearerPresent(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	if in.SecuritySchemeName != "bearerAuth" {
		return fmt.Errorf("unknown security scheme %q", in.SecuritySchemeName)
	}
	if !strings.HasPrefix(in.RequestValidationInput.Request.Header.Get("Authorization"), "Bearer ") {
		return errors.New("no bearer token")
	}
	return nil
}

// schemaMessage names the place and the rule a value breaks, without kin-openapi's dump of the
// whole schema.
func schemaMessage(e *openapi3.SchemaError) string {
	reason := e.Reason
	if reason == "" {
		reason = fmt.Sprintf("doesn't match schema %q", e.SchemaField)
	}
	if e.Origin != nil { // why an allOf, anyOf or oneOf failed
		reason += " (" + e.Origin.Error() + ")"
	}
	return fmt.Sprintf("at /%s: %s", strings.Join(e.JSONPointer(), "/"), reason)
}

// describe flattens kin-openapi's nested errors into one line per violation.
func describe(err error) []string {
	var out []string
	switch e := err.(type) {
	case openapi3.MultiError:
		for _, inner := range e {
			out = append(out, describe(inner)...)
		}
	case *openapi3filter.RequestError:
		where := "request"
		switch {
		case e.Parameter != nil:
			where = fmt.Sprintf("%s parameter %q", e.Parameter.In, e.Parameter.Name)
		case e.RequestBody != nil:
			where = "request body"
		}
		if e.Reason != "" && (e.Err == nil || e.Reason != e.Err.Error()) {
			where += ": " + e.Reason
		}
		if e.Err == nil {
			return []string{where}
		}
		for _, d := range describe(e.Err) {
			out = append(out, where+": "+d)
		}
	case *openapi3filter.ResponseError:
		if e.Err == nil {
			return []string{e.Reason}
		}
		for _, d := range describe(e.Err) {
			out = append(out, e.Reason+": "+d)
		}
	case *openapi3filter.SecurityRequirementsError:
		for _, inner := range e.Errors {
			out = append(out, describe(inner)...)
		}
	default:
		out = append(out, err.Error())
	}
	return out
}

// request rebuilds the HTTP request the exchange stands for, as a client sent it to API
// Gateway (with the bearer token that became the claims).
func (ex exchange) request() (*http.Request, error) {
	req, err := http.NewRequest(ex.method, "https://api.test"+ex.target, strings.NewReader(ex.body))
	if err != nil {
		return nil, fmt.Errorf("rebuild the request: %w", err)
	}
	for k, vs := range ex.header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if ex.signedIn && req.Header.Get("Authorization") == "" {
		req.Header.Set("Authorization", "Bearer harness-token")
	}
	return req, nil
}

// header returns the response's headers as an http.Header.
func (r response) header() http.Header {
	h := http.Header{}
	for k, v := range r.Headers {
		h.Set(k, v)
	}
	return h
}

// TestOpenAPIDocumentIsValid loads the embedded document and validates it as OpenAPI 3.0.
func TestOpenAPIDocumentIsValid(t *testing.T) {
	c, err := loadContract()
	if err != nil {
		t.Fatal(err)
	}
	if got := c.doc.OpenAPI; got != "3.0.3" {
		t.Errorf("openapi = %q, want 3.0.3", got)
	}
	// Every operation says how it fails: 500 always, 401 wherever a token is needed.
	for path, item := range c.doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.Responses.Status(http.StatusInternalServerError) == nil {
				t.Errorf("%s %s documents no 500", method, path)
			}
			public := op.Security != nil && len(*op.Security) == 0
			if !public && op.Responses.Status(http.StatusUnauthorized) == nil {
				t.Errorf("%s %s needs a token but documents no 401", method, path)
			}
		}
	}
}

// TestOpenAPIRoutesEqualTemplate proves openapi.yaml documents exactly the HttpApi routes of
// template.yaml, both directions, and that the routes without the authorizer are exactly the
// operations without security.
func TestOpenAPIRoutesEqualTemplate(t *testing.T) {
	c, err := loadContract()
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := samtemplate.LoadNearest()
	if err != nil {
		t.Fatal(err)
	}
	var fromTemplate, publicInTemplate []string
	for _, r := range tpl.Routes() {
		fromTemplate = append(fromTemplate, r.Key())
		if r.Public {
			publicInTemplate = append(publicInTemplate, r.Key())
		}
	}
	var fromDoc, publicInDoc []string
	for path, item := range c.doc.Paths.Map() {
		for method, op := range item.Operations() {
			key := method + " " + path
			fromDoc = append(fromDoc, key)
			if op.Security != nil && len(*op.Security) == 0 {
				publicInDoc = append(publicInDoc, key)
			}
		}
	}
	for _, s := range [][]string{fromTemplate, publicInTemplate, fromDoc, publicInDoc} {
		slices.Sort(s)
	}
	if len(fromTemplate) == 0 {
		t.Fatal("template.yaml has no HttpApi routes")
	}
	if diff := cmp.Diff(fromTemplate, fromDoc); diff != "" {
		t.Errorf("template routes (-) vs openapi.yaml operations (+):\n%s", diff)
	}
	if diff := cmp.Diff(publicInTemplate, publicInDoc); diff != "" {
		t.Errorf("routes with Auth: NONE (-) vs operations with security: [] (+):\n%s", diff)
	}
}

// TestSampleEventsConformToOpenAPI: each API Gateway sample event in events/ is a request the
// handlers accept (TestSampleEventsReplay), so the document must accept it too.
func TestSampleEventsConformToOpenAPI(t *testing.T) {
	c, err := loadContract()
	if err != nil {
		t.Fatal(err)
	}
	tplPath, err := samtemplate.Find(".")
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(filepath.Dir(tplPath), "events")
	n := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var ev events.APIGatewayV2HTTPRequest
		if json.Unmarshal(raw, &ev) != nil || ev.Version != "2.0" || ev.RouteKey == "" {
			return nil // not an HTTP API event
		}
		n++
		rel, _ := filepath.Rel(root, path)
		body := ev.Body
		if ev.IsBase64Encoded {
			b, err := base64.StdEncoding.DecodeString(body)
			if err != nil {
				t.Errorf("%s: body: %v", rel, err)
			}
			body = string(b)
		}
		ex := exchange{method: ev.RequestContext.HTTP.Method, target: ev.RawPath, header: http.Header{}, body: body,
			signedIn: ev.RequestContext.Authorizer != nil && ev.RequestContext.Authorizer.JWT != nil}
		if ev.RawQueryString != "" {
			ex.target += "?" + ev.RawQueryString
		}
		for k, v := range ev.Headers {
			ex.header.Set(k, v)
		}
		req, err := ex.request()
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			return nil
		}
		route, params, err := c.router.FindRoute(req)
		if err != nil {
			t.Errorf("%s: %s %s: %v", rel, ex.method, ex.target, err)
			return nil
		}
		if got := route.Method + " " + route.Path; got != ev.RouteKey {
			t.Errorf("%s: the document routes it to %q, the event says %q", rel, got, ev.RouteKey)
		}
		in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: validationOptions()}
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
			for _, d := range describe(err) {
				t.Errorf("%s: %s", rel, d)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no API Gateway sample events found")
	}
}

// TestContractCatchesDrift feeds the checker exchanges that break the document in the ways
// drift shows up, so the check cannot silently pass everything.
func TestContractCatchesDrift(t *testing.T) {
	c, err := loadContract()
	if err != nil {
		t.Fatal(err)
	}
	jsonHeaders := map[string]string{"Content-Type": "application/json"}
	problemHeaders := map[string]string{"Content-Type": "application/problem+json"}
	sentJSON := http.Header{"Content-Type": {"application/json"}}
	me := `{"id":"u-bob","org":"acme","email":"bob@acme.test","name":"Bob","department":"Sales","roles":["learner"],"timezone":""}`
	invalid := `{"type":"urn:tandem:problem:invalid","title":"Invalid request","status":400,"detail":"x","code":"invalid"}`
	tests := []struct {
		name string
		ex   exchange
		want []string // substrings, one per expected violation; none means it conforms
	}{
		{"conforming response", exchange{method: "GET", target: "/v1/me", signedIn: true,
			res: response{Status: 200, Headers: jsonHeaders, Body: me}}, nil},
		{"required field missing", exchange{method: "GET", target: "/v1/me", signedIn: true,
			res: response{Status: 200, Headers: jsonHeaders, Body: strings.Replace(me, `"roles":["learner"],`, "", 1)}},
			[]string{`property "roles" is missing`}},
		{"unknown field", exchange{method: "GET", target: "/v1/me", signedIn: true,
			res: response{Status: 200, Headers: jsonHeaders, Body: strings.Replace(me, `"id"`, `"budget":1,"id"`, 1)}},
			[]string{`"budget"`}},
		{"undocumented status", exchange{method: "GET", target: "/v1/me", signedIn: true,
			res: response{Status: 201, Headers: jsonHeaders, Body: me}}, []string{"status is not supported"}},
		{"wrong content type", exchange{method: "GET", target: "/v1/me", signedIn: true,
			res: response{Status: 200, Headers: map[string]string{"Content-Type": "text/plain"}, Body: me}},
			[]string{`"text/plain"`}},
		{"problem with the wrong code", exchange{method: "PUT", target: "/v1/me", signedIn: true, header: sentJSON, body: `{}`,
			res: response{Status: 400, Headers: problemHeaders, Body: strings.Replace(invalid, `"code":"invalid"`, `"code":"conflict"`, 1)}},
			[]string{"/code"}},
		{"error that is not problem+json", exchange{method: "PUT", target: "/v1/me", signedIn: true, header: sentJSON, body: `{}`,
			res: response{Status: 400, Headers: jsonHeaders, Body: `{"message":"bad"}`}}, []string{`"application/json"`}},
		{"invalid request refused: not checked", exchange{method: "PUT", target: "/v1/me", signedIn: true, header: sentJSON, body: `{"nick":"b"}`,
			res: response{Status: 400, Headers: problemHeaders, Body: invalid}}, nil},
		{"invalid request accepted", exchange{method: "PUT", target: "/v1/me", signedIn: true, header: sentJSON, body: `{"name":"Bob","timezone":"UTC","nick":"b"}`,
			res: response{Status: 200, Headers: jsonHeaders, Body: me}}, []string{`property "nick" is unsupported`}},
		{"booking accepted without Idempotency-Key", exchange{method: "POST", target: "/v1/bookings", signedIn: true, header: sentJSON,
			body: `{"expertId":"u-alice","sessionType":"intro","start":"2027-03-03T15:00:00Z"}`,
			res:  response{Status: 201, Headers: jsonHeaders, Body: `{}`}},
			[]string{`header parameter "Idempotency-Key"`, "response"}},
		{"protected route accepted without a token", exchange{method: "GET", target: "/v1/me",
			res: response{Status: 200, Headers: jsonHeaders, Body: me}}, []string{"no bearer token"}},
		{"body on a response documented without one", exchange{method: "DELETE", target: "/v1/me/calendar-token", signedIn: true,
			res: response{Status: 204, Body: "gone"}}, []string{"without a body"}},
		{"route missing from the document", exchange{method: "GET", target: "/v1/teams", signedIn: true,
			res: response{Status: 200, Headers: jsonHeaders, Body: `[]`}}, []string{"no operation"}},
		{"unrouted request answered with a valid problem", exchange{method: "PATCH", target: "/v1/me", signedIn: true,
			res: response{Status: 405, Headers: problemHeaders, Body: `{"type":"urn:tandem:problem:method_not_allowed","title":"Method not allowed","status":405,"detail":"x","code":"method_not_allowed"}`}}, nil},
		{"unrouted request answered with a broken problem", exchange{method: "GET", target: "/v1/nothing", signedIn: true,
			res: response{Status: 404, Headers: problemHeaders, Body: `{"status":404}`}}, []string{`"type" is missing`}},
		{"calendar that is not iCalendar", exchange{method: "GET", target: "/v1/calendar/tok/feed.ics",
			res: response{Status: 200, Headers: map[string]string{"Content-Type": "text/calendar; charset=utf-8"}, Body: "hello"}},
			[]string{"regular expression"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := c.check(tt.ex)
			t.Logf("violations: %q", got)
			if len(tt.want) == 0 && len(got) > 0 {
				t.Fatalf("violations %q, want none", got)
			}
			for _, w := range tt.want {
				if !slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, w) }) {
					t.Errorf("violations %q, want one mentioning %q", got, w)
				}
			}
		})
	}
}

// recordingT records the errors a harness client reports instead of failing the test.
type recordingT struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (r *recordingT) Helper() {}

func (r *recordingT) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

// TestHarnessChecksTheContract proves the hook is wired into the harness: a handler whose
// answer drifts from the document fails the test that called it.
func TestHarnessChecksTheContract(t *testing.T) {
	drifted := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"id": "u-bob"}) // a Me without most of its fields
	})
	rec := &recordingT{TB: t}
	newLambdaClient(rec, drifted).do("GET", "/v1/me", "", bobLearner)
	if len(rec.errors) == 0 || !strings.Contains(rec.errors[0], "OpenAPI contract") {
		t.Errorf("harness reported %q, want an OpenAPI contract violation", rec.errors)
	}

	rec = &recordingT{TB: t}
	conforming := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, meFrom(*bobLearner, &tandem.User{Name: "Bob", Timezone: "UTC"}))
	})
	newLambdaClient(rec, conforming).do("GET", "/v1/me", "", bobLearner)
	if len(rec.errors) > 0 {
		t.Errorf("harness reported %q for a conforming exchange", rec.errors)
	}
}
