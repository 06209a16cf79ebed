package httpapi

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tandemhq/tandem/internal/tandem"
)

const goodFeedback = `{"rating":5,"recommend":9,"matchFit":"good","comment":"Clear and kind.","shareComment":true,"progress":7}`

// pastSessions books n intro sessions with alice (one learner each) from Wednesday on and
// moves the clock past them all.
func (f *fixture) pastSessions(t *testing.T, n int) []bookingJSON {
	t.Helper()
	var out []bookingJSON
	at := time.Date(2027, 3, 3, 14, 0, 0, 0, time.UTC) // Wed 09:00 New York
	for i := range n {
		day, slot := i/8, i%8
		start := at.AddDate(0, 0, day+2*(day/3)).Add(time.Duration(slot) * time.Hour) // skip weekends
		out = append(out, f.mustBook(t, learner(i), fmt.Sprintf("past-%04d", i), start.Format(time.RFC3339), "intro"))
	}
	f.setNow(out[len(out)-1].End.Add(time.Hour))
	return out
}

func TestFeedbackRules(t *testing.T) {
	f := newBookingFixture(t, "instant", 0)
	upcoming := f.mustBook(t, learner(50), "fb-upcoming-1", "2027-03-12T14:00:00Z", "intro")
	cancelled := f.mustBook(t, learner(51), "fb-cancelled-1", "2027-03-11T14:00:00Z", "intro")
	f.act(learner(51), cancelled.ID, "cancel", "")
	// Too early: the session has not ended.
	if res := f.feedback.do("POST", "/v1/bookings/"+upcoming.ID+"/feedback", goodFeedback, learner(50)); res.Status != 409 {
		t.Errorf("early feedback: %d %s, want 409", res.Status, res.Body)
	}
	past := f.pastSessions(t, 1)[0]
	url := "/v1/bookings/" + past.ID + "/feedback"
	tests := []struct {
		name   string
		caller *tandem.Caller
		method string
		path   string
		body   string
		status int
		field  string
	}{
		{"non-participant", learner(9), "POST", url, goodFeedback, 404, ""},
		{"other org", oscarOtherOrg, "POST", url, goodFeedback, 404, ""},
		{"cancelled session", learner(51), "POST", "/v1/bookings/" + cancelled.ID + "/feedback", goodFeedback, 409, ""},
		{"rating out of range", learner(0), "POST", url, strings.Replace(goodFeedback, `"rating":5`, `"rating":6`, 1), 400, "rating"},
		{"recommend out of range", learner(0), "POST", url, strings.Replace(goodFeedback, `"recommend":9`, `"recommend":11`, 1), 400, "recommend"},
		{"bad match fit", learner(0), "POST", url, strings.Replace(goodFeedback, `"good"`, `"great"`, 1), 400, "matchFit"},
		{"oversize comment", learner(0), "POST", url, strings.Replace(goodFeedback, "Clear and kind.", strings.Repeat("x", 2001), 1), 400, "comment"},
		{"unknown field", learner(0), "POST", url, strings.Replace(goodFeedback, `"rating"`, `"stars":5,"rating"`, 1), 400, "stars"},
		{"learner writes notes", learner(0), "POST", url, strings.Replace(goodFeedback, `"rating"`, `"notes":"x","rating"`, 1), 400, "notes"},
		{"expert rates", aliceExpert, "POST", url, `{"rating":5,"attended":true}`, 400, "rating"},
		{"edit before giving", learner(0), "PUT", url, goodFeedback, 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := f.feedback.do(tt.method, tt.path, tt.body, tt.caller)
			if res.Status != tt.status {
				t.Fatalf("status %d, want %d: %s", res.Status, tt.status, res.Body)
			}
			p := res.problem(t)
			if tt.field != "" {
				var fields []string
				for _, fe := range p.Errors {
					fields = append(fields, fe.Field)
				}
				if !slices.Contains(fields, tt.field) {
					t.Errorf("field errors %v, want %q", p.Errors, tt.field)
				}
			}
		})
	}
	// Once, then duplicates are refused; edits work for 7 days, then not.
	if res := f.feedback.do("POST", url, goodFeedback, learner(0)); res.Status != 201 {
		t.Fatalf("feedback: %d %s", res.Status, res.Body)
	}
	if res := f.feedback.do("POST", url, goodFeedback, learner(0)); res.Status != 409 || res.problem(t).Extra["conflict"] != "duplicate" {
		t.Errorf("duplicate: %d %s", res.Status, res.Body)
	}
	if res := f.feedback.do("PUT", url, strings.Replace(goodFeedback, `"rating":5`, `"rating":4`, 1), learner(0)); res.Status != 200 {
		t.Errorf("edit: %d %s", res.Status, res.Body)
	}
	f.setNow(f.clock().Add(7*24*time.Hour + time.Minute))
	if res := f.feedback.do("PUT", url, goodFeedback, learner(0)); res.Status != 409 || res.problem(t).Extra["conflict"] != "edit_window_closed" {
		t.Errorf("edit after 7 days: %d %s", res.Status, res.Body)
	}
	expert, _ := f.store.GetExpert(context.Background(), "acme", "u-alice")
	if expert.Rating.Count != 1 || expert.Rating.Distribution != [5]int{0, 0, 0, 1, 0} {
		t.Errorf("after one rating edited 5→4: %+v", expert.Rating)
	}
}

func TestFeedbackVisibility(t *testing.T) {
	f := newBookingFixture(t, "instant", 0)
	b := f.pastSessions(t, 1)[0]
	url := "/v1/bookings/" + b.ID + "/feedback"
	f.feedback.do("POST", url, goodFeedback, learner(0))
	if res := f.feedback.do("POST", url, `{"notes":"Needs practice with interfaces.","attended":true}`, aliceExpert); res.Status != 201 {
		t.Fatalf("expert feedback: %d %s", res.Status, res.Body)
	}
	var asLearner, asExpert feedbackJSON
	f.feedback.do("GET", url, "", learner(0)).decode(t, &asLearner)
	f.feedback.do("GET", url, "", aliceExpert).decode(t, &asExpert)
	if asLearner.Expert != nil || asLearner.Learner == nil || asLearner.Learner.Rating != 5 {
		t.Errorf("learner sees %+v; must see own feedback and never the expert's notes", asLearner)
	}
	if asExpert.Learner == nil || asExpert.Learner.Comment != "Clear and kind." || asExpert.Expert == nil || asExpert.Expert.Notes == "" {
		t.Errorf("expert sees %+v; want the learner's rating and comment and own notes", asExpert)
	}
	hr := &tandem.Caller{UserID: "u-hr", OrgID: "acme", Roles: []tandem.Role{tandem.RoleHR}}
	if res := f.feedback.do("GET", url, "", hr); res.Status != 404 {
		t.Errorf("HR reading feedback: %d, want 404 (HR sees aggregates only)", res.Status)
	}
}

// TestConcurrentFeedbackKeepsSummaryExact: feedback on many sessions of one expert, all at
// once, with edits mixed in; the summary on the profile and on every topic copy equals a
// recount of the stored feedback.
func TestConcurrentFeedbackKeepsSummaryExact(t *testing.T) {
	f := newBookingFixture(t, "instant", 0)
	sessions := f.pastSessions(t, 24)
	var wg sync.WaitGroup
	for i, b := range sessions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			url := "/v1/bookings/" + b.ID + "/feedback"
			body := fmt.Sprintf(`{"rating":%d,"recommend":%d,"matchFit":"good","shareComment":%v,"comment":"session %d"}`, 1+i%5, i%11, i%2 == 0, i)
			if res := f.feedback.do("POST", url, body, learner(i)); res.Status != 201 {
				t.Errorf("feedback %d: %d %s", i, res.Status, res.Body)
				return
			}
			if i%3 == 0 { // change one's mind
				body = strings.Replace(body, fmt.Sprintf(`"rating":%d`, 1+i%5), `"rating":5`, 1)
				if res := f.feedback.do("PUT", url, body, learner(i)); res.Status != 200 {
					t.Errorf("edit %d: %d %s", i, res.Status, res.Body)
				}
			}
		}()
	}
	// A profile edit races with the feedback: it must not lose a count.
	wg.Add(1)
	go func() {
		defer wg.Done()
		f.api.do("PUT", "/v1/experts/me", fmt.Sprintf(bookingProfile, "instant", 0), aliceExpert)
	}()
	wg.Wait()
	var want tandem.RatingSummary
	sum := 0
	for i := range sessions {
		r := 1 + i%5
		if i%3 == 0 {
			r = 5
		}
		want.Count++
		want.Distribution[r-1]++
		sum += r
	}
	want.Average = float64(int(float64(sum)/float64(want.Count)*100+0.5)) / 100
	expert, _ := f.store.GetExpert(context.Background(), "acme", "u-alice")
	if diff := cmp.Diff(want, expert.Rating); diff != "" {
		t.Errorf("profile summary differs from the recount (-want +got):\n%s", diff)
	}
	res := f.api.do("GET", "/v1/experts?topic=go", "", bobLearner)
	var page struct{ Items []expertJSON }
	res.decode(t, &page)
	if len(page.Items) != 1 || cmp.Diff(want, page.Items[0].Rating) != "" {
		t.Errorf("topic copy summary = %+v, want %+v", page.Items, want)
	}
	// Reviews: newest first, shared comments only, paginated.
	var all []reviewJSON
	cursor := ""
	for range 10 {
		res := f.feedback.do("GET", "/v1/experts/u-alice/reviews?limit=10&cursor="+cursor, "", bobLearner)
		var page struct {
			Summary    tandem.RatingSummary
			Items      []reviewJSON
			NextCursor string
		}
		res.decode(t, &page)
		all = append(all, page.Items...)
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	if len(all) != len(sessions) {
		t.Fatalf("%d reviews, want %d", len(all), len(sessions))
	}
	for i, r := range all {
		if i > 0 && r.CreatedAt.After(all[i-1].CreatedAt) {
			t.Errorf("reviews not newest first at %d", i)
		}
		var n int
		if r.Comment != "" {
			fmt.Sscanf(r.Comment, "session %d", &n)
			if n%2 != 0 {
				t.Errorf("comment %q shown though the learner did not share it", r.Comment)
			}
		}
	}
}

func TestFeedbackWriteIsOneTransaction(t *testing.T) {
	f := newBookingFixture(t, "instant", 0)
	b := f.pastSessions(t, 1)[0]
	f.counter.Reset()
	if res := f.feedback.do("POST", "/v1/bookings/"+b.ID+"/feedback", goodFeedback, learner(0)); res.Status != 201 {
		t.Fatalf("feedback: %d %s", res.Status, res.Body)
	}
	writes := 0
	for _, op := range f.counter.Calls() {
		if op == "PutItem" || op == "UpdateItem" || op == "DeleteItem" || op == "TransactWriteItems" || op == "BatchWriteItem" {
			writes++
		}
	}
	if f.counter.Count("TransactWriteItems") != 1 || writes != 1 {
		t.Errorf("calls %v: want exactly one write, a TransactWriteItems", f.counter.Calls())
	}
}
