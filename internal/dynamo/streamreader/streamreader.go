// Package streamreader reads a table's DynamoDB stream the way Lambda's event source mapping
// does, for the local tool and tests. It is kept out of package dynamo so the Lambda
// binaries do not link the streams client.
package streamreader

import (
	"context"
	"fmt"
	"sync"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	st "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
	"github.com/tandemhq/tandem/internal/dynamo"
)

// Reader reads the table's stream the way Lambda's event source mapping does and
// hands back records in the Lambda event shape, so locally (tandem dev, tests) the same
// handler processes the same records as in AWS. It remembers its position per shard.
type Reader struct {
	ddb     *dynamodb.Client
	streams *dynamodbstreams.Client
	table   string
	mu      sync.Mutex
	after   map[string]string // shard id → last sequence number read
	done    map[string]bool   // closed shards read to the end
}

// New reads the stream of the table described by cfg.
func New(ctx context.Context, cfg dynamo.Config) (*Reader, error) {
	ddb, err := dynamo.NewClient(ctx, cfg)
	if err != nil {
		return nil, err
	}
	sc := dynamodbstreams.New(dynamodbstreams.Options{
		Region:      ddb.Options().Region,
		Credentials: ddb.Options().Credentials,
		BaseEndpoint: func() *string {
			if cfg.Endpoint == "" {
				return nil
			}
			return aws.String(cfg.Endpoint)
		}(),
		HTTPClient: ddb.Options().HTTPClient,
	})
	return &Reader{ddb: ddb, streams: sc, table: cfg.Table, after: map[string]string{}, done: map[string]bool{}}, nil
}

// Read returns every record written since the last Read (all of them the first time).
func (r *Reader) Read(ctx context.Context) ([]events.DynamoDBEventRecord, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	desc, err := r.ddb.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: &r.table})
	if err != nil {
		return nil, err
	}
	arn := desc.Table.LatestStreamArn
	if arn == nil {
		return nil, fmt.Errorf("table %s has no stream", r.table)
	}
	var out []events.DynamoDBEventRecord
	var start *string
	for {
		ds, err := r.streams.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: arn, ExclusiveStartShardId: start})
		if err != nil {
			return nil, err
		}
		for _, sh := range ds.StreamDescription.Shards {
			id := aws.ToString(sh.ShardId)
			if r.done[id] {
				continue
			}
			recs, err := r.readShard(ctx, arn, id, sh.SequenceNumberRange != nil && sh.SequenceNumberRange.EndingSequenceNumber != nil)
			if err != nil {
				return nil, err
			}
			out = append(out, recs...)
		}
		if ds.StreamDescription.LastEvaluatedShardId == nil {
			return out, nil
		}
		start = ds.StreamDescription.LastEvaluatedShardId
	}
}

func (r *Reader) readShard(ctx context.Context, arn *string, shard string, closed bool) ([]events.DynamoDBEventRecord, error) {
	in := &dynamodbstreams.GetShardIteratorInput{StreamArn: arn, ShardId: &shard, ShardIteratorType: st.ShardIteratorTypeTrimHorizon}
	if seq := r.after[shard]; seq != "" {
		in.ShardIteratorType, in.SequenceNumber = st.ShardIteratorTypeAfterSequenceNumber, &seq
	}
	it, err := r.streams.GetShardIterator(ctx, in)
	if err != nil {
		return nil, err
	}
	iter := it.ShardIterator
	var out []events.DynamoDBEventRecord
	for iter != nil {
		got, err := r.streams.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: iter})
		if err != nil {
			return nil, err
		}
		for _, rec := range got.Records {
			out = append(out, toEventRecord(rec))
			r.after[shard] = aws.ToString(rec.Dynamodb.SequenceNumber)
		}
		if len(got.Records) == 0 {
			if got.NextShardIterator == nil && closed {
				r.done[shard] = true
			}
			break
		}
		iter = got.NextShardIterator
	}
	return out, nil
}

func toEventRecord(rec st.Record) events.DynamoDBEventRecord {
	ev := events.DynamoDBEventRecord{EventID: aws.ToString(rec.EventID), EventName: string(rec.EventName),
		EventSource: "aws:dynamodb", EventVersion: aws.ToString(rec.EventVersion), AWSRegion: aws.ToString(rec.AwsRegion)}
	if d := rec.Dynamodb; d != nil {
		ev.Change = events.DynamoDBStreamRecord{Keys: streamImage(d.Keys), NewImage: streamImage(d.NewImage),
			OldImage: streamImage(d.OldImage), SequenceNumber: aws.ToString(d.SequenceNumber),
			StreamViewType: string(d.StreamViewType), SizeBytes: aws.ToInt64(d.SizeBytes)}
		if d.ApproximateCreationDateTime != nil {
			ev.Change.ApproximateCreationDateTime = events.SecondsEpochTime{Time: *d.ApproximateCreationDateTime}
		}
	}
	return ev
}

func streamImage(item map[string]st.AttributeValue) map[string]events.DynamoDBAttributeValue {
	if item == nil {
		return nil
	}
	out := make(map[string]events.DynamoDBAttributeValue, len(item))
	for k, v := range item {
		out[k] = streamValue(v)
	}
	return out
}

func streamValue(av st.AttributeValue) events.DynamoDBAttributeValue {
	switch v := av.(type) {
	case *st.AttributeValueMemberS:
		return events.NewStringAttribute(v.Value)
	case *st.AttributeValueMemberN:
		return events.NewNumberAttribute(v.Value)
	case *st.AttributeValueMemberBOOL:
		return events.NewBooleanAttribute(v.Value)
	case *st.AttributeValueMemberB:
		return events.NewBinaryAttribute(v.Value)
	case *st.AttributeValueMemberSS:
		return events.NewStringSetAttribute(v.Value)
	case *st.AttributeValueMemberNS:
		return events.NewNumberSetAttribute(v.Value)
	case *st.AttributeValueMemberBS:
		return events.NewBinarySetAttribute(v.Value)
	case *st.AttributeValueMemberL:
		out := make([]events.DynamoDBAttributeValue, len(v.Value))
		for i, e := range v.Value {
			out[i] = streamValue(e)
		}
		return events.NewListAttribute(out)
	case *st.AttributeValueMemberM:
		return events.NewMapAttribute(streamImage(v.Value))
	}
	return events.NewNullAttribute()
}
