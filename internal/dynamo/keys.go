package dynamo

import (
	"strings"
	"time"
)

// Every key string of the table is built here and nowhere else.

const (
	skProfile      = "PROFILE"
	skAvailability = "AVAILABILITY"
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

func timeKey(t time.Time) string { return t.UTC().Format(keyTime) }
