package notify

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/tandemhq/tandem/internal/calendar"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/metrics"
	"github.com/tandemhq/tandem/internal/obs"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Sender sends one e-mail (internal/notify/mailsender adapts internal/mail's Mailer).
type Sender interface {
	// Send sends m once; id is the notification id (the Message-ID seed).
	Send(ctx context.Context, id string, m Message) (messageID string, err error)
	// Permanent reports that retrying err cannot help (a rejected address, bad content).
	Permanent(err error) bool
}

// Defaults of the sender's retry policy.
const (
	DefaultMaxAttempts = 8
	DefaultLease       = 2 * time.Minute
	DefaultBackoff     = time.Minute // doubled per attempt, at most MaxBackoff
	MaxBackoff         = time.Hour
	sendTimeout        = 20 * time.Second
)

// Consumer derives notifications from stream records and sends their e-mails.
type Consumer struct {
	Store *dynamo.Store
	// Sender sends e-mails; nil leaves them pending (a consumer that only derives).
	Sender Sender
	Now    func() time.Time
	Log    *slog.Logger
	// MaxAttempts is how many sends are tried before an e-mail is dead; 0: DefaultMaxAttempts.
	MaxAttempts int
	// Backoff is the wait after the first failure, doubled after each; 0: DefaultBackoff.
	Backoff time.Duration
	// Lease is how long a claimed e-mail is the sender's; 0: DefaultLease.
	Lease time.Duration

	// Breaker is how long sends are not tried after one failed for a reason retrying may fix
	// (0: DefaultBreaker, negative: never).
	Breaker time.Duration

	// openUntil: after a send failed for a reason retrying may fix, the sends of the next
	// Breaker (wall clock) are not tried but recorded as failed at once, so an SES outage
	// that answers slowly costs one timeout per breakerOpen, not one per record.
	openUntil time.Time
}

// DefaultBreaker is Consumer.Breaker's default.
const DefaultBreaker = 20 * time.Second

var errBreakerOpen = errors.New("not tried: SES failed moments ago")

func (c *Consumer) now() time.Time {
	if c.Now == nil {
		return time.Now().UTC()
	}
	return c.Now().UTC()
}

// Handler is NotificationsFunction's Lambda handler: records in order, the first failed one
// reported by its sequence number (as internal/streams' Handler: Lambda retries from it).
func (c *Consumer) Handler() func(context.Context, events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	c.Log = obs.Ensure(c.Log)
	return func(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
		var resp events.DynamoDBEventResponse
		for _, rec := range ev.Records {
			if err := c.Process(ctx, rec); err != nil {
				c.Log.ErrorContext(ctx, "notification record failed", slog.String("sequenceNumber", rec.Change.SequenceNumber),
					slog.String("eventId", rec.EventID), slog.String("error", err.Error()))
				resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: rec.Change.SequenceNumber})
				break
			}
		}
		return resp, nil
	}
}

// Process handles one stream record: a change that matters to people becomes notifications;
// a notification whose e-mail became pending is sent.
func (c *Consumer) Process(ctx context.Context, rec events.DynamoDBEventRecord) error {
	if mc, err := dynamo.DecodeMentorshipRecord(rec); err != nil || mc != nil {
		if err != nil {
			return err
		}
		return c.mentorship(ctx, mc)
	}
	ch, err := dynamo.DecodeStreamRecord(rec)
	if err != nil {
		return err
	}
	switch ch.Kind {
	case "booking":
		return c.booking(ctx, ch)
	case "offer":
		return c.offer(ctx, ch)
	case "cohortPlan":
		return c.cohortPublished(ctx, ch)
	case "notification":
		n, old := ch.NewNotification, ch.OldNotification
		if n == nil || n.Mail != dynamo.MailPending {
			return nil
		}
		if old != nil && old.Mail == dynamo.MailPending && old.Attempt == n.Attempt {
			return nil // another change to a pending entry (read, say): no new attempt
		}
		return c.deliver(ctx, n)
	}
	return nil
}

// note is one notification to create.
type note struct {
	org, userID string
	kind        string
	eventKey    string
	at          time.Time // the event's time
	path        string
	// name and address are used when the user has no record.
	name, address string
	// compose writes the title, the in-app body and the e-mail in the recipient's zone.
	compose func(zone *time.Location) (title, body string, msg Message)
}

// Publish creates the notification once (see the package doc), with its e-mail pending
// unless the recipient switched that kind off or has no address.
func publish(ctx context.Context, store *dynamo.Store, n note) error {
	to := Recipient{UserID: n.userID, Org: n.org, Name: n.name, Address: n.address, Zone: "UTC"}
	if u, err := store.GetUser(ctx, n.org, n.userID); err == nil {
		if u.Name != "" {
			to.Name = u.Name
		}
		if u.Email != "" {
			to.Address = u.Email
		}
		if u.Timezone != "" {
			to.Zone = u.Timezone
		}
	} else if tandem.ErrorCode(err) != tandem.ENotFound {
		return err
	}
	settings, err := store.GetNotificationSettings(ctx, n.org, n.userID)
	if err != nil {
		return err
	}
	zone, err := time.LoadLocation(to.Zone)
	if err != nil {
		to.Zone, zone = "UTC", time.UTC
	}
	title, body, msg := n.compose(zone)
	msg.Kind, msg.To, msg.Path = n.kind, to, n.path
	if msg.Subject == "" {
		msg.Subject = title
	}
	if body == "" && len(msg.Lines) > 0 {
		body = msg.Lines[0]
	}
	item := &dynamo.Notification{ID: NotificationID(n.at, n.eventKey, n.userID), Org: n.org, UserID: n.userID,
		Kind: n.kind, Title: title, Body: body, Path: n.path, CreatedAt: n.at.UTC().Truncate(time.Second)}
	if to.Address != "" && EmailWanted(settings, n.kind) {
		doc, err := json.Marshal(msg)
		if err != nil {
			return err
		}
		item.Email, item.Mail = string(doc), dynamo.MailPending
	}
	_, err = store.PutNotification(ctx, item)
	return err
}

// Note is a notification another package raises (e.g. calendar.broken by the calendar
// connections): created once per EventKey and user.
type Note struct {
	Org, UserID, Kind, EventKey string
	At                          time.Time
	Title                       string
	Lines                       []string
	Path                        string
	// Deadline, when set, is shown in the recipient's own zone ("respond by" in e-mail).
	Deadline time.Time
}

// Raise creates the notification of a Note once.
func Raise(ctx context.Context, store *dynamo.Store, n Note) error {
	return publish(ctx, store, note{org: n.Org, userID: n.UserID, kind: n.Kind, eventKey: n.EventKey, at: n.At, path: n.Path,
		compose: func(*time.Location) (string, string, Message) {
			return n.Title, "", Message{Lines: append([]string(nil), n.Lines...), Deadline: n.Deadline}
		}})
}

// deliver sends a pending e-mail once per attempt (see the package doc).
func (c *Consumer) deliver(ctx context.Context, n *dynamo.Notification) error {
	if c.Sender == nil {
		return nil
	}
	lease := c.Lease
	if lease <= 0 {
		lease = DefaultLease
	}
	now := c.now()
	ok, err := c.Store.ClaimMail(ctx, n, now.Add(lease))
	if err != nil || !ok {
		return err // !ok: claimed or moved on by someone else (a redelivered record)
	}
	n.Mail = dynamo.MailSending
	var m Message
	if err := json.Unmarshal([]byte(n.Email), &m); err != nil {
		_, ferr := c.Store.MailFailed(ctx, n, "stored e-mail unreadable: "+err.Error(), time.Time{})
		c.dead(ctx, n, err)
		return ferr
	}
	var mid string
	if time.Now().Before(c.openUntil) {
		err = errBreakerOpen
	} else {
		sctx, cancel := context.WithTimeout(ctx, sendTimeout)
		mid, err = c.Sender.Send(sctx, n.ID, m)
		cancel()
		if err != nil && !c.Sender.Permanent(err) {
			if b := c.Breaker; b >= 0 {
				c.openUntil = time.Now().Add(cmp.Or(b, DefaultBreaker))
			}
		}
	}
	if err == nil {
		if _, err := c.Store.MailSent(ctx, n, mid, c.now()); err != nil {
			// Sent but not recorded: the lease's due entry makes it pending again later (it
			// may then go out twice: see the package doc). Failing the record retries this.
			return fmt.Errorf("e-mail %s sent, recording it failed: %w", n.ID, err)
		}
		metrics.Put(ctx, []metrics.Dim{{Name: "Kind", Value: metrics.DimValue(n.Kind)}}, metrics.N("NotificationsSent", 1))
		return nil
	}
	max := c.MaxAttempts
	if max <= 0 {
		max = DefaultMaxAttempts
	}
	permanent := err != errBreakerOpen && c.Sender.Permanent(err)
	if permanent || n.Attempt+1 >= max {
		if _, ferr := c.Store.MailFailed(ctx, n, err.Error(), time.Time{}); ferr != nil {
			return ferr
		}
		c.dead(ctx, n, err)
		return nil
	}
	next := c.now().Add(backoff(c.Backoff, n.Attempt))
	if _, ferr := c.Store.MailFailed(ctx, n, err.Error(), next); ferr != nil {
		return ferr
	}
	metrics.Put(ctx, nil, metrics.N("NotificationSendFailures", 1))
	c.Log.WarnContext(ctx, "e-mail send failed; retried later", slog.String("notification", n.ID), slog.Int("attempt", n.Attempt),
		slog.Time("nextAttemptAt", next), slog.String("error", err.Error()))
	return nil
}

func (c *Consumer) dead(ctx context.Context, n *dynamo.Notification, err error) {
	metrics.Put(ctx, nil, metrics.N("NotificationsDeadLettered", 1))
	c.Log.ErrorContext(ctx, "e-mail dead-lettered (given up)", slog.String("notification", n.ID), slog.String("kind", n.Kind),
		slog.Int("attempt", n.Attempt), slog.String("error", err.Error()))
}

// backoff is the wait after failed attempt (0-based): base doubled per attempt, capped.
func backoff(base time.Duration, attempt int) time.Duration {
	if base <= 0 {
		base = DefaultBackoff
	}
	d := base << min(attempt, 20)
	if d > MaxBackoff || d <= 0 {
		d = MaxBackoff
	}
	return d
}

// RetryDue handles a due MAIL entry (the scheduler): an e-mail retrying whose time has come,
// or claimed by a sender whose lease passed, becomes pending again (its stream record makes
// NotificationsFunction send it). done is false when its time has not come yet (the entry
// stays for a later run).
func RetryDue(ctx context.Context, store *dynamo.Store, d dynamo.Due, now time.Time, log *slog.Logger) (done bool, err error) {
	n, err := store.GetNotification(ctx, d.Org, d.UserID, d.BookingID)
	if tandem.ErrorCode(err) == tandem.ENotFound {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	if n.Attempt != d.Attempt {
		return true, nil // moved on since
	}
	switch {
	case n.Mail == dynamo.MailRetrying && now.Before(n.NextAttemptAt), n.Mail == dynamo.MailSending && now.Before(n.LeaseUntil):
		return false, nil
	case n.Mail != dynamo.MailRetrying && n.Mail != dynamo.MailSending:
		return true, nil
	}
	ok, stale, err := store.RetryMail(ctx, d.Org, d.UserID, n.ID, n.Attempt, now)
	if err != nil {
		return false, err
	}
	if ok && stale {
		metrics.Put(ctx, nil, metrics.N("NotificationLeaseLapsed", 1))
		obs.Ensure(log).WarnContext(ctx, "e-mail sender's lease lapsed: sending again (it may have gone out already)",
			slog.String("notification", n.ID), slog.Int("attempt", n.Attempt))
	}
	return true, nil
}

func eventKey(parts ...string) string {
	k := ""
	for i, p := range parts {
		if i > 0 {
			k += "|"
		}
		k += p
	}
	return k
}

func bookingEvent(b *tandem.Booking, kind string) string {
	return eventKey("B", b.ID, "v"+strconv.FormatInt(b.Version, 10), kind)
}

// sessionSpan is the booking's time for Message.When.
func sessionSpan(b *tandem.Booking) *Span { return &Span{Start: b.Start, End: b.End} }

func invite(b *tandem.Booking, now time.Time) *calendar.Session {
	s := calendar.SessionOf(b, now)
	return &s
}
