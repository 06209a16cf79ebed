package dynamo

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/tandemhq/tandem/internal/availability"
	"github.com/tandemhq/tandem/internal/tandem"
	"golang.org/x/sync/errgroup"
)

// Connected calendars (internal/connections owns the rules; this file stores them).
//
// A connection lives in its owner's user partition (SK CALCONN#id) and carries its sync state
// and the list of busy ranges the store holds for it. Each range is an item in the owner's
// busy partition (ORG#o#EXPERT#user, SK BUSY#start#CAL#conn#end), next to the busy entries
// of their bookings: the slot listing's and the booking check's one busy Query returns them
// with no extra call. Because the connection lists what is stored, a sync writes only the
// difference between the old and the new list, and an unchanged calendar writes no range.
// GSI1 (CALSYNC, nextSyncAt) lists connections due for a sync across orgs: no Scan.

// CalendarConnection is a user's connected calendar as stored.
type CalendarConnection struct {
	OrgID, UserID, ID string
	Kind              string // "ics" | "caldav"
	Name              string
	Host              string // the source's host, the only part of its address ever shown
	Username          string
	// Sealed is the encrypted secret material (the ICS URL, or the CalDAV URL and password):
	// opaque to the store, sealed and opened by internal/connections.
	Sealed    string
	WriteBack bool
	// Conditional-fetch state: the ICS response's validators, the CalDAV collection's ctag.
	ETag, LastModified, CTag string
	// WindowDay is the UTC day whose sync window the stored ranges cover.
	WindowDay     string
	CreatedAt     time.Time
	LastSyncAt    time.Time // last successful sync (zero: never)
	LastAttemptAt time.Time
	NextSyncAt    time.Time
	LastError     string // plain words, empty after a success
	Failures      int    // consecutive failures
	StaleSince    time.Time
	Events        int
	// Ranges are the busy ranges stored for it (sorted, "start|end" in key time).
	Ranges []string
	// BrokenNotified is set once the owner has been told the connection is failing.
	BrokenNotified bool
	Version        int64
}

// BusyRange is one busy interval of a connected calendar, UTC.
type BusyRange struct{ Start, End time.Time }

func (r BusyRange) key() string { return timeKey(r.Start) + "|" + timeKey(r.End) }

func parseRangeKey(k string) (BusyRange, error) {
	a, b, ok := strings.Cut(k, "|")
	if !ok {
		return BusyRange{}, errors.New("calendar range key " + k)
	}
	s, err := time.Parse(keyTime, a)
	if err != nil {
		return BusyRange{}, err
	}
	e, err := time.Parse(keyTime, b)
	if err != nil {
		return BusyRange{}, err
	}
	return BusyRange{Start: s, End: e}, nil
}

type calConnItem struct {
	PK             string   `dynamodbav:"PK"`
	SK             string   `dynamodbav:"SK"`
	Type           itemType `dynamodbav:"type"`
	GSI1PK         string   `dynamodbav:"GSI1PK"`
	GSI1SK         string   `dynamodbav:"GSI1SK"`
	Org            string   `dynamodbav:"org"`
	UserID         string   `dynamodbav:"userId"`
	ID             string   `dynamodbav:"id"`
	Kind           string   `dynamodbav:"kind"`
	Name           string   `dynamodbav:"name"`
	Host           string   `dynamodbav:"host"`
	Username       string   `dynamodbav:"username,omitempty"`
	Sealed         string   `dynamodbav:"sealed"`
	WriteBack      bool     `dynamodbav:"writeBack"`
	ETag           string   `dynamodbav:"etag,omitempty"`
	LastModified   string   `dynamodbav:"lastModified,omitempty"`
	CTag           string   `dynamodbav:"ctag,omitempty"`
	WindowDay      string   `dynamodbav:"windowDay,omitempty"`
	CreatedAt      string   `dynamodbav:"createdAt"`
	LastSyncAt     string   `dynamodbav:"lastSyncAt,omitempty"`
	LastAttemptAt  string   `dynamodbav:"lastAttemptAt,omitempty"`
	NextSyncAt     string   `dynamodbav:"nextSyncAt"`
	LastError      string   `dynamodbav:"lastError,omitempty"`
	Failures       int      `dynamodbav:"failures"`
	StaleSince     string   `dynamodbav:"staleSince,omitempty"`
	Events         int      `dynamodbav:"events"`
	Ranges         []string `dynamodbav:"ranges"`
	BrokenNotified bool     `dynamodbav:"brokenNotified,omitempty"`
	Version        int64    `dynamodbav:"version"`
}

func toCalConnItem(c *CalendarConnection) calConnItem {
	ranges := c.Ranges
	if ranges == nil {
		ranges = []string{}
	}
	return calConnItem{PK: userPK(c.OrgID, c.UserID), SK: calConnSK(c.ID), Type: typeCalConn,
		GSI1PK: calSyncGSI1PK, GSI1SK: calSyncGSI1SK(c.NextSyncAt, c.OrgID, c.UserID, c.ID),
		Org: c.OrgID, UserID: c.UserID, ID: c.ID, Kind: c.Kind, Name: c.Name, Host: c.Host, Username: c.Username,
		Sealed: c.Sealed, WriteBack: c.WriteBack, ETag: c.ETag, LastModified: c.LastModified, CTag: c.CTag,
		WindowDay: c.WindowDay, CreatedAt: timeKey(c.CreatedAt), LastSyncAt: optTime(c.LastSyncAt), LastAttemptAt: optTime(c.LastAttemptAt),
		NextSyncAt: timeKey(c.NextSyncAt), LastError: c.LastError, Failures: c.Failures, StaleSince: optTime(c.StaleSince),
		Events: c.Events, Ranges: ranges, BrokenNotified: c.BrokenNotified, Version: c.Version}
}

func (it *calConnItem) toDomain() *CalendarConnection {
	return &CalendarConnection{OrgID: it.Org, UserID: it.UserID, ID: it.ID, Kind: it.Kind, Name: it.Name, Host: it.Host,
		Username: it.Username, Sealed: it.Sealed, WriteBack: it.WriteBack, ETag: it.ETag, LastModified: it.LastModified,
		CTag: it.CTag, WindowDay: it.WindowDay, CreatedAt: parseOptTime(it.CreatedAt), LastSyncAt: parseOptTime(it.LastSyncAt),
		LastAttemptAt: parseOptTime(it.LastAttemptAt), NextSyncAt: parseOptTime(it.NextSyncAt), LastError: it.LastError,
		Failures: it.Failures, StaleSince: parseOptTime(it.StaleSince), Events: it.Events, Ranges: it.Ranges,
		BrokenNotified: it.BrokenNotified, Version: it.Version}
}

// calBusyItem is one busy range of a connected calendar, in its owner's busy partition.
type calBusyItem struct {
	PK           string   `dynamodbav:"PK"`
	SK           string   `dynamodbav:"SK"`
	Type         itemType `dynamodbav:"type"`
	ConnectionID string   `dynamodbav:"connectionId"`
	Start        string   `dynamodbav:"start"`
	End          string   `dynamodbav:"end"`
	ExpiresAt    int64    `dynamodbav:"expiresAt"`
}

func toCalBusyItem(org, userID, connID string, r BusyRange) calBusyItem {
	return calBusyItem{PK: expertPK(org, userID), SK: calBusySK(r.Start, connID, r.End), Type: typeCalBusy,
		ConnectionID: connID, Start: timeKey(r.Start), End: timeKey(r.End), ExpiresAt: r.End.Add(24 * time.Hour).Unix()}
}

// fromCalBusy is a calendar range as the slot engine sees it: it blocks time (whole lock
// cells, as bookings do) but never counts toward the per-day and per-week limits.
func fromCalBusy(it *busyItem) (availability.Busy, error) {
	start, err := parseStoredKeyTime("calendar busy start", it.Start)
	if err != nil {
		return availability.Busy{}, err
	}
	end, err := parseStoredKeyTime("calendar busy end", it.End)
	if err != nil {
		return availability.Busy{}, err
	}
	return availability.Busy{Start: start, End: end}, nil
}

// CreateCalendarConnection stores a new connection and its id on the user's connection
// counter in one transaction: the connection only if new, the counter only while it holds
// fewer than max ids, so racing adds never pass the cap. Errors: conflict (the id exists,
// or contention that outlasted the retries), limit_exceeded (Detail.limit = calendars).
func (s *Store) CreateCalendarConnection(ctx context.Context, c *CalendarConnection, max int) (err error) {
	defer tandem.Wrap(&err, "Store.CreateCalendarConnection")
	c.Version = 1
	tx := newTx(s.table)
	if err := tx.put(kindCalendar, toCalConnItem(c), "attribute_not_exists(PK)", nil); err != nil {
		return err
	}
	tx.update(kindCalendars, userPK(c.OrgID, c.UserID), skCalendars, "SET #t = :type ADD calendars :id",
		"attribute_not_exists(calendars) OR size(calendars) < :max", map[string]string{"#t": "type"},
		map[string]types.AttributeValue{":type": strAttr(string(typeCounter)), ":id": &types.AttributeValueMemberSS{Value: []string{c.ID}},
			":max": num(int64(max))})
	return s.commitCalendar(ctx, tx, "A calendar connection with this id exists.")
}

// commitCalendar commits a connection's transaction, waiting a little longer after each
// round of contention on the user's counter.
func (s *Store) commitCalendar(ctx context.Context, tx *txBuilder, exists string) error {
	for attempt := 0; ; attempt++ {
		failed, err := s.commit(ctx, tx, "")
		switch {
		case failed == nil && contended(err) && attempt < 10:
			if err := pause(ctx, attempt); err != nil {
				return err
			}
			continue
		case failed == nil:
			return err
		case failed.kind == kindCalendar && exists != "":
			return tandem.Errorf(tandem.EConflict, "%s", exists)
		}
		return explain(failed)
	}
}

// GetCalendarConnection reads one connection (consistent GetItem). Errors: not_found.
func (s *Store) GetCalendarConnection(ctx context.Context, org, userID, id string) (_ *CalendarConnection, err error) {
	defer tandem.Wrap(&err, "Store.GetCalendarConnection")
	it, err := getFound[calConnItem](ctx, s, pkSK(userPK(org, userID), calConnSK(id)), true, "No calendar connection with this id.")
	if err != nil {
		return nil, err
	}
	return it.toDomain(), nil
}

// ListCalendarConnections lists a user's connections, oldest id first (one Query).
func (s *Store) ListCalendarConnections(ctx context.Context, org, userID string) (_ []*CalendarConnection, err error) {
	defer tandem.Wrap(&err, "Store.ListCalendarConnections")
	items, err := queryAll[calConnItem](ctx, s.client, &dynamodb.QueryInput{
		TableName:              &s.table,
		ConsistentRead:         aws.Bool(true),
		KeyConditionExpression: aws.String("PK = :pk AND begins_with(SK, :p)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": strAttr(userPK(org, userID)), ":p": strAttr(prefixCalConn)},
	}, 0)
	if err != nil {
		return nil, err
	}
	out := make([]*CalendarConnection, 0, len(items))
	for i := range items {
		out = append(out, items[i].toDomain())
	}
	return out, nil
}

// CalendarWrites counts what a sync wrote: ranges put and deleted, and write calls.
type CalendarWrites struct {
	Put, Deleted, Calls int
}

// SaveCalendarSync stores a sync's outcome: when ranges is not nil, the connection's busy
// ranges become exactly ranges (only the difference with c.Ranges is written, 25 a
// BatchWriteItem call), then the connection is written at the version read (c.Version).
// Ranges nil keeps the stored ones (a failed or unchanged fetch). If the connection was
// changed or deleted meanwhile, the ranges written are reconciled with what is stored then
// and the result is conflict.
func (s *Store) SaveCalendarSync(ctx context.Context, c *CalendarConnection, ranges []BusyRange) (w CalendarWrites, err error) {
	defer tandem.Wrap(&err, "Store.SaveCalendarSync")
	old := c.Ranges
	var puts, dels []string
	if ranges != nil {
		next := rangeKeys(ranges)
		puts, dels = diffKeys(old, next)
		if w, err = s.writeRanges(ctx, c, puts, dels); err != nil {
			return w, err
		}
		c.Ranges = next
	}
	version := c.Version
	c.Version++
	av, err := attributevalue.MarshalMap(toCalConnItem(c))
	if err != nil {
		return w, err
	}
	_, err = s.client.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.table, Item: av,
		ConditionExpression:       aws.String("version = :v"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":v": &types.AttributeValueMemberN{Value: strconv.FormatInt(version, 10)}}})
	w.Calls++
	if err = translate(err, "The calendar connection changed during the sync."); err == nil {
		return w, nil
	}
	c.Version, c.Ranges = version, old
	if tandem.ErrorCode(err) != tandem.EConflict || (len(puts) == 0 && len(dels) == 0) {
		return w, err
	}
	// Someone else saved (or deleted) it first: make the stored ranges what the stored
	// connection says, undoing this sync's part.
	cur, gerr := getItem[calConnItem](ctx, s, pkSK(userPK(c.OrgID, c.UserID), calConnSK(c.ID)), true)
	if gerr != nil {
		return w, errors.Join(err, gerr)
	}
	var want []string
	if cur != nil {
		want = cur.Ranges
	}
	var undoPut, undoDel []string
	for _, k := range puts {
		if !slices.Contains(want, k) {
			undoDel = append(undoDel, k)
		}
	}
	for _, k := range dels {
		if slices.Contains(want, k) {
			undoPut = append(undoPut, k)
		}
	}
	if _, uerr := s.writeRanges(ctx, c, undoPut, undoDel); uerr != nil {
		return w, errors.Join(err, uerr)
	}
	return w, err
}

// DeleteCalendarConnection removes a connection (at the version read, with its id off the
// user's connection counter, in one transaction; a sync that saved meanwhile makes it read
// and try again) and then its busy ranges. Errors: not_found.
func (s *Store) DeleteCalendarConnection(ctx context.Context, org, userID, id string) (err error) {
	defer tandem.Wrap(&err, "Store.DeleteCalendarConnection")
	for attempt := 0; ; attempt++ {
		it, err := getItem[calConnItem](ctx, s, pkSK(userPK(org, userID), calConnSK(id)), true)
		if err != nil {
			return err
		}
		if it == nil {
			return tandem.Errorf(tandem.ENotFound, "No calendar connection with this id.")
		}
		tx := newTx(s.table)
		tx.delete(kindCalendar, it.PK, it.SK, "version = :v", map[string]types.AttributeValue{":v": num(it.Version)})
		tx.update(kindCalendars, userPK(org, userID), skCalendars, "SET #t = :type DELETE calendars :id", "", map[string]string{"#t": "type"},
			map[string]types.AttributeValue{":type": strAttr(string(typeCounter)), ":id": &types.AttributeValueMemberSS{Value: []string{id}}})
		err = s.commitCalendar(ctx, tx, "")
		if tandem.ErrorCode(err) == tandem.EConflict && attempt < 5 {
			continue // changed (synced) since read: read it again
		}
		if err != nil {
			return err
		}
		c := it.toDomain()
		_, err = s.writeRanges(ctx, c, nil, c.Ranges)
		return err
	}
}

// writeRanges puts and deletes c's ranges by key, 25 a BatchWriteItem call, retrying what
// DynamoDB leaves unprocessed.
func (s *Store) writeRanges(ctx context.Context, c *CalendarConnection, puts, dels []string) (CalendarWrites, error) {
	w := CalendarWrites{Put: len(puts), Deleted: len(dels)}
	reqs := make([]types.WriteRequest, 0, len(puts)+len(dels))
	for _, k := range puts {
		r, err := parseRangeKey(k)
		if err != nil {
			return w, err
		}
		av, err := attributevalue.MarshalMap(toCalBusyItem(c.OrgID, c.UserID, c.ID, r))
		if err != nil {
			return w, err
		}
		reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: av}})
	}
	for _, k := range dels {
		r, err := parseRangeKey(k)
		if err != nil {
			return w, err
		}
		reqs = append(reqs, types.WriteRequest{DeleteRequest: &types.DeleteRequest{
			Key: pkSK(expertPK(c.OrgID, c.UserID), calBusySK(r.Start, c.ID, r.End))}})
	}
	for len(reqs) > 0 {
		n := min(len(reqs), 25)
		batch := reqs[:n]
		reqs = reqs[n:]
		for attempt := 0; len(batch) > 0; attempt++ {
			if attempt > 0 {
				select {
				case <-ctx.Done():
					return w, ctx.Err()
				case <-time.After(time.Duration(attempt*attempt) * 20 * time.Millisecond):
				}
			}
			out, err := s.client.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{
				RequestItems: map[string][]types.WriteRequest{s.table: batch}})
			w.Calls++
			if err != nil {
				return w, translate(err, "")
			}
			batch = out.UnprocessedItems[s.table]
			if attempt > 8 && len(batch) > 0 {
				return w, tandem.Errorf(tandem.ELimitExceeded, "The service is busy; please retry shortly.")
			}
		}
	}
	return w, nil
}

func rangeKeys(ranges []BusyRange) []string {
	keys := make([]string, 0, len(ranges))
	for _, r := range ranges {
		keys = append(keys, r.key())
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

// diffKeys is what to put (in next, not in old) and delete (in old, not in next).
func diffKeys(old, next []string) (puts, dels []string) {
	o := make(map[string]bool, len(old))
	for _, k := range old {
		o[k] = true
	}
	n := make(map[string]bool, len(next))
	for _, k := range next {
		n[k] = true
		if !o[k] {
			puts = append(puts, k)
		}
	}
	for _, k := range old {
		if !n[k] {
			dels = append(dels, k)
		}
	}
	return puts, dels
}

// DueCalendarSyncs lists up to limit connections whose next sync is at or before now, the
// most overdue first (one Query on GSI1, eventually consistent: the sync itself writes at
// the version it reads).
func (s *Store) DueCalendarSyncs(ctx context.Context, now time.Time, limit int) (_ []*CalendarConnection, err error) {
	defer tandem.Wrap(&err, "Store.DueCalendarSyncs")
	items, err := queryAll[calConnItem](ctx, s.client, &dynamodb.QueryInput{
		TableName:              &s.table,
		IndexName:              aws.String("GSI1"),
		KeyConditionExpression: aws.String("GSI1PK = :pk AND GSI1SK <= :now"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": strAttr(calSyncGSI1PK), ":now": strAttr(timeKey(now) + "~")},
		Limit: aws.Int32(int32(limit)),
	}, limit)
	if err != nil {
		return nil, err
	}
	out := make([]*CalendarConnection, 0, len(items))
	for i := range items {
		out = append(out, items[i].toDomain())
	}
	return out, nil
}

// calHealthItem holds, per org, the connections currently broken ("user#connection").
type calHealthItem struct {
	PK     string   `dynamodbav:"PK"`
	SK     string   `dynamodbav:"SK"`
	Type   itemType `dynamodbav:"type"`
	Broken []string `dynamodbav:"broken,stringset,omitempty"`
}

// SetCalendarBroken records whether a connection is broken (UpdateItem ADD or DELETE on the
// org's set: idempotent).
func (s *Store) SetCalendarBroken(ctx context.Context, org, userID, connID string, broken bool) (err error) {
	defer tandem.Wrap(&err, "Store.SetCalendarBroken")
	op := "DELETE"
	if broken {
		op = "ADD"
	}
	_, err = s.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &s.table,
		Key:                       pkSK(calHealthPK(org), skCalHealth),
		UpdateExpression:          aws.String("SET #t = :t " + op + " broken :b"),
		ExpressionAttributeNames:  map[string]string{"#t": "type"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":t": strAttr(string(typeCalHealth)), ":b": &types.AttributeValueMemberSS{Value: []string{userID + "#" + connID}}}})
	return translate(err, "")
}

// CalendarBrokenUsers is how many users of the org have at least one broken connection
// (one GetItem).
func (s *Store) CalendarBrokenUsers(ctx context.Context, org string) (_ int, err error) {
	defer tandem.Wrap(&err, "Store.CalendarBrokenUsers")
	it, err := getItem[calHealthItem](ctx, s, pkSK(calHealthPK(org), skCalHealth), false)
	if err != nil || it == nil {
		return 0, err
	}
	users := map[string]bool{}
	for _, b := range it.Broken {
		u, _, _ := strings.Cut(b, "#")
		users[u] = true
	}
	return len(users), nil
}

// CalendarBusy returns the busy ranges of a user's connected calendars starting in
// [from-8d, to+8d) (one consistent Query on the user's busy partition, ranges only).
func (s *Store) CalendarBusy(ctx context.Context, org, userID string, from, to time.Time) (_ []availability.Busy, err error) {
	defer tandem.Wrap(&err, "Store.CalendarBusy")
	_, cal, _, err := s.busyAndCircles(ctx, org, userID, from, to, "")
	return cal, err
}

// LoadSlotInputsFor is LoadSlotInputs with the caller's own calendar ranges read in
// the same round trip (skipped when the caller is the expert).
func (s *Store) LoadSlotInputsFor(ctx context.Context, org, expertID, viewerID string, from, to time.Time) (*SlotInputs, error) {
	if viewerID == "" || viewerID == expertID {
		return s.LoadSlotInputs(ctx, org, expertID, from, to, "")
	}
	var (
		in     *SlotInputs
		viewer []availability.Busy
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { in, err = s.LoadSlotInputs(gctx, org, expertID, from, to, ""); return err })
	g.Go(func() (err error) { viewer, err = s.CalendarBusy(gctx, org, viewerID, from, to); return err })
	if err := g.Wait(); err != nil {
		return nil, err
	}
	in.ViewerBusy = viewer
	return in, nil
}

// CalendarToken is the user's outgoing feed token, "" when none (one consistent GetItem).
func (s *Store) CalendarToken(ctx context.Context, org, userID string) (_ string, err error) {
	defer tandem.Wrap(&err, "Store.CalendarToken")
	return s.userCalToken(ctx, org, userID)
}

// calWBItem is what a write-back calendar holds of one booking: the version written
// (Applied) and, after a failure, the version still owed (Pending, retried by the
// connection's next successful sync).
type calWBItem struct {
	PK        string   `dynamodbav:"PK"`
	SK        string   `dynamodbav:"SK"`
	Type      itemType `dynamodbav:"type"`
	Org       string   `dynamodbav:"org"`
	BookingID string   `dynamodbav:"bookingId"`
	Applied   int64    `dynamodbav:"applied"`
	Pending   int64    `dynamodbav:"pending,omitempty"`
	ExpiresAt int64    `dynamodbav:"expiresAt,omitempty"`
}

// WriteBackState is a write-back's state for one booking.
type WriteBackState struct {
	BookingID        string
	Applied, Pending int64
}

// GetWriteBack reads what connection c holds of a booking (consistent GetItem; zero when
// nothing).
func (s *Store) GetWriteBack(ctx context.Context, c *CalendarConnection, bookingID string) (_ WriteBackState, err error) {
	defer tandem.Wrap(&err, "Store.GetWriteBack")
	it, err := getItem[calWBItem](ctx, s, pkSK(userPK(c.OrgID, c.UserID), calWBSK(c.ID, bookingID)), true)
	if err != nil || it == nil {
		return WriteBackState{BookingID: bookingID}, err
	}
	return WriteBackState{BookingID: bookingID, Applied: it.Applied, Pending: it.Pending}, nil
}

// SetWriteBackApplied records that version v of the booking is in the calendar, only if no
// later version was recorded (UpdateItem; a stale one is a no-op, not an error). A pending
// version at or below v is cleared. expires: when the state may go (after the session).
func (s *Store) SetWriteBackApplied(ctx context.Context, c *CalendarConnection, bookingID string, v int64, expires time.Time) (err error) {
	defer tandem.Wrap(&err, "Store.SetWriteBackApplied")
	return s.setWriteBack(ctx, c, bookingID, v, expires, "applied = :v, expiresAt = :e REMOVE pending",
		"attribute_not_exists(applied) OR applied < :v")
}

// SetWriteBackPending records that version v of the booking is owed to the calendar (a write
// failed), unless it or a later one was already written.
func (s *Store) SetWriteBackPending(ctx context.Context, c *CalendarConnection, bookingID string, v int64, expires time.Time) (err error) {
	defer tandem.Wrap(&err, "Store.SetWriteBackPending")
	return s.setWriteBack(ctx, c, bookingID, v, expires, "pending = :v, expiresAt = :e",
		"(attribute_not_exists(applied) OR applied < :v) AND (attribute_not_exists(pending) OR pending < :v)")
}

// setWriteBack updates a write-back state item with set (after its identifying attributes)
// if cond holds; when it does not, a later version is already recorded: a no-op.
func (s *Store) setWriteBack(ctx context.Context, c *CalendarConnection, bookingID string, v int64, expires time.Time, set, cond string) error {
	_, err := s.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &s.table,
		Key:                      pkSK(userPK(c.OrgID, c.UserID), calWBSK(c.ID, bookingID)),
		UpdateExpression:         aws.String("SET #t = :t, org = :o, bookingId = :b, " + set),
		ConditionExpression:      aws.String(cond),
		ExpressionAttributeNames: map[string]string{"#t": "type"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":t": strAttr(string(typeCalWB)), ":o": strAttr(c.OrgID),
			":b": strAttr(bookingID), ":v": numAttr(v), ":e": numAttr(expires.Unix())}})
	if err = translate(err, ""); tandem.ErrorCode(err) == tandem.EConflict {
		return nil
	}
	return err
}

// PendingWriteBacks lists the bookings a connection still owes a write (one Query on its
// write-back states, filtered on pending).
func (s *Store) PendingWriteBacks(ctx context.Context, c *CalendarConnection) (_ []WriteBackState, err error) {
	defer tandem.Wrap(&err, "Store.PendingWriteBacks")
	items, err := queryAll[calWBItem](ctx, s.client, &dynamodb.QueryInput{
		TableName:              &s.table,
		ConsistentRead:         aws.Bool(true),
		KeyConditionExpression: aws.String("PK = :pk AND begins_with(SK, :p)"),
		FilterExpression:       aws.String("attribute_exists(pending)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": strAttr(userPK(c.OrgID, c.UserID)), ":p": strAttr(calWBSK(c.ID, ""))},
	}, 0)
	if err != nil {
		return nil, err
	}
	out := make([]WriteBackState, 0, len(items))
	for _, it := range items {
		out = append(out, WriteBackState{BookingID: it.BookingID, Applied: it.Applied, Pending: it.Pending})
	}
	return out, nil
}

func numAttr(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}
