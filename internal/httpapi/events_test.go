package httpapi

import (
	"context"
	"encoding/json"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/dynamo/dynamotest"
	"github.com/tandemhq/tandem/internal/samtemplate"
	"github.com/tandemhq/tandem/internal/seed"
)

// eventsNow is the clock of the replay: the demo bookings are placed around it, and the
// sample events' times (new starts, reschedules) are slots as of then. A Monday noon UTC.
var eventsNow = time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)

// wantStatus is the expected status of every HTTP sample event in events/ when replayed, in
// path order, against one store with the demo data loaded as of eventsNow. A file without an
// entry, or an entry without a file, fails the test. The booking events each act on their
// own demo booking (see seed.Bookings), so their order does not matter to one another.
var wantStatus = map[string]int{
	"notifications/list.json":             200,
	"notifications/unread-count.json":     200,
	"notifications/read.json":             404, // no such notification in the demo data
	"notifications/read-all.json":         204,
	"notifications/settings-get.json":     200,
	"notifications/settings-put.json":     200,
	"notifications/unsubscribe-get.json":  200, // signed with the tests' link key
	"notifications/unsubscribe-post.json": 204,
	"bookings/create.json":                201, // ben books omar, 2026-12-10T10:00Z
	"feedback/1-submit.json":              201, // ben on demo-b07 (ended, completed by complete.json)
	"feedback/2-edit.json":                200,
	"feedback/3-get.json":                 200,
	"feedback/reviews.json":               200,
	"requests/create.json":                201,
	"requests/list.json":                  200,
	"requests/board.json":                 200,
	"requests/close.json":                 200, // ben closes demo-r01 (get and matches still answer him)
	"requests/get.json":                   200,
	"requests/matches.json":               200,
	"requests/offers.json":                201, // omar on demo-r02
	"requests/accept.json":                201, // tom takes grace's offer on demo-r03
	"requests/settings-get.json":          200,
	"requests/settings-put.json":          200,
	"programs/1-create.json":              201, // hana creates a program
	"programs/2-list.json":                200,
	"programs/3-get.json":                 200, // demo-p01
	"programs/4-enroll.json":              200, // ben enrolls in demo-p01
	"programs/5-withdraw.json":            204, // olga withdraws
	"programs/6-build.json":               200, // hana builds cohorts (seed 2027): plan version 1
	"programs/7-get-cohorts.json":         200,
	"programs/8-adjust.json":              200, // hana's own arrangement of all twelve: version 2
	"programs/9-publish.json":             200,
	"programs/9b-session-invite.json":     200, // ben's cohort's first session as an invite
	"programs/archive.json":               200, // hana archives demo-p01 (after the others)
	"reports/utilization.json":            200,
	"mentorships/01-propose.json":         201, // ben proposes weekly sessions to omar
	"mentorships/02-list.json":            200,
	"mentorships/03-get.json":             200, // demo-m01 (ben and maya, active)
	"mentorships/04-accept.json":          200, // amara accepts ben's demo-m02
	"mentorships/05-schedule.json":        200, // demo-m01's biweekly series from 2026-12-08, Tuesdays 15:30 London (4 booked, 3 beyond the horizon)
	"mentorships/06-skip.json":            200, // maya skips occurrence 1
	"mentorships/07-move.json":            200, // ben moves occurrence 0 to 2026-12-08T16:30Z
	"mentorships/07b-book.json":           200, // ben books occurrence 4 (past the horizon on its Tuesday) on Thursday 14 January
	"mentorships/08-agenda.json":          200,
	"mentorships/09-agendas.json":         200,
	"mentorships/10-add-action.json":      201,
	"mentorships/11-update-action.json":   200, // demo-a01 done
	"mentorships/12-actions.json":         200,
	"mentorships/13-add-note.json":        201, // maya's private note
	"mentorships/14-notes.json":           200,
	"mentorships/15-add-checkin.json":     201, // ben's starting ratings
	"mentorships/16-checkins.json":        200,
	"mentorships/17-pause.json":           200,
	"mentorships/18-resume.json":          200,
	"mentorships/19-close.json":           200, // cancels the future sessions
	"mentorships/20-reflection.json":      201,
	"reports/mentorships.json":            200, // hana
	"flash/1-put-config.json":             200, // hana sets up flash rounds every 2 weeks
	"flash/2-join.json":                   200, // ben opts in
	"flash/3-get.json":                    200,
	"flash/4-run.json":                    201, // hana runs round 0 (ben alone: nobody to pair)
	"flash/5-proposals.json":              200,
	"flash/6-accept.json":                 404, // no such proposal
	"flash/7-decline.json":                404,
	"flash/8-leave.json":                  204,
	"reports/utilization-csv.json":        200,
	"reports/connections.json":            200,
	"bookings/list.json":                  200,
	"bookings/list-expert-past.json":      200,
	"bookings/get.json":                   200, // demo-b01
	"bookings/invite-ics.json":            200, // demo-b01
	"bookings/cancel.json":                200, // demo-b03, by ben
	"bookings/reschedule.json":            200, // demo-b04 to 2026-12-15T14:00Z, by ben
	"bookings/confirm.json":               200, // demo-b05 (pending), by lukas
	"bookings/decline.json":               200, // demo-b06 (pending), by diego
	"bookings/complete.json":              200, // demo-b07 (ended), by maya
	"bookings/no-show.json":               200, // demo-b08 (ended), by grace
	"bookings/calendar-feed.json":         200, // ben's seeded feed token
	"bookings/calendar-token-create.json": 201, // maya
	"bookings/calendar-token-revoke.json": 204, // maya
	"bookings/calendars-create.json":      201, // maya connects a Google address: unreachable here, so status "error"
	"bookings/calendars-delete.json":      404, // no such connection (ids are random)
	"bookings/calendars-list.json":        200, // maya's connection, with its error
	"bookings/calendars-sync.json":        404, // no such connection
	"circles/1-book-seat.json":            201, // ben takes the first seat of maya's go-circle, 2026-12-11T15:00Z
	"circles/2-get.json":                  200, // ben sees his seat
	"circles/3-leave-waitlist.json":       204, // ben is not waiting: leaving is harmless
	"circles/4-cancel.json":               200, // maya calls the circle off

	"experts/get-me.json":                200,
	"experts/put-me.json":                200,
	"experts/list-experts.json":          200,
	"experts/get-expert.json":            200,
	"experts/get-my-expert-profile.json": 200,
	"experts/put-my-expert-profile.json": 200,
	"experts/get-my-availability.json":   200,
	"experts/put-my-availability.json":   200,
	"experts/list-slots.json":            200,
}

// TestSampleEventsReplay sends every API Gateway v2 sample event through its function's
// handler (found by routeKey in template.yaml) the way the Lambda runtime does.
func TestSampleEventsReplay(t *testing.T) { replaySampleEvents(t, nil) }

// TestSampleEventsReplayUnderSAMLocal replays the same events as SAM CLI's local API would
// send the same requests: no authorizer claims, the caller's dev token in the Authorization
// header, and the function in its AWS_SAM_LOCAL mode (SAMLocal) verifying it. Every event
// gets the same answer as behind API Gateway.
func TestSampleEventsReplayUnderSAMLocal(t *testing.T) { replaySampleEvents(t, newDevSigner(t)) }

// replaySampleEvents replays events/ in path order against one store with the demo data;
// with a signer, as SAM CLI's local API delivers them.
func replaySampleEvents(t *testing.T, samLocal *devSigner) {
	tplPath, err := samtemplate.Find(".")
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := samtemplate.Load(tplPath)
	if err != nil {
		t.Fatal(err)
	}
	fnOf := map[string]string{}
	public := map[string]bool{}
	for _, r := range tpl.Routes() {
		fnOf[r.Key()] = r.Function
		public[r.Key()] = r.Public
	}
	clock := func() time.Time { return eventsNow }
	cfg := dynamotest.Config(t, dynamotest.Options{Now: clock})
	store, err := dynamo.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := seed.Load(context.Background(), store, eventsNow); err != nil {
		t.Fatal(err)
	}
	routers := FunctionsWith(func(fn string) Deps {
		return Deps{Store: functionStore(t, cfg, fn), Now: clock, Logger: quietLog, VerifyLink: testVerifyLink, Sealer: testSealer}
	})
	root := filepath.Join(filepath.Dir(tplPath), "events")
	var paths []string
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".json") {
			paths = append(paths, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(paths)
	seen := map[string]bool{}
	for _, path := range paths {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var probe struct {
			Version  string `json:"version"`
			RouteKey string `json:"routeKey"`
		}
		if json.Unmarshal(raw, &probe) != nil || probe.Version != "2.0" || probe.RouteKey == "" {
			continue // not an HTTP API event; replayed by its own function's test
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		seen[rel] = true
		t.Run(rel, func(t *testing.T) {
			var ev events.APIGatewayV2HTTPRequest
			if err := json.Unmarshal(raw, &ev); err != nil {
				t.Fatal(err)
			}
			fn := fnOf[ev.RouteKey]
			if fn == "" || routers[fn] == nil {
				t.Fatalf("routeKey %q is not a route of any function in template.yaml", ev.RouteKey)
			}
			hasClaims := ev.RequestContext.Authorizer != nil && ev.RequestContext.Authorizer.JWT != nil
			switch {
			case public[ev.RouteKey] && hasClaims:
				t.Fatal("sample event of a public route (Auth: NONE) carries JWT claims; API Gateway runs no authorizer there")
			case !public[ev.RouteKey] && (!hasClaims || ev.RequestContext.Authorizer.JWT.Claims["custom:org"] == ""):
				t.Fatal("sample event lacks realistic JWT claims")
			}
			checkPathParameters(t, ev)
			handler := ProxyFunc(httpadapter.NewV2(routers[fn]).ProxyWithContext)
			if samLocal != nil {
				token := ""
				if hasClaims {
					token = samLocal.token(t, ev.RequestContext.Authorizer.JWT.Claims, nil)
				}
				ev = asSAMLocal(ev, token)
				handler = SAMLocal(handler, samLocal.jwks, quietLog)
			}
			res, err := handler(context.Background(), ev)
			if err != nil {
				t.Fatal(err)
			}
			want, ok := wantStatus[rel]
			if !ok {
				t.Fatalf("no expected status for %s in wantStatus (got %d)", rel, res.StatusCode)
			}
			if res.StatusCode != want {
				t.Errorf("status = %d, want %d; body %s", res.StatusCode, want, res.Body)
			}
		})
	}
	for rel := range wantStatus {
		if !seen[rel] {
			t.Errorf("wantStatus lists %s but there is no such event file", rel)
		}
	}
	// Every route has at least one sample event.
	covered := map[string]bool{}
	for rel := range seen {
		raw, _ := os.ReadFile(filepath.Join(root, rel))
		var ev events.APIGatewayV2HTTPRequest
		_ = json.Unmarshal(raw, &ev)
		covered[ev.RouteKey] = true
	}
	for key := range fnOf {
		if !covered[key] {
			t.Errorf("route %s has no sample event in events/", key)
		}
	}
}

// checkPathParameters: an event of a route with path parameters carries them, named as in
// the route and equal to the path's segments, as API Gateway (and SAM CLI) send them; an
// event of a route without any carries none.
func checkPathParameters(t *testing.T, ev events.APIGatewayV2HTTPRequest) {
	t.Helper()
	_, route, _ := strings.Cut(ev.RouteKey, " ")
	want := map[string]string{}
	segs, got := strings.Split(route, "/"), strings.Split(ev.RawPath, "/")
	if len(segs) != len(got) {
		t.Fatalf("rawPath %s does not match route %s", ev.RawPath, ev.RouteKey)
	}
	for i, seg := range segs {
		if name, ok := strings.CutPrefix(seg, "{"); ok {
			want[strings.TrimSuffix(name, "}")] = got[i]
		} else if seg != got[i] {
			t.Fatalf("rawPath %s does not match route %s", ev.RawPath, ev.RouteKey)
		}
	}
	if len(want) == 0 && len(ev.PathParameters) == 0 {
		return
	}
	if !maps.Equal(want, ev.PathParameters) {
		t.Errorf("pathParameters = %v, want %v (from rawPath %s)", ev.PathParameters, want, ev.RawPath)
	}
}
