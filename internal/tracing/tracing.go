// Package tracing traces every AWS SDK call of a Lambda function to AWS X-Ray, as a
// subsegment of the function's own segment (template.yaml: Tracing: Active).
//
// The spans come from the SDK itself: aws-sdk-go-v2 clients create an OpenTelemetry-style span
// per operation when given a TracerProvider (dynamo.Config.TracerProvider), which
// smithy-go's smithyoteltracing adapts to the OpenTelemetry SDK. This package only supplies
// what Lambda needs around that:
//
//   - the parent: Lambda's X-Amzn-Trace-Id (Root, Parent, Sampled) from the invocation's
//     context, so every call hangs under the function's segment and follows Lambda's
//     sampling decision (nothing is traced when Lambda does not sample, or outside Lambda);
//   - the export: each finished operation span becomes an X-Ray subsegment document sent
//     over UDP to the X-Ray daemon Lambda runs beside the function (AWS_XRAY_DAEMON_ADDRESS),
//     synchronously at span end, so nothing is pending when the sandbox freezes. The SDK's
//     inner spans (serialize, sign, retry loop…) are not exported: one subsegment per call.
//
// Why not the X-Ray SDK for Go (end of support 25 February 2027; it links aws-sdk-go v1,
// gRPC and fasthttp: a bootstrap of 22 MB against the 12 MB budget) nor otelaws (deprecated
// in favour of the SDK's own tracing) with an OTLP exporter and the ADOT collector layer
// (protobuf and gRPC: 17 MB, and a collector extension started on every cold start): see
// the README's "Logs and alarms".
package tracing

import (
	"context"
	"encoding/hex"
	"log/slog"
	"os"
	"strings"

	smithytracing "github.com/aws/smithy-go/tracing"
	"github.com/aws/smithy-go/tracing/smithyoteltracing"
	"github.com/tandemhq/tandem/internal/dynamo"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// FromEnv returns the TracerProvider for the function's SDK clients when it runs in Lambda
// with tracing on (AWS_LAMBDA_FUNCTION_NAME and AWS_XRAY_DAEMON_ADDRESS set), else nil: no
// tracing in tests, `make run` or anywhere else. Nothing is sent, and no socket opened,
// before the first traced call.
func FromEnv() smithytracing.TracerProvider {
	addr := os.Getenv("AWS_XRAY_DAEMON_ADDRESS")
	if os.Getenv("AWS_LAMBDA_FUNCTION_NAME") == "" || addr == "" {
		return nil
	}
	return New(NewDaemonExporter(addr))
}

// New returns a TracerProvider exporting the operation spans of SDK calls made under a
// sampled Lambda trace to exp.
func New(exp sdktrace.SpanExporter) smithytracing.TracerProvider {
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithSampler(sdktrace.ParentBased(sdktrace.NeverSample())),
		sdktrace.WithSpanProcessor(sdktrace.NewSimpleSpanProcessor(operationsOnly{exp})),
	)
	return lambdaParent{smithyoteltracing.Adapt(tp)}
}

// lambdaParent gives every span started without a parent the invocation's X-Ray parent.
type lambdaParent struct{ smithytracing.TracerProvider }

func (p lambdaParent) Tracer(scope string, opts ...smithytracing.TracerOption) smithytracing.Tracer {
	return parentTracer{p.TracerProvider.Tracer(scope, opts...)}
}

type parentTracer struct{ smithytracing.Tracer }

func (t parentTracer) StartSpan(ctx context.Context, name string, opts ...smithytracing.SpanOption) (context.Context, smithytracing.Span) {
	if !trace.SpanContextFromContext(ctx).IsValid() {
		if sc, ok := ParseTraceHeader(traceHeader(ctx)); ok {
			ctx = trace.ContextWithRemoteSpanContext(ctx, sc)
		}
	}
	return t.Tracer.StartSpan(ctx, name, opts...)
}

// traceHeader is the invocation's X-Amzn-Trace-Id: aws-lambda-go puts it in the context
// (under its own string key) and in _X_AMZN_TRACE_ID.
func traceHeader(ctx context.Context) string {
	if h, _ := ctx.Value("x-amzn-trace-id").(string); h != "" {
		return h
	}
	return os.Getenv("_X_AMZN_TRACE_ID")
}

// ParseTraceHeader reads an X-Amzn-Trace-Id value
// ("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1") as a remote
// span context. Without a Root and Parent it reports false.
func ParseTraceHeader(h string) (trace.SpanContext, bool) {
	var cfg trace.SpanContextConfig
	var root, parent bool
	for _, part := range strings.Split(h, ";") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Root":
			hexID := strings.ReplaceAll(strings.TrimPrefix(v, "1-"), "-", "")
			b, err := hex.DecodeString(hexID)
			if err != nil || len(b) != 16 || !strings.HasPrefix(v, "1-") {
				return trace.SpanContext{}, false
			}
			copy(cfg.TraceID[:], b)
			root = true
		case "Parent":
			b, err := hex.DecodeString(v)
			if err != nil || len(b) != 8 {
				return trace.SpanContext{}, false
			}
			copy(cfg.SpanID[:], b)
			parent = true
		case "Sampled":
			if v == "1" {
				cfg.TraceFlags = trace.FlagsSampled
			}
		}
	}
	if !root || !parent {
		return trace.SpanContext{}, false
	}
	cfg.Remote = true
	sc := trace.NewSpanContext(cfg)
	return sc, sc.IsValid()
}

// operationsOnly passes on the SDK's operation spans (kind client: "DynamoDB.GetItem") and
// drops its inner ones.
type operationsOnly struct{ sdktrace.SpanExporter }

func (o operationsOnly) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	keep := spans[:0:0]
	for _, s := range spans {
		if s.SpanKind() == trace.SpanKindClient {
			keep = append(keep, s)
		}
	}
	if len(keep) == 0 {
		return nil
	}
	return o.SpanExporter.ExportSpans(ctx, keep)
}

// Traced returns cfg with FromEnv's TracerProvider: main builds its store with
// dynamo.New(ctx, tracing.Traced(dynamo.ConfigFromEnv())).
func Traced(cfg dynamo.Config) dynamo.Config {
	if tp := FromEnv(); tp != nil {
		cfg.TracerProvider = tp
	}
	return cfg
}

// NewStore is every function's store, built once per cold start: from the environment, with
// its SDK calls traced in Lambda. A function without its store has nothing to serve, so a
// failure is logged and the process exits (Lambda reports the init error).
func NewStore(log *slog.Logger) *dynamo.Store {
	store, err := dynamo.New(context.TODO(), Traced(dynamo.ConfigFromEnv()))
	if err != nil {
		log.Error("init", slog.String("error", err.Error()))
		os.Exit(1)
	}
	return store
}
