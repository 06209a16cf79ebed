// Package dynamo is Tandem's store: the only package that talks to DynamoDB. It owns the
// single-table layout (key builders in keys.go), item structs with conversions to and from
// the domain types of internal/tandem, conditions and transactions, and the translation of
// SDK errors into domain errors (conflict, not_found, internal).
//
// Access patterns (PK / SK, and GSI1PK / GSI1SK on index GSI1). Every partition key starts
// with the org, so a caller can reach only their own org's items:
//
//	expert profile            ORG#o#EXPERT#id / PROFILE        GSI1: ORG#o#EXPERTS / EXPERT#sortname#id
//	expert by topic           ORG#o#EXPERT#id / TOPIC#t        GSI1: ORG#o#TOPIC#t / EXPERT#sortname#id
//	user record               ORG#o#USER#id   / PROFILE
//
// Search by topic is one Query on GSI1 over the topic partition: topic items carry a copy of
// the profile, so a page of results needs no second read. Listing without a topic queries the
// ORG#o#EXPERTS partition. Language and free-text filters are filter expressions on that one
// Query, so a page may hold fewer items than the limit; the cursor continues where it stopped.
package dynamo

import (
	"context"
	"errors"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/middleware"
	"github.com/aws/smithy-go/tracing"
)

// Store reads and writes Tandem's single table.
type Store struct {
	client *dynamodb.Client
	table  string
	now    func() time.Time
}

// Config says how to reach the table.
type Config struct {
	Table string
	// Endpoint is set for DynamoDB Local (http://127.0.0.1:port); empty means AWS.
	Endpoint string
	Region   string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// APIOptions are extra SDK middleware (call counting in tests).
	APIOptions []func(*middleware.Stack) error
	// TracerProvider traces every SDK call (internal/tracing in Lambda); nil: none.
	TracerProvider tracing.TracerProvider
}

// ConfigFromEnv reads TABLE_NAME, DYNAMODB_ENDPOINT and AWS_REGION.
func ConfigFromEnv() Config {
	return Config{
		Table:    os.Getenv("TABLE_NAME"),
		Endpoint: os.Getenv("DYNAMODB_ENDPOINT"),
		Region:   os.Getenv("AWS_REGION"),
	}
}

// New builds a client once (at cold start) and returns the store.
func New(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.Table == "" {
		return nil, errors.New("dynamo.New: no table name (TABLE_NAME)")
	}
	client, err := NewClient(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return NewWithClient(client, cfg.Table, cfg.Now), nil
}

// NewWithClient wraps an existing client.
func NewWithClient(client *dynamodb.Client, table string, now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	return &Store{client: client, table: table, now: now}
}

// NewClient builds a DynamoDB client without the SDK's shared-config machinery: Lambda hands
// a function its credentials and region in the environment, and loading profiles, SSO and
// STS support would only add to every cold start (measured: about 3 ms of package init).
// For a local endpoint it uses static credentials and a fixed region, and never touches the
// EC2 metadata service (DESIGN.md section 7).
func NewClient(_ context.Context, cfg Config) (*dynamodb.Client, error) {
	opts := dynamodb.Options{Region: cfg.Region, APIOptions: cfg.APIOptions, TracerProvider: cfg.TracerProvider}
	if opts.Region == "" {
		opts.Region = os.Getenv("AWS_REGION")
	}
	if cfg.Endpoint != "" {
		if opts.Region == "" {
			opts.Region = "us-east-1"
		}
		opts.BaseEndpoint = aws.String(cfg.Endpoint)
		opts.DisableValidateResponseChecksum = true
		opts.Credentials = credentials.NewStaticCredentialsProvider("local", "local", "")
	} else {
		key, secret := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
		if key == "" || secret == "" || opts.Region == "" {
			return nil, errors.New("dynamo.NewClient: AWS_REGION and AWS credentials must be in the environment (as Lambda sets them)")
		}
		opts.Credentials = aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(key, secret, os.Getenv("AWS_SESSION_TOKEN")))
	}
	return dynamodb.New(opts), nil
}

// Table returns the table name.
func (s *Store) Table() string { return s.table }
