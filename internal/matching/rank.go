package matching

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/tandem"
)

// Signal is one line of a Match's explanation. Value, Weight and Points are multiples of
// 0.0001 and Points = round4(Value × Weight), so a client can recompute every line.
type Signal struct {
	Name   string  `json:"name"`   // one of the Signal* constants
	Value  float64 `json:"value"`  // how well the expert does on this signal, 0..1
	Weight float64 `json:"weight"` // the org's weight for the signal as a share of all weights
	Points float64 `json:"points"` // what the signal adds to the Score
	Reason string  `json:"reason"` // why, in words, e.g. "covers 2 of 3 topics: go, sql"
}

// Match is one ranked expert: the Score and the Signals it is the exact sum of.
type Match struct {
	ExpertID string   `json:"expertId"`
	Score    float64  `json:"score"`
	Signals  []Signal `json:"signals"`
}

// Signal returns the signal called name.
func (m Match) Signal(name string) (Signal, bool) {
	for _, s := range m.Signals {
		if s.Name == name {
			return s, true
		}
	}
	return Signal{}, false
}

// Rank scores every candidate for req with the weights w at the instant now and returns them
// best first; ties go to the expert with fewer upcoming sessions, then to the smaller ExpertID.
// Candidates that cover none of the requested topics are left out, as are the learner and
// repeats of an ExpertID (the first one counts). Invalid weights rank with DefaultWeights.
// The package doc defines every signal. Rank reads no clock and does no I/O.
func Rank(req Request, cands []Candidate, w Weights, now time.Time) []Match {
	if w.Validate() != nil {
		w = DefaultWeights()
	}
	weights := w.shares()
	r := newRanker(req, now)

	type entry struct {
		m        Match
		units    int64 // Score in ten-thousandths
		upcoming int
	}
	entries := make([]entry, 0, len(cands))
	signals := make([]Signal, 0, len(cands)*numSignals)
	seen := make(map[string]struct{}, len(cands))
	for i := range cands {
		c := &cands[i]
		if _, dup := seen[c.ExpertID]; dup || (req.LearnerID != "" && c.ExpertID == req.LearnerID) {
			continue
		}
		seen[c.ExpertID] = struct{}{}
		topic, topicWhy, covered := r.topic(c)
		if covered == 0 && len(r.topics) > 0 {
			continue
		}
		var vs [numSignals]float64
		var why [numSignals]string
		vs[0], why[0] = topic, topicWhy
		vs[1], why[1] = r.capacity.value(c.FreeSlots)
		vs[2], why[2] = r.language(c)
		vs[3], why[3] = r.timezone(c)
		vs[4], why[4] = rating(c)
		vs[5], why[5] = load(c)
		vs[6], why[6] = r.connection(c)

		start := len(signals)
		var units int64
		for k := range numSignals {
			v := round4(min(max(vs[k], 0), 1))
			p := math.Round(v * weights[k] * 1e4)
			units += int64(p)
			signals = append(signals, Signal{Name: signalNames[k], Value: v, Weight: weights[k], Points: p / 1e4, Reason: why[k]})
		}
		entries = append(entries, entry{
			m:        Match{ExpertID: c.ExpertID, Score: float64(units) / 1e4, Signals: signals[start:len(signals):len(signals)]},
			units:    units,
			upcoming: max(c.UpcomingSessions, 0),
		})
	}
	slices.SortFunc(entries, func(a, b entry) int {
		if c := cmp.Compare(b.units, a.units); c != 0 {
			return c
		}
		if c := cmp.Compare(a.upcoming, b.upcoming); c != 0 {
			return c
		}
		return strings.Compare(a.m.ExpertID, b.m.ExpertID)
	})
	out := make([]Match, len(entries))
	for i, e := range entries {
		out[i] = e.m
	}
	return out
}

// ranker holds what Rank works out once per request.
type ranker struct {
	now        time.Time
	topics     []string // normalised, without repeats, in request order
	lang       string   // primary subtag, lower case; "" for any
	langTag    string   // as requested
	offset     int      // the learner's UTC offset at now, seconds
	zoneErr    bool     // the learner's zone is unknown
	department string
	capacity   *capacity
}

func newRanker(req Request, now time.Time) *ranker {
	r := &ranker{now: now, department: strings.TrimSpace(req.LearnerDepartment)}
	for _, t := range req.Topics {
		if t = tandem.NormalizeTopic(t); t != "" && !slices.Contains(r.topics, t) {
			r.topics = append(r.topics, t)
		}
	}
	r.lang, r.langTag = primaryLanguage(req.Language)
	loc, err := tandem.LoadZone(req.LearnerTimezone)
	if err != nil {
		loc, r.zoneErr = time.UTC, true
	}
	r.offset = zoneOffset(now, loc)
	r.capacity = newCapacity(req, loc, now)
	return r
}
