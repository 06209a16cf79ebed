package httpapi

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/tandemhq/tandem/internal/tandem"
)

// TestPropertyAPI is property-based testing of the whole API, driven by openapi.yaml. For
// every operation of the document it generates requests from the operation's schemas, valid
// ones and broken ones (random, huge, unicode, control and bidirectional-override strings;
// wrong types; missing, extra and case-mismatched fields; malformed JSON and invalid UTF-8;
// bad path ids; cursors of other listings, users and orgs, forged or stale; dates in year 1
// or 9999; missing or bad headers), sends them as each role (a learner, an expert, HR, a user
// of another org, no token) to the Lambda handlers on a seeded org in DynamoDB Local, and
// holds every response to three properties:
//
//  1. no 5xx, whatever the input;
//  2. the exchange conforms to openapi.yaml (contract.check: documented status, content
//     type and body; a request the handler accepted must be one the document accepts);
//  3. no cross-tenant data: no response to a caller of one org carries a string only the
//     other org's data holds (names, emails, departments, ids, text), unless the request
//     itself named it.
//
// Requests come in rounds: each round visits every operation once, in a shuffled order, in
// one mode (propModes: valid; a bad path id; keys in another case, unknown or missing; dates
// out of range; control, bidirectional and oversized text; wrong types and broken JSON;
// cursors of other listings, callers and orgs; valid again), so even the default budget puts
// every kind of input to every operation. The run is deterministic for a seed
// (TANDEM_PROPERTY_SEED, default below) and sends a fixed number of generated requests
// (TANDEM_PROPERTY_REQUESTS, default propertyBudget), in two phases: the second moves the
// clock three days on, so upcoming sessions and their cursors go stale and past ones can be
// reviewed. A failure prints the seed, the request's index and a reproduction.
func TestPropertyAPI(t *testing.T) {
	if testing.Short() {
		t.Skip("property run skipped in -short mode")
	}
	budget := envInt(t, "TANDEM_PROPERTY_REQUESTS", propertyBudget)
	seed := uint64(envInt(t, "TANDEM_PROPERTY_SEED", propertySeed))
	started := time.Now()
	f := newFixture(t)
	w := seedPropertyWorld(t, f)
	seeded := time.Since(started)
	c, err := loadContract()
	if err != nil {
		t.Fatal(err)
	}
	workers := max(envInt(t, "TANDEM_PROPERTY_WORKERS", propertyWorkers), 1)
	p := newPropertyRun(t, f, w, c, seed)
	for i := 0; i < budget; i += workers {
		if i <= budget/2 && budget/2 < i+workers {
			f.setNow(f.clock().Add(3 * 24 * time.Hour))
		}
		p.batch(i, min(workers, budget-i))
	}
	t.Logf("property run: seed %d, %d generated requests (%d at a time) over %d operations in %v (+%v seeding); statuses %v",
		seed, budget, workers, len(p.ops), (time.Since(started) - seeded).Round(time.Millisecond), seeded.Round(time.Millisecond), p.statusSummary())
	p.report()
	if testing.Verbose() {
		keys := slices.SortedFunc(func(yield func(string) bool) {
			for k := range p.spent {
				if !yield(k) {
					return
				}
			}
		}, func(a, b string) int { return int(p.spent[b] - p.spent[a]) })
		for _, k := range keys[:min(8, len(keys))] {
			t.Logf("  %v in %s", p.spent[k].Round(time.Millisecond), k)
		}
	}
}

// The default run: a fixed budget that keeps `make test` under a minute on a loaded
// two-core machine. TANDEM_PROPERTY_REQUESTS=20000 (and another TANDEM_PROPERTY_SEED) for a
// longer run on demand. Requests are generated in order from the seed and sent
// propertyWorkers at a time (their checks run in order too); TANDEM_PROPERTY_WORKERS=1 sends
// them one by one, so that the store's state, too, is the same on every run of a seed.
const (
	propertyBudget  = 400 // eight rounds of the 49 operations, and a few
	propertySeed    = 20270301
	propertyWorkers = 4
)

// propMode is what a round of requests tries.
type propMode int

const (
	modeValid  propMode = iota // as valid as the generator can make it
	modePath                   // a path parameter that is no id
	modeKeys                   // a body key in another case, unknown or missing
	modeDates                  // instants and dates out of range, in bodies and queries
	modeText                   // control, bidirectional-override and oversized text
	modeTypes                  // values of the wrong type, broken JSON, odd headers
	modeCursor                 // cursors of other listings, callers and orgs, forged, stale
	modeValid2                 // valid again, on the state the others left
)

var propModes = []string{"valid", "path", "keys", "dates", "text", "types", "cursor", "valid"}

func envInt(t *testing.T, name string, def int) int {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		t.Fatalf("%s=%q: want a non-negative number", name, s)
	}
	return n
}

// The callers of the property run. Their names, emails and departments are distinctive, so
// that a string of one org's data in a response to the other org's caller is a leak.
var (
	propAlice = &tandem.Caller{UserID: "u-pa-alice", OrgID: "acme", Email: "alicia.pa@acme.test", Name: "Alicia Acmeworth",
		Department: "AcmeEngineering", Roles: []tandem.Role{tandem.RoleExpert, tandem.RoleLearner}}
	propEve = &tandem.Caller{UserID: "u-pa-eve", OrgID: "acme", Email: "evelyn.pa@acme.test", Name: "Evelyn Acmexpert",
		Department: "AcmeEngineering", Roles: []tandem.Role{tandem.RoleExpert}}
	propBob = &tandem.Caller{UserID: "u-pa-bob", OrgID: "acme", Email: "bobby.pa@acme.test", Name: "Bobby Acmeson",
		Department: "AcmeSales", Roles: []tandem.Role{tandem.RoleLearner}}
	propHana = &tandem.Caller{UserID: "u-pa-hana", OrgID: "acme", Email: "hanna.pa@acme.test", Name: "Hanna Acmeharr",
		Department: "AcmePeople", Roles: []tandem.Role{tandem.RoleHR}}
	propOscar = &tandem.Caller{UserID: "g-pa-oscar", OrgID: "globex", Email: "osric.pa@globex.test", Name: "Osric Globexson",
		Department: "GlobexFinance", Roles: []tandem.Role{tandem.RoleExpert, tandem.RoleLearner, tandem.RoleHR}}
	propGwen = &tandem.Caller{UserID: "g-pa-gwen", OrgID: "globex", Email: "gwendolyn.pa@globex.test", Name: "Gwendolyn Globexdottir",
		Department: "GlobexOps", Roles: []tandem.Role{tandem.RoleLearner}}
)

// propRole is one of the roles requests are sent as.
type propRole struct {
	name   string
	caller *tandem.Caller // nil: no token
}

var propRoles = []propRole{
	{"learner", propBob}, {"expert", propAlice}, {"hr", propHana}, {"other-org", propOscar}, {"anonymous", nil},
}

// orgWorld is what the seeding made in one org: the ids a generator can name.
type orgWorld struct {
	experts, bookings, circles, requests, programs, members []string
	token                                                   string
	markers                                                 []string // strings only this org's data holds
}

type propWorld struct {
	orgs map[string]*orgWorld // by org id
}

func (w *propWorld) other(org string) string {
	if org == "acme" {
		return "globex"
	}
	return "acme"
}

// seedPropertyWorld fills two orgs through the API itself (so the data is what the handlers
// make): experts with one-to-one and group session types and open availability, bookings
// (one past with feedback, some upcoming, a circle seat), requests with an offer, a program
// with enrollments, a calendar token and settings with a budget. (Report history is left
// out: importing it costs more than the whole run; the reports' own tests cover it.)
func seedPropertyWorld(t *testing.T, f *fixture) *propWorld {
	t.Helper()
	w := &propWorld{orgs: map[string]*orgWorld{}}
	for _, org := range []struct {
		id                    string
		expert, second, learn *tandem.Caller
		hr                    *tandem.Caller
		headline, note        string
	}{
		{"acme", propAlice, propEve, propBob, propHana, "Acmeheadline distributed systems", "acmeprivatenote about goals"},
		{"globex", propOscar, nil, propGwen, propOscar, "Globexheadline ledger systems", "globexprivatenote about goals"},
	} {
		ow := &orgWorld{}
		w.orgs[org.id] = ow
		for _, e := range []*tandem.Caller{org.expert, org.second} {
			if e == nil {
				continue
			}
			profile := fmt.Sprintf(`{"headline":%q,"bio":"Bio of %s.","topics":["go","career-growth"],"languages":["en"],
				"timezone":"UTC","bookingMode":"instant","limits":{"minNoticeMin":60,"horizonDays":60},
				"sessionTypes":[{"id":"intro","name":"Intro","durationMin":30},{"id":"circle","name":"Circle","durationMin":60,"seats":3}]}`,
				org.headline, e.Name)
			mustStatus(t, f.api.do("PUT", "/v1/experts/me", profile, e), 200)
			week := `[{"start":"08:00","end":"20:00"}]`
			mustStatus(t, f.api.do("PUT", "/v1/experts/me/availability", `{"timezone":"UTC","weekly":{"mon":`+week+`,"tue":`+week+
				`,"wed":`+week+`,"thu":`+week+`,"fri":`+week+`,"sat":`+week+`,"sun":`+week+`}}`, e), 200)
			ow.experts = append(ow.experts, e.UserID)
		}
		mustStatus(t, f.api.do("PUT", "/v1/me", fmt.Sprintf(`{"name":%q,"timezone":"Europe/London"}`, org.learn.Name), org.learn), 200)
		day := time.Date(2027, 3, 2, 10, 0, 0, 0, time.UTC)
		book := func(start time.Time, st, note string) bookingJSON {
			res := f.bookings.do("POST", "/v1/bookings", fmt.Sprintf(`{"expertId":%q,"sessionType":%q,"start":%q,"note":%q}`,
				org.expert.UserID, st, start.Format(time.RFC3339), note), org.learn, "Idempotency-Key", "seed-"+org.id+"-"+start.Format("0102T1504"))
			mustStatus(t, res, 201)
			var b bookingJSON
			res.decode(t, &b)
			ow.bookings = append(ow.bookings, b.ID)
			if b.CircleID != "" {
				ow.circles = append(ow.circles, b.CircleID)
			}
			return b
		}
		past := book(day, "intro", org.note)
		book(day.AddDate(0, 0, 4).Add(4*time.Hour), "circle", "")
		goals := []string{"Learn Go at " + org.id}
		if org.second != nil { // the caller's org gets more, so its listings have pages
			book(day.AddDate(0, 0, 1), "intro", org.note) // past in the second phase
			book(day.AddDate(0, 0, 5), "intro", org.note)
			goals = append(goals, "Grow as a lead at "+org.id)
		}
		for i, goal := range goals {
			res := f.requests.do("POST", "/v1/requests", fmt.Sprintf(`{"topics":["go"],"goal":%q}`, goal), org.learn)
			mustStatus(t, res, 201)
			var r requestJSON
			res.decode(t, &r)
			ow.requests = append(ow.requests, r.ID)
			if i == 0 {
				mustStatus(t, f.requests.do("POST", "/v1/requests/"+r.ID+"/offers", fmt.Sprintf(`{"sessionType":"intro","starts":[%q]}`,
					day.AddDate(0, 0, 6).Format(time.RFC3339)), org.expert), 201)
			}
		}
		res := f.requests.do("POST", "/v1/programs", fmt.Sprintf(`{"title":"Leadership circle %s","topic":"leadership","cohortSize":2,
			"start":%q,"timezone":"UTC","cadence":"weekly","sessions":4,"sessionMin":60}`, org.id, day.AddDate(0, 0, 20).Format(time.RFC3339)), org.hr)
		mustStatus(t, res, 201)
		var prog programJSON
		res.decode(t, &prog)
		ow.programs = append(ow.programs, prog.ID)
		for _, m := range []*tandem.Caller{org.learn, org.expert} {
			mustStatus(t, f.requests.do("POST", "/v1/programs/"+prog.ID+"/enroll", `{"timezone":"UTC"}`, m), 200)
			ow.members = append(ow.members, m.UserID)
		}
		res = f.bookings.do("POST", "/v1/me/calendar-token", "", org.learn)
		mustStatus(t, res, 201)
		var tok struct{ Token string }
		res.decode(t, &tok)
		ow.token = tok.Token
		mustStatus(t, f.requests.do("PUT", "/v1/org/settings", `{"matching":{"topic":0.4,"capacity":0.2,"language":0.1,"timezone":0.1,"rating":0.1,"load":0.05,"connection":0.05},
			"budget":{"period":"month","orgHours":10000,"departmentHours":{`+strconv.Quote(org.learn.Department)+`:5000}}}`, org.hr), 200)

		f.setNow(past.End.Add(30 * time.Minute))
		mustStatus(t, f.feedback.do("POST", "/v1/bookings/"+past.ID+"/feedback",
			`{"rating":5,"recommend":9,"matchFit":"good","comment":"Thanks from `+org.id+`","shareComment":true}`, org.learn), 201)
		mustStatus(t, f.feedback.do("POST", "/v1/bookings/"+past.ID+"/feedback", `{"notes":`+strconv.Quote(org.note)+`,"attended":true}`, org.expert), 201)
		f.setNow(time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC))

		for _, c := range []*tandem.Caller{org.expert, org.second, org.learn, org.hr} {
			if c != nil {
				ow.markers = append(ow.markers, c.UserID, c.Name, c.Email, c.Department)
			}
		}
		ow.markers = append(ow.markers, org.headline, org.note, "Thanks from "+org.id, ow.token)
		for _, list := range [][]string{ow.bookings, ow.circles, ow.requests, ow.programs} {
			ow.markers = append(ow.markers, list...)
		}
	}
	f.setNow(time.Date(2027, 3, 2, 11, 0, 0, 0, time.UTC)) // the first session has ended
	return w
}

func mustStatus(t *testing.T, res response, want int) {
	t.Helper()
	if res.Status != want {
		t.Fatalf("seeding: status %d, want %d: %s", res.Status, want, res.Body)
	}
}

// propOp is one operation of the document and the router that serves it.
type propOp struct {
	method, path string   // "GET", "/v1/experts/{expertId}"
	role         propRole // the role the operation is for, as its summary says
	op           *openapi3.Operation
	params       []*openapi3.Parameter
	adapter      *httpadapter.HandlerAdapterV2
}

func (o propOp) key() string { return o.method + " " + o.path }

// roleFor reads from an operation's summary whom it is for: "(HR role)", "(expert role)",
// "(the booking's expert)", "(learner role)", "(either participant)", "(request owner)".
func roleFor(summary string) propRole {
	switch {
	case strings.Contains(summary, "HR role") || strings.HasPrefix(summary, "HR "):
		return propRoles[2]
	case strings.Contains(summary, "expert role") || strings.Contains(summary, "'s expert"):
		return propRoles[1]
	}
	return propRoles[0] // the learner: a participant of every seeded booking, owner of the requests
}

// propFailure is one kind of failure, with its first example.
type propFailure struct {
	count   int
	example string
}

// propCursor is a nextCursor a listing returned, for later requests to reuse anywhere.
type propCursor struct {
	op, caller, value string
}

type propertyRun struct {
	t        *testing.T
	f        *fixture
	w        *propWorld
	c        *contract
	seed     uint64
	r        *rand.Rand
	ops      []propOp
	order    []int
	cursors  []propCursor
	keys     []string // Idempotency-Keys used, to replay some
	statuses map[int]int
	failures map[string]*propFailure
	mu       sync.Mutex
	spent    map[string]time.Duration // by operation: where the run's time goes
	// introduced are the other org's strings a caller of an org put in a request body (an id
	// of the other org as a facilitator, say): that org's later responses may show them.
	introduced map[string]map[string]bool
	trace      bool // TANDEM_PROPERTY_TRACE=1 logs every exchange
}

func newPropertyRun(t *testing.T, f *fixture, w *propWorld, c *contract, seed uint64) *propertyRun {
	p := &propertyRun{t: t, f: f, w: w, c: c, seed: seed, r: rand.New(rand.NewPCG(seed, 0x7a6d)),
		statuses: map[int]int{}, failures: map[string]*propFailure{}, spent: map[string]time.Duration{},
		introduced: map[string]map[string]bool{"acme": {}, "globex": {}}, trace: os.Getenv("TANDEM_PROPERTY_TRACE") == "1"}
	adapters := map[string]*httpadapter.HandlerAdapterV2{}
	for _, rt := range Functions(Deps{Store: f.store, Logger: quietLog, Now: f.clock}) {
		a := httpadapter.NewV2(rt)
		for _, pattern := range rt.Routes() {
			adapters[pattern] = a
		}
	}
	paths := c.doc.Paths.Map()
	for _, path := range slices.Sorted(func(yield func(string) bool) {
		for k := range paths {
			if !yield(k) {
				return
			}
		}
	}) {
		item := paths[path]
		for _, method := range []string{"GET", "PUT", "POST", "DELETE"} {
			op := item.GetOperation(method)
			if op == nil {
				continue
			}
			po := propOp{method: method, path: path, op: op, adapter: adapters[method+" "+path], role: roleFor(op.Summary)}
			for _, pr := range append(item.Parameters, op.Parameters...) {
				po.params = append(po.params, pr.Value)
			}
			if po.adapter == nil {
				t.Fatalf("no router serves %s", po.key())
			}
			p.ops = append(p.ops, po)
		}
	}
	return p
}

// batch generates requests first..first+n-1, sends them concurrently and checks them in
// order. Operations are visited in shuffled rounds, so every operation gets an equal share of
// the budget.
func (p *propertyRun) batch(first, n int) {
	type job struct {
		op   propOp
		role propRole
		req  propRequest
		res  response
	}
	jobs := make([]job, n)
	for j := range jobs {
		if len(p.order) == 0 {
			p.order = p.r.Perm(len(p.ops))
		}
		jb := &jobs[j]
		jb.op = p.ops[p.order[0]]
		p.order = p.order[1:]
		mode := propMode(((first + j) / len(p.ops)) % len(propModes))
		jb.role = propRoles[p.r.IntN(len(propRoles)-1)]
		// Rounds of valid requests try every role (authorization); rounds of broken input
		// mostly come from the role the operation is for, so the input gets past it.
		switch valid := mode == modeValid || mode == modeValid2 || mode == modeCursor; {
		case valid && p.r.IntN(10) == 0:
			jb.role = propRoles[len(propRoles)-1] // no token at all
		case p.r.IntN(100) < pickInt(valid, 40, 90):
			jb.role = jb.op.role
		}
		g := &propGen{r: p.r, p: p, role: jb.role, now: p.f.clock(), mode: mode}
		jb.req = g.request(jb.op)
		if c := jb.role.caller; c != nil {
			for _, m := range p.w.orgs[p.w.other(c.OrgID)].markers {
				if m != "" && strings.Contains(jb.req.body, m) {
					p.introduced[c.OrgID][m] = true
				}
			}
		}
	}
	var wg sync.WaitGroup
	for j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			jb := &jobs[j]
			t0 := time.Now()
			jb.res = p.send(jb.op, jb.req, jb.role.caller)
			p.mu.Lock()
			p.spent[jb.op.key()] += time.Since(t0)
			p.mu.Unlock()
		}()
	}
	wg.Wait()
	for j, jb := range jobs {
		if p.trace {
			p.t.Logf("#%d %s as %s: %s %s %s → %d %s", first+j, propModes[((first+j)/len(p.ops))%len(propModes)], jb.role.name,
				jb.op.method, clip(jb.req.target, 120), clip(strconv.Quote(jb.req.body), 160), jb.res.Status, clip(jb.res.Body, 160))
		}
		p.statuses[jb.res.Status]++
		p.check(first+j, jb.op, jb.role, jb.req, jb.res, propModes[((first+j)/len(p.ops))%len(propModes)])
		p.bank(jb.op, jb.role, jb.res)
	}
}

// propRequest is one generated request.
type propRequest struct {
	target  string // path and query
	body    string
	headers map[string]string
}

func (p *propertyRun) send(op propOp, req propRequest, caller *tandem.Caller) response {
	u, err := url.Parse(req.target)
	if err != nil {
		p.t.Fatalf("generated an unparsable target %q: %v", req.target, err)
	}
	ev := events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: "$default", RawPath: u.EscapedPath(), RawQueryString: u.RawQuery,
		Headers: map[string]string{}, Body: req.body,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			DomainName: "api.test", RequestID: "req-prop", Stage: "$default",
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: op.method, Path: u.EscapedPath(), SourceIP: "127.0.0.1"},
		},
	}
	for k, v := range req.headers {
		ev.Headers[strings.ToLower(k)] = v
	}
	if caller != nil {
		ev.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
			JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: claimsOf(caller)},
		}
	}
	res, err := op.adapter.ProxyWithContext(context.Background(), ev)
	if err != nil {
		return response{Status: 599, Body: "adapter error: " + err.Error()}
	}
	return response{Status: res.StatusCode, Headers: res.Headers, Body: res.Body}
}

// check holds one exchange to the three properties.
func (p *propertyRun) check(i int, op propOp, role propRole, req propRequest, res response, mode string) {
	fail := func(kind, detail string) {
		key := op.key() + " — " + kind
		fl := p.failures[key]
		if fl == nil {
			fl = &propFailure{example: fmt.Sprintf("request #%d (%s) as %s: %s %s\n      headers %v\n      body %s\n      → %d %s\n      %s",
				i, mode, role.name, op.method, clip(req.target, 300), req.headers, clip(strconv.Quote(req.body), 300), res.Status,
				clip(res.Body, 500), detail)}
			p.failures[key] = fl
		}
		fl.count++
	}
	if res.Status >= 500 {
		fail("5xx", "")
	}
	header := http.Header{}
	for k, v := range req.headers {
		header.Set(k, v)
	}
	ex := exchange{method: op.method, target: req.target, header: header, body: req.body, signedIn: role.caller != nil, res: res}
	if v := p.c.check(ex); len(v) > 0 {
		fail("contract", strings.Join(v, "; "))
	}
	// Whose data may the response show? The caller's org; for the calendar feed, the org of
	// the token's owner (the token is the credential).
	org := ""
	if role.caller != nil {
		org = role.caller.OrgID
	}
	if op.path == "/v1/calendar/{token}/feed.ics" {
		org = ""
		for id, ow := range p.w.orgs {
			if strings.Contains(req.target, ow.token) {
				org = id
			}
		}
	}
	for id, ow := range p.w.orgs {
		if id == org {
			continue
		}
		for _, m := range ow.markers {
			if m != "" && strings.Contains(res.Body, m) && !p.introduced[org][m] && !strings.Contains(req.target, url.PathEscape(m)) &&
				!strings.Contains(req.target, url.QueryEscape(m)) && !strings.Contains(req.body, m) {
				fail("cross-tenant", fmt.Sprintf("the response shows %q of org %s", m, id))
			}
		}
	}
}

// bank keeps the cursors listings return, for other requests to reuse (or misuse).
func (p *propertyRun) bank(op propOp, role propRole, res response) {
	if res.Status != 200 || role.caller == nil || !strings.Contains(res.Body, `"nextCursor"`) {
		return
	}
	var page struct{ NextCursor string }
	if json.Unmarshal([]byte(res.Body), &page) == nil && page.NextCursor != "" {
		p.cursors = append(p.cursors, propCursor{op: op.key(), caller: role.caller.UserID, value: page.NextCursor})
	}
}

func (p *propertyRun) statusSummary() string {
	codes := make([]int, 0, len(p.statuses))
	for c := range p.statuses {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = fmt.Sprintf("%d×%d", c, p.statuses[c])
	}
	return strings.Join(parts, " ") + fmt.Sprintf("; %d cursors banked", len(p.cursors))
}

func (p *propertyRun) report() {
	if len(p.failures) == 0 {
		return
	}
	keys := make([]string, 0, len(p.failures))
	total := 0
	for k, fl := range p.failures {
		keys = append(keys, k)
		total += fl.count
	}
	sort.Strings(keys)
	var b strings.Builder
	fmt.Fprintf(&b, "%d failing exchanges of %d kinds (TANDEM_PROPERTY_SEED=%d reproduces the run):\n", total, len(keys), p.seed)
	for _, k := range keys {
		fl := p.failures[k]
		fmt.Fprintf(&b, "  %s (×%d)\n      %s\n", k, fl.count, fl.example)
	}
	p.t.Error(b.String())
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + fmt.Sprintf("…(%d bytes)", len(s))
}

// propGen generates one request for one role.
type propGen struct {
	r    *rand.Rand
	p    *propertyRun
	role propRole
	now  time.Time
	mode propMode
	// datesParam is the one of from and to that a dates round sends.
	datesParam string
}

func (g *propGen) chance(pct int) bool { return g.r.IntN(100) < pct }

func pick[T any](g *propGen, xs ...T) T { return xs[g.r.IntN(len(xs))] }

func pickInt(cond bool, yes, no int) int {
	if cond {
		return yes
	}
	return no
}

// ownOrg is the org whose ids a request names: mostly the caller's own, sometimes the other.
func (g *propGen) ownOrg() *orgWorld {
	org := "acme"
	if g.role.caller != nil {
		org = g.role.caller.OrgID
	}
	if g.chance(15) {
		org = g.p.w.other(org)
	}
	return g.p.w.orgs[org]
}

func (g *propGen) request(op propOp) propRequest {
	req := propRequest{headers: map[string]string{}}
	path := op.path
	var query []string
	badPath := g.mode == modePath
	for _, prm := range op.params {
		switch prm.In {
		case "path":
			v := g.pathValue(prm.Name)
			if badPath {
				v, badPath = g.badID(), false
			}
			path = strings.Replace(path, "{"+prm.Name+"}", url.PathEscape(v), 1)
		case "query":
			if prm.Required || g.includeQuery(prm) {
				for _, v := range g.queryValues(op, prm) {
					query = append(query, url.QueryEscape(prm.Name)+"="+url.QueryEscape(v))
				}
			}
		case "header":
			if prm.Name == "Idempotency-Key" {
				if v, ok := g.idempotencyKey(); ok {
					req.headers["Idempotency-Key"] = v
				}
			}
		}
	}
	if g.mode == modeText && g.chance(30) { // a parameter no route documents
		query = append(query, pick(g, "zz", "Limit", "cursor[]", "%E2%80%AE")+"="+url.QueryEscape(g.junk()))
	}
	req.target = path
	if len(query) > 0 {
		req.target += "?" + strings.Join(query, "&")
	}
	req.headers["Content-Type"] = "application/json"
	if g.mode == modeTypes && g.chance(25) {
		req.headers["Content-Type"] = pick(g, "text/plain", "application/json; charset=utf-8", "application/x-www-form-urlencoded")
	}
	if rb := op.op.RequestBody; rb != nil && rb.Value != nil {
		if mt := rb.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
			if !rb.Value.Required && g.chance(20) {
				req.body = ""
			} else {
				req.body = g.body(mt.Schema)
			}
		}
	} else if g.mode == modeTypes {
		req.body = pick(g, `{}`, `{"x":1}`, `not json`, g.junk())
	}
	return req
}

// includeQuery decides whether an optional query parameter is sent: dates always when
// they are the point of the round, cursors when there are some to misuse, limits mostly.
func (g *propGen) includeQuery(prm *openapi3.Parameter) bool {
	switch {
	case g.mode == modeDates && (prm.Name == "from" || prm.Name == "to"):
		if g.datesParam == "" { // one of the two, so the other's default keeps the range short
			g.datesParam = pick(g, "from", "to")
		}
		return prm.Name == g.datesParam
	case prm.Name == "cursor":
		return g.mode == modeCursor || g.chance(pickInt(len(g.p.cursors) > 0, 40, 10))
	case prm.Name == "limit":
		return g.chance(75)
	}
	return g.chance(55)
}

// pathValue is an id of the caller's org (mostly), of the other org, or something no id is.
func (g *propGen) pathValue(name string) string {
	ow := g.ownOrg()
	var ids []string
	switch name {
	case "expertId":
		ids = append(ids, ow.experts...)
		ids = append(ids, ow.members...)
	case "bookingId":
		ids = ow.bookings
	case "circleId":
		ids = ow.circles
	case "requestId":
		ids = ow.requests
	case "programId":
		ids = ow.programs
	case "token":
		return pick(g, ow.token, ow.token, strings.Repeat("a", 40), ow.token[:len(ow.token)-1]+"x")
	}
	if len(ids) == 0 || g.chance(5) {
		return "zz" + strconv.Itoa(g.r.IntN(1000))
	}
	return pick(g, ids...)
}

func (g *propGen) badID() string {
	if g.chance(40) { // long: over DynamoDB's key limits (2,048 bytes for a partition key, 1,024 for a sort key) or just over ours
		return strings.Repeat(pick(g, "a", "7", "é"), pick(g, 2000, 2100, 3000, 1100, 129))
	}
	return pick(g,
		strings.Repeat("é", 64),
		"a#b", "ORG#acme#BOOKING#x", "x y", "x\x00y", "x\u202ey", "\u2066x", "-leading", "ünïcödé", "x/y", "x%y",
		"😀", strings.Repeat("9", 128)+"9", "x\ny", "'; DROP TABLE", "${jndi:x}",
	)
}

func (g *propGen) idempotencyKey() (string, bool) {
	broken := pickInt(g.mode == modeTypes || g.mode == modeText, 40, 3)
	switch {
	case g.chance(broken / 2):
		return "", false
	case g.chance(broken):
		return pick(g, "short", strings.Repeat("k", 101), "bad key!", "ключ-ключ-ключ", "k\x00k\x00k\x00k\x00"), true
	case g.chance(10) && len(g.p.keys) > 0:
		return pick(g, g.p.keys...), true // a replay, with this or another body
	}
	k := fmt.Sprintf("prop-%08x", g.r.Uint32())
	g.p.keys = append(g.p.keys, k)
	return k, true
}

// queryValues are one value for the parameter (sometimes two, sometimes a broken one).
func (g *propGen) queryValues(op propOp, prm *openapi3.Parameter) []string {
	var v string
	switch {
	case prm.Name == "cursor":
		v = g.cursor(op)
	case g.mode == modeDates && (prm.Name == "from" || prm.Name == "to") && isMonth(prm):
		v = pick(g, "9999-12", "0001-01", "0000-01", "1969-12", "2100-01")
	case g.mode == modeDates && (prm.Name == "from" || prm.Name == "to"):
		v = g.brokenQuery(prm.Name)
	case g.mode == modeText || g.mode == modeTypes:
		v = g.brokenQuery(prm.Name)
	default:
		v = g.queryValue(prm)
	}
	if g.mode == modeTypes && g.chance(20) {
		return []string{v, g.queryValue(prm)}
	}
	return []string{v}
}

func (g *propGen) queryValue(prm *openapi3.Parameter) string {
	switch prm.Name {
	case "from", "to":
		if isMonth(prm) {
			return g.now.AddDate(0, -g.r.IntN(8), 0).Format("2006-01")
		}
		if g.chance(50) {
			return g.now.AddDate(0, 0, g.r.IntN(30)-3).Format(time.DateOnly)
		}
		return g.instant().Format(time.RFC3339)
	case "tz":
		return pick(g, "UTC", "Europe/London", "America/New_York", "Asia/Kolkata", "Pacific/Chatham")
	case "sessionType":
		return pick(g, "intro", "circle", "nope")
	case "topic":
		return pick(g, "go", "Career Growth", "leadership", "")
	case "language":
		return pick(g, "en", "de", "pt-BR")
	case "q":
		return pick(g, "go", "Acme", "Globex", "systems lead")
	case "limit":
		return strconv.Itoa(pick(g, 1, 1, 2, 3, 50)) // small pages, so listings hand out cursors
	}
	if prm.Schema != nil {
		if v, ok := g.value(prm.Schema, prm.Name, 0).(string); ok {
			return v
		}
		b, _ := json.Marshal(g.value(prm.Schema, prm.Name, 0))
		return string(b)
	}
	return g.word()
}

func isMonth(prm *openapi3.Parameter) bool {
	return prm.Schema != nil && prm.Schema.Value != nil && strings.Contains(prm.Schema.Value.Pattern, "(0[1-9]|1[0-2])$")
}

func (g *propGen) brokenQuery(name string) string {
	switch name {
	case "from", "to":
		if g.mode == modeDates || g.chance(60) {
			return pick(g, "9999-12-31", "9999-12-31T23:59:59Z", "9999-12-30", "0001-01-01", "0001-01-01T00:00:00Z", "1969-12-31")
		}
		return pick(g, "1999-12-31T23:59:59Z", "2100-01-01", "2027-02-30", "2027-13", "yesterday", "2027-03-10T10:00:00+14:00",
			"1e9", "-2027-01-01", "2027-03-10T10:00:00Z/2027-03-11")
	case "limit":
		return pick(g, "0", "-1", "51", "1e3", "abc", "99999999999999999999", "1.5", " 1")
	}
	return g.junk()
}

// cursor is a cursor from the bank (of this listing and caller, or of another listing,
// caller or org), a forged or damaged one, or junk.
func (g *propGen) cursor(op propOp) string {
	if len(g.p.cursors) > 0 && g.chance(75) {
		c := pick(g, g.p.cursors...)              // of any listing, caller or org
		if g.mode != modeCursor || g.chance(30) { // or of this listing
			for _, x := range g.p.cursors {
				if x.op == op.key() && g.chance(50) {
					c = x
				}
			}
		}
		switch {
		case g.chance(10):
			return c.value[:len(c.value)/2]
		case g.chance(5):
			return c.value + "A"
		}
		return c.value
	}
	forged := map[string]any{"v": pick[any](g, 1, 2, 3, "2", nil), "l": pick(g, "bookings/learner/upcoming", "experts", "x"),
		"b": g.word(), "q": g.word(), "p": pick(g, "ORG#acme#EXPERT#u-pa-alice", "ORG#globex#X", strings.Repeat("P", 3000), ""),
		"s": pick(g, "PROFILE", "", strings.Repeat("S", 2000)), "g": pick(g, "0000", "9999-12-31T00:00:00Z#x", "EXPERT#a#b", "")}
	raw, _ := json.Marshal(forged)
	return pick(g, base64.RawURLEncoding.EncodeToString(raw), base64.StdEncoding.EncodeToString(raw), g.junk(),
		strings.Repeat("A", 3000), "eyJ9", "%%%", "")
}

// junk is a value no parameter accepts, or one that tests the edges of text.
func (g *propGen) junk() string {
	return pick(g,
		strings.Repeat("x", 3000), strings.Repeat("ü", 700), "a\x00b", "a\x07b", "tab\there", "line\nbreak",
		"\u202egnp.exe", "x\u2066y\u2069", "\ufeffbom", "\u2028", "'\"<>&;", "😀👍🏽", "null", "[]", "{}", "-1",
		"1e400", "true", "%00", " ", "",
	)
}

func (g *propGen) word() string {
	return pick(g, "alpha", "go", "lead", "systems", "plan", "delta", "x", "growth")
}

// instant is a time near the clock on the 30-minute grid within the seeded experts' hours
// (often bookable), now and then off the grid or in the past.
func (g *propGen) instant() time.Time {
	day := time.Date(g.now.Year(), g.now.Month(), g.now.Day(), 0, 0, 0, 0, time.UTC)
	t := day.AddDate(0, 0, g.r.IntN(12)).Add(time.Duration(8*60+30*g.r.IntN(24)) * time.Minute)
	if g.chance(10) {
		t = t.Add(time.Duration(g.r.IntN(60)) * time.Minute)
	}
	if g.chance(5) {
		t = t.AddDate(0, 0, -20)
	}
	return t
}

// extremeTime is an instant out of range (or at its edge), now and then one that does not
// even parse.
func (g *propGen) extremeTime() string {
	switch {
	case g.chance(50): // the far future: the one that reached the store
		return pick(g, "9999-12-31T23:59:59Z", "9999-12-31T10:00:00Z", "9000-06-01T10:00:00Z")
	case g.chance(60):
		return pick(g, "0001-01-01T00:00:00Z", "0001-01-02T10:00:00Z", "1999-12-31T23:59:59Z", "2100-01-01T00:00:00Z",
			"1970-01-01T00:00:00Z", "2099-12-31T23:30:00Z")
	}
	return pick(g, "2027-02-30T10:00:00Z", "2027-03-10T10:00:00+14:00", "2027-03-10T10:00:00.123456789Z", "2027-03-10 10:00",
		"10000-01-01T00:00:00Z")
}

// body is a JSON body for the schema, broken as the round's mode says.
func (g *propGen) body(s *openapi3.SchemaRef) string {
	v := g.value(s, "", 0)
	switch g.mode {
	case modeKeys:
		switch g.r.IntN(5) {
		case 0: // an unknown field
			if m, ok := v.(map[string]any); ok {
				m[pick(g, "zz", "id", "orgId", "userId", "__proto__", "")] = g.r.IntN(3)
			}
		case 1: // a field dropped (required or not)
			g.mutate(v, func(m map[string]any, k string) { delete(m, k) }, nil)
		default: // a key in another case: encoding/json would take it
			g.mutate(v, func(m map[string]any, k string) {
				nk := pick(g, strings.ToUpper(k), strings.ToUpper(k[:1])+k[1:], strings.ReplaceAll(k, "Id", "ID"))
				if nk == k {
					nk = strings.ToUpper(k)
				}
				if nk != k {
					m[nk] = m[k]
					delete(m, k)
				}
			}, nil)
		}
	case modeText:
		switch g.r.IntN(6) {
		case 0: // a long string
			g.mutate(v, nil, func(m map[string]any, k string) {
				m[k] = strings.Repeat(pick(g, "x", "é", "😀"), pick(g, 2001, 5001, 20000))
			})
		case 1: // a huge body
			return `{"x":"` + strings.Repeat("x", 70_000) + `"}`
		default: // a control or bidirectional-formatting character
			g.mutate(v, nil, func(m map[string]any, k string) {
				m[k] = fmt.Sprint(m[k]) + pick(g, "\x00", "\x1b[31m", "\u202e", "\u2067", "\r\n", "\u0085", "\ufeff", "\u2028", "\t")
			})
		}
	case modeDates: // the instants out of range (one value for all, so a single bad one does not hide the rest)
		x := g.extremeTime()
		g.everyString(v, func(m map[string]any, k string, i int) {
			if k == "start" || k == "end" || k == "starts" || looksLikeTime(m[k], i) {
				set(m, k, i, x)
			}
		})
	case modeTypes:
		switch g.r.IntN(4) {
		case 0:
			return g.rawBody()
		case 1: // the top level replaced
			v = pick[any](g, nil, []any{v}, "x", 1)
		default: // a value of another type
			g.mutate(v, func(m map[string]any, k string) {
				m[k] = pick[any](g, 12345, -1, 1e308, true, nil, "str", []any{}, map[string]any{}, []any{1, "x"}, 0.5)
			}, nil)
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "{}"
	}
	return string(b)
}

// everyString calls f for every string in v held by an object key (i < 0) or an array
// element of one (i ≥ 0).
func (g *propGen) everyString(v any, f func(m map[string]any, k string, i int)) {
	switch v := v.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(func(yield func(string) bool) {
			for k := range v {
				if !yield(k) {
					return
				}
			}
		}) {
			switch x := v[k].(type) {
			case string:
				f(v, k, -1)
			case []any:
				for i, e := range x {
					if _, ok := e.(string); ok {
						f(v, k, i)
					} else {
						g.everyString(e, f)
					}
				}
			default:
				g.everyString(x, f)
			}
		}
	case []any:
		for _, e := range v {
			g.everyString(e, f)
		}
	}
}

func looksLikeTime(v any, i int) bool {
	if xs, ok := v.([]any); ok && i >= 0 {
		v = xs[i]
	}
	s, _ := v.(string)
	_, err := time.Parse(time.RFC3339, s)
	return err == nil
}

func set(m map[string]any, k string, i int, val any) {
	if i < 0 {
		m[k] = val
		return
	}
	m[k].([]any)[i] = val
}

func (g *propGen) rawBody() string {
	return pick(g, "", "{", "}", `{"a":}`, "null", "[]", "{}{}", `{} x`, "\xff\xfe{}", `{"note":"\xff"}`,
		strings.Repeat("[", 20000)+strings.Repeat("]", 20000), `{"start":"2027-03-10T10:00:00Z","start":"9999-12-31T23:59:59Z"}`,
		`{"durationMin":1e400}`, `{"rating":99999999999999999999999}`, "\x00", `"just a string"`, `{"a":1,}`)
}

// mutate applies onKey to a random key of a random object in v, or onString to a random
// string value in an object.
func (g *propGen) mutate(v any, onKey func(map[string]any, string), onString func(map[string]any, string)) {
	type spot struct {
		m map[string]any
		k string
	}
	var keys, strs []spot
	var walk func(any, int)
	walk = func(x any, depth int) {
		switch x := x.(type) {
		case map[string]any:
			for _, k := range slices.Sorted(func(yield func(string) bool) {
				for k := range x {
					if !yield(k) {
						return
					}
				}
			}) {
				keys = append(keys, spot{x, k})
				if _, ok := x[k].(string); ok {
					strs = append(strs, spot{x, k})
				}
				walk(x[k], depth+1)
			}
		case []any:
			for _, e := range x {
				walk(e, depth+1)
			}
		}
	}
	walk(v, 0)
	if onKey != nil && len(keys) > 0 {
		s := keys[g.r.IntN(len(keys))]
		onKey(s.m, s.k)
	}
	if onString != nil {
		if len(strs) == 0 {
			strs = keys
		}
		if len(strs) > 0 {
			s := strs[g.r.IntN(len(strs))]
			onString(s.m, s.k)
		}
	}
}

// value generates a value for the schema; name (the property's) steers it toward values the
// seeded world makes meaningful: real ids, bookable starts, the experts' session types.
func (g *propGen) value(ref *openapi3.SchemaRef, name string, depth int) any {
	if ref == nil || ref.Value == nil || depth > 6 {
		return nil
	}
	s := ref.Value
	if v, ok := g.hint(name); ok && g.chance(85) {
		return v
	}
	if s.Nullable && g.chance(10) {
		return nil
	}
	if len(s.OneOf) > 0 {
		return g.value(s.OneOf[g.r.IntN(len(s.OneOf))], name, depth+1)
	}
	if len(s.AnyOf) > 0 {
		return g.value(s.AnyOf[g.r.IntN(len(s.AnyOf))], name, depth+1)
	}
	if len(s.AllOf) > 0 && (s.Type == nil || len(s.Type.Slice()) == 0) {
		return g.value(s.AllOf[0], name, depth+1)
	}
	if len(s.Enum) > 0 {
		return s.Enum[g.r.IntN(len(s.Enum))]
	}
	switch {
	case s.Type.Is("object"):
		out := map[string]any{}
		for _, k := range slices.Sorted(func(yield func(string) bool) {
			for k := range s.Properties {
				if !yield(k) {
					return
				}
			}
		}) {
			if slices.Contains(s.Required, k) || g.chance(60) {
				out[k] = g.value(s.Properties[k], k, depth+1)
			}
		}
		if ap := s.AdditionalProperties.Schema; ap != nil {
			for range g.r.IntN(3) {
				out[pick(g, "Sales", "R&D", "Ops")] = g.value(ap, "", depth+1)
			}
		}
		return out
	case s.Type.Is("array"):
		lo, hi := int(s.MinItems), int(s.MinItems)+3
		if s.MaxItems != nil && int(*s.MaxItems) < hi {
			hi = int(*s.MaxItems)
		}
		n := lo
		if hi > lo {
			n += g.r.IntN(hi - lo + 1)
		}
		out := make([]any, n)
		for i := range out {
			out[i] = g.value(s.Items, singular(name), depth+1)
		}
		return out
	case s.Type.Is("integer"):
		lo, hi := 0.0, 100.0
		if s.Min != nil {
			lo = *s.Min
		}
		if s.Max != nil {
			hi = *s.Max
		}
		if hi-lo > 1000 {
			hi = lo + 1000
		}
		n := int(lo) + g.r.IntN(int(hi-lo)+1)
		if s.MultipleOf != nil && *s.MultipleOf > 0 {
			m := int(*s.MultipleOf)
			n = (n / m) * m
			if float64(n) < lo {
				n += m
			}
		}
		return n
	case s.Type.Is("number"):
		lo, hi := 0.0, 1.0
		if s.Min != nil {
			lo = *s.Min
		}
		if s.Max != nil {
			hi = *s.Max
		}
		return lo + g.r.Float64()*(hi-lo)
	case s.Type.Is("boolean"):
		return g.chance(50)
	case s.Type.Is("string"):
		return g.str(s, name)
	}
	return nil
}

func singular(name string) string {
	switch name {
	case "starts":
		return "start"
	case "facilitators":
		return "expertId"
	case "cohorts":
		return "cohort"
	case "cohort":
		return "memberId"
	}
	return ""
}

func (g *propGen) str(s *openapi3.Schema, name string) string {
	switch {
	case s.Format == "date-time":
		return g.instant().Format(time.RFC3339)
	case s.Format == "date":
		return g.now.AddDate(0, 0, g.r.IntN(60)).Format(time.DateOnly)
	case strings.Contains(s.Pattern, "[01][0-9]|2[0-3]"):
		return fmt.Sprintf("%02d:%02d", 6+g.r.IntN(14), 30*g.r.IntN(2))
	case strings.Contains(s.Pattern, "[a-z]{2,3}"):
		return pick(g, "en", "de", "pt-BR")
	case strings.Contains(s.Pattern, "(0[1-9]|1[0-2])"):
		return g.now.Format("2006-01")
	case strings.Contains(s.Pattern, "A-Za-z0-9._:-"):
		return fmt.Sprintf("prop-%08x", g.r.Uint32())
	case s.MaxLength != nil && *s.MaxLength == 64: // a time zone
		return pick(g, "UTC", "Europe/Berlin", "America/Sao_Paulo", "Asia/Tokyo")
	}
	n := max(int(s.MinLength), 1) + g.r.IntN(12)
	if s.MaxLength != nil && n > int(*s.MaxLength) {
		n = int(*s.MaxLength)
	}
	words := []string{"go", "lead", "plan", "systems", "growth", "team", "review"}
	var b strings.Builder
	for b.Len() < n {
		if b.Len() > 0 {
			b.WriteByte('-')
		}
		b.WriteString(pick(g, words...))
	}
	return b.String()[:n]
}

// hint is a value for a property whose name the seeded world gives meaning to.
func (g *propGen) hint(name string) (any, bool) {
	ow := g.ownOrg()
	switch name {
	case "expertId":
		if len(ow.experts) > 0 {
			return pick(g, ow.experts...), true
		}
	case "memberId":
		if len(ow.members) > 0 {
			return pick(g, ow.members...), true
		}
	case "requestId":
		if len(ow.requests) > 0 && g.chance(50) {
			return pick(g, ow.requests...), true
		}
	case "sessionType":
		return pick(g, "intro", "intro", "circle", "nope"), true
	case "id": // a session type's (the only "id" a request body has): keep the seeded ones bookable
		return pick(g, "intro", "circle", "deep-dive"), true
	case "start":
		return g.instant().Format(time.RFC3339), true
	case "topics", "interests":
		return []any{pick(g, "go", "career-growth", "Leadership")}, true
	case "topic":
		return pick(g, "go", "leadership"), true
	case "timezone":
		return pick(g, "UTC", "Europe/London", "America/New_York"), true
	case "version":
		return 1 + g.r.IntN(3), true
	case "seed":
		return g.r.IntN(10), true
	case "weekday":
		return pick(g, "mon", "tue", "sun"), true
	}
	return nil, false
}
