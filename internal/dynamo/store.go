// Package dynamo is Tandem's store: the only package that talks to DynamoDB. It owns the
// single-table layout (every key builder is in keys.go), item structs with explicit attribute
// names and one conversion to and from the domain types of internal/tandem per entity,
// conditions and transactions (tx.go: each item has a typed kind; errors.go explains a failed
// condition by its kind), and the translation of SDK errors into domain errors.
//
// Every partition key starts with the org (ORG#o#...), so a caller reaches only their own org's
// items; the exceptions are the scheduler's DUE#hour and SCHEDULER partitions and the calendar
// feed's CALTOKEN#token (the feed request carries no identity). Key times are fixed-width UTC
// (keyTime) and sort as text. GSI1 and GSI2 project all attributes.
//
// Access patterns. Reads, by store method, with the key condition, the index (base table when
// none is named) and the packages that call them (httpapi: the API handlers, scheduler,
// streams: the table stream consumer, seed: demo data):
//
//	expert profile           GetItem  PK=ORG#o#EXPERT#id, SK=PROFILE                  GetExpert (httpapi, via LoadSlotInputs: seed)
//	experts by name          Query    GSI1: GSI1PK=ORG#o#EXPERTS                      SearchExperts, no topic (httpapi)
//	experts by topic         Query    GSI1: GSI1PK=ORG#o#TOPIC#t                      SearchExperts, topic (httpapi); the topic
//	                                                                                   copies carry the profile: one Query a page;
//	                                                                                   language and text are filters on it
//	user record              GetItem  PK=ORG#o#USER#id, SK=PROFILE                    GetUser (httpapi)
//	availability             GetItem  PK=ORG#o#EXPERT#id, SK=AVAILABILITY             GetAvailability (httpapi), GetAvailabilityFact (scheduler, seed)
//	busy time                Query    PK=ORG#o#EXPERT#id, SK BETWEEN BUSY#lo AND BUSY#hi~  Busy (httpapi), LoadSlotInputs (httpapi, seed)
//	                                  (consistent; circles' busy entries are their seat counters)
//	slot inputs              the three above in parallel: one round trip               LoadSlotInputs (httpapi, seed)
//	booking inputs           profile, availability, settings (consistent GetItems) and the busy Query in parallel,
//	                         kept per container as BookingRules (bookrules.go)            LoadBookingInputs (booking)
//	booking                  GetItem  PK=ORG#o#BOOKING#id, SK=BOOKING (consistent)      GetBooking (httpapi, seed), UpdateBooking
//	expert's bookings        Query    GSI1: GSI1PK=ORG#o#EXPERT#id#BOOKINGS, GSI1SK >= or < now  ListBookings as expert (httpapi)
//	learner's bookings       Query    GSI2: GSI2PK=ORG#o#LEARNER#id#BOOKINGS, GSI2SK >= or < now ListBookings as learner (httpapi)
//	calendar feed bookings   Query    GSI1 and GSI2 as above, SK >= since, in parallel    ListUserBookings (httpapi)
//	idempotency record       GetItem  PK=ORG#o#BOOKING#id, SK=BOOKING (consistent; id from the key)  GetIdempotent (booking);
//	                                                                                   a failed Book reads it from ALL_OLD instead
//	circle facts             GetItem  PK=ORG#o#CIRCLE#id, SK=CIRCLE (consistent)        GetCircle (httpapi), PromoteWaitlist
//	circle counts            GetItem  PK=ORG#o#EXPERT#e, SK=BUSY#start#id (consistent)  GetCircle, UpdateBooking of a seat, PromoteWaitlist
//	waitlist in order        Query    PK=ORG#o#CIRCLE#id, begins_with(SK, WAIT#)        Waitlist (httpapi), PromoteWaitlist (httpapi, scheduler), CancelCircle
//	waitlist standing        GetItem  PK=ORG#o#CIRCLE#id, SK=WAITER#learner             Membership, LeaveWaitlist (httpapi)
//	waitlist position        Query    PK=ORG#o#CIRCLE#id, SK BETWEEN WAIT# AND WAIT#key (Select COUNT)  Membership (httpapi)
//	waitlist queue           Query    PK=ORG#o#CIRCLEQ#id, begins_with(SK, QUEUE#) (consistent, ≤ 98)  BookSeat in a crowd, PromoteWaitlist (foldWaitlist)
//	circle's seats           Query    GSI1: expert's bookings, begins_with(GSI1SK, end#), filter circleId  Seats (httpapi), CancelCircle
//	learner's seat           Query    GSI2: learner's bookings, begins_with(GSI2SK, end#), filter circleId Membership (httpapi)
//	due entries of an hour   Query    PK=DUE#yyyy-mm-ddThh (all orgs)                   DueIn (scheduler)
//	scheduler watermark      GetItem  PK=SCHEDULER, SK=WATERMARK                        SchedulerWatermark (scheduler)
//	feedback of a booking    Query    PK=ORG#o#BOOKING#id, begins_with(SK, FEEDBACK#)   GetFeedback (httpapi)
//	expert's reviews         Query    GSI1: GSI1PK=ORG#o#EXPERT#id#REVIEWS, newest first  ListReviews (httpapi)
//	learner's requests       Query    GSI1: GSI1PK=ORG#o#LEARNER#id#REQUESTS, newest first ListLearnerRequests (httpapi)
//	request                  GetItem  PK=ORG#o#REQUEST#id, SK=REQUEST (consistent)      GetRequest (httpapi, seed)
//	requests board           Query    GSI1: GSI1PK=ORG#o#REQTOPIC#t per topic, in parallel, then BatchGetItem of the requests  Board (httpapi)
//	offers on a request      Query    PK=ORG#o#REQUEST#id, begins_with(SK, OFFER#)      GetOffers (httpapi)
//	org settings             GetItem  PK=ORG#o#SETTINGS, SK=SETTINGS                    GetSettings (httpapi, seed), PromoteWaitlist
//	program                  GetItem  PK=ORG#o#PROGRAM#id, SK=PROGRAM (consistent)      GetProgram (httpapi, seed)
//	org's programs           Query    GSI1: GSI1PK=ORG#o#PROGRAMS, newest first         ListPrograms (httpapi)
//	enrollments              Query    PK=ORG#o#PROGRAM#id, begins_with(SK, ENROLL#)     Enrollments (httpapi)
//	enrolled?                GetItem  PK=ORG#o#PROGRAM#id, SK=ENROLL#user (PK only)     IsEnrolled (httpapi)
//	learner's programs       Query    GSI2: GSI2PK=ORG#o#USER#id#PROGRAMS               EnrolledPrograms (httpapi)
//	cohort plan              GetItem  PK=ORG#o#PROGRAM#id, SK=COHORTS (consistent)      GetCohortPlan (httpapi)
//	met before               BatchGetItem PK=ORG#o#USER#id, SK=MET, 100 keys a call     MetBefore (httpapi)
//	calendar feed token      GetItem  PK=CALTOKEN#token, SK=CALTOKEN (consistent)       CalendarTokenOwner (httpapi, seed)
//	user's feed token        GetItem  PK=ORG#o#USER#id, SK=CALTOKEN (consistent)        SetCalendarToken, RevokeCalendarToken (httpapi)
//	budget usage             Query    PK=ORG#o#BUDGET, SK BETWEEN first# AND last#~     LoadBudgetUsage (httpapi)
//	budget group (shards)    Query    PK=ORG#o#BUDGET, SK BETWEEN base AND base#S~ (consistent)  Book, BookSeat, OfferSeat, UpdateBooking when a shard is short; RebalanceBudget
//	budget groups from now   Query    PK=ORG#o#BUDGET, SK >= period# (SK only)          RebalanceBudget (PutSettings, ImportBudgetUsage)
//	aggregates of a month    Query    PK=ORG#o#AGG#yyyy-mm, one per month in parallel   LoadAggregates (httpapi reports)
//	pair's first month       GetItem  PK=ORG#o#AGGMARK#PAIR#learner#expert, SK=MARK     RecordTie (streams)
//	calendar connections     Query    PK=ORG#o#USER#id, begins_with(SK, CALCONN#) (consistent)  ListCalendarConnections (httpapi, streams write-back)
//	calendar connection      GetItem  PK=ORG#o#USER#id, SK=CALCONN#c (consistent)      GetCalendarConnection (httpapi, scheduler)
//	calendar ranges          the busy Query above (SK BUSY#start#CAL#c#end items)    LoadSlotInputs, CalendarBusy (viewer's own)
//	calendars due to sync    Query    GSI1: GSI1PK=CALSYNC, GSI1SK <= now (all orgs)   DueCalendarSyncs (scheduler)
//	broken calendars         GetItem  PK=ORG#o#CALHEALTH, SK=CALHEALTH                 CalendarBrokenUsers (httpapi reports)
//	write-back state         GetItem  PK=ORG#o#USER#id, SK=CALWB#c#booking (consistent) GetWriteBack (streams write-back)
//	owed write-backs         Query    PK=ORG#o#USER#id, begins_with(SK, CALWB#c#), filter pending  PendingWriteBacks (sync)
//	notification             GetItem  PK=ORG#o#USER#u#NOTIFS, SK=NOTIF#id (consistent)  GetNotification (notify)
//	inbox, newest first      Query    PK=ORG#o#USER#u#NOTIFS, begins_with(SK, NOTIF#), backwards (filter readAt for unread)  ListNotifications, UnreadNotificationIDs (httpapi)
//	unread count             GetItem  PK=ORG#o#USER#u, SK=COUNT#UNREAD                  UnreadCount (httpapi)
//	notification settings    GetItem  PK=ORG#o#USER#u, SK=NOTIFSETTINGS (consistent)    GetNotificationSettings (httpapi, notify, scheduler)
//	mentorship               GetItem  PK=ORG#o#MENTORSHIPS, SK=MENTORSHIP#id (consistent)  GetMentorship (httpapi)
//	party's mentorships      Query    GSI1 (as learner) and GSI2 (as expert): ORG#o#USER#id#MENTORSHIPS, in parallel  ListUserMentorships (httpapi)
//	org's mentorships        Query    PK=ORG#o#MENTORSHIPS, begins_with(SK, MENTORSHIP#)  ListOrgMentorships (httpapi reports)
//	a mentorship's agendas,  Query    PK=ORG#o#MENTORSHIP#id, begins_with(SK, AGENDA# | ACTION# | CHECKIN#)  Agendas, ActionItems, CheckIns (httpapi)
//	  action items, check-ins
//	caller's private notes   Query    PK=ORG#o#MENTORSHIP#id, begins_with(SK, NOTE#caller#) (the only read of notes)  PrivateNotes (httpapi)
//	occurrences' bookings    BatchGetItem PK=ORG#o#BOOKING#id, SK=BOOKING, 100 keys a call  GetBookings (httpapi, reports)
//	flash config, round,     GetItem  PK=ORG#o#FLASH, SK=CONFIG | ROUND#nnnnnn | PAIR#id (consistent)  GetFlashConfig, GetFlashRound, GetFlashPair (flash)
//	  pair
//	flash group              Query    PK=ORG#o#FLASH (members, rounds, pairs; consistent, paged)  LoadFlashGroup (flash)
//	member's flash pairs     Query    GSI1 (as A) and GSI2 (as B): ORG#o#USER#id#FLASH, SK >= start, in parallel  UserFlashPairs (flash)
//	orgs with flash groups   Query    PK=FLASHGROUPS  FlashOrgs (scheduler)
//
// Writes. Each is one request (PutItem, UpdateItem, DeleteItem) or one TransactWriteItems whose
// items are all conditional where a race matters; no write depends on an unconditioned read:
//
//	expert profile + topic copies   transaction, profile at the version read            PutExpert (httpapi, seed)
//	user record, availability, settings  PutItem                                        PutUser, PutAvailability, PutSettings (httpapi, seed)
//	booking                         transaction: booking, busy entry, lock slots of expert and learner,
//	                                idempotency record, limit counters and budget shards, due entries, request  Book (httpapi, seed)
//	circle seat / waitlist place    transaction as Book, plus the circle's counters     BookSeat (httpapi)
//	lifecycle step                  transaction: booking at the version read and its side effects  UpdateBooking (httpapi, scheduler)
//	waitlist promotion, leave, skip transactions on the circle's counters               PromoteWaitlist, LeaveWaitlist, CancelCircle
//	waitlist fold            transaction: the busy entry's waiting count + the queue markers it counts  BookSeat, PromoteWaitlist
//	due entries                     PutItem / DeleteItem                                ScheduleOfferedRefresh (streams), ClearDue (scheduler)
//	scheduler watermark             PutItem                                             SetSchedulerWatermark (scheduler)
//	feedback                        transaction: feedback, rating tallies (ADD), request SaveFeedback (httpapi)
//	request, offer, expiry          transactions / conditional UpdateItem               CreateRequest, PutOffer, ExpireRequest
//	program, enrollment, cohort plan  PutItem / transactions with the program's status    CreateProgram, Enroll, Withdraw, PutCohortPlan, PublishCohortPlan
//	met sets                        UpdateItem ADD per member                           RecordMet (httpapi)
//	calendar token                  transaction: token (new) and the user's pointer     SetCalendarToken, RevokeCalendarToken (httpapi)
//	aggregates                      transaction: marker (attribute_not_exists) + ADDs    ApplyStep (streams, httpapi), RecordTie, SetOffered (streams)
//	budget history                  transaction: marker + ADDs per period               ImportBudgetUsage (seed)
//	budget rebalance                transaction: every shard's loadMin, each as read    RebalanceBudget, a booking's draw planning
//	booking history                 BatchWriteItem, 25 a call, 4 in parallel            ImportBookings (streams.Import)
//	calendar connection             transaction: put only if new + the user's counter    CreateCalendarConnection
//	                                  below the cap (delete at the version read + counter) DeleteCalendarConnection
//	                                PutItem at the version read                          SaveCalendarSync
//	calendar ranges                 BatchWriteItem of the difference only, 25 a call      SaveCalendarSync, DeleteCalendarConnection
//	broken calendars                UpdateItem ADD/DELETE on the org's set               SetCalendarBroken
//	write-back state                UpdateItem, only for a later booking version         SetWriteBackApplied, SetWriteBackPending
//	notification                    transaction: entry (attribute_not_exists) + unread count ADD  PutNotification (notify, scheduler)
//	read / read all                 transactions of ≤ 50 entries (unread) + unread count ADD       MarkNotificationsRead (httpapi)
//	e-mail outbox                   conditional UpdateItem / transaction with a due entry, on (state, attempt)  ClaimMail, MailSent, MailFailed, RetryMail (notify, scheduler)
//	reminders                       BatchWriteItem of due entries, 25 a call            ScheduleReminders (notify)
//	settings, unsubscribe           PutItem / UpdateItem ADD kindsOff                   PutNotificationSettings, UnsubscribeKind (httpapi)
//	flash config + groups index     transaction: config at the version read (or new) + the org's index entry  PutFlashConfig (flash)
//	flash member                    PutItem / DeleteItem                                PutFlashMember, DeleteFlashMember (flash)
//	flash round (its plan)          PutItem attribute_not_exists: one run makes a round CreateFlashRound (flash, scheduler)
//	flash pairs                     PutItem attribute_not_exists each                   PutFlashPairs (flash, scheduler)
//	flash answer                    transaction: pair at the version read; confirming takes both people's learner and
//	                                expert cells and busy entries, cancelling releases them  AnswerFlashPair (flash)
//
// No request path scans the table. The one Scan is `tandem backfill`'s (backfill.go), run by
// an operator after a deploy, never by a function (their role has no dynamodb:Scan).
package dynamo

import (
	"context"
	"errors"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/middleware"
	"github.com/aws/smithy-go/tracing"
)

// Store reads and writes Tandem's single table.
type Store struct {
	client *dynamodb.Client
	table  string
	now    func() time.Time
	// rules caches booking rules per container (bookrules.go).
	rules *rulesCache
	// pauser is Config.Pause (nil: Sleep).
	pauser Pause
}

// Config says how to reach the table.
type Config struct {
	Table string
	// Endpoint is set for DynamoDB Local (http://127.0.0.1:port); empty means AWS.
	Endpoint string
	Region   string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// APIOptions are extra SDK middleware (call counting in tests).
	APIOptions []func(*middleware.Stack) error
	// TracerProvider traces every SDK call (internal/tracing in Lambda); nil: none.
	TracerProvider tracing.TracerProvider
	// Pause is how the store waits between tries of a transaction that collided (pause.go);
	// nil: Sleep, wall time. The load test's time-dilated model sets its own.
	Pause Pause
}

// ConfigFromEnv reads TABLE_NAME, DYNAMODB_ENDPOINT and AWS_REGION.
func ConfigFromEnv() Config {
	return Config{
		Table:    os.Getenv("TABLE_NAME"),
		Endpoint: os.Getenv("DYNAMODB_ENDPOINT"),
		Region:   os.Getenv("AWS_REGION"),
	}
}

// New builds a client once (at cold start) and returns the store.
func New(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.Table == "" {
		return nil, errors.New("dynamo.New: no table name (TABLE_NAME)")
	}
	client, err := NewClient(ctx, cfg)
	if err != nil {
		return nil, err
	}
	s := NewWithClient(client, cfg.Table, cfg.Now)
	s.pauser = cfg.Pause
	return s, nil
}

// NewWithClient wraps an existing client.
func NewWithClient(client *dynamodb.Client, table string, now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	return &Store{client: client, table: table, now: now, rules: &rulesCache{}}
}

// NewClient builds a DynamoDB client without the SDK's shared-config machinery: Lambda hands
// a function its credentials and region in the environment, and loading profiles, SSO and
// STS support would only add to every cold start (measured: about 3 ms of package init).
// For a local endpoint it uses static credentials and a fixed region, and never touches the
// EC2 metadata service (DynamoDB Local accepts any static key; see README "DynamoDB Local").
func NewClient(_ context.Context, cfg Config) (*dynamodb.Client, error) {
	opts := dynamodb.Options{Region: cfg.Region, APIOptions: cfg.APIOptions, TracerProvider: cfg.TracerProvider}
	if opts.Region == "" {
		opts.Region = os.Getenv("AWS_REGION")
	}
	if cfg.Endpoint != "" {
		if opts.Region == "" {
			opts.Region = "us-east-1"
		}
		opts.BaseEndpoint = aws.String(cfg.Endpoint)
		opts.DisableValidateResponseChecksum = true
		opts.Credentials = credentials.NewStaticCredentialsProvider("local", "local", "")
	} else {
		key, secret := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
		if key == "" || secret == "" || opts.Region == "" {
			return nil, errors.New("dynamo.NewClient: AWS_REGION and AWS credentials must be in the environment (as Lambda sets them)")
		}
		opts.Credentials = aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(key, secret, os.Getenv("AWS_SESSION_TOKEN")))
	}
	return dynamodb.New(opts), nil
}

// Table returns the table name.
func (s *Store) Table() string { return s.table }
