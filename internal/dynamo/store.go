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
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/middleware"
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

// NewClient builds a DynamoDB client. For a local endpoint it uses static credentials and a
// fixed region and never touches the EC2 metadata service (DESIGN.md section 7).
func NewClient(ctx context.Context, cfg Config) (*dynamodb.Client, error) {
	var opts []func(*config.LoadOptions) error
	region := cfg.Region
	if cfg.Endpoint != "" {
		if region == "" {
			region = "us-east-1"
		}
		opts = append(opts,
			config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("local", "local", "")),
			config.WithEC2IMDSClientEnableState(imds.ClientDisabled),
		)
	}
	if region != "" {
		opts = append(opts, config.WithRegion(region))
	}
	awsCfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, err
	}
	return dynamodb.NewFromConfig(awsCfg, func(o *dynamodb.Options) {
		if cfg.Endpoint != "" {
			o.BaseEndpoint = aws.String(cfg.Endpoint)
			o.DisableValidateResponseChecksum = true
		}
		o.APIOptions = append(o.APIOptions, cfg.APIOptions...)
	}), nil
}

// Table returns the table name.
func (s *Store) Table() string { return s.table }
