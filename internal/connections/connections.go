// Package connections is the use case of connected calendars: a user (an expert, or a learner
// who wants their own busy time hidden from the slots they see) connects an iCalendar
// subscription or a CalDAV calendar; Tandem syncs its busy time into the store every 10
// minutes (the scheduler) and on demand, and the slot engine treats it as busy
// (dynamo.SlotInputs.CalendarBusy). Confirmed sessions are written back into a CalDAV
// calendar that asks for it (writeback.go).
//
// Sources. Every kind reads busy time the same way: fetch (conditionally) → expand with
// internal/icalbusy in the owner's zone over the sync window → the store keeps exactly those
// ranges, writing only the difference. An ICS subscription is fetched with If-None-Match /
// If-Modified-Since (internal/calsource); a CalDAV calendar (internal/caldav) is asked its
// CTag first and read only when it changed. Google and Microsoft (free/busy over OAuth) are
// the next kinds behind the same Source interface (README).
//
// Health. A failure is stored on the connection in plain words (calsource.Message) with a
// backoff (10 min doubling to 4 h); after BrokenAfter consecutive failures the owner is told
// (notification calendar.broken, once per breakage) and the org's broken count, which HR sees, includes it. A failing source keeps
// blocking with its last known busy times for KeepStale after its first failure, then its
// ranges are dropped (the connection says so: busyKeptUntil).
//
// Secrets (the ICS URL, the CalDAV password) are sealed (Sealer) before they are stored, are
// never returned and never logged (obs.NoteSecret); the API shows only the host.
package connections

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/tandemhq/tandem/internal/caldav"
	"github.com/tandemhq/tandem/internal/calsource"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/icalbusy"
	"github.com/tandemhq/tandem/internal/notify"
	"github.com/tandemhq/tandem/internal/obs"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Kinds of connection.
const (
	KindICS    = "ics"
	KindCalDAV = "caldav"
)

// Timing and health rules.
const (
	SyncEvery   = 10 * time.Minute   // the scheduler's period for a healthy connection
	MaxBackoff  = 4 * time.Hour      // the longest wait after repeated failures
	BrokenAfter = 3                  // consecutive failures before the owner is told
	KeepStale   = 7 * 24 * time.Hour // a failing source keeps blocking this long after its first failure
	LookBack    = 24 * time.Hour     // the sync window starts this long before now
	Window      = 120 * 24 * time.Hour
	MaxPerUser  = 5
)

// Status of a connection as the API shows it.
const (
	StatusOK      = "ok"
	StatusError   = "error"
	StatusPending = "pending"
)

// Service syncs and manages connections.
type Service struct {
	Store  *dynamo.Store
	Sealer Sealer // nil: connections cannot be added (no key configured)
	// HTTP is the client for sources (calsource.NewClient: timeouts, size cap, and no
	// private addresses unless allowed); nil: calsource's defaults.
	HTTP *http.Client
	Now  func() time.Time
	Log  *slog.Logger
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func (s *Service) httpClient() *http.Client {
	if s.HTTP == nil {
		s.HTTP = calsource.NewClient(calsource.ClientOptions{})
	}
	return s.HTTP
}

func (s *Service) log() *slog.Logger {
	if s.Log == nil {
		return slog.Default()
	}
	return s.Log
}

// secret is the sealed document of a connection.
type secret struct {
	URL      string `json:"url"`
	Password string `json:"password,omitempty"`
}

func aad(c *dynamo.CalendarConnection) []byte {
	return []byte("tandem-calendar|" + c.OrgID + "|" + c.UserID + "|" + c.ID)
}

// NewInput is what a user gives to connect a calendar.
type NewInput struct {
	Kind      string `json:"kind"`
	Name      string `json:"name"`
	URL       string `json:"url"`
	Username  string `json:"username,omitempty"`
	Password  string `json:"password,omitempty"`
	WriteBack bool   `json:"writeBack,omitempty"`
}

// Validate checks the input and answers the normalized URL. Errors: invalid with fields.
func (in *NewInput) Validate() (string, error) {
	var v tandem.Validation
	v.Check(in.Kind == KindICS || in.Kind == KindCalDAV, "kind", `must be "ics" or "caldav"`)
	name := strings.TrimSpace(in.Name)
	v.Check(name != "" && len(name) <= 80, "name", "must be 1-80 characters")
	u, err := calsource.Normalize(strings.TrimSpace(in.URL))
	v.Check(err == nil && len(in.URL) <= 2000, "url", "must be an http(s) or webcal address without user or password in it")
	switch in.Kind {
	case KindCalDAV:
		v.Check(in.Username != "" && len(in.Username) <= 200, "username", "is required for CalDAV (at most 200 characters)")
		v.Check(in.Password != "" && len(in.Password) <= 500, "password", "is required for CalDAV (at most 500 characters)")
	case KindICS:
		v.Check(in.Username == "" && in.Password == "", "password", "is not used for an iCalendar subscription")
		v.Check(!in.WriteBack, "writeBack", "needs a CalDAV calendar (a subscription is read-only)")
	}
	return u, v.Err()
}

// Create connects a calendar for org/user and runs its first sync at once (its result is in
// the connection's status; a failing first sync still creates it). Errors: invalid,
// limit_exceeded (more than MaxPerUser), unprocessable (no key configured).
func (s *Service) Create(ctx context.Context, org, userID, id string, in NewInput) (*dynamo.CalendarConnection, error) {
	u, err := in.Validate()
	if err != nil {
		return nil, err // a refused value is no credential (and the body is never logged)
	}
	obs.NoteSecret(in.Password)
	obs.NoteSecret(in.URL)
	if s.Sealer == nil {
		return nil, tandem.Errorf(tandem.EUnprocessable, "Calendar connections are not enabled on this server (no encryption key is configured).")
	}
	now := s.now().UTC().Truncate(time.Second)
	c := &dynamo.CalendarConnection{OrgID: org, UserID: userID, ID: id, Kind: in.Kind, Name: strings.TrimSpace(in.Name),
		Host: calsource.Host(u), Username: in.Username, WriteBack: in.WriteBack, CreatedAt: now, NextSyncAt: now}
	doc, err := json.Marshal(secret{URL: u, Password: in.Password})
	if err != nil {
		return nil, err
	}
	if c.Sealed, err = s.Sealer.Seal(doc, aad(c)); err != nil {
		return nil, err
	}
	// The cap is a condition on the user's connection counter, in the same transaction as
	// the connection: racing adds never pass it.
	if err := s.Store.CreateCalendarConnection(ctx, c, MaxPerUser); err != nil {
		if tandem.ErrorCode(err) == tandem.ELimitExceeded {
			return nil, &tandem.Error{Code: tandem.ELimitExceeded, Message: fmt.Sprintf("You can connect at most %d calendars.", MaxPerUser),
				Detail: map[string]any{"limit": "calendars", "max": MaxPerUser}}
		}
		return nil, err
	}
	_, err = s.Sync(ctx, c)
	return c, err
}

// SyncResult says what a sync did.
type SyncResult struct {
	Unchanged bool // the source said nothing changed (304, same CTag): no range written
	Writes    dynamo.CalendarWrites
	Ranges    int
	Err       error // the source's failure (already recorded on the connection)
}

// Sync reads the source once and stores the outcome on c (at the version read): the busy
// ranges on success, the error, backoff and health on failure. It returns an error only when
// the store fails; a source's failure is in the result and on the connection.
func (s *Service) Sync(ctx context.Context, c *dynamo.CalendarConnection) (SyncResult, error) {
	now := s.now().UTC().Truncate(time.Second)
	ranges, unchanged, srcErr := s.read(ctx, c, now)
	c.LastAttemptAt = now
	var res SyncResult
	wasBroken := c.BrokenNotified
	if srcErr == nil {
		c.LastSyncAt, c.LastError, c.Failures, c.StaleSince = now, "", 0, time.Time{}
		c.NextSyncAt = now.Add(SyncEvery)
		c.BrokenNotified = false
		res.Unchanged = unchanged
		if unchanged {
			ranges = nil
		}
	} else {
		res.Err = srcErr
		c.Failures++
		c.LastError = plainError(srcErr)
		if c.StaleSince.IsZero() {
			c.StaleSince = now
		}
		c.NextSyncAt = now.Add(backoff(c.Failures))
		ranges = nil // keep blocking with the last known busy times...
		if !now.Before(c.StaleSince.Add(KeepStale)) && len(c.Ranges) > 0 {
			ranges = []dynamo.BusyRange{} // ...for KeepStale, then no longer
		}
	}
	w, err := s.Store.SaveCalendarSync(ctx, c, ranges)
	res.Writes, res.Ranges = w, len(c.Ranges)
	if err != nil {
		return res, err
	}
	if srcErr == nil {
		if err := s.RetryWriteBacks(ctx, c); err != nil {
			return res, err
		}
	}
	switch {
	case srcErr == nil && wasBroken:
		if err := s.Store.SetCalendarBroken(ctx, c.OrgID, c.UserID, c.ID, false); err != nil {
			return res, err
		}
	case srcErr != nil && c.Failures >= BrokenAfter && !c.BrokenNotified:
		if err := s.broken(ctx, c); err != nil {
			return res, err
		}
	}
	return res, nil
}

// broken records a connection as broken (HR's count), tells the owner and remembers that
// they were told, so it happens once per breakage.
func (s *Service) broken(ctx context.Context, c *dynamo.CalendarConnection) error {
	// HR counts experts: a learner's broken calendar only hides fewer slots from them.
	_, err := s.Store.GetExpert(ctx, c.OrgID, c.UserID)
	switch {
	case err == nil:
		if err := s.Store.SetCalendarBroken(ctx, c.OrgID, c.UserID, c.ID, true); err != nil {
			return err
		}
	case tandem.ErrorCode(err) != tandem.ENotFound:
		return err
	}
	s.log().WarnContext(ctx, "calendar connection broken", slog.String("org", c.OrgID), slog.String("user", c.UserID),
		slog.String("connection", c.ID), slog.Int("failures", c.Failures), slog.String("host", c.Host))
	if err := notify.Raise(ctx, s.Store, brokenNote(c)); err != nil {
		return err
	}
	c.BrokenNotified = true
	_, err = s.Store.SaveCalendarSync(ctx, c, nil)
	return err
}

// brokenNote tells the owner their calendar stopped syncing (notification kind
// calendar.broken): in the inbox and, unless they switched it off, by e-mail. Its event is
// the breakage (the connection and when it started failing), so it is raised once per
// breakage however often the sync is retried.
func brokenNote(c *dynamo.CalendarConnection) notify.Note {
	since := c.StaleSince
	if since.IsZero() {
		since = c.LastAttemptAt
	}
	lines := []string{
		fmt.Sprintf("Tandem could not read your calendar %q %d times in a row: %s", c.Name, c.Failures, c.LastError),
	}
	keep := BusyKeptUntil(c)
	if !keep.IsZero() {
		lines = append(lines, "The busy times it read last keep blocking your slots until the time below; after that they are "+
			"dropped. Check the calendar's address and password under Calendars.")
	}
	return notify.Note{Deadline: keep, Org: c.OrgID, UserID: c.UserID, Kind: notify.KindCalendarBroken,
		EventKey: "calendar.broken#" + c.ID + "#" + since.UTC().Format(time.RFC3339), At: since,
		Title: "Your calendar \"" + c.Name + "\" is not syncing", Lines: lines, Path: "/calendars"}
}

func backoff(failures int) time.Duration {
	d := SyncEvery
	for i := 1; i < failures && d < MaxBackoff; i++ {
		d *= 2
	}
	return min(d, MaxBackoff)
}

// plainError is the owner's text for a source failure.
func plainError(err error) string {
	switch {
	case errors.Is(err, icalbusy.ErrMalformed), errors.Is(err, icalbusy.ErrTooComplex):
		return sentence(err.Error())
	case errors.Is(err, errSecret):
		return "The stored credentials cannot be read; please remove this calendar and connect it again."
	}
	return sentence(calsource.Message(err))
}

// sentence capitalizes s and ends it with a full stop.
func sentence(s string) string {
	if s == "" {
		return "The calendar could not be read."
	}
	s = strings.ToUpper(s[:1]) + s[1:]
	if !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, ")") {
		s += "."
	}
	return s
}

var errSecret = errors.New("connections: secret")

// window is the span a sync stores busy time for, and the day that names it (a sync on a
// new day reads the source again even when it says nothing changed: the window moved).
func window(now time.Time) (from, to time.Time, day string) {
	from = now.Add(-LookBack).Truncate(time.Hour)
	return from, from.Add(Window), now.UTC().Format(time.DateOnly)
}

// read fetches and expands the source. unchanged: the source said nothing changed since the
// last sync in the same window day (ranges nil).
func (s *Service) read(ctx context.Context, c *dynamo.CalendarConnection, now time.Time) (_ []dynamo.BusyRange, unchanged bool, err error) {
	sec, err := s.open(c)
	if err != nil {
		return nil, false, err
	}
	loc, addrs, err := s.owner(ctx, c)
	if err != nil {
		return nil, false, err
	}
	from, to, day := window(now)
	sameDay := c.WindowDay == day && !c.LastSyncAt.IsZero()
	var ivs []icalbusy.Interval
	switch c.Kind {
	case KindICS:
		etag, lm := c.ETag, c.LastModified
		if !sameDay {
			etag, lm = "", ""
		}
		body, newETag, newLM, notModified, err := calsource.Fetch(ctx, s.httpClient(), sec.URL, etag, lm)
		if err != nil {
			return nil, false, err
		}
		if notModified {
			return nil, true, nil
		}
		if ivs, _, err = icalbusy.Expand(body, loc, from, to, icalbusy.WithAddresses(addrs...)); err != nil {
			return nil, false, err
		}
		c.ETag, c.LastModified = newETag, newLM
	case KindCalDAV:
		cl, err := caldav.New(s.httpClient(), sec.URL, c.Username, sec.Password)
		if err != nil {
			return nil, false, err
		}
		st, err := cl.State(ctx)
		if err != nil {
			return nil, false, err
		}
		if sameDay && st.CTag != "" && st.CTag == c.CTag {
			return nil, true, nil
		}
		objs, err := cl.Query(ctx, from, to)
		if err != nil {
			return nil, false, err
		}
		var docs [][]byte
		for _, o := range objs {
			if ownEvent(o.Data) {
				continue // a session Tandem wrote back: already busy in Tandem
			}
			docs = append(docs, o.Data)
		}
		// One set of work limits across all objects: a server answering with many objects
		// cannot multiply the expansion work.
		if ivs, _, err = icalbusy.ExpandAll(docs, loc, from, to, icalbusy.WithAddresses(addrs...)); err != nil {
			return nil, false, err
		}
		c.CTag = st.CTag
	default:
		return nil, false, fmt.Errorf("connections: unknown kind %q", c.Kind)
	}
	c.WindowDay = day
	c.Events = len(ivs)
	out := make([]dynamo.BusyRange, 0, len(ivs))
	for _, iv := range ivs {
		out = append(out, dynamo.BusyRange{Start: iv.Start.UTC().Truncate(time.Second), End: ceilSecond(iv.End.UTC())})
	}
	return out, false, nil
}

func ceilSecond(t time.Time) time.Time {
	if t.Truncate(time.Second).Equal(t) {
		return t
	}
	return t.Truncate(time.Second).Add(time.Second)
}

// ownEvent: the object is one of Tandem's written-back sessions (UID <booking>@tandem).
func ownEvent(data []byte) bool {
	for line := range bytes.Lines(data) {
		if v, ok := bytes.CutPrefix(bytes.TrimRight(line, "\r\n"), []byte("UID:")); ok && bytes.HasSuffix(v, []byte("@tandem")) {
			return true
		}
	}
	return false
}

// open unseals the connection's secret and notes it for the log check.
func (s *Service) open(c *dynamo.CalendarConnection) (secret, error) {
	var sec secret
	if s.Sealer == nil {
		return sec, fmt.Errorf("%w: no key configured", errSecret)
	}
	doc, err := s.Sealer.Open(c.Sealed, aad(c))
	if err != nil {
		return sec, fmt.Errorf("%w: %v", errSecret, err)
	}
	if err := json.Unmarshal(doc, &sec); err != nil {
		return sec, fmt.Errorf("%w: %v", errSecret, err)
	}
	obs.NoteSecret(sec.URL)
	obs.NoteSecret(sec.Password)
	return sec, nil
}

// owner is the zone all-day and floating events are read in (the expert's schedule zone,
// else the user's saved zone, else UTC) and the owner's addresses (declined invitations are
// not busy).
func (s *Service) owner(ctx context.Context, c *dynamo.CalendarConnection) (*time.Location, []string, error) {
	zone := ""
	var addrs []string
	u, err := s.Store.GetUser(ctx, c.OrgID, c.UserID)
	switch {
	case err == nil:
		zone = u.Timezone
		if u.Email != "" {
			addrs = append(addrs, u.Email)
		}
	case tandem.ErrorCode(err) != tandem.ENotFound:
		return nil, nil, err
	}
	if sch, err := s.Store.GetAvailability(ctx, c.OrgID, c.UserID); err == nil && sch.Timezone != "" {
		zone = sch.Timezone
	} else if err != nil && tandem.ErrorCode(err) != tandem.ENotFound {
		return nil, nil, err
	}
	loc := time.UTC
	if zone != "" {
		if l, err := tandem.LoadZone(zone); err == nil {
			loc = l
		}
	}
	return loc, addrs, nil
}

// SyncDue syncs up to limit connections whose next sync has come (the scheduler), 8 at a
// time; a connection changed meanwhile (conflict) or deleted (not_found) is skipped.
func (s *Service) SyncDue(ctx context.Context, limit int) (synced, failed int, err error) {
	due, err := s.Store.DueCalendarSyncs(ctx, s.now(), limit)
	if err != nil {
		return 0, 0, err
	}
	var (
		mu   sync.Mutex
		errs []error
		g    errgroup.Group
	)
	g.SetLimit(8)
	for _, d := range due {
		g.Go(func() error {
			ok, bad, err := s.syncOne(ctx, d)
			mu.Lock()
			defer mu.Unlock()
			synced, failed = synced+ok, failed+bad
			if err != nil {
				errs = append(errs, err)
			}
			return nil
		})
	}
	_ = g.Wait()
	return synced, failed, errors.Join(errs...)
}

func (s *Service) syncOne(ctx context.Context, d *dynamo.CalendarConnection) (synced, failed int, err error) {
	c, err := s.Store.GetCalendarConnection(ctx, d.OrgID, d.UserID, d.ID)
	switch {
	case tandem.ErrorCode(err) == tandem.ENotFound:
		return 0, 0, nil
	case err != nil:
		return 0, 0, err
	case c.NextSyncAt.After(s.now()):
		return 0, 0, nil // synced on demand since the index was read
	}
	res, err := s.Sync(ctx, c)
	switch {
	case tandem.ErrorCode(err) == tandem.EConflict:
		return 0, 0, nil
	case err != nil:
		return 0, 0, fmt.Errorf("calendar %s/%s/%s: %w", c.OrgID, c.UserID, c.ID, err)
	case res.Err != nil:
		return 0, 1, nil
	}
	return 1, 0, nil
}

// Status is the connection's state in one word.
func Status(c *dynamo.CalendarConnection) string {
	switch {
	case c.Failures > 0:
		return StatusError
	case c.LastSyncAt.IsZero():
		return StatusPending
	}
	return StatusOK
}

// BusyKeptUntil is until when a failing connection's last known busy times keep blocking
// (zero when it is not failing).
func BusyKeptUntil(c *dynamo.CalendarConnection) time.Time {
	if c.StaleSince.IsZero() {
		return time.Time{}
	}
	return c.StaleSince.Add(KeepStale)
}
