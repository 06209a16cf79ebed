package dynamo

import (
	"strings"
	"time"
)

// Every key string of the table is built here and nowhere else.

const (
	skProfile      = "PROFILE"
	skAvailability = "AVAILABILITY"
	skBooking      = "BOOKING"
	skCell         = "CELL"
	skIdem         = "IDEM"
	skActive       = "COUNT#ACTIVE"
	prefixTopic    = "TOPIC#"
	keyTime        = "2006-01-02T15:04:05Z" // fixed-width UTC: sorts as text
)

// Entity types, stored in the `type` attribute of every item.
const (
	typeExpert       = "expert"
	typeExpertTopic  = "expertTopic"
	typeUser         = "user"
	typeAvailability = "availability"
	typeBusy         = "busy"
	typeBooking      = "booking"
	typeCell         = "cell"
	typeIdem         = "idempotency"
	typeCounter      = "counter"
	typeDue          = "due"
	typeCalToken     = "calendarToken"
)

func orgPrefix(org string) string { return "ORG#" + org + "#" }

func expertPK(org, id string) string       { return orgPrefix(org) + "EXPERT#" + id }
func userPK(org, id string) string         { return orgPrefix(org) + "USER#" + id }
func expertsGSI1PK(org string) string      { return orgPrefix(org) + "EXPERTS" }
func topicGSI1PK(org, topic string) string { return orgPrefix(org) + "TOPIC#" + topic }
func topicSK(topic string) string          { return prefixTopic + topic }

// expertGSI1SK sorts experts by name, with the id to make the key unique.
func expertGSI1SK(name, id string) string {
	return "EXPERT#" + sortName(name) + "#" + id
}

// sortName is a case-folded name safe to embed in a key ('#' separates key parts).
func sortName(name string) string {
	n := strings.ToLower(strings.TrimSpace(name))
	n = strings.ReplaceAll(n, "#", "")
	if len(n) > 48 {
		n = n[:48]
	}
	return n
}

// busySK sorts an expert's busy entries by start; suffix "" or "~" bound a range.
func busySK(start time.Time, bookingID string) string {
	return "BUSY#" + timeKey(start) + "#" + bookingID
}

func bookingPK(org, id string) string         { return orgPrefix(org) + "BOOKING#" + id }
func expertBookingsPK(org, id string) string  { return orgPrefix(org) + "EXPERT#" + id + "#BOOKINGS" }
func learnerBookingsPK(org, id string) string { return orgPrefix(org) + "LEARNER#" + id + "#BOOKINGS" }

// bookingIndexSK orders a participant's bookings by end time (upcoming = not ended yet).
func bookingIndexSK(end time.Time, id string) string { return timeKey(end) + "#" + id }

// Cells are the fixed 15-minute lock items (tandem.LockCellMin): one item per cell per
// person, so any two overlapping spans collide on at least one key.
func expertCellPK(org, id string, cell time.Time) string {
	return orgPrefix(org) + "CELL#E#" + id + "#" + timeKey(cell)
}
func learnerCellPK(org, id string, cell time.Time) string {
	return orgPrefix(org) + "CELL#L#" + id + "#" + timeKey(cell)
}

func idemPK(org, userID, key string) string { return orgPrefix(org) + "IDEM#" + userID + "#" + key }

// Limit counters in the expert's partition: sessions per local day and per local week.
func dayCounterSK(localDate string) string { return "COUNT#DAY#" + localDate }
func weekCounterSK(monday string) string   { return "COUNT#WEEK#" + monday }

// Due entries let the scheduler find, without a Scan, the bookings whose end or hold falls
// in an hour: one partition per UTC hour, across orgs.
func duePK(at time.Time) string { return "DUE#" + at.UTC().Format("2006-01-02T15") }
func dueSK(org, bookingID, kind string) string {
	return orgPrefix(org) + "BOOKING#" + bookingID + "#" + kind
}

func requestPK(org, id string) string { return orgPrefix(org) + "REQUEST#" + id }

const skRequest = "REQUEST"

func calTokenPK(token string) string { return "CALTOKEN#" + token }
func userCalTokenSK() string         { return "CALTOKEN" }

func timeKey(t time.Time) string { return t.UTC().Format(keyTime) }

// Learners' requests: the counter of a learner's open requests (a string set of their ids,
// in the user's partition), and the sort key of a request's board pointers: its rank among
// the learner's open requests when posted (every learner's first before anyone's second),
// then the oldest first.
const skOpenRequests = "COUNT#OPENREQUESTS"

func boardSK(rank int, created time.Time, id string) string {
	const digits = "0123456789"
	rank = min(max(rank, 0), 99)
	return "R" + digits[rank/10:rank/10+1] + digits[rank%10:rank%10+1] + "#" + timeKey(created) + "#" + id
}
