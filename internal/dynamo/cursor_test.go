package dynamo

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/tandemhq/tandem/internal/tandem"
)

func asCaller(org, user string) context.Context {
	return tandem.WithCaller(context.Background(), tandem.Caller{UserID: user, OrgID: org})
}

var upcomingOfBob = listing{name: "bookings/learner/upcoming", org: "acme", pkName: "GSI2PK", skName: "GSI2SK",
	partition: learnerBookingsPK("acme", "u-bob"), from: "2027-03-03T16:00:00Z"}

func lekOf(l listing, pk, sk, gsk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		"PK": &types.AttributeValueMemberS{Value: pk}, "SK": &types.AttributeValueMemberS{Value: sk},
		l.pkName: &types.AttributeValueMemberS{Value: l.partition}, l.skName: &types.AttributeValueMemberS{Value: gsk},
	}
}

// forge encodes c as a client could, bypassing encode.
func forge(c cursor) string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func TestCursorRoundTripAndBinding(t *testing.T) {
	bob := asCaller("acme", "u-bob")
	l := upcomingOfBob
	lek := lekOf(l, bookingPK("acme", "b1"), skBooking, "2027-03-04T14:30:00Z#b1")
	s := l.encode(bob, lek)
	if strings.ContainsAny(s, "+/=") {
		t.Errorf("cursor %q is not URL-safe", s)
	}
	got, err := l.decode(bob, s)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range lek {
		if str(got[k]) != str(v) {
			t.Errorf("%s = %q, want %q", k, str(got[k]), str(v))
		}
	}
	if l.encode(bob, nil) != "" {
		t.Error("the last page has a cursor")
	}
	if start, err := l.decode(bob, ""); start != nil || err != nil {
		t.Errorf("no cursor: %v %v", start, err)
	}

	past := l
	past.name, past.from, past.before = "bookings/learner/past", "", "2027-03-03T16:00:00Z"
	otherPartition := l
	otherPartition.partition = learnerBookingsPK("acme", "u-eve")
	inGlobex := l // the same user id and listing in another org
	inGlobex.org, inGlobex.partition = "globex", learnerBookingsPK("globex", "u-bob")
	moved := l
	moved.from = "2027-03-05T00:00:00Z" // the clock has passed the cursor's position
	good := cursor{V: cursorVersion, L: l.name, B: bindHash("acme", "u-bob"), Q: bindHash(l.partition),
		PK: bookingPK("acme", "b1"), SK: skBooking, GSK: "2027-03-04T14:30:00Z#b1"}
	with := func(f func(*cursor)) string {
		c := good
		f(&c)
		return forge(c)
	}
	for _, tc := range []struct {
		name string
		l    listing
		ctx  context.Context
		s    string
		want string
	}{
		{"another listing", past, bob, s, msgListing},
		{"another user", l, asCaller("acme", "u-eve"), s, msgCaller},
		{"another org", inGlobex, asCaller("globex", "u-bob"), s, msgCaller},
		{"no caller", l, context.Background(), s, msgCaller},
		{"other parameters", otherPartition, bob, s, msgParameters},
		{"stale", moved, bob, s, msgStale},
		{"forged past the range", past, bob, with(func(c *cursor) { c.L = past.name }), msgStale},
		{"forged into another org", l, bob, with(func(c *cursor) { c.PK = "ORG#globex#BOOKING#b1" }), msgMalformed},
		{"old version", l, bob, with(func(c *cursor) { c.V = 1 }), msgMalformed},
		{"empty sort key", l, bob, with(func(c *cursor) { c.SK = "" }), msgMalformed},
		{"oversized key", l, bob, with(func(c *cursor) { c.GSK = "2027-03-04T" + strings.Repeat("9", 1100) }), msgMalformed},
		{"not base64", l, bob, "!!!", msgMalformed},
		{"padded base64", l, bob, base64.URLEncoding.EncodeToString([]byte(`{"v":2}`)), msgMalformed},
		{"not JSON", l, bob, base64.RawURLEncoding.EncodeToString([]byte("hello")), msgMalformed},
		{"JSON of another shape", l, bob, base64.RawURLEncoding.EncodeToString([]byte(`[1,2]`)), msgMalformed},
		{"too long", l, bob, strings.Repeat("A", maxCursorLen+1), msgMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start, err := tc.l.decode(tc.ctx, tc.s)
			e, ok := err.(*tandem.Error)
			if !ok || start != nil {
				t.Fatalf("decode = %v, %v; want an invalid cursor", start, err)
			}
			if e.Code != tandem.EInvalid || len(e.Fields) != 1 || e.Fields[0].Field != "cursor" || e.Fields[0].Message != tc.want {
				t.Errorf("error %+v, want invalid cursor %q", e, tc.want)
			}
		})
	}
}

// FuzzCursorDecode: whatever a client sends as a cursor, decode answers nil (first page), a
// start key inside the listing's partition, org and range, or an invalid-cursor error; it
// never panics, and what encode makes decodes back to the same key.
func FuzzCursorDecode(f *testing.F) {
	bob := asCaller("acme", "u-bob")
	l := upcomingOfBob
	f.Add(l.encode(bob, lekOf(l, bookingPK("acme", "b1"), skBooking, "2027-03-04T14:30:00Z#b1")))
	f.Add("")
	f.Add("eyJ2IjoyfQ")
	f.Add(forge(cursor{V: 2, L: l.name, B: bindHash("acme", "u-bob"), Q: bindHash(l.partition), PK: "ORG#acme#X", SK: "S", GSK: "9"}))
	f.Add(forge(cursor{V: 2, L: l.name, B: bindHash("acme", "u-bob"), Q: bindHash(l.partition), PK: "ORG#acme#X", SK: "S", GSK: "0"}))
	f.Add(strings.Repeat("A", 3000))
	f.Fuzz(func(t *testing.T, s string) {
		start, err := l.decode(bob, s)
		if err != nil {
			e, ok := err.(*tandem.Error)
			if !ok || e.Code != tandem.EInvalid || len(e.Fields) != 1 || e.Fields[0].Field != "cursor" {
				t.Fatalf("decode(%q): %v, want an invalid-cursor error", s, err)
			}
			return
		}
		if start == nil {
			if s != "" {
				t.Fatalf("decode(%q) gave no start key and no error", s)
			}
			return
		}
		if str(start[l.pkName]) != l.partition || !strings.HasPrefix(str(start["PK"]), orgPrefix("acme")) {
			t.Fatalf("decode(%q) left the partition or the org: %v", s, start)
		}
		if g := str(start[l.skName]); g < l.from || len(g) > maxCursorKey || str(start["SK"]) == "" {
			t.Fatalf("decode(%q) gave a start key outside the listing: %q", s, g)
		}
		if again, err := l.decode(bob, l.encode(bob, start)); err != nil || str(again["PK"]) != str(start["PK"]) ||
			str(again["SK"]) != str(start["SK"]) || str(again[l.skName]) != str(start[l.skName]) {
			t.Fatalf("round trip of %v: %v, %v", start, again, err)
		}
	})
}
