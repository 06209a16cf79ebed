package dynamo

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/tandemhq/tandem/internal/tandem"
	"golang.org/x/sync/errgroup"
)

// Notifications (internal/notify) live in the recipient's inbox partition, newest first:
//
//	ORG#o#USER#u#NOTIFS / NOTIF#<id>      the notification (in-app) and its e-mail outbox state
//	ORG#o#USER#u / COUNT#UNREAD           the unread count (one GetItem for the bell)
//	ORG#o#USER#u / NOTIFSETTINGS          e-mail preferences and reminder lead times
//
// A notification id is deterministic per (event, recipient) and starts with the event's time
// (fixed width), so its sort key orders the inbox and a redelivered stream record puts the
// same key: the put is conditioned on attribute_not_exists, and the unread count is added in
// the same transaction, so each notification exists and is counted once.
//
// The e-mail channel is a state machine on the item (attribute mail), every step a
// conditional write on the state and attempt read:
//
//	pending ─claim─► sending(lease, attempt) ─► sent
//	                    │  └─(lease passes: the sender died)─► pending (attempt+1)
//	                    └─► retrying(nextAttemptAt) ─(due)─► pending (attempt+1) … ─► dead
//
// Each change to pending is a stream record the sender (NotificationsFunction) acts on; the
// scheduler moves retrying and stale sending items back to pending from due entries.

// Mail states of a notification's e-mail.
const (
	MailNone     = ""         // no e-mail (switched off, or no address)
	MailPending  = "pending"  // to be sent
	MailSending  = "sending"  // claimed by a sender until leaseUntil
	MailSent     = "sent"     // SES accepted it
	MailRetrying = "retrying" // the last attempt failed; retried at nextAttemptAt
	MailDead     = "dead"     // given up (permanent failure or past the retry limit)
)

// Notification is one inbox entry and its e-mail outbox state.
type Notification struct {
	ID        string
	Org       string
	UserID    string
	Kind      string
	Title     string
	Body      string
	Path      string
	CreatedAt time.Time
	ReadAt    time.Time
	// Email is the e-mail to send, as its sender encoded it (internal/notify); "" for none.
	Email         string
	Mail          string // Mail* state
	Attempt       int
	LeaseUntil    time.Time
	NextAttemptAt time.Time
	LastError     string
	MessageID     string
	SentAt        time.Time
}

type notificationItem struct {
	PK            string   `dynamodbav:"PK"`
	SK            string   `dynamodbav:"SK"`
	Type          itemType `dynamodbav:"type"`
	ID            string   `dynamodbav:"id"`
	Org           string   `dynamodbav:"org"`
	UserID        string   `dynamodbav:"userId"`
	Kind          string   `dynamodbav:"kind"`
	Title         string   `dynamodbav:"title"`
	Body          string   `dynamodbav:"body"`
	Path          string   `dynamodbav:"path"`
	CreatedAt     string   `dynamodbav:"createdAt"`
	ReadAt        string   `dynamodbav:"readAt,omitempty"`
	Email         string   `dynamodbav:"email,omitempty"`
	Mail          string   `dynamodbav:"mail,omitempty"`
	Attempt       int      `dynamodbav:"attempt"`
	LeaseUntil    string   `dynamodbav:"leaseUntil,omitempty"`
	NextAttemptAt string   `dynamodbav:"nextAttemptAt,omitempty"`
	LastError     string   `dynamodbav:"lastError,omitempty"`
	MessageID     string   `dynamodbav:"messageId,omitempty"`
	SentAt        string   `dynamodbav:"sentAt,omitempty"`
	ExpiresAt     int64    `dynamodbav:"expiresAt,omitempty"`
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func parseOptRFC3339(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, _ := time.Parse(time.RFC3339, s)
	return t
}

func toNotificationItem(n *Notification) notificationItem {
	return notificationItem{PK: notifPK(n.Org, n.UserID), SK: notifSK(n.ID), Type: typeNotification,
		ID: n.ID, Org: n.Org, UserID: n.UserID, Kind: n.Kind, Title: n.Title, Body: n.Body, Path: n.Path,
		CreatedAt: fmtTime(n.CreatedAt), ReadAt: fmtTime(n.ReadAt), Email: n.Email, Mail: n.Mail, Attempt: n.Attempt,
		LeaseUntil: fmtTime(n.LeaseUntil), NextAttemptAt: fmtTime(n.NextAttemptAt), LastError: n.LastError,
		MessageID: n.MessageID, SentAt: fmtTime(n.SentAt)}
}

func fromNotificationItem(it *notificationItem) (*Notification, error) {
	created, err := parseStoredTime("notification createdAt", it.CreatedAt)
	if err != nil {
		return nil, err
	}
	return &Notification{ID: it.ID, Org: it.Org, UserID: it.UserID, Kind: it.Kind, Title: it.Title, Body: it.Body,
		Path: it.Path, CreatedAt: created, ReadAt: parseOptRFC3339(it.ReadAt), Email: it.Email, Mail: it.Mail,
		Attempt: it.Attempt, LeaseUntil: parseOptRFC3339(it.LeaseUntil), NextAttemptAt: parseOptRFC3339(it.NextAttemptAt),
		LastError: it.LastError, MessageID: it.MessageID, SentAt: parseOptRFC3339(it.SentAt)}, nil
}

// readKeep is how long a notification stays in the inbox once read (TTL); unread ones stay.
const readKeep = 180 * 24 * time.Hour

// PutNotification creates the notification once: its put is conditioned on
// attribute_not_exists and the unread count goes up in the same transaction. created is
// false when it existed (a redelivered record): nothing changes then.
func (s *Store) PutNotification(ctx context.Context, n *Notification) (created bool, err error) {
	defer tandem.Wrap(&err, "Store.PutNotification(%q)", n.ID)
	tx := newTx(s.table)
	if err := tx.put(kindNotification, toNotificationItem(n), "attribute_not_exists(PK)", nil); err != nil {
		return false, err
	}
	tx.update(kindUnread, userPK(n.Org, n.UserID), skUnread, "SET #t = :type ADD n :one", "",
		map[string]string{"#t": "type"}, map[string]types.AttributeValue{":one": num(1), ":type": strAttr(string(typeCounter))})
	failed, err := s.commit(ctx, tx, "")
	if failed != nil && failed.kind == kindNotification {
		return false, nil
	}
	return err == nil, err
}

// GetNotification reads one notification (consistent). Errors: not_found.
func (s *Store) GetNotification(ctx context.Context, org, userID, id string) (_ *Notification, err error) {
	defer tandem.Wrap(&err, "Store.GetNotification(%q)", id)
	it, err := getFound[notificationItem](ctx, s, pkSK(notifPK(org, userID), notifSK(id)), true, "No notification with this id.")
	if err != nil {
		return nil, err
	}
	return fromNotificationItem(it)
}

// NotificationPage is one page of an inbox, newest first.
type NotificationPage struct {
	Items  []*Notification
	Cursor string
	Unread int
}

// ListNotifications pages the user's inbox newest first (one Query; unreadOnly filters read
// ones out, so a page may be short while Cursor is set) and reads the unread count in
// parallel.
func (s *Store) ListNotifications(ctx context.Context, org, userID, cursor string, unreadOnly bool, limit int) (_ *NotificationPage, err error) {
	defer tandem.Wrap(&err, "Store.ListNotifications")
	partition := notifPK(org, userID)
	name := "notifications"
	if unreadOnly {
		name = "notifications/unread"
	}
	l := listing{name: name, org: org, pkName: "PK", skName: "SK", partition: partition}
	start, err := l.decode(ctx, cursor)
	if err != nil {
		return nil, err
	}
	in := &dynamodb.QueryInput{TableName: &s.table,
		KeyConditionExpression:    aws.String("PK = :p AND begins_with(SK, :n)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": strAttr(partition), ":n": strAttr(prefixNotif)},
		ScanIndexForward:          aws.Bool(false), ExclusiveStartKey: start, Limit: aws.Int32(int32(limit))}
	if unreadOnly {
		in.FilterExpression = aws.String("attribute_not_exists(readAt)")
	}
	var page NotificationPage
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		out, err := s.client.Query(gctx, in)
		if err != nil {
			return translate(err, "")
		}
		page.Items, err = fromItems(out.Items, fromNotificationItem)
		page.Cursor = l.encode(ctx, out.LastEvaluatedKey)
		return err
	})
	g.Go(func() error {
		n, err := s.UnreadCount(gctx, org, userID)
		page.Unread = n
		return err
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return &page, nil
}

type unreadItem struct {
	N int `dynamodbav:"n"`
}

// UnreadCount is the user's number of unread notifications (one GetItem).
func (s *Store) UnreadCount(ctx context.Context, org, userID string) (_ int, err error) {
	defer tandem.Wrap(&err, "Store.UnreadCount")
	it, err := getItem[unreadItem](ctx, s, pkSK(userPK(org, userID), skUnread), false)
	if err != nil || it == nil {
		return 0, err
	}
	return max(it.N, 0), nil
}

// MarkNotificationsRead marks the notifications read and takes them off the unread count, in
// transactions of up to 50; already read ones are left alone. Errors: not_found (one id
// names no notification of the user).
func (s *Store) MarkNotificationsRead(ctx context.Context, org, userID string, ids []string) (err error) {
	defer tandem.Wrap(&err, "Store.MarkNotificationsRead")
	now := s.now().UTC().Truncate(time.Second)
	for len(ids) > 0 {
		chunk := ids[:min(50, len(ids))]
		ids = ids[len(chunk):]
		for {
			tx := newTx(s.table)
			for _, id := range chunk {
				tx.update(kindNotificationRead, notifPK(org, userID), notifSK(id), "SET readAt = :at, expiresAt = :exp",
					"attribute_exists(PK) AND attribute_not_exists(readAt)", nil,
					map[string]types.AttributeValue{":at": strAttr(fmtTime(now)), ":exp": num(now.Add(readKeep).Unix())})
			}
			tx.update(kindUnread, userPK(org, userID), skUnread, "ADD n :minus", "", nil,
				map[string]types.AttributeValue{":minus": num(-int64(len(chunk)))})
			failed, err := s.commit(ctx, tx, "")
			if failed == nil {
				if err != nil {
					return err
				}
				break
			}
			if failed.kind != kindNotificationRead {
				return err
			}
			var it notificationItem
			if len(failed.old) == 0 || attributevalue.UnmarshalMap(failed.old, &it) != nil {
				return tandem.Errorf(tandem.ENotFound, "No notification with this id.")
			}
			chunk = slices.DeleteFunc(chunk, func(id string) bool { return id == it.ID }) // read meanwhile
			if len(chunk) == 0 {
				break
			}
		}
	}
	return nil
}

// UnreadNotificationIDs lists the ids of the user's unread notifications (a Query with a
// filter, read-all's input), at most max.
func (s *Store) UnreadNotificationIDs(ctx context.Context, org, userID string, max int) (_ []string, err error) {
	defer tandem.Wrap(&err, "Store.UnreadNotificationIDs")
	items, err := queryAll[notificationItem](ctx, s.client, &dynamodb.QueryInput{TableName: &s.table,
		KeyConditionExpression:    aws.String("PK = :p AND begins_with(SK, :n)"),
		FilterExpression:          aws.String("attribute_not_exists(readAt)"),
		ProjectionExpression:      aws.String("id"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": strAttr(notifPK(org, userID)), ":n": strAttr(prefixNotif)},
	}, max)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(items))
	for i := range items {
		ids[i] = items[i].ID
	}
	return ids, nil
}

// Mail outbox transitions. Each is one conditional write on the state (and attempt) read;
// ok is false when the condition failed: someone else moved it on, nothing changed.

// ClaimMail moves a pending e-mail of the given attempt to sending until lease, and writes a
// due entry at the lease's end in the same transaction, so that a sender that dies after
// claiming (or after sending, before recording it) is noticed by the scheduler.
func (s *Store) ClaimMail(ctx context.Context, n *Notification, lease time.Time) (ok bool, err error) {
	defer tandem.Wrap(&err, "Store.ClaimMail(%q)", n.ID)
	tx := newTx(s.table)
	tx.update(kindOutbox, notifPK(n.Org, n.UserID), notifSK(n.ID), "SET mail = :sending, leaseUntil = :lease",
		"mail = :pending AND attempt = :a", nil, map[string]types.AttributeValue{
			":sending": strAttr(MailSending), ":pending": strAttr(MailPending), ":a": num(int64(n.Attempt)), ":lease": strAttr(fmtTime(lease))})
	if err := tx.put(kindDue, mailDueItem(lease, n), "", nil); err != nil {
		return false, err
	}
	failed, err := s.commit(ctx, tx, "")
	if failed != nil && failed.kind == kindOutbox {
		return false, nil
	}
	return err == nil, err
}

// MailSent records that SES accepted the e-mail of the attempt claimed.
func (s *Store) MailSent(ctx context.Context, n *Notification, messageID string, at time.Time) (ok bool, err error) {
	defer tandem.Wrap(&err, "Store.MailSent(%q)", n.ID)
	return s.outboxUpdate(ctx, n, "SET mail = :sent, messageId = :mid, sentAt = :at REMOVE leaseUntil, nextAttemptAt",
		"mail = :sending AND attempt = :a", map[string]types.AttributeValue{
			":sent": strAttr(MailSent), ":sending": strAttr(MailSending), ":a": num(int64(n.Attempt)),
			":mid": strAttr(messageID), ":at": strAttr(fmtTime(at))})
}

// MailFailed records a failed attempt: retrying at next (with a due entry at that time, in
// the same transaction), or dead when next is zero.
func (s *Store) MailFailed(ctx context.Context, n *Notification, reason string, next time.Time) (ok bool, err error) {
	defer tandem.Wrap(&err, "Store.MailFailed(%q)", n.ID)
	if len(reason) > 500 {
		reason = reason[:500]
	}
	values := map[string]types.AttributeValue{":sending": strAttr(MailSending), ":a": num(int64(n.Attempt)), ":err": strAttr(reason)}
	if next.IsZero() {
		values[":dead"] = strAttr(MailDead)
		return s.outboxUpdate(ctx, n, "SET mail = :dead, lastError = :err REMOVE leaseUntil, nextAttemptAt", "mail = :sending AND attempt = :a", values)
	}
	values[":retrying"], values[":next"] = strAttr(MailRetrying), strAttr(fmtTime(next))
	tx := newTx(s.table)
	tx.update(kindOutbox, notifPK(n.Org, n.UserID), notifSK(n.ID), "SET mail = :retrying, lastError = :err, nextAttemptAt = :next REMOVE leaseUntil",
		"mail = :sending AND attempt = :a", nil, values)
	if err := tx.put(kindDue, mailDueItem(next, n), "", nil); err != nil {
		return false, err
	}
	failed, err := s.commit(ctx, tx, "")
	if failed != nil && failed.kind == kindOutbox {
		return false, nil
	}
	return err == nil, err
}

// RetryMail moves an e-mail of the given attempt back to pending with the next attempt
// number: one retrying whose time has come, or one whose sender's lease passed (it died
// between claiming and recording). The stream record of the change makes the sender try
// again. stale reports that it was a lapsed lease (the e-mail may have gone out already).
func (s *Store) RetryMail(ctx context.Context, org, userID, id string, attempt int, now time.Time) (ok, stale bool, err error) {
	defer tandem.Wrap(&err, "Store.RetryMail(%q)", id)
	values := map[string]types.AttributeValue{":pending": strAttr(MailPending), ":a": num(int64(attempt)), ":one": num(1),
		":retrying": strAttr(MailRetrying), ":sending": strAttr(MailSending), ":now": strAttr(fmtTime(now))}
	out, err := s.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &s.table, Key: pkSK(notifPK(org, userID), notifSK(id)),
		UpdateExpression: aws.String("SET mail = :pending, attempt = attempt + :one REMOVE leaseUntil, nextAttemptAt"),
		ConditionExpression: aws.String("attempt = :a AND ((mail = :retrying AND nextAttemptAt <= :now) OR " +
			"(mail = :sending AND leaseUntil <= :now))"),
		ExpressionAttributeValues: values, ReturnValues: types.ReturnValueUpdatedOld})
	if err != nil {
		if tandem.ErrorCode(translate(err, "")) == tandem.EConflict {
			return false, false, nil
		}
		return false, false, translate(err, "")
	}
	return true, str(out.Attributes["mail"]) == MailSending, nil
}

func (s *Store) outboxUpdate(ctx context.Context, n *Notification, expr, cond string, values map[string]types.AttributeValue) (bool, error) {
	_, err := s.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &s.table, Key: pkSK(notifPK(n.Org, n.UserID), notifSK(n.ID)),
		UpdateExpression: aws.String(expr), ConditionExpression: aws.String(cond), ExpressionAttributeValues: values})
	if err != nil {
		err = translate(err, "")
		if tandem.ErrorCode(err) == tandem.EConflict {
			return false, nil
		}
		return false, err
	}
	return true, nil
}

// Due entries of notifications: an e-mail to retry (or whose sender's lease ends), and a
// reminder before a session. Their sort keys end in the kind, as every due entry's does.

func mailDueItem(at time.Time, n *Notification) dueItem {
	return dueItem{PK: duePK(at), SK: orgPrefix(n.Org) + "NOTIF#" + n.UserID + "#" + n.ID + "#A" + strconv.Itoa(n.Attempt) + "#" + DueMail,
		Type: typeDue, Org: n.Org, BookingID: n.ID, UserID: n.UserID, Attempt: n.Attempt}
}

// Kinds of the notifications' due entries.
const (
	DueMail   = "MAIL"   // an e-mail to retry, or a sender's lease to check
	DueRemind = "REMIND" // a reminder before a session (BookingID: the booking, or a program for cohort sessions)
	DueLapse  = "LAPSE"  // an approval hold or a seat offer about to lapse
)

// Reminder is a due reminder: for the user, Lead before the session that started at Start
// when it was scheduled (a rescheduled session's old reminders name the old start).
type Reminder struct {
	Org       string
	BookingID string // a booking, or "program:<programId>" for a cohort session
	UserID    string
	Lead      time.Duration
	Start     time.Time
	Kind      string // DueRemind or DueLapse
}

// At is when the reminder is due.
func (r Reminder) At() time.Time { return r.Start.Add(-r.Lead) }

func remindDueItem(r Reminder) dueItem {
	return dueItem{PK: duePK(r.At()), SK: orgPrefix(r.Org) + "BOOKING#" + r.BookingID + "#U#" + r.UserID +
		"#L" + strconv.Itoa(int(r.Lead/time.Minute)) + "#S" + timeKey(r.Start) + "#" + r.Kind,
		Type: typeDue, Org: r.Org, BookingID: r.BookingID, UserID: r.UserID, Lead: int(r.Lead / time.Minute), Start: timeKey(r.Start)}
}

// ScheduleReminders writes the reminders' due entries (idempotent puts, 25 a call).
func (s *Store) ScheduleReminders(ctx context.Context, rs []Reminder) (err error) {
	defer tandem.Wrap(&err, "Store.ScheduleReminders")
	for len(rs) > 0 {
		chunk := rs[:min(25, len(rs))]
		rs = rs[len(chunk):]
		reqs := make([]types.WriteRequest, 0, len(chunk))
		for _, r := range chunk {
			av, err := attributevalue.MarshalMap(remindDueItem(r))
			if err != nil {
				return err
			}
			reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: av}})
		}
		for attempt := 0; len(reqs) > 0; attempt++ {
			out, err := s.client.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{s.table: reqs}})
			if err != nil {
				return translate(err, "")
			}
			reqs = out.UnprocessedItems[s.table]
			if len(reqs) > 0 {
				if attempt == 8 {
					return tandem.Errorf(tandem.ELimitExceeded, "The service is busy; please retry shortly.")
				}
				time.Sleep(time.Duration(10<<attempt) * time.Millisecond)
			}
		}
	}
	return nil
}

// ReminderOf reads a due entry of kind REMIND or LAPSE back as its reminder.
func ReminderOf(d Due) (Reminder, bool) {
	if d.Kind != DueRemind && d.Kind != DueLapse {
		return Reminder{}, false
	}
	start, err := time.Parse(keyTime, d.Start)
	if err != nil {
		return Reminder{}, false
	}
	return Reminder{Org: d.Org, BookingID: d.BookingID, UserID: d.UserID, Lead: time.Duration(d.Lead) * time.Minute, Start: start, Kind: d.Kind}, true
}

// ClearDueEntry deletes a due entry of the hour once it is done (one DeleteItem).
func (s *Store) ClearDueEntry(ctx context.Context, hour time.Time, d Due) (err error) {
	defer tandem.Wrap(&err, "Store.ClearDueEntry")
	sk := d.sk
	if sk == "" {
		sk = dueSK(d.Org, d.BookingID, d.Kind)
	}
	_, err = s.client.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &s.table, Key: pkSK(duePK(hour), sk)})
	return translate(err, "")
}

// Notification settings.

// NotificationSettings are a user's e-mail preferences. In-app notifications are always on.
type NotificationSettings struct {
	EmailOff bool     // no e-mail at all
	KindsOff []string // kinds not e-mailed
	// Leads are the reminder lead times in minutes; nil = the default, empty = no reminders.
	Leads []int
}

type notifSettingsItem struct {
	PK       string   `dynamodbav:"PK"`
	SK       string   `dynamodbav:"SK"`
	Type     itemType `dynamodbav:"type"`
	EmailOff bool     `dynamodbav:"emailOff"`
	KindsOff []string `dynamodbav:"kindsOff,stringset,omitempty"`
	Leads    []int    `dynamodbav:"leads"`
	LeadsSet bool     `dynamodbav:"leadsSet"`
}

// GetNotificationSettings reads the user's settings (one GetItem); defaults when none.
func (s *Store) GetNotificationSettings(ctx context.Context, org, userID string) (_ NotificationSettings, err error) {
	defer tandem.Wrap(&err, "Store.GetNotificationSettings")
	it, err := getItem[notifSettingsItem](ctx, s, pkSK(userPK(org, userID), skNotifSettings), true)
	if err != nil || it == nil {
		return NotificationSettings{}, err
	}
	out := NotificationSettings{EmailOff: it.EmailOff, KindsOff: it.KindsOff}
	if it.LeadsSet {
		out.Leads = append([]int{}, it.Leads...)
	}
	slices.Sort(out.KindsOff)
	return out, nil
}

// PutNotificationSettings replaces the user's settings (one PutItem).
func (s *Store) PutNotificationSettings(ctx context.Context, org, userID string, ns NotificationSettings) (err error) {
	defer tandem.Wrap(&err, "Store.PutNotificationSettings")
	it := notifSettingsItem{PK: userPK(org, userID), SK: skNotifSettings, Type: typeNotifSettings, EmailOff: ns.EmailOff,
		KindsOff: ns.KindsOff, Leads: ns.Leads, LeadsSet: ns.Leads != nil}
	if it.Leads == nil {
		it.Leads = []int{}
	}
	av, err := attributevalue.MarshalMap(it)
	if err != nil {
		return err
	}
	_, err = s.client.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.table, Item: av})
	return translate(err, "")
}

// UnsubscribeKind switches e-mail of one kind off for the user (one UpdateItem adding it to
// the set: repeating it changes nothing).
func (s *Store) UnsubscribeKind(ctx context.Context, org, userID, kind string) (err error) {
	defer tandem.Wrap(&err, "Store.UnsubscribeKind(%q)", kind)
	_, err = s.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &s.table, Key: pkSK(userPK(org, userID), skNotifSettings),
		UpdateExpression:          aws.String("SET #t = :type ADD kindsOff :k"),
		ExpressionAttributeNames:  map[string]string{"#t": "type"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":type": strAttr(string(typeNotifSettings)), ":k": &types.AttributeValueMemberSS{Value: []string{kind}}}})
	return translate(err, "")
}

// NotificationIDPrefix is the time part of a notification id: ids sort by their event's time.
func NotificationIDPrefix(at time.Time) string {
	return strings.NewReplacer("-", "", ":", "").Replace(timeKey(at))
}
