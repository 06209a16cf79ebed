package rie_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/dynamo/dynamotest"
	"github.com/tandemhq/tandem/internal/gateway"
	"github.com/tandemhq/tandem/internal/gateway/jwtauth"
	"github.com/tandemhq/tandem/internal/rie"
	"github.com/tandemhq/tandem/internal/seed"
)

// TestCompiledFunctionsAgainstDynamoDBLocal replays events through the real bootstraps of
// ExpertsFunction and BookingsFunction under RIE, against a seeded table in DynamoDB Local:
// an expert profile, then a booking round trip (list slots, book the first with an
// Idempotency-Key, replay it, read it back). The bookings function runs on the real clock
// (time.Now, as in AWS), so it books a slot the experts function lists now rather than the
// fixed instant in events/bookings/create.json.
func TestCompiledFunctionsAgainstDynamoDBLocal(t *testing.T) {
	cfg := dynamotest.Config(t, dynamotest.Options{})
	// Two go builds, two emulator starts and the demo data: generous, for a loaded machine.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute+2*rie.StartTimeout())
	defer cancel()
	root, err := rie.ModuleRoot("")
	if err != nil {
		t.Fatal(err)
	}
	// Build and start both functions while the demo data loads (seeding takes most of this
	// test); init runs at the first invocation, after seeding.
	var (
		fns      map[string]*rie.Function
		stopAll  func()
		startErr error
		started  = make(chan struct{})
	)
	t.Cleanup(func() {
		<-started
		if stopAll != nil {
			stopAll()
		}
	})
	go func() {
		defer close(started)
		env := map[string]string{"TABLE_NAME": cfg.Table, "DYNAMODB_ENDPOINT": cfg.Endpoint}
		fns, stopAll, startErr = rie.StartAll(ctx, root, []string{"ExpertsFunction", "BookingsFunction"}, env, nil)
	}()
	store, err := dynamo.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := seed.Load(ctx, store, time.Now()); err != nil {
		t.Fatal(err)
	}
	<-started
	if startErr != nil {
		t.Fatal(startErr)
	}
	experts, bookings := fns["ExpertsFunction"], fns["BookingsFunction"]

	t.Run("get expert", func(t *testing.T) {
		ev := loadEvent(t, "events/experts/get-expert.json")
		var got struct {
			ID       string `json:"id"`
			Headline string `json:"headline"`
		}
		invoke(t, experts, ev, http.StatusOK, &got)
		if got.ID != ev.PathParameters["expertId"] || got.Headline == "" {
			t.Errorf("expert = %+v, want %s with a headline", got, ev.PathParameters["expertId"])
		}
		if d, ok := experts.InitDuration(); !ok || d <= 0 {
			t.Errorf("InitDuration = %v, %v; want the cold start's", d, ok)
		}
	})

	t.Run("book a listed slot", func(t *testing.T) {
		const expert = "acme-omar"
		slotsEv := loadEvent(t, "events/experts/list-slots.json")
		slotsEv.RawPath = "/v1/experts/" + expert + "/slots"
		slotsEv.RequestContext.HTTP.Path = slotsEv.RawPath
		slotsEv.PathParameters = map[string]string{"expertId": expert}
		slotsEv.RawQueryString = "tz=UTC"
		slotsEv.QueryStringParameters = map[string]string{"tz": "UTC"}
		var slots struct {
			SessionType string `json:"sessionType"`
			Slots       []struct {
				Start time.Time `json:"start"`
			} `json:"slots"`
		}
		invoke(t, experts, slotsEv, http.StatusOK, &slots)
		if len(slots.Slots) == 0 {
			t.Fatalf("%s has no free slot in the default range", expert)
		}
		start := slots.Slots[0].Start

		create := loadEvent(t, "events/bookings/create.json")
		body, _ := json.Marshal(map[string]any{"expertId": expert, "sessionType": slots.SessionType,
			"start": start.UTC().Format(time.RFC3339), "note": "Booked through the compiled function under RIE."})
		create.Body = string(body)
		create.Headers["content-length"] = fmt.Sprint(len(body))
		create.Headers["idempotency-key"] = fmt.Sprintf("rie-test-%d", time.Now().UnixNano())
		var booked struct {
			ID     string    `json:"id"`
			Start  time.Time `json:"start"`
			Status string    `json:"status"`
		}
		invoke(t, bookings, create, http.StatusCreated, &booked)
		if booked.ID == "" || !booked.Start.Equal(start) {
			t.Fatalf("booking = %+v, want an id and start %s", booked, start)
		}

		var replay struct {
			ID string `json:"id"`
		}
		invoke(t, bookings, create, http.StatusCreated, &replay) // same key, same body
		if replay.ID != booked.ID {
			t.Errorf("replay id = %q, want %q (idempotent)", replay.ID, booked.ID)
		}

		get := loadEvent(t, "events/bookings/get.json")
		get.RawPath = "/v1/bookings/" + booked.ID
		get.RequestContext.HTTP.Path = get.RawPath
		get.PathParameters = map[string]string{"bookingId": booked.ID}
		var got struct {
			ID     string    `json:"id"`
			Start  time.Time `json:"start"`
			Status string    `json:"status"`
		}
		invoke(t, bookings, get, http.StatusOK, &got)
		if got.ID != booked.ID || !got.Start.Equal(start) || got.Status != booked.Status {
			t.Errorf("GET booking = %+v, want %+v", got, booked)
		}
	})
}

func loadEvent(t *testing.T, rel string) events.APIGatewayV2HTTPRequest {
	t.Helper()
	root, err := rie.ModuleRoot("")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(root, rel))
	if err != nil {
		t.Fatal(err)
	}
	var ev events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(data, &ev); err != nil {
		t.Fatal(err)
	}
	return ev
}

// invoke sends ev, wants status and decodes the JSON body into out.
func invoke(t *testing.T, fn *rie.Function, ev events.APIGatewayV2HTTPRequest, status int, out any) {
	t.Helper()
	resp, err := fn.Invoke(context.Background(), ev)
	if err != nil {
		t.Fatalf("%s: %v\n%s", ev.RouteKey, err, fn.Logs())
	}
	if resp.StatusCode != status {
		t.Fatalf("%s: status %d, want %d: %s", ev.RouteKey, resp.StatusCode, status, resp.Body)
	}
	if err := json.Unmarshal([]byte(resp.Body), out); err != nil {
		t.Fatalf("%s: body %q: %v", ev.RouteKey, resp.Body, err)
	}
}

// TestCompiledFunctionUnderSAMLocal runs the real ExpertsFunction bootstrap with the
// environment SAM CLI gives it (AWS_SAM_LOCAL=true, the env-vars file's SAM_LOCAL_JWKS) and
// sends what SAM CLI's local API sends: no authorizer claims, the caller's token in the
// Authorization header. The function checks the token itself: a dev token gets the caller's
// own record, none gets API Gateway's 401.
func TestCompiledFunctionUnderSAMLocal(t *testing.T) {
	cfg := dynamotest.Config(t, dynamotest.Options{})
	key, err := gateway.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	issuer, err := gateway.NewIssuer(key, gateway.IssuerConfig{URL: jwtauth.DevIssuer, Audience: jwtauth.DevAudience})
	if err != nil {
		t.Fatal(err)
	}
	jwks, _ := json.Marshal(issuer.JWKS())
	fn := start(t, rie.Config{Bootstrap: bootstrap(t, "./functions/experts"), Name: "ExpertsFunction", Env: map[string]string{
		"TABLE_NAME": cfg.Table, "DYNAMODB_ENDPOINT": cfg.Endpoint, "AWS_SAM_LOCAL": "true", "SAM_LOCAL_JWKS": string(jwks)}})
	ev := loadEvent(t, "events/experts/get-me.json")
	claims := ev.RequestContext.Authorizer.JWT.Claims
	ev.RequestContext.Authorizer = nil
	delete(ev.Headers, "authorization")

	resp, err := fn.Invoke(context.Background(), ev)
	if err != nil || resp.StatusCode != http.StatusUnauthorized || resp.Body != `{"message":"Unauthorized"}` {
		t.Fatalf("no token: %+v, %v; want API Gateway's 401\n%s", resp, err, fn.Logs())
	}
	token, _, err := issuer.Sign(gateway.DevUser{ID: claims["sub"], Email: claims["email"], Name: claims["name"],
		OrgID: claims["custom:org"], Department: claims["custom:department"], Roles: []string{"learner"}})
	if err != nil {
		t.Fatal(err)
	}
	ev.Headers["authorization"] = "Bearer " + token
	var me struct {
		ID  string `json:"id"`
		Org string `json:"org"`
	}
	invoke(t, fn, ev, http.StatusOK, &me)
	if me.ID != claims["sub"] {
		t.Errorf("GET /v1/me = %+v, want the token's subject %s", me, claims["sub"])
	}
}
