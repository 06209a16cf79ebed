package tracing

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/tandem"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

const lambdaHeader = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"

func TestParseTraceHeader(t *testing.T) {
	sc, ok := ParseTraceHeader(lambdaHeader)
	if !ok || sc.TraceID().String() != "5759e988bd862e3fe1be46a994272793" || sc.SpanID().String() != "53995c3f42cd8ad8" || !sc.IsSampled() || !sc.IsRemote() {
		t.Fatalf("ParseTraceHeader = %v, %v", sc, ok)
	}
	if sc, ok := ParseTraceHeader("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0"); !ok || sc.IsSampled() {
		t.Errorf("Sampled=0: %v %v", sc, ok)
	}
	for _, bad := range []string{"", "Root=1-5759e988-bd862e3fe1be46a994272793", "Parent=53995c3f42cd8ad8", "Root=2-x;Parent=53995c3f42cd8ad8", "Root=1-5759e988-bd86;Parent=53995c3f42cd8ad8"} {
		if _, ok := ParseTraceHeader(bad); ok {
			t.Errorf("ParseTraceHeader(%q) accepted", bad)
		}
	}
}

func TestFromEnvOnlyInLambda(t *testing.T) {
	t.Setenv("AWS_LAMBDA_FUNCTION_NAME", "")
	t.Setenv("AWS_XRAY_DAEMON_ADDRESS", "127.0.0.1:2000")
	if FromEnv() != nil {
		t.Error("tracing outside Lambda")
	}
	t.Setenv("AWS_LAMBDA_FUNCTION_NAME", "fn")
	t.Setenv("AWS_XRAY_DAEMON_ADDRESS", "")
	if FromEnv() != nil {
		t.Error("tracing without a daemon")
	}
	t.Setenv("AWS_XRAY_DAEMON_ADDRESS", "127.0.0.1:2000")
	if FromEnv() == nil {
		t.Error("no tracing in Lambda")
	}
}

// fakeDynamo answers GetItem with an empty item and PutItem with a conditional check failure.
func fakeDynamo(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		w.Header().Set("X-Amzn-RequestId", "REQ123")
		if strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".PutItem") {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException","message":"The conditional request failed for token=abcdef123"}`))
			return
		}
		_, _ = w.Write([]byte(`{}`))
	}))
	t.Cleanup(srv.Close)
	return srv
}

type recorder struct {
	mu    sync.Mutex
	spans []sdktrace.ReadOnlySpan
}

func (r *recorder) ExportSpans(_ context.Context, s []sdktrace.ReadOnlySpan) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.spans = append(r.spans, s...)
	return nil
}
func (r *recorder) Shutdown(context.Context) error { return nil }

// store is the real store's client, built the way the functions build it, with the tracer
// provider attached through dynamo.Config.
func store(t *testing.T, srv *httptest.Server, tp *recorder) *dynamo.Store {
	s, err := dynamo.New(context.Background(), dynamo.Config{Table: "t", Endpoint: srv.URL, Region: "eu-west-1", TracerProvider: New(tp)})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func get(ctx context.Context, s *dynamo.Store) error {
	_, err := s.GetUser(ctx, "acme", "u-1")
	if tandem.ErrorCode(err) == tandem.ENotFound {
		return nil
	}
	return err
}

// TestSDKCallsBecomeSubsegments drives a real SDK client against a fake endpoint: under a
// sampled Lambda trace each call is one span whose parent is Lambda's, and it translates to
// an X-Ray subsegment; unsampled or outside Lambda nothing is exported.
func TestSDKCallsBecomeSubsegments(t *testing.T) {
	t.Setenv("_X_AMZN_TRACE_ID", "")
	t.Setenv("AWS_REGION", "eu-west-1")
	srv := fakeDynamo(t)
	rec := &recorder{}
	db := store(t, srv, rec)
	ctx := context.WithValue(context.Background(), "x-amzn-trace-id", lambdaHeader) //nolint:staticcheck // aws-lambda-go's key
	if err := get(ctx, db); err != nil {
		t.Fatal(err)
	}
	err := db.PutUser(ctx, &tandem.User{OrgID: "acme", ID: "u-1", Name: "Ann", Email: "ann@example.com"})
	if err == nil {
		t.Fatal("PutItem: want the conditional check failure")
	}
	if len(rec.spans) != 2 {
		t.Fatalf("exported %d spans, want 2 (one per call, inner spans dropped)", len(rec.spans))
	}
	getSeg, put := Subsegment(rec.spans[0]), Subsegment(rec.spans[1])
	if getSeg.TraceID != "1-5759e988-bd862e3fe1be46a994272793" || getSeg.ParentID != "53995c3f42cd8ad8" || getSeg.Type != "subsegment" ||
		getSeg.Name != "DynamoDB" || getSeg.Namespace != "aws" || getSeg.AWS["operation"] != "GetItem" || getSeg.AWS["region"] != "eu-west-1" ||
		len(getSeg.ID) != 16 || getSeg.EndTime < getSeg.StartTime || getSeg.Error || getSeg.Fault {
		t.Errorf("GetItem subsegment = %+v", getSeg)
	}
	if !put.Error || put.Fault || put.Cause == nil || put.Cause.Exceptions[0].Type != "ConditionalCheckFailedException" ||
		strings.Contains(put.Cause.Exceptions[0].Message, "abcdef123") {
		t.Errorf("PutItem subsegment = %+v (want error, the API error code, the message redacted)", put)
	}

	rec.spans = nil
	unsampled := context.WithValue(context.Background(), "x-amzn-trace-id", strings.Replace(lambdaHeader, "Sampled=1", "Sampled=0", 1)) //nolint:staticcheck
	_ = get(unsampled, db)
	_ = get(context.Background(), db)
	if len(rec.spans) != 0 {
		t.Errorf("exported %d spans without a sampled Lambda trace", len(rec.spans))
	}
}

// TestDaemonExporterSendsDatagrams: the daemon gets a header line and a subsegment per span.
func TestDaemonExporterSendsDatagrams(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	rec := &recorder{}
	srv := fakeDynamo(t)
	ctx := context.WithValue(context.Background(), "x-amzn-trace-id", lambdaHeader) //nolint:staticcheck
	if err := get(ctx, store(t, srv, rec)); err != nil {
		t.Fatal(err)
	}
	exp := NewDaemonExporter(pc.LocalAddr().String())
	defer exp.Shutdown(context.Background())
	if err := exp.ExportSpans(context.Background(), rec.spans); err != nil {
		t.Fatal(err)
	}
	_ = pc.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 65536)
	n, _, err := pc.ReadFrom(buf)
	if err != nil {
		t.Fatal(err)
	}
	header, body, ok := bytes.Cut(buf[:n], []byte("\n"))
	if !ok || string(header) != `{"format": "json", "version": 1}` {
		t.Fatalf("datagram header = %q", header)
	}
	var seg map[string]any
	if err := json.Unmarshal(body, &seg); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"name", "id", "trace_id", "parent_id", "start_time", "end_time", "type"} {
		if seg[k] == nil {
			t.Errorf("subsegment has no %s: %s", k, body)
		}
	}
}
