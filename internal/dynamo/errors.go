package dynamo

import (
	"errors"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	"github.com/tandemhq/tandem/internal/tandem"
)

// msgChanged is the conflict message when nothing more specific can be said: what was read
// changed before the write (or a concurrent write won).
const msgChanged = "The data changed at the same time; please retry."

// translate maps SDK errors to domain errors. Condition failures become conflicts (with
// conflictMsg, or msgChanged when the caller has nothing more specific: a problem's detail is
// never empty); throttling becomes limit_exceeded; everything else stays internal (its text
// is logged, never shown).
func translate(err error, conflictMsg string) error {
	if err == nil {
		return nil
	}
	if conflictMsg == "" {
		conflictMsg = msgChanged
	}
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return &tandem.Error{Code: tandem.EConflict, Message: conflictMsg, Err: err}
	}
	var tce *types.TransactionCanceledException
	if errors.As(err, &tce) {
		for _, r := range tce.CancellationReasons {
			if r.Code != nil && *r.Code == "ConditionalCheckFailed" {
				return &tandem.Error{Code: tandem.EConflict, Message: conflictMsg, Err: err}
			}
		}
	}
	var tcf *types.TransactionConflictException
	if errors.As(err, &tcf) {
		return &tandem.Error{Code: tandem.EConflict, Message: "Another change is in progress; please retry.", Err: err}
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "IdempotentParameterMismatchException":
			return &tandem.Error{Code: tandem.EUnprocessable, Message: "This request repeats an earlier one with different content.", Err: err}
		case "ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded":
			return &tandem.Error{Code: tandem.ELimitExceeded, Message: "The service is busy; please retry shortly.", Err: err}
		}
	}
	return err
}

// explanation is what a failed condition on a transaction item of one kind means to the
// client: the error code, a client-safe message and, when set, the Detail member naming it.
type explanation struct {
	code, message string
	key, value    string // Detail[key] = value; "" for none
}

// explanations explain a failed condition by the kind of transaction item it guarded. Every
// txKind has one (a test checks it). Some kinds are usually handled by their caller before
// anything is explained (a replayed idempotency record, a marker applied before, a seat that
// filled meanwhile); their entries say what it means when one does reach a client.
var explanations = map[txKind]explanation{
	kindExpert:           {tandem.EConflict, "The expert is no longer free at this time.", "conflict", "expert_busy"},
	kindLearner:          {tandem.EConflict, "You already have a session at this time.", "conflict", "learner_busy"},
	kindDay:              {tandem.ELimitExceeded, "The expert takes no more sessions that day.", "limit", "day"},
	kindWeek:             {tandem.ELimitExceeded, "The expert takes no more sessions that week.", "limit", "week"},
	kindActive:           {tandem.ELimitExceeded, "You have reached the number of upcoming sessions you may hold.", "limit", "active"},
	kindBudgetOrg:        {tandem.ELimitExceeded, "Your organisation's coaching budget for this period does not cover this session.", "limit", "budget_org"},
	kindBudgetDepartment: {tandem.ELimitExceeded, "Your department's coaching budget for this period does not cover this session.", "limit", "budget_department"},
	kindDuplicate:        {tandem.EConflict, "You have already given feedback on this session; edit it instead.", "conflict", "duplicate"},
	kindChanged:          {tandem.EConflict, "The feedback changed at the same time; please retry.", "conflict", "changed"},
	kindProfileChanged:   {tandem.EConflict, "The expert's profile changed at the same time; please retry.", "conflict", "profile_changed"},
	kindState:            {tandem.EConflict, "The booking is not in a state that allows this.", "", ""}, // + Detail.status (stateConflict)
	kindRequest:          {tandem.EConflict, "The request is no longer looking for an expert.", "conflict", "request_closed"},
	kindRelease:          {tandem.EConflict, "The booking changed at the same time; please retry.", "", ""},
	kindCounter:          {tandem.EConflict, "The booking changed at the same time; please retry.", "", ""},
	kindBooking:          {tandem.EConflict, "The booking changed at the same time; please retry.", "", ""},
	kindBusy:             {tandem.EConflict, "The booking changed at the same time; please retry.", "", ""},
	kindDue:              {tandem.EConflict, "The booking changed at the same time; please retry.", "", ""},
	kindIdempotency:      {tandem.EUnprocessable, "This Idempotency-Key was already used with a different request.", "", ""},
	kindTopic:            {tandem.EConflict, "The request changed at the same time; please retry.", "", ""},
	kindOffer:            {tandem.EConflict, "The request changed at the same time; please retry.", "", ""},
	kindProfile:          {tandem.EConflict, "The profile was changed at the same time; please retry.", "", ""},
	kindExpertTopic:      {tandem.EConflict, "The profile was changed at the same time; please retry.", "", ""},
	kindMarker:           {tandem.EConflict, "This change was already applied.", "", ""},
	kindAgg:              {tandem.EConflict, "The reports changed at the same time; please retry.", "", ""},
	kindToken:            {tandem.EConflict, "The calendar feed changed at the same time; please retry.", "", ""},
	kindPointer:          {tandem.EConflict, "The calendar feed changed at the same time; please retry.", "", ""},
	kindCircleNew:        {tandem.EConflict, "The group session changed at the same time; please retry.", "", ""},
	kindCircleJoin:       {tandem.EConflict, "The group session changed at the same time; please retry.", "", ""},
	kindCircleWait:       {tandem.EConflict, "The group session changed at the same time; please retry.", "", ""},
	kindCirclePromote:    {tandem.EConflict, "The group session changed at the same time; please retry.", "", ""},
	kindCircleRelease:    {tandem.EConflict, "The group session changed at the same time; please retry.", "", ""},
	kindCircleFacts:      {tandem.EConflict, "The group session changed at the same time; please retry.", "", ""},
	kindWait:             {tandem.EConflict, "The group session changed at the same time; please retry.", "", ""},
	kindWaiter:           {tandem.EConflict, "You are already on the waitlist of this group session.", "conflict", "already_waiting"},
	kindWaitGone:         {tandem.EConflict, "The waitlist changed at the same time; please retry.", "", ""},
	kindQueued:           {tandem.EConflict, "The waitlist changed at the same time; please retry.", "", ""},
	kindEnrollment:       {tandem.EConflict, "The enrollment changed at the same time; please retry.", "", ""},
	kindProgram:          {tandem.EConflict, "Enrollment in this program is closed.", "", ""}, // programClosed says why
	kindPlan:             {tandem.EConflict, "The cohorts changed since you loaded them; reload and try again.", "conflict", "plan_changed"},
	kindOpenRequests:     {tandem.ELimitExceeded, "You have reached the number of open requests you may have at once.", "limit", "open_requests"},
	kindCalendar:         {tandem.EConflict, "The calendar connection changed at the same time; please retry.", "", ""},
	kindCalendars:        {tandem.ELimitExceeded, "You have connected as many calendars as you may.", "limit", "calendars"},
	kindReleased:         {tandem.EConflict, "The request changed at the same time; please retry.", "", ""},
	kindNotification:     {tandem.EConflict, "This notification exists already.", "", ""},
	kindNotificationRead: {tandem.ENotFound, "No unread notification with this id.", "", ""},
	kindUnread:           {tandem.EConflict, msgChanged, "", ""},
	kindOutbox:           {tandem.EConflict, "The notification's e-mail changed at the same time.", "", ""},
	kindFlash:            {tandem.EConflict, "The flash proposal changed at the same time; please retry.", "conflict", "flash_changed"},
	kindFlashIndex:       {tandem.EConflict, "Flash mentoring changed at the same time; please retry.", "", ""},
	kindFlashBusy:        {tandem.EConflict, "One of you already has a session at this time.", "conflict", "flash_busy"},
	kindRules:            {tandem.EConflict, "The expert's profile or availability, or the organisation's settings, changed at the same time; please retry.", "conflict", "rules_changed"},
}

// explain turns a failed condition into the client-facing error. The booking's state and a
// request's status are read from the item as it was (ALL_OLD); every other kind is explained
// by its entry in explanations.
func explain(f *failure) error {
	switch f.kind {
	case kindState:
		return stateConflict(f.old)
	case kindRequest:
		return requestClosed(f.old)
	}
	e, ok := explanations[f.kind]
	if !ok { // a kind without an explanation: TestEveryKindIsExplained rules it out
		return &tandem.Error{Code: tandem.EConflict, Message: "The booking changed at the same time; please retry."}
	}
	err := &tandem.Error{Code: e.code, Message: e.message}
	if e.key != "" {
		err.Detail = map[string]any{e.key: e.value}
	}
	return err
}

// explainCause is explain keeping the SDK error as the (logged, never shown) cause.
func explainCause(f *failure, cause error) error {
	err := explain(f)
	var e *tandem.Error
	if errors.As(err, &e) && e.Err == nil {
		e.Err = cause
	}
	return err
}
