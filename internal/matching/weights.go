package matching

import (
	"math"

	"github.com/tandemhq/tandem/internal/tandem"
)

// Weights say how much each signal counts in a Score. They are set per org by HR and are
// relative: Rank divides each by their sum, so only proportions matter (all 1s rank exactly
// like all 0.5s) and a Score is always a share of 1. The JSON names are the signal names.
type Weights struct {
	Topic      float64 `json:"topic"`
	Capacity   float64 `json:"capacity"`
	Language   float64 `json:"language"`
	Timezone   float64 `json:"timezone"`
	Rating     float64 `json:"rating"`
	Load       float64 `json:"load"`
	Connection float64 `json:"connection"`
}

// MaxWeight is the largest weight Validate accepts.
const MaxWeight = 1

// DefaultWeights are the weights of an org whose HR has set none: topic fit first, then
// being free when the learner is, and equal shares for everything else. They sum to 1.
func DefaultWeights() Weights {
	return Weights{Topic: 0.30, Capacity: 0.20, Language: 0.10, Timezone: 0.10, Rating: 0.10, Load: 0.10, Connection: 0.10}
}

// Validate reports every weight outside [0, MaxWeight] (NaN and infinities included) under
// its JSON name, and an all-zero set under the field "" (the Weights as a whole): EInvalid
// with field errors, or nil.
func (w Weights) Validate() error {
	var v tandem.Validation
	sum := 0.0
	for i, x := range w.values() {
		if !(x >= 0 && x <= MaxWeight) {
			v.Add(signalNames[i], "must be a number from 0 to %d", MaxWeight)
			continue
		}
		sum += x
	}
	if err := v.Err(); err != nil {
		return err
	}
	v.Check(sum > 0, "", "at least one weight must be above 0")
	return v.Err()
}

// values returns the weights in signal order.
func (w Weights) values() [numSignals]float64 {
	return [numSignals]float64{w.Topic, w.Capacity, w.Language, w.Timezone, w.Rating, w.Load, w.Connection}
}

// shares returns each weight divided by their sum, rounded to 4 decimals: the Weight every
// Signal reports. w must be valid.
func (w Weights) shares() [numSignals]float64 {
	vs := w.values()
	sum := 0.0
	for _, x := range vs {
		sum += x
	}
	for i, x := range vs {
		vs[i] = round4(x / sum)
	}
	return vs
}

// round4 rounds x to 4 decimals, half away from zero.
func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }
