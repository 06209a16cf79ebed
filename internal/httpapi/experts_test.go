package httpapi

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/tandemhq/tandem/internal/tandem"
)

func TestExpertProfileRoundTrip(t *testing.T) {
	f := newFixture(t)
	res := f.api.do("PUT", "/v1/experts/me", aliceProfile, aliceExpert)
	if res.Status != http.StatusOK {
		t.Fatalf("PUT status = %d, body %s", res.Status, res.Body)
	}
	var put expertJSON
	res.decode(t, &put)

	res = f.api.do("GET", "/v1/experts/u-alice", "", bobLearner)
	if res.Status != http.StatusOK {
		t.Fatalf("GET status = %d, body %s", res.Status, res.Body)
	}
	var got expertJSON
	res.decode(t, &got)
	want := put
	want.MeetingURL = "" // only the expert sees it on the public read
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("GET differs from PUT (-want +got):\n%s", diff)
	}
	if got.Name != "Alice Adams" || got.Department != "Engineering" {
		t.Errorf("identity fields = %q/%q, want them from the token", got.Name, got.Department)
	}
	if diff := cmp.Diff([]string{"go", "distributed-systems", "career-growth"}, got.Topics); diff != "" {
		t.Errorf("topics not normalised (-want +got):\n%s", diff)
	}

	res = f.api.do("GET", "/v1/experts/me", "", aliceExpert)
	var mine expertJSON
	res.decode(t, &mine)
	if res.Status != http.StatusOK || mine.MeetingURL != "https://meet.example.com/alice" {
		t.Errorf("GET /v1/experts/me = %d %+v, want 200 with meeting URL", res.Status, mine)
	}
}

func TestSearchExperts(t *testing.T) {
	f := newFixture(t)
	for i, p := range []struct{ name, topics, langs string }{
		{"Ada", `["go","leadership"]`, `["en"]`},
		{"Ben", `["leadership"]`, `["de"]`},
		{"Cleo", `["design"]`, `["en","fr"]`},
	} {
		c := &tandem.Caller{UserID: fmt.Sprintf("u-%d", i), OrgID: "acme", Name: p.name, Department: "Ops", Roles: []tandem.Role{tandem.RoleExpert}}
		body := fmt.Sprintf(`{"headline":"%s coaches","topics":%s,"languages":%s,"timezone":"Europe/Berlin",
			"sessionTypes":[{"id":"s","name":"Session","durationMin":45}]}`, p.name, p.topics, p.langs)
		if res := f.api.do("PUT", "/v1/experts/me", body, c); res.Status != 200 {
			t.Fatalf("seed %s: %d %s", p.name, res.Status, res.Body)
		}
	}
	names := func(query string) []string {
		t.Helper()
		res := f.api.do("GET", "/v1/experts"+query, "", bobLearner)
		if res.Status != 200 {
			t.Fatalf("GET %s = %d %s", query, res.Status, res.Body)
		}
		var page struct{ Items []expertJSON }
		res.decode(t, &page)
		var out []string
		for _, e := range page.Items {
			out = append(out, e.Name)
		}
		return out
	}
	tests := []struct {
		query string
		want  []string
	}{
		{"", []string{"Ada", "Ben", "Cleo"}},
		{"?topic=Leadership", []string{"Ada", "Ben"}},
		{"?topic=leadership&language=de", []string{"Ben"}},
		{"?language=fr", []string{"Cleo"}},
		{"?q=CLEO", []string{"Cleo"}},
		{"?topic=cooking", nil},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, names(tt.query)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestSearchPaginationWithCursor(t *testing.T) {
	f := newFixture(t)
	for i := range 7 {
		c := &tandem.Caller{UserID: fmt.Sprintf("u-%02d", i), OrgID: "acme", Name: fmt.Sprintf("Expert %02d", i), Roles: []tandem.Role{tandem.RoleExpert}}
		body := `{"headline":"h","topics":["go"],"languages":["en"],"timezone":"UTC","sessionTypes":[{"id":"s","name":"S","durationMin":30}]}`
		if res := f.api.do("PUT", "/v1/experts/me", body, c); res.Status != 200 {
			t.Fatalf("seed: %d %s", res.Status, res.Body)
		}
	}
	var all []string
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("cursor never ends")
		}
		f.counter.Reset()
		res := f.api.do("GET", "/v1/experts?topic=go&limit=3&cursor="+cursor, "", bobLearner)
		if res.Status != 200 {
			t.Fatalf("page: %d %s", res.Status, res.Body)
		}
		if n := f.counter.Total(); n != 1 || f.counter.Count("Query") != 1 {
			t.Errorf("calls per search page = %v, want exactly 1 Query", f.counter.Calls())
		}
		var page struct {
			Items      []expertJSON
			NextCursor string
		}
		res.decode(t, &page)
		for _, e := range page.Items {
			all = append(all, e.Name)
		}
		if page.NextCursor == "" {
			break
		}
		cursor = page.NextCursor
	}
	if len(all) != 7 {
		t.Errorf("paged through %d experts %v, want 7 without repeats", len(all), all)
	}
}

func TestGetExpertIsOneCall(t *testing.T) {
	f := newFixture(t)
	f.api.do("PUT", "/v1/experts/me", aliceProfile, aliceExpert)
	f.counter.Reset()
	if res := f.api.do("GET", "/v1/experts/u-alice", "", bobLearner); res.Status != 200 {
		t.Fatalf("GET = %d", res.Status)
	}
	if diff := cmp.Diff([]string{"GetItem"}, f.counter.Calls()); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

func TestTenantIsolation(t *testing.T) {
	f := newFixture(t)
	f.api.do("PUT", "/v1/experts/me", aliceProfile, aliceExpert)
	// Oscar (org globex) also publishes a profile with the same topic.
	f.api.do("PUT", "/v1/experts/me", strings.Replace(aliceProfile, "Staff engineer", "Globex engineer", 1), oscarOtherOrg)

	if res := f.api.do("GET", "/v1/experts/u-alice", "", oscarOtherOrg); res.Status != http.StatusNotFound {
		t.Errorf("org B reading org A's expert: status %d, want 404", res.Status)
	}
	res := f.api.do("GET", "/v1/experts?topic=go", "", oscarOtherOrg)
	var page struct{ Items []expertJSON }
	res.decode(t, &page)
	if len(page.Items) != 1 || page.Items[0].ID != "u-oscar" {
		t.Errorf("org B search = %+v, want only its own expert", page.Items)
	}
	// A cursor from org A's listing is refused in org B.
	f.api.do("PUT", "/v1/experts/me", strings.Replace(aliceProfile, "Staff", "Other", 1),
		&tandem.Caller{UserID: "u-zed", OrgID: "acme", Name: "Zed", Roles: []tandem.Role{tandem.RoleExpert}})
	res = f.api.do("GET", "/v1/experts?limit=1", "", bobLearner)
	var first struct{ NextCursor string }
	res.decode(t, &first)
	if first.NextCursor == "" {
		t.Fatal("expected a cursor")
	}
	res = f.api.do("GET", "/v1/experts?limit=1&cursor="+first.NextCursor, "", oscarOtherOrg)
	if res.Status != http.StatusBadRequest || res.problem(t).Code != tandem.EInvalid {
		t.Errorf("foreign cursor: %d %s, want 400 invalid", res.Status, res.Body)
	}
}

func TestExpertBadInput(t *testing.T) {
	f := newFixture(t)
	big := `{"headline":"` + strings.Repeat("x", MaxBody) + `"}`
	tests := []struct {
		name       string
		method     string
		path       string
		body       string
		caller     *tandem.Caller
		wantStatus int
		wantCode   string
		wantField  string
	}{
		{"malformed JSON", "PUT", "/v1/experts/me", `{"headline":`, aliceExpert, 400, "invalid", "body"},
		{"not an object", "PUT", "/v1/experts/me", `[1,2]`, aliceExpert, 400, "invalid", "body"},
		{"empty body", "PUT", "/v1/experts/me", ``, aliceExpert, 400, "invalid", "body"},
		{"trailing data", "PUT", "/v1/experts/me", aliceProfile + `{}`, aliceExpert, 400, "invalid", "body"},
		{"unknown field", "PUT", "/v1/experts/me", strings.Replace(aliceProfile, `"bio"`, `"orgId":"globex","bio"`, 1), aliceExpert, 400, "invalid", "orgId"},
		{"wrong type", "PUT", "/v1/experts/me", strings.Replace(aliceProfile, `"durationMin": 30`, `"durationMin": "30"`, 1), aliceExpert, 400, "invalid", "sessionTypes.durationMin"},
		{"oversize body", "PUT", "/v1/experts/me", big, aliceExpert, 413, "limit_exceeded", "body"},
		{"unknown zone", "PUT", "/v1/experts/me", strings.Replace(aliceProfile, "America/New_York", "Mars/Olympus", 1), aliceExpert, 400, "invalid", "timezone"},
		{"bad duration", "PUT", "/v1/experts/me", strings.Replace(aliceProfile, `"durationMin": 30`, `"durationMin": 7`, 1), aliceExpert, 400, "invalid", "sessionTypes[0].durationMin"},
		{"bad booking mode", "PUT", "/v1/experts/me", strings.Replace(aliceProfile, `"instant"`, `"whenever"`, 1), aliceExpert, 400, "invalid", "bookingMode"},
		{"learner writes profile", "PUT", "/v1/experts/me", aliceProfile, bobLearner, 403, "forbidden", ""},
		{"no token", "GET", "/v1/experts", "", nil, 401, "unauthenticated", ""},
		{"claims without org", "GET", "/v1/experts", "", &tandem.Caller{UserID: "u-x"}, 401, "unauthenticated", ""},
		{"bad limit", "GET", "/v1/experts?limit=500", "", bobLearner, 400, "invalid", "limit"},
		{"bad cursor", "GET", "/v1/experts?cursor=not-a-cursor!", "", bobLearner, 400, "invalid", "cursor"},
		{"missing expert", "GET", "/v1/experts/nobody", "", bobLearner, 404, "not_found", ""},
		{"unknown route", "GET", "/v1/nothing-here", "", bobLearner, 404, "not_found", ""},
		{"wrong method", "DELETE", "/v1/experts/me", "", aliceExpert, 405, "method_not_allowed", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := f.api.do(tt.method, tt.path, tt.body, tt.caller)
			if res.Status != tt.wantStatus {
				t.Fatalf("status = %d, want %d (body %s)", res.Status, tt.wantStatus, res.Body)
			}
			p := res.problem(t)
			if p.Code != tt.wantCode {
				t.Errorf("code = %q, want %q", p.Code, tt.wantCode)
			}
			if tt.wantField != "" {
				var fields []string
				for _, fe := range p.Errors {
					fields = append(fields, fe.Field)
				}
				if !strings.Contains(strings.Join(fields, " "), tt.wantField) {
					t.Errorf("field errors %v, want one for %q", p.Errors, tt.wantField)
				}
			}
		})
	}
}

func TestMe(t *testing.T) {
	f := newFixture(t)
	res := f.api.do("GET", "/v1/me", "", bobLearner)
	var me meJSON
	res.decode(t, &me)
	if res.Status != 200 || me.ID != "u-bob" || me.Org != "acme" || me.Timezone != "" {
		t.Fatalf("GET /v1/me = %d %+v", res.Status, me)
	}
	res = f.api.do("PUT", "/v1/me", `{"name":"Bobby","timezone":"Europe/Lisbon"}`, bobLearner)
	if res.Status != 200 {
		t.Fatalf("PUT /v1/me = %d %s", res.Status, res.Body)
	}
	res = f.api.do("GET", "/v1/me", "", bobLearner)
	res.decode(t, &me)
	want := meJSON{ID: "u-bob", Org: "acme", Email: "bob@acme.test", Name: "Bobby", Department: "Sales",
		Roles: []tandem.Role{tandem.RoleLearner}, Timezone: "Europe/Lisbon"}
	if diff := cmp.Diff(want, me); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if res := f.api.do("PUT", "/v1/me", `{"name":"","timezone":"Nowhere/City"}`, bobLearner); res.Status != 400 || len(res.problem(t).Errors) != 2 {
		t.Errorf("bad PUT /v1/me = %d %s, want 400 with two field errors", res.Status, res.Body)
	}
}

func BenchmarkGetExpert(b *testing.B) {
	f := newFixture(b)
	f.api.do("PUT", "/v1/experts/me", aliceProfile, aliceExpert)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if res := f.api.do("GET", "/v1/experts/u-alice", "", bobLearner); res.Status != 200 {
			b.Fatal(res.Status)
		}
	}
}
