package matching

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/tandem"
)

// Signal names, in the order every Match lists them; they are also the JSON names of Weights.
const (
	SignalTopic      = "topic"
	SignalCapacity   = "capacity"
	SignalLanguage   = "language"
	SignalTimezone   = "timezone"
	SignalRating     = "rating"
	SignalLoad       = "load"
	SignalConnection = "connection"
)

const numSignals = 7

var signalNames = [numSignals]string{SignalTopic, SignalCapacity, SignalLanguage, SignalTimezone, SignalRating, SignalLoad, SignalConnection}

// The constants of the signal formulas (see the package doc).
const (
	ratingPriorMean  = 4.0 // what an expert without ratings counts as
	ratingPriorCount = 5   // how many ratings the prior is worth
	loadHalf         = 5   // upcoming sessions that halve the load signal
	zoneFar          = 12  // hours apart (on the 24-hour circle) that score 0
	zoneUnknown      = 0.5 // timezone value when either zone is unknown
	languageNoAsk    = 0.5 // every candidate's language value when the request names none
)

// Connection values: crossing departments counts more than a new face, and both more than a
// repeat meeting inside the learner's own department.
const (
	connOtherNew = 1.0
	connOtherMet = 0.6
	connSameNew  = 0.5
	connSameMet  = 0.2
)

// topic returns the share of the requested topics the candidate covers and how many it covers.
func (r *ranker) topic(c *Candidate) (float64, string, int) {
	if len(r.topics) == 0 {
		return 0, "no topics requested", 0
	}
	var covered []string
	for _, t := range r.topics {
		for _, ct := range c.Topics {
			if normTopic(ct) == t {
				covered = append(covered, t)
				break
			}
		}
	}
	if len(covered) == 0 {
		return 0, fmt.Sprintf("covers none of %s", plural(len(r.topics), "topic")), 0
	}
	return float64(len(covered)) / float64(len(r.topics)),
		fmt.Sprintf("covers %d of %s: %s", len(covered), plural(len(r.topics), "topic"), strings.Join(covered, ", ")),
		len(covered)
}

// normTopic is tandem.NormalizeTopic without allocating for a topic already in normal form
// (as stored profiles are).
func normTopic(s string) string {
	for i := 0; i < len(s); i++ {
		if b := s[i]; !(b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '-') {
			return tandem.NormalizeTopic(s)
		}
	}
	return s
}

// language is 1 when the candidate speaks the requested language (primary subtags equal:
// "pt" matches "pt-BR" and "pt-BR" matches "pt-PT"), languageNoAsk when none is requested.
func (r *ranker) language(c *Candidate) (float64, string) {
	if r.lang == "" {
		return languageNoAsk, "no language requested"
	}
	for _, l := range c.Languages {
		if p, tag := primaryLanguage(l); p == r.lang {
			return 1, "speaks " + tag
		}
	}
	return 0, "does not speak " + r.langTag
}

// timezone is 1 − d/12 for d the hours between the two zones' UTC offsets at now, measured
// around the 24-hour clock (so at most 12).
func (r *ranker) timezone(c *Candidate) (float64, string) {
	if r.zoneErr {
		return zoneUnknown, "your time zone is unknown"
	}
	loc, err := tandem.LoadZone(c.Timezone)
	if err != nil {
		return zoneUnknown, "time zone unknown"
	}
	_, off := r.now.In(loc).Zone()
	d := floorMod(int64(off-r.offset), secondsPerDay) // expert ahead by d, 0 ≤ d < 24 h
	if d > secondsPerDay/2 {
		d -= secondsPerDay // behind instead
	}
	hours := float64(d) / 3600
	v := 1 - math.Abs(hours)/zoneFar
	h := strconv.FormatFloat(math.Abs(hours), 'f', -1, 64)
	switch {
	case d == 0:
		return v, "same clock time as you"
	case d > 0:
		return v, h + " h ahead of you"
	}
	return v, h + " h behind you"
}

// rating is the Bayesian average (ratingPriorCount·ratingPriorMean + n·avg)/(ratingPriorCount+n)
// mapped from 1..5 to 0..1.
func rating(c *Candidate) (float64, string) {
	n, avg := c.Rating.Count, c.Rating.Average
	if n <= 0 || math.IsNaN(avg) {
		return (ratingPriorMean - 1) / 4, fmt.Sprintf("no ratings yet (counted as %.1f)", ratingPriorMean)
	}
	avg = min(max(avg, 1), 5)
	bayes := (ratingPriorCount*ratingPriorMean + float64(n)*avg) / float64(ratingPriorCount+n)
	return (bayes - 1) / 4, fmt.Sprintf("%.1f average from %s", avg, plural(n, "rating"))
}

// load is loadHalf/(loadHalf+u) = 1/(1+u/loadHalf) for u upcoming sessions.
func load(c *Candidate) (float64, string) {
	u := max(c.UpcomingSessions, 0)
	return float64(loadHalf) / float64(loadHalf+u), plural(u, "upcoming session")
}

// connection rewards a tie the learner does not have yet: another department, not met before.
// An unknown department (either side empty) counts as the same department.
func (r *ranker) connection(c *Candidate) (float64, string) {
	d := strings.TrimSpace(c.Department)
	known := r.department != "" && d != ""
	other := known && !strings.EqualFold(d, r.department)
	switch {
	case other && !c.MetBefore:
		return connOtherNew, "another department, not met yet"
	case other:
		return connOtherMet, "another department, met before"
	case !known && !c.MetBefore:
		return connSameNew, "department unknown, not met yet"
	case !known:
		return connSameMet, "department unknown, met before"
	case !c.MetBefore:
		return connSameNew, "same department, not met yet"
	}
	return connSameMet, "same department, met before"
}

// plural returns "no things", "1 thing" or "n things".
func plural(n int, thing string) string {
	switch n {
	case 0:
		return "no " + thing + "s"
	case 1:
		return "1 " + thing
	}
	return strconv.Itoa(n) + " " + thing + "s"
}

// zoneOffset returns loc's UTC offset at t in seconds.
func zoneOffset(t time.Time, loc *time.Location) int {
	_, off := t.In(loc).Zone()
	return off
}
