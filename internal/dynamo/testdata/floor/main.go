// Command floor is the SDK's floor for cold-start measurements (infra/coldstart.sh): a
// hello-world Lambda that links and builds the DynamoDB client the way every function does
// (dynamo.NewClient's options, the SDK's item codec, the SDK tracing adapter and the
// OpenTelemetry SDK that internal/tracing gives it in Lambda) and nothing of Tandem's. A
// function's init over this floor is what Tandem itself adds. It lives under internal/dynamo
// because only internal/dynamo imports service/dynamodb; keep it in step with
// dynamo.NewClient and tracing.FromEnv.
package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/tracing/smithyoteltracing"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

func main() {
	opts := dynamodb.Options{Region: os.Getenv("AWS_REGION")}
	if os.Getenv("AWS_LAMBDA_FUNCTION_NAME") != "" && os.Getenv("AWS_XRAY_DAEMON_ADDRESS") != "" {
		opts.TracerProvider = smithyoteltracing.Adapt(sdktrace.NewTracerProvider(
			sdktrace.WithSampler(sdktrace.ParentBased(sdktrace.NeverSample()))))
	}
	if ep := os.Getenv("DYNAMODB_ENDPOINT"); ep != "" {
		if opts.Region == "" {
			opts.Region = "us-east-1"
		}
		opts.BaseEndpoint = aws.String(ep)
		opts.DisableValidateResponseChecksum = true
		opts.Credentials = credentials.NewStaticCredentialsProvider("local", "local", "")
	} else {
		opts.Credentials = aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(
			os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY"), os.Getenv("AWS_SESSION_TOKEN")))
	}
	client := dynamodb.New(opts)
	lambda.Start(func(ctx context.Context, ev map[string]any) (map[string]any, error) {
		item, err := attributevalue.MarshalMap(map[string]string{"hello": "world"})
		if err != nil {
			return nil, err
		}
		_ = client // built at init, as the functions build theirs
		return map[string]any{"item": len(item)}, nil
	})
}
