package dynamo

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"
	"github.com/tandemhq/tandem/internal/analytics"
	"github.com/tandemhq/tandem/internal/availability"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The stored attribute names are the table's schema: existing items, the stream consumer
// (streamimage.go) and the aggregates read them. These tests pin them: each item is built
// from a fully set domain value, marshalled, and its attribute names compared with the ones
// stored so far. A renamed field or tag fails here.

var at = time.Date(2027, 3, 10, 14, 30, 0, 0, time.UTC)

func attrNames(t *testing.T, v any) (map[string]types.AttributeValue, []string) {
	t.Helper()
	av, err := attributevalue.MarshalMap(v)
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(av))
	for k := range av {
		names = append(names, k)
	}
	slices.Sort(names)
	return av, names
}

func pinNames(t *testing.T, what string, got []string, want string) {
	t.Helper()
	w := strings.Fields(want)
	slices.Sort(w)
	if diff := cmp.Diff(w, got); diff != "" {
		t.Errorf("%s attribute names changed (-stored +now):\n%s", what, diff)
	}
}

func mapNames(t *testing.T, av types.AttributeValue) []string {
	t.Helper()
	m, ok := av.(*types.AttributeValueMemberM)
	if !ok {
		t.Fatalf("%T, want a map", av)
	}
	var names []string
	for k := range m.Value {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

func testExpert() *tandem.Expert {
	return &tandem.Expert{ID: "e1", OrgID: "acme", Name: "Maya Chen", Email: "maya@acme.example", Department: "Engineering",
		Headline: "Go", Bio: "Bio", Topics: []string{"go", "k8s"}, Languages: []string{"en"}, Timezone: "America/New_York",
		SessionTypes: []tandem.SessionType{{ID: "intro", Name: "Intro", DurationMin: 30, BufferBeforeMin: 5, BufferAfterMin: 10, Seats: 4}},
		MeetingURL:   "https://meet.example/maya", BookingMode: tandem.BookingApproval,
		Limits: tandem.Limits{MinNoticeMin: 240, HorizonDays: 60, MaxPerDay: 3, MaxPerWeek: 10, StartIncrementMin: 30},
		Rating: tandem.RatingSummary{Count: 3, Average: 4.33, Distribution: [5]int{0, 0, 0, 2, 1}}, UpdatedAt: at}
}

func TestExpertItemAttributes(t *testing.T) {
	e := testExpert()
	it := toExpertItem(e, 7)
	av, names := attrNames(t, it)
	pinNames(t, "expert", names, `PK SK GSI1PK GSI1SK type id org name email department headline bio topics languages
		timezone sessionTypes meetingUrl bookingMode limits ratingCount ratingSum rating1 rating2 rating3 rating4 rating5
		searchText version updatedAt`)
	list := av["sessionTypes"].(*types.AttributeValueMemberL).Value
	pinNames(t, "expert sessionTypes[0]", mapNames(t, list[0]), "ID Name DurationMin BufferBeforeMin BufferAfterMin Seats")
	pinNames(t, "expert limits", mapNames(t, av["limits"]), "MinNoticeMin HorizonDays MaxPerDay MaxPerWeek StartIncrementMin")
	if it.PK != "ORG#acme#EXPERT#e1" || it.SK != "PROFILE" || it.GSI1PK != "ORG#acme#EXPERTS" || it.GSI1SK != "EXPERT#maya chen#e1" || it.Type != "expert" {
		t.Errorf("keys %q %q %q %q %q", it.PK, it.SK, it.GSI1PK, it.GSI1SK, it.Type)
	}
	tc := it.topicCopy("acme", "go")
	_, names = attrNames(t, tc)
	if tc.SK != "TOPIC#go" || tc.GSI1PK != "ORG#acme#TOPIC#go" || tc.Type != "expertTopic" || slices.Contains(names, "bio") {
		t.Errorf("topic copy %q %q %q, names %v", tc.SK, tc.GSI1PK, tc.Type, names)
	}

	var back expertItem
	if err := attributevalue.UnmarshalMap(av, &back); err != nil {
		t.Fatal(err)
	}
	got, err := fromExpertItem(&back)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(e, got); diff != "" {
		t.Errorf("expert round trip (-want +got):\n%s", diff)
	}
}

func TestUserItemAttributes(t *testing.T) {
	u := &tandem.User{ID: "u1", OrgID: "acme", Email: "ben@acme.example", Name: "Ben", Department: "Sales",
		Roles: []tandem.Role{tandem.RoleLearner, tandem.RoleExpert}, Timezone: "Europe/London", UpdatedAt: at}
	av, names := attrNames(t, toUserItem(u))
	pinNames(t, "user", names, "PK SK type id org email name department roles timezone updatedAt")
	var back userItem
	if err := attributevalue.UnmarshalMap(av, &back); err != nil {
		t.Fatal(err)
	}
	got, err := fromUserItem(&back)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(u, got); diff != "" {
		t.Errorf("user round trip (-want +got):\n%s", diff)
	}
}

func TestAvailabilityItemAttributes(t *testing.T) {
	sch := &availability.Schedule{Timezone: "Europe/Berlin"}
	it, err := toAvailabilityItem("acme", "e1", sch, at)
	if err != nil {
		t.Fatal(err)
	}
	av, names := attrNames(t, it)
	pinNames(t, "availability", names, "PK SK type org expertId schedule updatedAt")
	var back availabilityItem
	if err := attributevalue.UnmarshalMap(av, &back); err != nil {
		t.Fatal(err)
	}
	fact, err := fromAvailabilityItem(&back)
	if err != nil {
		t.Fatal(err)
	}
	if fact.ExpertID != "e1" || !fact.UpdatedAt.Equal(at) || fact.Schedule.Timezone != "Europe/Berlin" {
		t.Errorf("availability round trip: %+v", fact)
	}
	back.Schedule = "{not json"
	if _, err := fromAvailabilityItem(&back); err == nil || !strings.Contains(err.Error(), "schedule document") {
		t.Errorf("a corrupt schedule: %v, want an error naming the schedule document", err)
	}
}

func TestBusyItemAttributes(t *testing.T) {
	b := &tandem.Booking{ID: "b1", OrgID: "acme", Expert: tandem.Party{ID: "e1"}, Start: at, End: at.Add(30 * time.Minute),
		SessionType: tandem.SessionType{BufferBeforeMin: 5, BufferAfterMin: 10}}
	it := toBusyItem(b, at.Add(-time.Hour).Unix())
	_, names := attrNames(t, it)
	pinNames(t, "busy", names, "PK SK type bookingId start end bufferBeforeMin bufferAfterMin holdUntil expiresAt")
	if it.SK != "BUSY#2027-03-10T14:30:00Z#b1" {
		t.Errorf("busy SK %q", it.SK)
	}
	// A circle's busy entry carries its counter too (read through busyItem).
	c := busyItem{PK: "p", SK: "s", Type: typeBusy, BookingID: "c1", Start: timeKey(at), End: timeKey(at), CircleID: "c1",
		SessionTypeID: "st", Seats: 4, Taken: 1, Waiting: 2, Cancelled: true, DayCounter: "d", WeekCounter: "w", ExpiresAt: 1}
	_, names = attrNames(t, c)
	pinNames(t, "circle busy", names, `PK SK type bookingId start end bufferBeforeMin bufferAfterMin expiresAt circleId
		sessionTypeId seats taken waiting cancelled dayCounter weekCounter`)
	got, err := fromBusyItem(&it, at)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Start.Equal(at) || !got.Free || !got.Counts || got.BufferAfter != 10*time.Minute {
		t.Errorf("busy interval %+v: want a lapsed hold (free, counts)", got)
	}
	it.End = "yesterday"
	if _, err := fromBusyItem(&it, at); err == nil || !strings.Contains(err.Error(), "busy end") {
		t.Errorf("a corrupt end: %v, want an error naming it", err)
	}
}

func TestFeedbackItemAttributes(t *testing.T) {
	b := &tandem.Booking{ID: "b1", OrgID: "acme", Expert: tandem.Party{ID: "e1", Department: "Eng"},
		Learner: tandem.Party{ID: "l1", Department: "Sales"}, Start: at}
	f := &tandem.Feedback{BookingID: "b1", ExpertID: "e1", LearnerID: "l1", Role: tandem.RoleLearner, Rating: 4, Recommend: 9,
		MatchFit: tandem.MatchFit("good"), Comment: "thanks", ShareComment: true, Progress: 3, Notes: "n", Attended: true,
		CreatedAt: at, UpdatedAt: at.Add(time.Hour), Version: 2}
	it := toFeedbackItem(b, f, 2)
	av, names := attrNames(t, it)
	pinNames(t, "feedback", names, `PK SK GSI1PK GSI1SK type org bookingId expertId learnerId role learnerDepartment
		expertDepartment rating recommend matchFit comment shareComment progress notes attended sessionStart createdAt
		updatedAt version`)
	if it.GSI1PK != "ORG#acme#EXPERT#e1#REVIEWS" || it.GSI1SK != "2027-03-10T14:30:00Z#b1" || it.SK != "FEEDBACK#learner" {
		t.Errorf("keys %q %q %q", it.SK, it.GSI1PK, it.GSI1SK)
	}
	var back feedbackItem
	if err := attributevalue.UnmarshalMap(av, &back); err != nil {
		t.Fatal(err)
	}
	got, err := fromFeedbackItem(&back)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(f, got); diff != "" {
		t.Errorf("feedback round trip (-want +got):\n%s", diff)
	}
	fact, err := fromFeedbackItemFact(&back)
	if err != nil || !fact.SessionStart.Equal(at) || fact.LearnerDepartment != "Sales" || fact.ExpertDepartment != "Eng" {
		t.Errorf("feedback fact %+v, %v", fact, err)
	}
	r, err := fromFeedbackItemReview(&back)
	if err != nil || r.Comment != "thanks" || r.Rating != 4 || !r.CreatedAt.Equal(at) {
		t.Errorf("review %+v, %v", r, err)
	}
	// The expert's feedback is not a review: no GSI1 keys.
	f.Role = tandem.RoleExpert
	_, names = attrNames(t, toFeedbackItem(b, f, 1))
	if slices.Contains(names, "GSI1PK") {
		t.Errorf("the expert's feedback is on the reviews index: %v", names)
	}
	back.CreatedAt = "March"
	if _, err := fromFeedbackItem(&back); err == nil || !strings.Contains(err.Error(), "feedback createdAt") {
		t.Errorf("a corrupt createdAt: %v, want an error naming it", err)
	}
}

func TestSmallItemAttributes(t *testing.T) {
	tok, ptr := toCalTokenItems("acme", "u1", "secret")
	_, names := attrNames(t, tok)
	pinNames(t, "calendar token", names, "PK SK type org userId token")
	_, names = attrNames(t, ptr)
	pinNames(t, "calendar token pointer", names, "PK SK type org userId token")
	if tok.PK != "CALTOKEN#secret" || ptr.PK != "ORG#acme#USER#u1" || tok.SK != "CALTOKEN" || ptr.SK != "CALTOKEN" {
		t.Errorf("calendar token keys %q %q / %q %q", tok.PK, tok.SK, ptr.PK, ptr.SK)
	}

	due := toDueItem(at, "acme", "b1", "END")
	_, names = attrNames(t, due)
	pinNames(t, "due", names, "PK SK type org bookingId")
	if d := fromDueItem(&due); d.Org != "acme" || d.BookingID != "b1" || d.Kind != "END" || d.UserID != "" || due.PK != "DUE#2027-03-10T14" {
		t.Errorf("due %+v (PK %q)", d, due.PK)
	}

	wm := toWatermarkItem(at)
	_, names = attrNames(t, wm)
	pinNames(t, "watermark", names, "PK SK type hour")
	if h, err := fromWatermarkItem(&wm); err != nil || !h.Equal(at) {
		t.Errorf("watermark %v, %v", h, err)
	}

	_, names = attrNames(t, toAggMarkerItem("p", at, ""))
	pinNames(t, "aggregation marker", names, "PK SK type expiresAt")
	_, names = attrNames(t, toAggMarkerItem("p", time.Time{}, "2027-03"))
	pinNames(t, "pair marker", names, "PK SK type firstMonth")

	_, names = attrNames(t, budgetUsageItem{PK: "p", SK: "2027-Q1#ORG", Type: typeBudget, UsedMin: 60})
	pinNames(t, "budget usage", names, "PK SK type usedMin")
	load := 90
	_, names = attrNames(t, budgetUsageItem{PK: "p", SK: "2027-Q1#ORG#S07", Type: typeBudget, UsedMin: 60, LoadMin: &load})
	pinNames(t, "budget usage shard", names, "PK SK type usedMin loadMin")
}

// translate never leaves a conflict without a message: the problem's detail is never empty.
func TestTranslateAlwaysExplains(t *testing.T) {
	code := "ConditionalCheckFailed"
	for _, err := range []error{
		&types.ConditionalCheckFailedException{Message: new(string)},
		&types.TransactionCanceledException{CancellationReasons: []types.CancellationReason{{Code: &code}}},
		&types.TransactionConflictException{},
		&smithy.GenericAPIError{Code: "ThrottlingException"},
		&smithy.GenericAPIError{Code: "IdempotentParameterMismatchException"},
	} {
		got := translate(err, "")
		var te *tandem.Error
		if !errors.As(got, &te) || te.Message == "" {
			t.Errorf("translate(%T, \"\") = %v, want a domain error with a message", err, got)
		}
		if !errors.Is(got, err) {
			t.Errorf("translate(%T) lost the cause", err)
		}
	}
	if got := translate(&types.ConditionalCheckFailedException{}, "The profile changed."); tandem.ErrorMessage(got) != "The profile changed." {
		t.Errorf("the caller's message: %q", tandem.ErrorMessage(got))
	}
	if tandem.ErrorCode(translate(errors.New("network"), "")) != tandem.EInternal || translate(nil, "") != nil {
		t.Error("other errors stay internal; nil stays nil")
	}
}

// Aggregate rows are written by ADD on the JSON names of analytics.Counts (AggAdd.Fields) and
// read back through those names (LoadAggregates): the names are stored attribute names too.
func TestAggregateAttributes(t *testing.T) {
	var c analytics.Counts
	v := reflect.ValueOf(&c).Elem()
	for i := range v.NumField() {
		switch f := v.Field(i); f.Kind() {
		case reflect.Int64:
			f.SetInt(1)
		case reflect.Slice:
			f.Set(reflect.ValueOf([]int64{1}))
		}
	}
	av, err := attributevalue.MarshalMapWithOptions(c, func(o *attributevalue.EncoderOptions) { o.TagKey = "json" })
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for k := range av {
		names = append(names, k)
	}
	slices.Sort(names)
	pinNames(t, "aggregate counters", names, `booked completed cancelled lateCancelled noShowHost noShowGuest started
		minutesBooked minutesDelivered groupExtraMinutesBooked groupExtraMinutesDelivered minutesOffered crossDept
		activeLearners ratings ratingSum satisfied recommends promoters detractors requests matched newTies cohortPairs
		cohortCrossPairs cohortNewPairs cohortSessions cohortMemberMinutes matchMinutes learners`)
}
