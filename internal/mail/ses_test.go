package mail_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/smithy-go"

	"github.com/tandemhq/tandem/internal/mail"
)

// sesModel answers SendEmail as SES v2 documents it: 200 {"MessageId"} on success; on failure
// the status, X-Amzn-ErrorType and a JSON body with "message". It replays answers in order
// and records what each request carried.
type sesModel struct {
	mu       sync.Mutex
	answers  []sesAnswer
	requests []*http.Request
	bodies   [][]byte
}

type sesAnswer struct {
	status int
	code   string
}

func (s *sesModel) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.requests = append(s.requests, r)
	s.bodies = append(s.bodies, body)
	a := sesAnswer{status: http.StatusOK}
	if len(s.answers) > 0 {
		a, s.answers = s.answers[0], s.answers[1:]
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-Requestid", "req-1")
	if a.status != http.StatusOK {
		w.Header().Set("X-Amzn-ErrorType", a.code+":http://internal.amazon.com/coral/com.amazonaws.sesv2/")
		w.WriteHeader(a.status)
		_, _ = io.WriteString(w, `{"message":"modelled `+a.code+`"}`)
		return
	}
	_, _ = io.WriteString(w, `{"MessageId":"msg-1"}`)
}

func modelClient(t *testing.T, answers ...sesAnswer) (*mail.Client, *sesModel) {
	t.Helper()
	model := &sesModel{answers: answers}
	srv := httptest.NewServer(model)
	t.Cleanup(srv.Close)
	c, err := mail.NewClient(context.Background(), srv.URL, func(o *mail.ClientOptions) {
		o.Retryer = nil // the standard retryer, as in Lambda
	})
	if err != nil {
		t.Fatal(err)
	}
	return c, model
}

func rawInput() *mail.SendEmailInput {
	in := &mail.SendEmailInput{FromEmailAddress: "noreply@tandem.example",
		Destination: &mail.Destination{ToAddresses: []string{"ben@acme.example"}},
		EmailTags:   []mail.MessageTag{{Name: "kind", Value: "booking_confirmed"}}}
	in.Content.Raw.Data = []byte("Subject: hi\r\n\r\nhi\r\n")
	return in
}

// TestClientRequest: SendEmail is one signed JSON POST to /v2/email/outbound-emails in SES v2's
// shape (the raw message base64), and the message id comes back.
func TestClientRequest(t *testing.T) {
	c, model := modelClient(t)
	out, err := c.SendEmail(context.Background(), rawInput())
	if err != nil {
		t.Fatal(err)
	}
	if out.MessageID != "msg-1" {
		t.Errorf("MessageID = %q", out.MessageID)
	}
	if len(model.requests) != 1 {
		t.Fatalf("%d requests", len(model.requests))
	}
	r := model.requests[0]
	if r.Method != http.MethodPost || r.URL.Path != "/v2/email/outbound-emails" {
		t.Errorf("%s %s", r.Method, r.URL.Path)
	}
	auth := r.Header.Get("Authorization")
	if !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 Credential=local/") || !strings.Contains(auth, "/us-east-1/ses/aws4_request") {
		t.Errorf("Authorization = %q, want a SigV4 signature for ses in us-east-1", auth)
	}
	if r.Header.Get("X-Amz-Content-Sha256") == "" && !strings.Contains(auth, "SignedHeaders=") {
		t.Errorf("request not signed: %v", r.Header)
	}
	var doc map[string]any
	if err := json.Unmarshal(model.bodies[0], &doc); err != nil {
		t.Fatal(err)
	}
	want := `{"Content":{"Raw":{"Data":"U3ViamVjdDogaGkNCg0KaGkNCg=="}},"Destination":{"ToAddresses":["ben@acme.example"]},"EmailTags":[{"Name":"kind","Value":"booking_confirmed"}],"FromEmailAddress":"noreply@tandem.example"}`
	if got, _ := json.Marshal(doc); string(got) != want {
		t.Errorf("body\n%s\nwant\n%s", got, want)
	}
}

// TestClientRetriesThrottling: SES's throttling (429 TooManyRequestsException) and a 503 are
// retried by the SDK's standard retryer, and the send goes through on the third attempt, each
// attempt signed anew.
func TestClientRetriesThrottling(t *testing.T) {
	c, model := modelClient(t, sesAnswer{429, "TooManyRequestsException"}, sesAnswer{503, "InternalFailure"})
	out, err := c.SendEmail(context.Background(), rawInput())
	if err != nil {
		t.Fatalf("SendEmail: %v", err)
	}
	if out.MessageID != "msg-1" || len(model.requests) != 3 {
		t.Errorf("MessageID %q after %d requests, want msg-1 after 3", out.MessageID, len(model.requests))
	}
	for i, b := range model.bodies {
		if string(b) != string(model.bodies[0]) {
			t.Errorf("attempt %d sent another body: %s", i+1, b)
		}
	}
}

// TestClientGivesUp: throttling on every attempt ends after the standard retryer's 3 attempts
// with an error Permanent calls retryable; MessageRejected is not retried and is permanent.
// Both carry SES's code as a smithy.APIError, as the SDK's client's errors did.
func TestClientGivesUp(t *testing.T) {
	c, model := modelClient(t, sesAnswer{429, "TooManyRequestsException"}, sesAnswer{429, "TooManyRequestsException"},
		sesAnswer{429, "TooManyRequestsException"}, sesAnswer{429, "TooManyRequestsException"})
	_, err := c.SendEmail(context.Background(), rawInput())
	var api smithy.APIError
	if !errors.As(err, &api) || api.ErrorCode() != "TooManyRequestsException" {
		t.Fatalf("err = %v, want TooManyRequestsException", err)
	}
	if mail.Permanent(err) || len(model.requests) != 3 {
		t.Errorf("Permanent = %v after %d requests, want retryable after 3", mail.Permanent(err), len(model.requests))
	}

	c, model = modelClient(t, sesAnswer{400, "MessageRejected"})
	_, err = c.SendEmail(context.Background(), rawInput())
	if !errors.As(err, &api) || api.ErrorCode() != "MessageRejected" || api.ErrorMessage() != "modelled MessageRejected" {
		t.Fatalf("err = %v, want MessageRejected with SES's message", err)
	}
	if !mail.Permanent(err) || len(model.requests) != 1 {
		t.Errorf("Permanent = %v after %d requests, want permanent after 1", mail.Permanent(err), len(model.requests))
	}
}
