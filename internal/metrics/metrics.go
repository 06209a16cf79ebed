// Package metrics writes Tandem's business and health metrics as CloudWatch embedded metric
// format (EMF): one JSON line per event on stdout, which CloudWatch Logs turns into metrics of
// namespace Tandem without an API call. In Lambda every metric has the dimension FunctionName
// (from AWS_LAMBDA_FUNCTION_NAME, so two stacks never mix); the dimensions a caller passes
// are added as roll-ups: Put(ctx, []Dim{{"Code", "conflict"}, {"Reason", "busy"}}, …) gives
// the metric by FunctionName, by FunctionName+Code and by FunctionName+Code+Reason.
//
// Outside Lambda the lines go nowhere (tests and `make run` stay quiet) except to the log
// capture file of `make test` (internal/obs), which checks them for secrets like any line.
//
// The metrics (template.yaml's dashboard and alarms read them):
//
//	BookingsCreated   Count    a booking was created (POST /v1/bookings, accepting an offer)
//	Refusals          Count    a 4xx answer; dimensions Code (the problem code) and Reason
//	                           (the conflict or limit reason, when the problem has one)
//	Conflicts         Count    a 409 answer; dimension Reason
//	ServerErrors      Count    a 5xx answer
//	StreamLag         Seconds  age of the oldest record of a stream batch when it arrives
//	StreamRecords     Count    stream records in a batch
//	StreamFailures    Count    batches that reported a failed record
//	SchedulerRuns     Count    a scheduler run finished (with or without error)
//	SchedulerErrors   Count    a scheduler run returned an error
//	SessionsCompleted, HoldsExpired, RequestsExpired, SeatsOffered   Count   what a run did
//	NotificationsSent          Count   an e-mail SES accepted (NotificationsFunction); dimension Kind
//	NotificationSendFailures   Count   a send that failed and will be retried
//	NotificationsDeadLettered  Count   an e-mail given up (alarm NotificationEmailsDeadAlarm)
//	NotificationLeaseLapsed    Count   a sender died between claiming and recording: sent again
package metrics

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/tandemhq/tandem/internal/obs"
)

// Namespace is the CloudWatch namespace of every metric.
const Namespace = "Tandem"

// DimFunction is the dimension every metric has in Lambda.
const DimFunction = "FunctionName"

// Unit is a CloudWatch unit.
type Unit string

// Units used here.
const (
	Count        Unit = "Count"
	Seconds      Unit = "Seconds"
	Milliseconds Unit = "Milliseconds"
)

// Metric is one value.
type Metric struct {
	Name  string
	Unit  Unit
	Value float64
}

// N is a Count metric.
func N(name string, n int) Metric { return Metric{Name: name, Unit: Count, Value: float64(n)} }

// Dim is a dimension: a name and a value from a small, fixed set (a problem code, a reason),
// never an id.
type Dim struct{ Name, Value string }

// Emitter writes EMF lines.
type Emitter struct {
	mu       sync.Mutex
	w        io.Writer
	function string
	now      func() time.Time
}

// New returns an emitter writing to w (and to the log capture file when capturing), with
// the FunctionName dimension taken from AWS_LAMBDA_FUNCTION_NAME when set.
func New(w io.Writer) *Emitter {
	if c := obs.CaptureWriter(); c != nil {
		w = io.MultiWriter(w, c)
	}
	return &Emitter{w: w, function: os.Getenv("AWS_LAMBDA_FUNCTION_NAME"), now: time.Now}
}

var (
	defaultOnce sync.Once
	defaultEm   *Emitter
)

// Default is the process's emitter: stdout in Lambda, nothing elsewhere (but the capture).
func Default() *Emitter {
	defaultOnce.Do(func() {
		var w io.Writer = io.Discard
		if os.Getenv("AWS_LAMBDA_FUNCTION_NAME") != "" {
			w = os.Stdout
		}
		defaultEm = New(w)
	})
	return defaultEm
}

// Put writes metrics with dims on the default emitter.
func Put(ctx context.Context, dims []Dim, ms ...Metric) { Default().Put(ctx, dims, ms...) }

// Put writes one EMF line: ms under every roll-up of dims (see the package doc), with the
// request ids of ctx as properties (searchable in Logs Insights, not dimensions).
func (e *Emitter) Put(ctx context.Context, dims []Dim, ms ...Metric) {
	if len(ms) == 0 {
		return
	}
	doc := map[string]any{}
	base := []string{}
	if e.function != "" {
		base = []string{DimFunction}
		doc[DimFunction] = e.function
	}
	var sets [][]string
	if len(base) > 0 {
		sets = append(sets, base)
	}
	keys := append([]string(nil), base...)
	for _, d := range dims {
		v := DimValue(d.Value)
		if d.Name == "" || v == "" {
			continue
		}
		doc[d.Name] = v
		keys = append(keys, d.Name)
		sets = append(sets, append([]string(nil), keys...))
	}
	if len(sets) == 0 {
		sets = [][]string{{}} // no dimensions at all: one empty set
	}
	defs := make([]map[string]string, 0, len(ms))
	for _, m := range ms {
		defs = append(defs, map[string]string{"Name": m.Name, "Unit": string(m.Unit)})
		doc[m.Name] = m.Value
	}
	doc["_aws"] = map[string]any{
		"Timestamp": e.now().UnixMilli(),
		"CloudWatchMetrics": []any{map[string]any{
			"Namespace": Namespace, "Dimensions": sets, "Metrics": defs,
		}},
	}
	if ctx != nil {
		if id := obs.RequestID(ctx); id != "" {
			doc[obs.KeyRequestID] = id
		}
		if lc, ok := lambdacontext.FromContext(ctx); ok && lc.AwsRequestID != "" {
			doc[obs.KeyLambdaRequestID] = lc.AwsRequestID
		}
	}
	line, err := json.Marshal(doc)
	if err != nil {
		return
	}
	line = append(line, '\n')
	e.mu.Lock()
	defer e.mu.Unlock()
	_, _ = e.w.Write(line)
}

// DimValue keeps a dimension value to a short token of lower-case letters, digits, '_' and
// '-' (the problem codes and reasons are such tokens); anything else becomes "other", so a
// dimension never carries free text, let alone an id or a secret.
func DimValue(v string) string {
	if v == "" {
		return ""
	}
	if len(v) > 40 {
		return "other"
	}
	for _, c := range v {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return "other"
		}
	}
	return v
}

// SchedulerRun records one scheduler run (SchedulerFunction): SchedulerRuns 1 whatever
// happened (the "scheduler stopped" alarm watches Lambda's Invocations; this one shows runs
// that got as far as the handler), SchedulerErrors 1 when it returned an error, and what it did.
func SchedulerRun(ctx context.Context, completed, expired, requestsExpired, seatsOffered int, err error) {
	failed := 0
	if err != nil {
		failed = 1
	}
	Put(ctx, nil, N("SchedulerRuns", 1), N("SchedulerErrors", failed), N("SessionsCompleted", completed),
		N("HoldsExpired", expired), N("RequestsExpired", requestsExpired), N("SeatsOffered", seatsOffered))
}

// StreamBatch records one batch of the table's stream (StreamsFunction): StreamRecords, the
// age at arrival of its oldest record (StreamLag, from ApproximateCreationDateTime: what
// Lambda's IteratorAge shows, per batch) and StreamFailures 1 when a record failed.
func StreamBatch(ctx context.Context, ev events.DynamoDBEvent, resp events.DynamoDBEventResponse, now time.Time) {
	if len(ev.Records) == 0 {
		return
	}
	ms := []Metric{N("StreamRecords", len(ev.Records)), N("StreamFailures", min(len(resp.BatchItemFailures), 1))}
	var oldest time.Time
	for _, r := range ev.Records {
		if t := r.Change.ApproximateCreationDateTime.Time; !t.IsZero() && (oldest.IsZero() || t.Before(oldest)) {
			oldest = t
		}
	}
	if !oldest.IsZero() {
		ms = append(ms, Metric{Name: "StreamLag", Unit: Seconds, Value: max(now.Sub(oldest).Seconds(), 0)})
	}
	Put(ctx, nil, ms...)
}

// SetDefault replaces the process's emitter (tests) and returns the one it replaced.
func SetDefault(e *Emitter) *Emitter {
	prev := Default()
	defaultEm = e
	return prev
}

// StreamsHandler wraps the stream consumer's Lambda handler with StreamBatch.
func StreamsHandler(h func(context.Context, events.DynamoDBEvent) (events.DynamoDBEventResponse, error)) func(context.Context, events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	return func(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
		resp, err := h(ctx, ev)
		StreamBatch(ctx, ev, resp, time.Now())
		return resp, err
	}
}
