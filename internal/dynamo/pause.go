package dynamo

import (
	"context"
	"time"
)

// Pause waits d, or until ctx ends (its error then). Config.Pause replaces it for the store's
// contention waits (the pauses between tries of a transaction that collided): the load test
// runs a modelled DynamoDB k times slower than wall time (faithful.Model.Slowdown) and gives
// the store the model's Pause, so that a pause of d takes d of the model's time, as the
// transactions' holds do; a pause in wall time would be k times too short there.
type Pause func(ctx context.Context, d time.Duration) error

// Sleep is the Pause of wall time (the default).
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// pause is the store's contention wait: Config.Pause, or Sleep.
func (s *Store) pause(ctx context.Context, d time.Duration) error {
	if s.pauser != nil {
		return s.pauser(ctx, d)
	}
	return Sleep(ctx, d)
}
