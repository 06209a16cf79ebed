package tracing

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"os"
	"strings"
	"sync"

	"github.com/tandemhq/tandem/internal/obs"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// daemonHeader starts every datagram to the X-Ray daemon.
const daemonHeader = `{"format": "json", "version": 1}` + "\n"

// DaemonExporter sends each span as an X-Ray subsegment document, one UDP datagram each, to
// the X-Ray daemon.
type DaemonExporter struct {
	addr string
	mu   sync.Mutex
	w    io.Writer // the daemon's socket, dialled at the first export; a buffer in tests
}

// NewDaemonExporter returns an exporter to the daemon at addr (host:port, as Lambda's
// AWS_XRAY_DAEMON_ADDRESS gives it). It opens its socket at the first export.
func NewDaemonExporter(addr string) *DaemonExporter { return &DaemonExporter{addr: addr} }

// ExportSpans sends spans; a span that cannot be sent is dropped (tracing never fails a call).
func (e *DaemonExporter) ExportSpans(_ context.Context, spans []sdktrace.ReadOnlySpan) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.w == nil {
		conn, err := net.Dial("udp", e.addr)
		if err != nil {
			return err
		}
		e.w = conn
	}
	for _, s := range spans {
		doc, err := json.Marshal(Subsegment(s))
		if err != nil {
			continue
		}
		_, _ = e.w.Write(append([]byte(daemonHeader), doc...))
	}
	return nil
}

// Shutdown closes the socket.
func (e *DaemonExporter) Shutdown(context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if c, ok := e.w.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// Segment is the part of an X-Ray segment document a subsegment of an AWS call uses
// (https://docs.aws.amazon.com/xray/latest/devguide/xray-api-segmentdocuments.html).
type Segment struct {
	Name      string         `json:"name"`
	ID        string         `json:"id"`
	TraceID   string         `json:"trace_id"`
	ParentID  string         `json:"parent_id,omitempty"`
	Type      string         `json:"type"`
	StartTime float64        `json:"start_time"`
	EndTime   float64        `json:"end_time"`
	Namespace string         `json:"namespace,omitempty"`
	Error     bool           `json:"error,omitempty"`
	Fault     bool           `json:"fault,omitempty"`
	Throttle  bool           `json:"throttle,omitempty"`
	AWS       map[string]any `json:"aws,omitempty"`
	Cause     *Cause         `json:"cause,omitempty"`
}

// Cause is a subsegment's exception.
type Cause struct {
	Exceptions []Exception `json:"exceptions"`
}

// Exception is one exception of a Cause.
type Exception struct {
	Message string `json:"message,omitempty"`
	Type    string `json:"type,omitempty"`
}

// Subsegment translates one SDK operation span: name the service ("DynamoDB"), namespace
// aws, aws.operation / region / request_id / retries, and error (4xx), fault (5xx) or
// throttle from the API error the SDK recorded, with the error message redacted.
func Subsegment(s sdktrace.ReadOnlySpan) Segment {
	attrs := map[attribute.Key]attribute.Value{}
	for _, a := range s.Attributes() {
		attrs[a.Key] = a.Value
	}
	str := func(k string) string {
		if v, ok := attrs[attribute.Key(k)]; ok {
			return v.Emit()
		}
		return ""
	}
	tid := s.SpanContext().TraceID().String()
	seg := Segment{
		Name:      s.Name(),
		ID:        s.SpanContext().SpanID().String(),
		TraceID:   "1-" + tid[:8] + "-" + tid[8:],
		Type:      "subsegment",
		StartTime: float64(s.StartTime().UnixNano()) / 1e9,
		EndTime:   float64(s.EndTime().UnixNano()) / 1e9,
	}
	if p := s.Parent(); p.IsValid() {
		seg.ParentID = p.SpanID().String()
	}
	if str("rpc.system") == "aws-api" {
		seg.Namespace = "aws"
		if svc := str("rpc.service"); svc != "" {
			seg.Name = svc
		}
		seg.AWS = map[string]any{"operation": str("rpc.method")}
		if r := os.Getenv("AWS_REGION"); r != "" {
			seg.AWS["region"] = r
		}
		if id := str("aws.request_id"); id != "" {
			seg.AWS["request_id"] = id
		}
		if v, ok := attrs["operation.attempt"]; ok && v.AsInt64() > 1 {
			seg.AWS["retries"] = v.AsInt64() - 1
		}
	}
	failed := s.Status().Code == codes.Error || attrs["error"].AsBool()
	if failed {
		code := str("api.error_code")
		switch {
		case strings.Contains(code, "Throttl") || strings.Contains(code, "ProvisionedThroughputExceeded") || strings.Contains(code, "RequestLimitExceeded"):
			seg.Throttle, seg.Error = true, true
		case str("api.error_fault") == "client":
			seg.Error = true
		default:
			seg.Fault = true
		}
		msg := str("exception.message")
		if msg == "" {
			msg = s.Status().Description
		}
		typ := code
		if typ == "" {
			typ = str("exception.type")
		}
		seg.Cause = &Cause{Exceptions: []Exception{{Message: obs.Redact(msg), Type: typ}}}
	}
	return seg
}
