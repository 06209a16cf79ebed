package httpapi

import (
	"context"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
	"github.com/tandemhq/tandem/internal/dynamo"
)

// beforeFirst is SDK middleware that runs hook once, just before the first call of op.
func beforeFirst(op string, hook func()) func(*middleware.Stack) error {
	var done atomic.Bool
	return func(stack *middleware.Stack) error {
		return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("tandemBeforeFirst",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				if awsmiddleware.GetOperationName(ctx) == op && done.CompareAndSwap(false, true) {
					hook()
				}
				return next.HandleInitialize(ctx, in)
			}), middleware.After)
	}
}

// TestFeedbackRetriesWhenTheProfileChanges: the expert changes their topics between the
// feedback's read and its transaction (whose rating tally then misses a topic copy). The
// write is refused as profile_changed inside the store's wrapped error, and the handler reads
// the profile again and retries: the learner gets 201 and the tally lands on the new copies.
func TestFeedbackRetriesWhenTheProfileChanges(t *testing.T) {
	f := newBookingFixture(t, "instant", 0)
	b := f.pastSessions(t, 1)[0]
	cfg := f.cfg
	cfg.APIOptions = append(slices.Clone(cfg.APIOptions), beforeFirst("TransactWriteItems", func() {
		profile := strings.Replace(strings.Replace(bookingProfile, `"topics":["go"]`, `"topics":["rust"]`, 1), "%s", "instant", 1)
		if res := f.api.do("PUT", "/v1/experts/me", strings.Replace(profile, "%d", "0", 1), aliceExpert); res.Status != 200 {
			t.Errorf("topic change: %d %s", res.Status, res.Body)
		}
	}))
	store, err := dynamo.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	feedback := newLambdaClient(t, NewFeedback(Deps{Store: store, Logger: quietLog, Now: f.clock}))
	f.counter.Reset()
	res := feedback.do("POST", "/v1/bookings/"+b.ID+"/feedback", goodFeedback, learner(0))
	if res.Status != 201 {
		t.Fatalf("feedback with the topics changing under it: %d %s, want 201 after a retry", res.Status, res.Body)
	}
	if n := f.counter.Count("TransactWriteItems"); n < 3 { // the topic change's, the refused one, the retry
		t.Errorf("TransactWriteItems calls = %d (%v), want the feedback's refused write and its retry", n, f.counter.Calls())
	}
	var page struct {
		Items []struct {
			ID     string
			Rating struct{ Count int }
		}
	}
	f.api.do("GET", "/v1/experts?topic=rust", "", bobLearner).decode(t, &page)
	if len(page.Items) != 1 || page.Items[0].Rating.Count != 1 {
		t.Errorf("rust topic card after the retry = %+v, want alice with one rating", page.Items)
	}
}
