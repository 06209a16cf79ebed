package dynamo

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/google/go-cmp/cmp"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The storage model is the package's own: every field of a stored item (a struct type named
// ...Item, and the structs it holds or embeds) names its attribute with an explicit
// dynamodbav tag, and holds no type of another package, so renaming a domain field cannot
// change what is stored.
func TestItemStructsHaveTheirOwnSchema(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	structs := map[string]*ast.StructType{}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if ts, ok := n.(*ast.TypeSpec); ok {
				if st, ok := ts.Type.(*ast.StructType); ok {
					structs[ts.Name.Name] = st
				}
			}
			return true
		})
	}
	checked := map[string]bool{}
	var check func(owner string, st *ast.StructType)
	var checkType func(owner string, e ast.Expr)
	checkType = func(owner string, e ast.Expr) {
		switch x := e.(type) {
		case *ast.SelectorExpr:
			t.Errorf("%s holds %s.%s: stored items convert domain types, they do not embed them", owner, x.X, x.Sel)
		case *ast.Ident:
			if st, ok := structs[x.Name]; ok && !checked[x.Name] {
				checked[x.Name] = true
				check(x.Name, st)
			}
		case *ast.ArrayType:
			checkType(owner, x.Elt)
		case *ast.MapType:
			checkType(owner, x.Key)
			checkType(owner, x.Value)
		case *ast.StarExpr:
			checkType(owner, x.X)
		case *ast.StructType:
			check(owner, x)
		}
	}
	check = func(owner string, st *ast.StructType) {
		for _, f := range st.Fields.List {
			if len(f.Names) == 0 { // embedded: its fields are the item's
				checkType(owner, f.Type)
				continue
			}
			tag := ""
			if f.Tag != nil {
				tag = reflect.StructTag(strings.Trim(f.Tag.Value, "`")).Get("dynamodbav")
			}
			if name, _, _ := strings.Cut(tag, ","); name == "" {
				t.Errorf("%s.%s has no dynamodbav attribute name", owner, f.Names[0])
			}
			checkType(owner, f.Type)
		}
	}
	n := 0
	for name, st := range structs {
		if strings.HasSuffix(name, "Item") && !checked[name] {
			checked[name] = true
			check(name, st)
			n++
		}
	}
	if n < 20 {
		t.Errorf("found %d item structs, expected the package's (more than 20)", n)
	}
}

var (
	testExpertParty  = tandem.Party{ID: "e1", Name: "Maya Chen", Email: "maya@acme.example", Department: "Engineering"}
	testLearnerParty = tandem.Party{ID: "l1", Name: "Ben", Email: "ben@acme.example", Department: "Sales"}
	testSessionType  = tandem.SessionType{ID: "intro", Name: "Intro", DurationMin: 30, BufferBeforeMin: 5, BufferAfterMin: 10, Seats: 4}
)

const (
	partyNames       = "ID Name Email Department"
	sessionTypeNames = "ID Name DurationMin BufferBeforeMin BufferAfterMin Seats"
)

func testBooking() *tandem.Booking {
	return &tandem.Booking{ID: "b1", OrgID: "acme", Expert: testExpertParty, Learner: testLearnerParty, SessionType: testSessionType,
		Start: at, End: at.Add(30 * time.Minute), Status: tandem.StatusPending, HoldUntil: at.Add(-time.Hour), Note: "hi",
		RequestID: "r1", MeetingURL: "https://meet.example/x", Reschedules: 1, Sequence: 2, CancelledBy: "expert",
		CancelReason: "ill", LateCancel: true, NoShow: "learner", CircleID: "c1", Offer: true, Version: 3,
		CreatedAt: at.Add(-48 * time.Hour)}
}

func TestBookingItemAttributes(t *testing.T) {
	b := testBooking()
	it := bookingItemFrom(b, at)
	it.DayCounter, it.WeekCounter, it.ActiveCounted = "DAY#x", "WEEK#x", true
	it.BudgetPeriod, it.BudgetDepartment, it.BudgetMin, it.BudgetParts, it.Imported = "2027-Q1", "Sales", 30, "7:30|7:30", true
	av, names := attrNames(t, it)
	pinNames(t, "booking", names, `PK SK GSI1PK GSI1SK GSI2PK GSI2SK type id org expert learner sessionType start end status
		note requestId meetingUrl holdUntil reschedules sequence cancelledBy cancelReason lateCancel noShow dayCounter
		weekCounter activeCounted circleId offer budgetPeriod budgetDepartment budgetMin budgetParts createdAt updatedAt version imported`)
	pinNames(t, "booking expert", mapNames(t, av["expert"]), partyNames)
	pinNames(t, "booking learner", mapNames(t, av["learner"]), partyNames)
	pinNames(t, "booking sessionType", mapNames(t, av["sessionType"]), sessionTypeNames)
	var back bookingItem
	if err := attributevalue.UnmarshalMap(av, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(b, back.toDomain()); diff != "" {
		t.Errorf("booking round trip (-want +got):\n%s", diff)
	}

	// A stream record of the item decodes to the same booking.
	c, err := DecodeStreamRecord(events.DynamoDBEventRecord{EventID: "1", Change: events.DynamoDBStreamRecord{NewImage: toEventImage(t, av)}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(b, c.NewBooking); diff != "" || c.Kind != "booking" || c.Org != "acme" || !c.Imported {
		t.Errorf("stream: kind %q org %q imported %v, booking (-want +got):\n%s", c.Kind, c.Org, c.Imported, diff)
	}
}

func TestCircleAndWaitItemAttributes(t *testing.T) {
	b := testBooking()
	it := circleItemFrom(b, at, 99)
	av, names := attrNames(t, it)
	pinNames(t, "circle", names, "PK SK type id org expert sessionType start end meetingUrl createdAt expiresAt")
	pinNames(t, "circle expert", mapNames(t, av["expert"]), partyNames)
	pinNames(t, "circle sessionType", mapNames(t, av["sessionType"]), sessionTypeNames)
	var back circleItem
	if err := attributevalue.UnmarshalMap(av, &back); err != nil {
		t.Fatal(err)
	}
	want := &tandem.Circle{ID: "c1", OrgID: "acme", Expert: testExpertParty, SessionType: testSessionType, MeetingURL: b.MeetingURL,
		Start: b.Start, End: b.End, Seats: 4}
	if diff := cmp.Diff(want, back.toDomain()); diff != "" || it.PK != "ORG#acme#CIRCLE#c1" {
		t.Errorf("circle %q round trip (-want +got):\n%s", it.PK, diff)
	}

	w := tandem.Waiter{Learner: testLearnerParty, Key: "0001#l1", JoinedAt: at, Note: "please"}
	wit := waitItemFrom("P", w, 99)
	av, names = attrNames(t, wit)
	pinNames(t, "wait", names, "PK SK type learner key joinedAt note expiresAt")
	pinNames(t, "wait learner", mapNames(t, av["learner"]), partyNames)
	var wback waitItem
	if err := attributevalue.UnmarshalMap(av, &wback); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(w, wback.toDomain()); diff != "" || wit.SK != prefixWait+w.Key {
		t.Errorf("wait %q round trip (-want +got):\n%s", wit.SK, diff)
	}
}

func TestRequestItemAttributes(t *testing.T) {
	r := &tandem.LearnerRequest{ID: "r1", OrgID: "acme", LearnerID: "l1", LearnerName: "Ben", LearnerDepartment: "Sales",
		Topics: []string{"go"}, Goal: "learn", DurationMin: 30, Language: "en", Urgency: "soon", Timezone: "Europe/London",
		PreferredTimes: []tandem.PreferredTime{{Weekday: "mon", StartHour: 9, EndHour: 12}},
		Status:         tandem.RequestOpen, CreatedAt: at, ExpiresAt: at.Add(time.Hour), MatchedAt: at, BookingID: "b1", Version: 2}
	av, names := attrNames(t, requestItemFrom(r))
	pinNames(t, "request", names, `PK SK GSI1PK GSI1SK type id org learnerId learnerName learnerDepartment topics goal
		durationMin preferredTimes language urgency timezone status createdAt expiresAtUnix matchedAt bookingId version`)
	pts := av["preferredTimes"].(*types.AttributeValueMemberL).Value
	pinNames(t, "request preferredTimes[0]", mapNames(t, pts[0]), "Weekday StartHour EndHour")
	c, err := DecodeStreamRecord(events.DynamoDBEventRecord{EventID: "1", Change: events.DynamoDBStreamRecord{NewImage: toEventImage(t, av)}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(r, c.NewRequest); diff != "" || c.Kind != "request" {
		t.Errorf("stream: kind %q, request (-want +got):\n%s", c.Kind, diff)
	}
}

// toEventImage is the stream image Lambda would deliver for a stored item.
func toEventImage(t *testing.T, item map[string]types.AttributeValue) map[string]events.DynamoDBAttributeValue {
	t.Helper()
	out := make(map[string]events.DynamoDBAttributeValue, len(item))
	for k, v := range item {
		out[k] = toEventValue(t, v)
	}
	return out
}

func toEventValue(t *testing.T, av types.AttributeValue) events.DynamoDBAttributeValue {
	t.Helper()
	switch v := av.(type) {
	case *types.AttributeValueMemberS:
		return events.NewStringAttribute(v.Value)
	case *types.AttributeValueMemberN:
		return events.NewNumberAttribute(v.Value)
	case *types.AttributeValueMemberBOOL:
		return events.NewBooleanAttribute(v.Value)
	case *types.AttributeValueMemberNULL:
		return events.NewNullAttribute()
	case *types.AttributeValueMemberSS:
		return events.NewStringSetAttribute(v.Value)
	case *types.AttributeValueMemberL:
		list := make([]events.DynamoDBAttributeValue, len(v.Value))
		for i, e := range v.Value {
			list[i] = toEventValue(t, e)
		}
		return events.NewListAttribute(list)
	case *types.AttributeValueMemberM:
		return events.NewMapAttribute(toEventImage(t, v.Value))
	}
	t.Fatalf("unexpected attribute %T", av)
	return events.DynamoDBAttributeValue{}
}
