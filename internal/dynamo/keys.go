package dynamo

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/tandemhq/tandem/internal/analytics"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Every key string of the table is built here and nowhere else: partition and sort keys, the
// GSI1/GSI2 keys, the fixed sort keys and the prefixes that begins_with and BETWEEN ranges
// use. The access patterns they serve are listed in the package doc (store.go).

// Fixed sort keys, and prefixes of sort keys that are ranged over.
const (
	skProfile       = "PROFILE"
	skAvailability  = "AVAILABILITY"
	skBooking       = "BOOKING"
	skCells         = "CELLS" // a lock window (cells.go); the 15-minute cells before it had SK CELL
	skActive        = "COUNT#ACTIVE"
	skRequest       = "REQUEST"
	skCalToken      = "CALTOKEN"
	skCircle        = "CIRCLE"
	skProgram       = "PROGRAM"
	skCohortPlan    = "COHORTS"
	skMet           = "MET" // whom a user has been in a published cohort with (a string set of ids)
	skMark          = "MARK"
	skSettings      = "SETTINGS"
	skWatermark     = "WATERMARK"
	prefixTopic     = "TOPIC#"
	prefixBusy      = "BUSY#"
	prefixFeedback  = "FEEDBACK#"
	prefixOffer     = "OFFER#"
	prefixWait      = "WAIT#"
	prefixWaiter    = "WAITER#"
	prefixQueue     = "QUEUE#"
	prefixEnroll    = "ENROLL#"
	prefixNotif     = "NOTIF#"
	skUnread        = "COUNT#UNREAD"
	skNotifSettings = "NOTIFSETTINGS"
	keyTime         = "2006-01-02T15:04:05Z" // fixed-width UTC: sorts as text
	prefixCalConn   = "CALCONN#"
	prefixCalWB     = "CALWB#"
	skCalHealth     = "CALHEALTH"
)

// Partitions outside any org (looked up without an identity, or across orgs).
const pkScheduler = "SCHEDULER"

// itemType is an entity type, stored in the `type` attribute of every item (the stream
// consumer dispatches on it). The values are stored data: never change one.
type itemType string

// Entity types.
const (
	typeExpert        itemType = "expert"
	typeExpertTopic   itemType = "expertTopic"
	typeUser          itemType = "user"
	typeAvailability  itemType = "availability"
	typeBusy          itemType = "busy"
	typeBooking       itemType = "booking"
	typeCell          itemType = "cell"
	typeIdem          itemType = "idempotency"
	typeCounter       itemType = "counter"
	typeDue           itemType = "due"
	typeCalToken      itemType = "calendarToken"
	typeBudget        itemType = "budget"
	typeCircle        itemType = "circle"
	typeWait          itemType = "waitlist"
	typeWaiter        itemType = "waiter"
	typeQueue         itemType = "waitQueue"
	typeProgram       itemType = "program"
	typeEnroll        itemType = "enrollment"
	typeCohortDoc     itemType = "cohortPlan"
	typeMet           itemType = "met"
	typeFeedback      itemType = "feedback"
	typeRequest       itemType = "request"
	typeRequestTopic  itemType = "requestTopic"
	typeOffer         itemType = "offer"
	typeSettings      itemType = "settings"
	typeAggMarker     itemType = "aggMarker"
	typeWatermark     itemType = "watermark"
	typeNotification  itemType = "notification"
	typeNotifSettings itemType = "notificationSettings"
	typeCalConn       itemType = "calendarConnection"
	typeCalBusy       itemType = "calendarBusy"
	typeCalHealth     itemType = "calendarHealth"
	typeCalWB         itemType = "calendarWriteBack"
	// Mentorships (mentorships.go).
	typeMentorship    itemType = "mentorship"
	typeMentorAgenda  itemType = "mentorAgenda"
	typeMentorAction  itemType = "mentorAction"
	typeMentorNote    itemType = "mentorNote"
	typeMentorCheckIn itemType = "mentorCheckIn"
	// Flash mentoring (flash.go).
	typeFlashConfig itemType = "flashConfig"
	typeFlashMember itemType = "flashMember"
	typeFlashRound  itemType = "flashRound"
	typeFlashPair   itemType = "flashPair"
	typeFlashGroup  itemType = "flashGroup"
)

// itemTypes lists every entity type (tests check stored items against it).
var itemTypes = []itemType{typeExpert, typeExpertTopic, typeUser, typeAvailability, typeBusy, typeBooking,
	typeCell, typeIdem, typeCounter, typeDue, typeCalToken, typeBudget, typeCircle, typeWait, typeWaiter, typeQueue,
	typeProgram, typeEnroll, typeCohortDoc, typeMet, typeFeedback, typeRequest, typeRequestTopic, typeOffer,
	typeSettings, typeAggMarker, typeWatermark, typeNotification, typeNotifSettings, typeCalConn, typeCalBusy,
	typeCalHealth, typeCalWB, typeMentorship, typeMentorAgenda, typeMentorAction, typeMentorNote, typeMentorCheckIn,
	typeFlashConfig, typeFlashMember, typeFlashRound, typeFlashPair, typeFlashGroup}

// pkSK is the primary key of an item.
func pkSK(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		"PK": &types.AttributeValueMemberS{Value: pk},
		"SK": &types.AttributeValueMemberS{Value: sk},
	}
}

func orgPrefix(org string) string { return "ORG#" + org + "#" }

func timeKey(t time.Time) string { return t.UTC().Format(keyTime) }

// Experts and users.

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
	return prefixBusy + timeKey(start) + "#" + bookingID
}

// Bookings.

func bookingPK(org, id string) string         { return orgPrefix(org) + "BOOKING#" + id }
func expertBookingsPK(org, id string) string  { return orgPrefix(org) + "EXPERT#" + id + "#BOOKINGS" }
func learnerBookingsPK(org, id string) string { return orgPrefix(org) + "LEARNER#" + id + "#BOOKINGS" }

// bookingIndexSK orders a participant's bookings by end time (upcoming = not ended yet).
func bookingIndexSK(end time.Time, id string) string { return timeKey(end) + "#" + id }

// lockPK is a person's lock item for the 4-hour window starting at window (cells.go): side
// "E" for an expert's time (buffers included), "L" for a learner's. Its SK is skCells.
func lockPK(org, side, id string, window time.Time) string {
	return orgPrefix(org) + "CELL#" + side + "#" + id + "#" + timeKey(window)
}

// Limit counters in the expert's partition: sessions per local day and per local week.
func dayCounterSK(localDate string) string { return "COUNT#DAY#" + localDate }
func weekCounterSK(monday string) string   { return "COUNT#WEEK#" + monday }

// Due entries let the scheduler find, without a Scan, the bookings whose end or hold falls
// in an hour: one partition per UTC hour, across orgs.
func duePK(at time.Time) string { return "DUE#" + at.UTC().Format("2006-01-02T15") }
func dueSK(org, bookingID, kind string) string {
	return orgPrefix(org) + "BOOKING#" + bookingID + "#" + kind
}

// Feedback sits in the booking's partition; the learner's is also on GSI1 under the
// expert's reviews.
func feedbackSK(role tandem.Role) string { return prefixFeedback + string(role) }
func reviewsPK(org, expertID string) string {
	return orgPrefix(org) + "EXPERT#" + expertID + "#REVIEWS"
}

// Circles (group sessions): the facts, waitlist places and standings in one partition.
func circlePK(org, id string) string { return orgPrefix(org) + "CIRCLE#" + id }

// circleQueuePK holds a circle's queue markers apart from its places: a crowd's writes are
// spread over two partitions (each takes 1,000 write units a second).
func circleQueuePK(org, id string) string { return orgPrefix(org) + "CIRCLEQ#" + id }

// Requests: the request and its topic pointers in one partition; GSI1 lists a learner's
// requests and, per topic, the experts' board.
func requestPK(org, id string) string         { return orgPrefix(org) + "REQUEST#" + id }
func learnerRequestsPK(org, id string) string { return orgPrefix(org) + "LEARNER#" + id + "#REQUESTS" }
func requestTopicPK(org, topic string) string { return orgPrefix(org) + "REQTOPIC#" + topic }

func settingsPK(org string) string { return orgPrefix(org) + "SETTINGS" }

// A program lives in its own partition: the program item, one item per enrollment and the
// cohort plan (a JSON document the API layer defines). GSI1 lists an org's programs, newest
// first; GSI2 lists a learner's enrollments.
func programPK(org, id string) string      { return orgPrefix(org) + "PROGRAM#" + id }
func programsGSI1PK(org string) string     { return orgPrefix(org) + "PROGRAMS" }
func userProgramsPK(org, id string) string { return orgPrefix(org) + "USER#" + id + "#PROGRAMS" }

// A calendar feed token is looked up outside any org (the feed request carries no identity).
func calTokenPK(token string) string { return "CALTOKEN#" + token }
func userCalTokenSK() string         { return skCalToken }

// Budget usage: one partition per org; per period a group for the org and one per department
// (the base SK, which is also the group's unsharded counter), each of up to 16 shards.
func budgetPK(org string) string                    { return orgPrefix(org) + "BUDGET" }
func budgetOrgSK(period string) string              { return period + "#ORG" }
func budgetDeptSK(period, department string) string { return period + "#DEPT#" + department }
func budgetShardSK(base string, shard int) string   { return fmt.Sprintf("%s#S%02d", base, shard) }

// splitShardSK is a budget SK's group and shard (-1: the group's unsharded counter). A
// department whose own name ends in "#S" and two digits reads as a shard: a known limit.
func splitShardSK(sk string) (base string, shard int) {
	if n := len(sk); n > 4 && sk[n-4:n-2] == "#S" {
		if i, err := strconv.Atoi(sk[n-2:]); err == nil && i < budgetShards {
			return sk[:n-4], i
		}
	}
	return sk, -1
}

// Aggregates: one partition per org and month, one item per group; markers make each step
// of the stream consumer apply once.
func aggPK(org, month string) string   { return orgPrefix(org) + "AGG#" + month }
func aggMarkPK(org, key string) string { return orgPrefix(org) + "AGGMARK#" + key }
func aggSK(g analytics.Group) string {
	switch g.Kind {
	case "department":
		return "DEPT#" + g.Key
	case "expert":
		return "EXPERT#" + g.Key
	case "edge":
		return "EDGE#" + g.Key
	case "cohortEdge":
		return "COHORTEDGE#" + g.Key
	}
	return "ORG"
}

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

// Notifications: the recipient's inbox partition, newest first (notifications.go).
func notifPK(org, userID string) string { return orgPrefix(org) + "USER#" + userID + "#NOTIFS" }
func notifSK(id string) string          { return prefixNotif + id }

// Connected calendars: the connection in its owner's user partition; its busy ranges in the
// owner's busy partition (expertPK, for experts and learners alike) under the busy prefix,
// so the one busy Query of a slot listing returns them; GSI1 orders all connections by their
// next sync (across orgs, like the due entries); the org's broken-connection set.
func calConnSK(id string) string { return prefixCalConn + id }

// skCalendars is the user's calendar-connection counter: a string set of their connections'
// ids, in the user's partition, put and deleted in one transaction with each connection.
const skCalendars = "COUNT#CALENDARS"

func calBusySK(start time.Time, connID string, end time.Time) string {
	return busySK(start, "CAL#"+connID+"#"+timeKey(end))
}

const calSyncGSI1PK = "CALSYNC"

func calSyncGSI1SK(next time.Time, org, userID, id string) string {
	return timeKey(next) + "#" + org + "#" + userID + "#" + id
}
func calHealthPK(org string) string { return orgPrefix(org) + skCalHealth }

// A write-back's state: which version of a booking a connection holds (and which one it
// still owes after a failure), in the owner's user partition.
func calWBSK(connID, bookingID string) string { return prefixCalWB + connID + "#" + bookingID }

// Mentorships: the mentorship items in the org's MENTORSHIPS partition (HR reads them all),
// listed per party on GSI1 (as learner) and GSI2 (as expert) under USER#id#MENTORSHIPS; what
// belongs to one mentorship in its own partition. A private note's sort key starts with its
// author's id: notes are only ever read by a Query on the caller's own prefix.
const (
	prefixMentorship = "MENTORSHIP#"
	prefixAgenda     = "AGENDA#"
	prefixAction     = "ACTION#"
	prefixNote       = "NOTE#"
	prefixCheckIn    = "CHECKIN#"
)

func mentorshipsPK(org string) string         { return orgPrefix(org) + "MENTORSHIPS" }
func mentorshipSK(id string) string           { return prefixMentorship + id }
func mentorshipPK(org, id string) string      { return orgPrefix(org) + "MENTORSHIP#" + id }
func userMentorshipsPK(org, id string) string { return orgPrefix(org) + "USER#" + id + "#MENTORSHIPS" }
func agendaSK(occurrence int) string          { return fmt.Sprintf("%s%04d", prefixAgenda, occurrence) }
func actionSK(id string) string               { return prefixAction + id }
func notePrefix(author string) string         { return prefixNote + author + "#" }
func noteSK(author string, at time.Time, id string) string {
	return notePrefix(author) + timeKey(at) + "#" + id
}

// checkInSK orders a mentorship's check-ins by time to the millisecond (fixed width, so the
// text order is the time order), then by seq: the order in which check-ins of the same
// millisecond were written (1, 2, …; the first put at a key wins, the next takes seq+1).
// Keys from before were CHECKIN#<whole second>#<id>; CheckIns reads both (checkInOrder).
func checkInSK(at time.Time, seq int) string {
	return fmt.Sprintf("%s%s#%02d", prefixCheckIn, at.UTC().Format(keyTimeMilli), seq)
}

// keyTimeMilli is keyTime to the millisecond, always three digits.
const keyTimeMilli = "2006-01-02T15:04:05.000Z"

// Flash mentoring (flash.go): an org's group in one partition; each pair also on GSI1 under
// its first member and on GSI2 under its second; a cross-org partition lists the orgs.
const (
	skFlashConfig = "CONFIG"
	pkFlashGroups = "FLASHGROUPS"
)

func flashPK(org string) string          { return orgPrefix(org) + "FLASH" }
func flashMemberSK(userID string) string { return "MEMBER#" + userID }
func flashRoundSK(index int) string      { return fmt.Sprintf("ROUND#%06d", index) }
func flashPairSK(id string) string       { return "PAIR#" + id }
func userFlashPK(org, id string) string  { return orgPrefix(org) + "USER#" + id + "#FLASH" }
