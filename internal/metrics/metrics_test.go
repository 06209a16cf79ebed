package metrics

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/tandemhq/tandem/internal/obs"
)

// emf is the part of an EMF document CloudWatch reads
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).
type emf struct {
	AWS struct {
		Timestamp         int64 `json:"Timestamp"`
		CloudWatchMetrics []struct {
			Namespace  string     `json:"Namespace"`
			Dimensions [][]string `json:"Dimensions"`
			Metrics    []struct {
				Name string `json:"Name"`
				Unit string `json:"Unit"`
			} `json:"Metrics"`
		} `json:"CloudWatchMetrics"`
	} `json:"_aws"`
}

// parse checks one line against the specification's rules and returns it decoded.
func parse(t *testing.T, line []byte) (emf, map[string]any) {
	t.Helper()
	var doc emf
	var all map[string]any
	if err := json.Unmarshal(line, &doc); err != nil {
		t.Fatalf("not JSON: %s", line)
	}
	_ = json.Unmarshal(line, &all)
	if doc.AWS.Timestamp <= 0 || len(doc.AWS.CloudWatchMetrics) != 1 {
		t.Fatalf("no _aws.Timestamp or CloudWatchMetrics: %s", line)
	}
	d := doc.AWS.CloudWatchMetrics[0]
	if d.Namespace != Namespace || len(d.Metrics) == 0 {
		t.Fatalf("directive = %+v", d)
	}
	if len(d.Dimensions) > 30 {
		t.Errorf("%d dimension sets; EMF allows 30", len(d.Dimensions))
	}
	for _, set := range d.Dimensions {
		if len(set) > 30 {
			t.Errorf("dimension set %v over 30", set)
		}
		for _, name := range set {
			if v, ok := all[name].(string); !ok || v == "" {
				t.Errorf("dimension %s has no string value at the root: %s", name, line)
			}
		}
	}
	for _, m := range d.Metrics {
		if _, ok := all[m.Name].(float64); !ok {
			t.Errorf("metric %s has no numeric value at the root: %s", m.Name, line)
		}
		switch m.Unit {
		case "Count", "Seconds", "Milliseconds":
		default:
			t.Errorf("metric %s: unit %q", m.Name, m.Unit)
		}
	}
	return doc, all
}

func TestPutWritesEMF(t *testing.T) {
	t.Setenv("AWS_LAMBDA_FUNCTION_NAME", "tandem-dev-BookingsFunction-abc")
	var buf bytes.Buffer
	e := New(&buf)
	e.now = func() time.Time { return time.UnixMilli(1_700_000_000_123) }
	ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "lam-1"})
	ctx = obs.WithRequestID(ctx, "gw-1")
	e.Put(ctx, []Dim{{"Code", "conflict"}, {"Reason", "busy"}}, N("Refusals", 1))

	doc, all := parse(t, bytes.TrimSpace(buf.Bytes()))
	if doc.AWS.Timestamp != 1_700_000_000_123 {
		t.Errorf("Timestamp = %d", doc.AWS.Timestamp)
	}
	want := [][]string{{"FunctionName"}, {"FunctionName", "Code"}, {"FunctionName", "Code", "Reason"}}
	if got := doc.AWS.CloudWatchMetrics[0].Dimensions; !reflect.DeepEqual(got, want) {
		t.Errorf("Dimensions = %v, want %v", got, want)
	}
	for k, v := range map[string]any{"FunctionName": "tandem-dev-BookingsFunction-abc", "Code": "conflict", "Reason": "busy", "Refusals": 1.0, "requestId": "gw-1", "lambdaRequestId": "lam-1"} {
		if all[k] != v {
			t.Errorf("%s = %v, want %v", k, all[k], v)
		}
	}
}

func TestPutOutsideLambda(t *testing.T) {
	t.Setenv("AWS_LAMBDA_FUNCTION_NAME", "")
	var buf bytes.Buffer
	e := New(&buf)
	e.Put(context.Background(), nil, N("SchedulerRuns", 1), Metric{Name: "StreamLag", Unit: Seconds, Value: 2.5})
	doc, all := parse(t, bytes.TrimSpace(buf.Bytes()))
	if got := doc.AWS.CloudWatchMetrics[0].Dimensions; !reflect.DeepEqual(got, [][]string{{}}) {
		t.Errorf("Dimensions = %v, want one empty set", got)
	}
	if all["StreamLag"] != 2.5 {
		t.Errorf("StreamLag = %v", all["StreamLag"])
	}
	buf.Reset()
	e.Put(context.Background(), []Dim{{"Code", "not_found"}}, N("Refusals", 1))
	doc, _ = parse(t, bytes.TrimSpace(buf.Bytes()))
	if got := doc.AWS.CloudWatchMetrics[0].Dimensions; !reflect.DeepEqual(got, [][]string{{"Code"}}) {
		t.Errorf("Dimensions = %v", got)
	}
}

func TestDimValueKeepsTokensOnly(t *testing.T) {
	for in, want := range map[string]string{
		"conflict": "conflict", "day_limit": "day_limit", "": "",
		"The expert is busy": "other", "/v1/calendar/abc/feed.ics": "other", strings.Repeat("a", 41): "other",
	} {
		if got := DimValue(in); got != want {
			t.Errorf("DimValue(%q) = %q, want %q", in, got, want)
		}
	}
	var buf bytes.Buffer
	New(&buf).Put(context.Background(), []Dim{{"Reason", ""}}, N("Conflicts", 1))
	doc, _ := parse(t, bytes.TrimSpace(buf.Bytes()))
	if got := doc.AWS.CloudWatchMetrics[0].Dimensions; len(got) != 1 || len(got[0]) > 1 {
		t.Errorf("an empty dimension value must be dropped: %v", got)
	}
}

func TestPutWithoutMetricsWritesNothing(t *testing.T) {
	var buf bytes.Buffer
	New(&buf).Put(context.Background(), nil)
	if buf.Len() != 0 {
		t.Errorf("wrote %q", buf.String())
	}
}

func TestStreamBatchAndSchedulerRun(t *testing.T) {
	var buf bytes.Buffer
	saved := Default()
	defaultEm = New(&buf)
	t.Cleanup(func() { defaultEm = saved })
	now := time.Date(2027, 1, 4, 12, 0, 0, 0, time.UTC)
	var ev events.DynamoDBEvent
	for _, age := range []time.Duration{3 * time.Second, 42 * time.Second, time.Second} {
		var r events.DynamoDBEventRecord
		r.Change.ApproximateCreationDateTime = events.SecondsEpochTime{Time: now.Add(-age)}
		ev.Records = append(ev.Records, r)
	}
	StreamBatch(context.Background(), ev, events.DynamoDBEventResponse{BatchItemFailures: []events.DynamoDBBatchItemFailure{{ItemIdentifier: "x"}}}, now)
	_, all := parse(t, bytes.TrimSpace(buf.Bytes()))
	if all["StreamLag"] != 42.0 || all["StreamRecords"] != 3.0 || all["StreamFailures"] != 1.0 {
		t.Errorf("stream batch = %v", all)
	}
	buf.Reset()
	StreamBatch(context.Background(), events.DynamoDBEvent{}, events.DynamoDBEventResponse{}, now)
	if buf.Len() != 0 {
		t.Errorf("an empty batch wrote %q", buf.String())
	}
	SchedulerRun(context.Background(), 2, 1, 0, 3, nil)
	_, all = parse(t, bytes.TrimSpace(buf.Bytes()))
	if all["SchedulerRuns"] != 1.0 || all["SchedulerErrors"] != 0.0 || all["SessionsCompleted"] != 2.0 || all["SeatsOffered"] != 3.0 {
		t.Errorf("scheduler run = %v", all)
	}
}
