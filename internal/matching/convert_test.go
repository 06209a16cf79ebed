package matching

import "github.com/tandemhq/tandem/internal/tandem"

// The org settings' weights must stay convertible to Weights (same fields, same order).
var _ = Weights(tandem.MatchingWeights{})
