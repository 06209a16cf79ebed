package streams

import (
	"context"
	"errors"
	"fmt"
	"github.com/tandemhq/tandem/internal/obs"
	"io"
	"log/slog"
	"math/big"

	"github.com/aws/aws-lambda-go/events"
)

// Delivery is how Lambda's event source mapping hands the stream to the function: the
// template's DynamoDB event (samtemplate.StreamEvent) says it for StreamsFunction.
type Delivery struct {
	BatchSize int // at most this many records per invocation; default 100
	// MaxRetries is MaximumRetryAttempts: how often a failed batch is retried before its
	// records are given up (in AWS, sent to the OnFailure destination); negative retries
	// until the records succeed, as Lambda's -1 does.
	MaxRetries int
	// Bisect is BisectBatchOnFunctionError: after a function error the batch is split in two.
	Bisect bool
}

// Checkpoint says how many records at the start of batch are done after the function
// returned resp and err, as Lambda reads a partial batch response (ReportBatchItemFailures)
// for a stream:
//
//   - an error is a complete failure: nothing is done;
//   - no batchItemFailures is a complete success: every record is done;
//   - otherwise each itemIdentifier must be the SequenceNumber of a record in the batch (an
//     empty one, or one that names no record, such as an eventID, is a complete failure),
//     and the records before the lowest of them are done: the batch is retried from there.
//
// ok is false for a complete failure; reason says why.
func Checkpoint(batch []events.DynamoDBEventRecord, resp events.DynamoDBEventResponse, err error) (done int, ok bool, reason string) {
	if err != nil {
		return 0, false, "function error: " + err.Error()
	}
	if len(resp.BatchItemFailures) == 0 {
		return len(batch), true, ""
	}
	done = len(batch)
	var lowest *big.Int
	for _, f := range resp.BatchItemFailures {
		id := f.ItemIdentifier
		if id == "" {
			return 0, false, "a batch item failure without an itemIdentifier"
		}
		seq, isNum := new(big.Int).SetString(id, 10)
		at := -1
		for i, r := range batch {
			if r.Change.SequenceNumber == id {
				at = i
				break
			}
		}
		if !isNum || at < 0 {
			return 0, false, fmt.Sprintf("itemIdentifier %q is not the sequence number of a record in the batch", id)
		}
		if lowest == nil || seq.Cmp(lowest) < 0 {
			lowest, done = seq, at
		}
	}
	return done, true, ""
}

// Poller delivers stream records to a handler the way Lambda's event source mapping does:
// in order, in batches of at most BatchSize, checkpointing after each batch by Checkpoint's
// rules and retrying the rest of a failed batch from its checkpoint on the next Deliver, up
// to MaxRetries times. `tandem dev` runs one over the table's stream.
type Poller struct {
	handle   HandlerFunc
	cfg      Delivery
	log      *slog.Logger
	pending  []events.DynamoDBEventRecord
	limit    int // batch size of the next attempt (smaller after a bisect)
	failures int // failed attempts since the checkpoint last moved
}

// NewPoller returns a Poller handing records to handle.
func NewPoller(handle HandlerFunc, cfg Delivery, log *slog.Logger) *Poller {
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 100
	}
	if log == nil {
		log = obs.NewLogger(io.Discard)
	}
	return &Poller{handle: handle, cfg: cfg, log: log, limit: cfg.BatchSize}
}

// Add queues records read from the stream, in stream order.
func (p *Poller) Add(recs ...events.DynamoDBEventRecord) { p.pending = append(p.pending, recs...) }

// Pending returns the records not yet processed.
func (p *Poller) Pending() []events.DynamoDBEventRecord { return p.pending }

// ErrRetry is returned by Deliver when a batch failed and its rest waits for the next
// Deliver.
var ErrRetry = errors.New("streams: a batch failed; it is retried from its checkpoint")

// Deliver hands every pending record to the handler, batch by batch, until all are done or
// a batch fails (ErrRetry: the next Deliver retries it from the checkpoint). A batch that
// has failed more than MaxRetries times is given up: its remaining records are dropped and
// logged, where Lambda would send them to the OnFailure destination.
func (p *Poller) Deliver(ctx context.Context) error {
	for len(p.pending) > 0 {
		batch := p.pending[:min(p.limit, len(p.pending))]
		resp, err := p.handle(ctx, events.DynamoDBEvent{Records: batch})
		done, ok, reason := Checkpoint(batch, resp, err)
		if ok && done == len(batch) {
			p.pending, p.failures, p.limit = p.pending[done:], 0, p.cfg.BatchSize
			continue
		}
		if done > 0 {
			p.failures = 0 // the checkpoint moved: a new batch starts there
		}
		p.pending = p.pending[done:]
		p.failures++
		if !ok && err != nil && p.cfg.Bisect && len(batch) > 1 {
			p.limit = (len(batch) + 1) / 2
		}
		rest := batch[done:]
		if p.cfg.MaxRetries >= 0 && p.failures > p.cfg.MaxRetries {
			p.log.ErrorContext(ctx, "stream records given up after retries (in AWS: sent to the OnFailure destination)",
				slog.Int("records", len(rest)), slog.String("firstSequenceNumber", rest[0].Change.SequenceNumber),
				slog.String("lastSequenceNumber", rest[len(rest)-1].Change.SequenceNumber), slog.String("reason", reason))
			p.pending, p.failures, p.limit = p.pending[len(rest):], 0, p.cfg.BatchSize
			continue
		}
		p.log.WarnContext(ctx, "stream batch failed; retrying from its checkpoint",
			slog.String("sequenceNumber", rest[0].Change.SequenceNumber), slog.Int("attempt", p.failures), slog.String("reason", reason))
		return ErrRetry
	}
	return nil
}
