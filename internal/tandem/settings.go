package tandem

import "time"

// MatchingWeights are an org's weights for the matching signals (see internal/matching,
// whose Weights has the same fields and converts directly).
type MatchingWeights struct {
	Topic      float64 `json:"topic"`
	Capacity   float64 `json:"capacity"`
	Language   float64 `json:"language"`
	Timezone   float64 `json:"timezone"`
	Rating     float64 `json:"rating"`
	Load       float64 `json:"load"`
	Connection float64 `json:"connection"`
}

// OrgSettings are the knobs HR sets for an org. Zero values mean the defaults.
type OrgSettings struct {
	Matching          MatchingWeights `json:"matching"`
	LateCancelHours   int             `json:"lateCancelHours"`
	RequestExpiryDays int             `json:"requestExpiryDays"`
	UpdatedAt         time.Time       `json:"updatedAt,omitzero"`
}

// DefaultOrgSettings are an org's settings until HR changes them.
func DefaultOrgSettings() OrgSettings {
	return OrgSettings{
		Matching:        MatchingWeights{Topic: 0.30, Capacity: 0.20, Language: 0.10, Timezone: 0.10, Rating: 0.10, Load: 0.10, Connection: 0.10},
		LateCancelHours: int(DefaultLateCancel / time.Hour), RequestExpiryDays: 14,
	}
}

// LateCancelWindow is the policy window inside which a cancellation is late.
func (s OrgSettings) LateCancelWindow() time.Duration {
	if s.LateCancelHours <= 0 {
		return DefaultLateCancel
	}
	return time.Duration(s.LateCancelHours) * time.Hour
}

// RequestExpiry is how long a request looks for an expert.
func (s OrgSettings) RequestExpiry() time.Duration {
	if s.RequestExpiryDays <= 0 {
		return 14 * 24 * time.Hour
	}
	return time.Duration(s.RequestExpiryDays) * 24 * time.Hour
}

// Validate checks the policy fields (the weights are checked by internal/matching).
func (s *OrgSettings) Validate() error {
	var v Validation
	v.Check(s.LateCancelHours >= 0 && s.LateCancelHours <= 168, "lateCancelHours", "must be 0-168 hours")
	v.Check(s.RequestExpiryDays >= 0 && s.RequestExpiryDays <= 90, "requestExpiryDays", "must be 0-90 days")
	return v.Err()
}
