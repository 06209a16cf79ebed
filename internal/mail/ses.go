package mail

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithytracing "github.com/aws/smithy-go/tracing"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Client sends e-mail through SES v2's SendEmail: one JSON POST to /v2/email/outbound-emails,
// signed with the SDK's SigV4 signer, retried by the SDK's standard retryer, run through an
// SDK middleware stack so that API options (awsaccess.Recorder, mailtest.Capture) see it as
// they see any SDK client's call: service "SESv2", operation "SendEmail", the input as its
// parameters. It stands in for service/sesv2's client, whose package init alone (the schemas
// of every SES operation: 582 KB and 3,541 allocations) doubled NotificationsFunction's cold
// start, for the one operation Tandem calls. IAM is the same: ses:SendEmail.
type Client struct{ opts ClientOptions }

// ClientOptions configure a Client; NewClient fills them and optFns adjust them.
type ClientOptions struct {
	Region       string
	BaseEndpoint string // "" = https://email.{Region}.amazonaws.com
	Credentials  aws.CredentialsProvider
	HTTPClient   smithyhttp.ClientDo // nil = the SDK's default (awshttp.NewBuildableClient)
	Retryer      aws.Retryer         // nil = the SDK's standard retryer (throttling, 5xx, network errors)
	// RetryMaxAttempts bounds the standard retryer's attempts; 0 = its default, 3.
	RetryMaxAttempts int
	// APIOptions change the middleware stack of each call, as an SDK client's do.
	APIOptions []func(*middleware.Stack) error
	// TracerProvider traces each call as the SDK does ("SESv2.SendEmail", kind client); nil: none.
	TracerProvider smithytracing.TracerProvider
}

// SendEmailInput is SES v2's SendEmail request with Raw content (the only kind Tandem sends),
// in the service's JSON shape.
type SendEmailInput struct {
	FromEmailAddress     string       `json:"FromEmailAddress,omitempty"`
	Destination          *Destination `json:"Destination,omitempty"`
	Content              EmailContent `json:"Content"`
	EmailTags            []MessageTag `json:"EmailTags,omitempty"`
	ConfigurationSetName string       `json:"ConfigurationSetName,omitempty"`
}

// Destination is SendEmail's recipients.
type Destination struct {
	ToAddresses []string `json:"ToAddresses"`
}

// EmailContent is SendEmail's content: a raw RFC 5322 message (base64 in the JSON).
type EmailContent struct {
	Raw struct {
		Data []byte `json:"Data"`
	} `json:"Raw"`
}

// MessageTag is an SES message tag (ASCII letters, digits, _ and -).
type MessageTag struct {
	Name  string `json:"Name"`
	Value string `json:"Value"`
}

// RawMessage is the message sent (mailtest.Capture reads it).
func (in *SendEmailInput) RawMessage() []byte { return in.Content.Raw.Data }

// SendEmailOutput is SendEmail's answer.
type SendEmailOutput struct {
	MessageID string `json:"MessageId"`
}

const (
	sesServiceID   = "SESv2"
	sesSigningName = "ses"
	sendEmailOp    = "SendEmail"
	sendEmailPath  = "/v2/email/outbound-emails"
)

// SendEmail makes one SendEmail call (with the retryer's retries). Errors are the SDK's: a
// *smithy.OperationError around an *awshttp.ResponseError around a smithy.APIError with SES's
// error code (TooManyRequestsException, MessageRejected, ...), or around the network error.
func (c *Client) SendEmail(ctx context.Context, in *SendEmailInput) (*SendEmailOutput, error) {
	stack := middleware.NewStack(sendEmailOp, smithyhttp.NewStackRequest)
	opts := c.opts
	err := func() error {
		if err := stack.Serialize.Add(serializeSendEmail{endpoint: opts.BaseEndpoint, region: opts.Region}, middleware.After); err != nil {
			return err
		}
		if err := stack.Finalize.Add(signRequest{creds: opts.Credentials, region: opts.Region}, middleware.After); err != nil {
			return err
		}
		if err := retry.AddRetryMiddlewares(stack, retry.AddRetryMiddlewaresOptions{Retryer: opts.Retryer}); err != nil {
			return err
		}
		if err := stack.Deserialize.Add(deserializeSendEmail{}, middleware.After); err != nil {
			return err
		}
		for _, fn := range opts.APIOptions {
			if err := fn(stack); err != nil {
				return err
			}
		}
		return nil
	}()
	if err != nil {
		return nil, err
	}

	tp := opts.TracerProvider
	if tp == nil {
		tp = smithytracing.NopTracerProvider{}
	}
	ctx, span := tp.Tracer("github.com/tandemhq/tandem/internal/mail").StartSpan(ctx, sesServiceID+"."+sendEmailOp,
		func(o *smithytracing.SpanOptions) {
			o.Kind = smithytracing.SpanKindClient
			o.Properties.Set("rpc.system", "aws-api")
			o.Properties.Set("rpc.method", sendEmailOp)
			o.Properties.Set("rpc.service", sesServiceID)
		})
	defer span.End()

	// Set before the stack runs, so that every API option sees them (the recorder runs first).
	ctx = awsmiddleware.SetServiceID(ctx, sesServiceID)
	ctx = awsmiddleware.SetOperationName(ctx, sendEmailOp)
	ctx = awsmiddleware.SetSigningName(ctx, sesSigningName)
	ctx = awsmiddleware.SetSigningRegion(ctx, opts.Region)
	handler := middleware.DecorateHandler(smithyhttp.NewClientHandler(opts.HTTPClient), stack)
	result, _, err := handler.Handle(ctx, in)
	if err != nil {
		var api smithy.APIError
		if errors.As(err, &api) {
			span.SetProperty("api.error_code", api.ErrorCode())
		}
		span.SetStatus(smithytracing.SpanStatusError)
		return nil, &smithy.OperationError{ServiceID: sesServiceID, OperationName: sendEmailOp, Err: err}
	}
	span.SetStatus(smithytracing.SpanStatusOK)
	return result.(*SendEmailOutput), nil
}

// serializeSendEmail builds the POST with the JSON body.
type serializeSendEmail struct{ endpoint, region string }

func (serializeSendEmail) ID() string { return "OperationSerializer" }

func (s serializeSendEmail) HandleSerialize(ctx context.Context, in middleware.SerializeInput, next middleware.SerializeHandler) (middleware.SerializeOutput, middleware.Metadata, error) {
	req, ok := in.Request.(*smithyhttp.Request)
	if !ok {
		return middleware.SerializeOutput{}, middleware.Metadata{}, fmt.Errorf("mail: unexpected transport request %T", in.Request)
	}
	params, ok := in.Parameters.(*SendEmailInput)
	if !ok || params == nil {
		return middleware.SerializeOutput{}, middleware.Metadata{}, fmt.Errorf("mail: SendEmail needs a *SendEmailInput, got %T", in.Parameters)
	}
	body, err := json.Marshal(params)
	if err != nil {
		return middleware.SerializeOutput{}, middleware.Metadata{}, &smithy.SerializationError{Err: err}
	}
	base := s.endpoint
	if base == "" {
		base = "https://email." + s.region + ".amazonaws.com"
	}
	u, err := req.URL.Parse(strings.TrimRight(base, "/") + sendEmailPath)
	if err != nil {
		return middleware.SerializeOutput{}, middleware.Metadata{}, &smithy.SerializationError{Err: err}
	}
	req.URL = u
	req.Host = u.Host
	req.Method = http.MethodPost
	req.Header.Set("Content-Type", "application/json")
	req.ContentLength = int64(len(body))
	if req, err = req.SetStream(bytes.NewReader(body)); err != nil {
		return middleware.SerializeOutput{}, middleware.Metadata{}, &smithy.SerializationError{Err: err}
	}
	in.Request = req
	return next.HandleSerialize(ctx, in)
}

// signRequest signs each attempt with SigV4 (service "ses"), as the SDK's signing middleware
// does; the retryer is inserted before it, so every attempt carries a fresh signature.
type signRequest struct {
	creds  aws.CredentialsProvider
	region string
}

func (signRequest) ID() string { return "Signing" }

func (s signRequest) HandleFinalize(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
	req, ok := in.Request.(*smithyhttp.Request)
	if !ok {
		return middleware.FinalizeOutput{}, middleware.Metadata{}, fmt.Errorf("mail: unexpected transport request %T", in.Request)
	}
	if s.creds == nil {
		return middleware.FinalizeOutput{}, middleware.Metadata{}, fmt.Errorf("mail: no credentials to sign with")
	}
	creds, err := s.creds.Retrieve(ctx)
	if err != nil {
		return middleware.FinalizeOutput{}, middleware.Metadata{}, fmt.Errorf("mail: credentials: %w", err)
	}
	h := sha256.New()
	if stream := req.GetStream(); stream != nil {
		if _, err := io.Copy(h, stream); err != nil {
			return middleware.FinalizeOutput{}, middleware.Metadata{}, err
		}
		if err := req.RewindStream(); err != nil {
			return middleware.FinalizeOutput{}, middleware.Metadata{}, err
		}
	}
	payloadHash := hex.EncodeToString(h.Sum(nil))
	if err := v4.NewSigner().SignHTTP(ctx, creds, req.Request, payloadHash, sesSigningName, s.region, time.Now().UTC()); err != nil {
		return middleware.FinalizeOutput{}, middleware.Metadata{}, &v4.SigningError{Err: err}
	}
	return next.HandleFinalize(ctx, in)
}

// deserializeSendEmail reads the message id, or SES's error as a smithy.APIError: the code
// from X-Amzn-ErrorType or the body's "__type"/"code" (namespace and suffix dropped), so that
// the retryer and Permanent see what they saw from the SDK's client.
type deserializeSendEmail struct{}

func (deserializeSendEmail) ID() string { return "OperationDeserializer" }

func (deserializeSendEmail) HandleDeserialize(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
	out, metadata, err := next.HandleDeserialize(ctx, in)
	if err != nil {
		return out, metadata, err
	}
	resp, ok := out.RawResponse.(*smithyhttp.Response)
	if !ok {
		return out, metadata, &smithy.DeserializationError{Err: fmt.Errorf("unexpected transport response %T", out.RawResponse)}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return out, metadata, &smithy.DeserializationError{Err: err}
	}
	requestID := resp.Header.Get("X-Amzn-Requestid")
	if resp.StatusCode < 200 || resp.StatusCode >= 300 {
		return out, metadata, &awshttp.ResponseError{RequestID: requestID,
			ResponseError: &smithyhttp.ResponseError{Response: resp, Err: sesError(resp, body)}}
	}
	var got SendEmailOutput
	if err := json.Unmarshal(body, &got); err != nil {
		return out, metadata, &smithy.DeserializationError{Err: fmt.Errorf("SendEmail response: %w", err), Snapshot: body}
	}
	out.Result = &got
	return out, metadata, nil
}

// sesError is the API error of a failed call, in REST-JSON's error encoding.
func sesError(resp *smithyhttp.Response, body []byte) *smithy.GenericAPIError {
	var doc struct {
		Type     string `json:"__type"`
		Code     string `json:"code"`
		Message  string `json:"message"`
		MessageU string `json:"Message"`
	}
	_ = json.Unmarshal(body, &doc)
	code := resp.Header.Get("X-Amzn-Errortype")
	if code == "" {
		code = doc.Type
	}
	if code == "" {
		code = doc.Code
	}
	code, _, _ = strings.Cut(code, ":") // "Code:http://internal.amazon.com/..."
	if i := strings.LastIndexByte(code, '#'); i >= 0 {
		code = code[i+1:] // "com.amazonaws.sesv2#Code"
	}
	if code == "" {
		code = http.StatusText(resp.StatusCode)
	}
	msg := doc.Message
	if msg == "" {
		msg = doc.MessageU
	}
	fault := smithy.FaultClient
	if resp.StatusCode >= 500 {
		fault = smithy.FaultServer
	}
	return &smithy.GenericAPIError{Code: code, Message: msg, Fault: fault}
}
