package icalbusy

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	ical "github.com/arran4/golang-ical"
	"github.com/teambition/rrule-go"
)

// Interval is a half-open span of busy time [Start, End), in UTC.
type Interval struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// Summary counts what Expand read.
type Summary struct {
	Events       int            `json:"events"`                 // VEVENT components read
	Instances    int            `json:"instances"`              // busy instances overlapping the window, before merging
	Skipped      map[string]int `json:"skipped,omitempty"`      // reason (Skip*) → components or instances not counted as busy
	GuessedZones int            `json:"guessedZones,omitempty"` // TZIDs nothing resolved: read in the owner's zone
}

// Reasons an event or instance is not busy, the keys of Summary.Skipped.
const (
	SkipTransparent = "transparent" // TRANSP:TRANSPARENT or X-MICROSOFT-CDO-BUSYSTATUS:FREE
	SkipCancelled   = "cancelled"   // STATUS:CANCELLED
	SkipDeclined    = "declined"    // the owner declined the invitation
	SkipEmpty       = "empty"       // zero or negative length
	SkipBadTime     = "bad-time"    // DTSTART missing or unreadable: the event is ignored
	SkipBadRule     = "bad-rule"    // RRULE unreadable or unsupported: DTSTART and RDATEs only
	SkipExcluded    = "excluded"    // an instance removed by EXDATE
)

// Limits bound the work one document may cause.
type Limits struct {
	MaxEvents    int // VEVENT components
	MaxInstances int // busy instances in the window
	MaxSteps     int // recurrence steps over the whole document
}

// DefaultLimits fit a busy person's calendar many times over and expand in well under a second.
var DefaultLimits = Limits{MaxEvents: 20000, MaxInstances: 50000, MaxSteps: 2_000_000}

// MaxWindow is the longest window Expand accepts.
const MaxWindow = 2 * 366 * 24 * time.Hour

// Errors Expand wraps; test with errors.Is. Their messages are plain words for the owner.
var (
	ErrMalformed  = errors.New("the calendar is not valid iCalendar")
	ErrTooComplex = errors.New("the calendar is too large or too complex to read")
)

// Option changes how Expand reads a document.
type Option func(*config)

type config struct {
	addresses map[string]bool
	limits    Limits
}

// WithAddresses names the owner's e-mail addresses ("a@b.example" or "mailto:a@b.example"):
// invitations one of them declined are not busy.
func WithAddresses(addrs ...string) Option {
	return func(c *config) {
		for _, a := range addrs {
			if a = normAddress(a); a != "" {
				c.addresses[a] = true
			}
		}
	}
}

// WithLimits replaces DefaultLimits; zero fields keep the default.
func WithLimits(l Limits) Option {
	return func(c *config) {
		if l.MaxEvents > 0 {
			c.limits.MaxEvents = l.MaxEvents
		}
		if l.MaxInstances > 0 {
			c.limits.MaxInstances = l.MaxInstances
		}
		if l.MaxSteps > 0 {
			c.limits.MaxSteps = l.MaxSteps
		}
	}
}

func normAddress(a string) string {
	a = strings.ToLower(strings.TrimSpace(a))
	a = strings.TrimPrefix(a, "mailto:")
	return a
}

// maxDepth bounds component nesting (VCALENDAR > VEVENT > VALARM is 3 deep).
const maxDepth = 8

// Expand reads an iCalendar document and answers the owner's busy time within [from, to): merged,
// sorted, clipped UTC intervals. owner is the zone of floating times and all-day events (nil:
// UTC). See the package doc for what counts as busy.
func Expand(data []byte, owner *time.Location, from, to time.Time, opts ...Option) (out []Interval, sum Summary, err error) {
	cfg := config{addresses: map[string]bool{}, limits: DefaultLimits}
	for _, o := range opts {
		o(&cfg)
	}
	if owner == nil {
		owner = time.UTC
	}
	if from.IsZero() || to.IsZero() || !from.Before(to) || to.Sub(from) > MaxWindow {
		return nil, Summary{}, fmt.Errorf("icalbusy: bad window %s..%s", from.UTC().Format(time.RFC3339), to.UTC().Format(time.RFC3339))
	}
	from, to = from.UTC(), to.UTC()
	defer func() {
		if r := recover(); r != nil { // the parser is third-party code: a panic is malformed input
			out, sum, err = nil, Summary{}, fmt.Errorf("%w (the parser failed)", ErrMalformed)
		}
	}()
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if err := prescan(data, cfg.limits); err != nil {
		return nil, Summary{}, err
	}
	cal, err := ical.ParseCalendarWithOptions(bytes.NewReader(data), ical.WithUnknownPropertyHandler(ical.AcceptUnknownPropertyHandler))
	if err != nil {
		return nil, Summary{}, fmt.Errorf("%w: %s", ErrMalformed, plainParseError(err))
	}
	x := &expander{cfg: cfg, owner: owner, from: from, to: to, zones: newZones(owner, cal, from, to)}
	x.sum.Skipped = map[string]int{}
	if err := x.run(cal); err != nil {
		return nil, Summary{}, err
	}
	x.sum.GuessedZones = 0
	for _, r := range x.zones.cache {
		if r.guessed {
			x.sum.GuessedZones++
		}
	}
	if len(x.sum.Skipped) == 0 {
		x.sum.Skipped = nil
	}
	return Merge(x.out), x.sum, nil
}

// plainParseError keeps the parser's message short and free of calendar content.
func plainParseError(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, ":"); i > 0 && strings.HasPrefix(msg, "parsing line") {
		return msg[:i]
	}
	if len(msg) > 80 {
		msg = msg[:80]
	}
	return msg
}

// prescan checks nesting depth and the number of events before the recursive parser runs. It
// unfolds lines as the parser does (a line starting with a space or tab continues the previous
// one), keeping only the first bytes of each logical line, which is all it needs.
func prescan(data []byte, lim Limits) error {
	if !bytes.Contains(data[:min(len(data), 1024)], []byte("BEGIN:VCALENDAR")) {
		return fmt.Errorf("%w: it does not start with BEGIN:VCALENDAR", ErrMalformed)
	}
	depth, events := 0, 0
	var logical []byte
	check := func() error {
		line := bytes.TrimSpace(logical)
		switch {
		case len(line) > 6 && bytes.EqualFold(line[:6], []byte("BEGIN:")):
			depth++
			if depth > maxDepth {
				return fmt.Errorf("%w: components nested deeper than %d", ErrMalformed, maxDepth)
			}
			if bytes.EqualFold(line[6:], []byte("VEVENT")) {
				events++
				if events > lim.MaxEvents {
					return fmt.Errorf("%w: more than %d events", ErrTooComplex, lim.MaxEvents)
				}
			}
		case len(line) > 4 && bytes.EqualFold(line[:4], []byte("END:")):
			depth--
		}
		return nil
	}
	for line := range bytes.Lines(data) {
		line = bytes.TrimRight(line, "\r\n")
		if len(line) > 0 && (line[0] == ' ' || line[0] == '\t') {
			if room := 32 - len(logical); room > 0 {
				logical = append(logical, line[1:min(len(line), 1+room)]...)
			}
			continue
		}
		if err := check(); err != nil {
			return err
		}
		logical = append(logical[:0], line[:min(len(line), 32)]...)
	}
	return check()
}

// Merge sorts intervals and joins overlapping and touching ones; empty intervals are dropped.
// The result is in UTC.
func Merge(in []Interval) []Interval {
	iv := make([]Interval, 0, len(in))
	for _, i := range in {
		if i.End.After(i.Start) {
			iv = append(iv, Interval{Start: i.Start.UTC(), End: i.End.UTC()})
		}
	}
	sort.Slice(iv, func(a, b int) bool { return iv[a].Start.Before(iv[b].Start) })
	out := iv[:0]
	for _, i := range iv {
		if n := len(out); n > 0 && !i.Start.After(out[n-1].End) {
			if i.End.After(out[n-1].End) {
				out[n-1].End = i.End
			}
			continue
		}
		out = append(out, i)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

type expander struct {
	cfg      config
	owner    *time.Location
	from, to time.Time
	zones    *zones
	sum      Summary
	out      []Interval
	steps    int
}

// when is a DTSTART-like value: an instant, its zone, and whether it is a DATE.
type when struct {
	t      time.Time // in loc
	loc    *time.Location
	date   bool
	period *time.Time // RDATE;VALUE=PERIOD end
}

type event struct {
	uid       string
	recurID   *when
	start     when
	end       *time.Time // DTEND in start's zone
	dur       *duration
	rule      string
	rdates    []when
	exdates   []when
	notBusy   string // a Skip* reason, or ""
	hasMaster bool
}

type duration struct {
	days  int
	exact time.Duration
}

func (x *expander) run(cal *ical.Calendar) error {
	var events []*event
	for _, c := range cal.Components {
		ve, ok := c.(*ical.VEvent)
		if !ok {
			continue
		}
		x.sum.Events++
		ev, reason := x.read(&ve.ComponentBase)
		if ev == nil {
			x.skip(reason)
			continue
		}
		events = append(events, ev)
	}
	// Overrides by UID and original start (Unix seconds).
	overridden := map[string]map[int64]bool{}
	masters := map[string]bool{}
	for _, ev := range events {
		if ev.recurID == nil {
			masters[ev.uid] = true
		}
	}
	for _, ev := range events {
		if ev.recurID != nil && masters[ev.uid] {
			if overridden[ev.uid] == nil {
				overridden[ev.uid] = map[int64]bool{}
			}
			overridden[ev.uid][ev.recurID.t.Unix()] = true
		}
	}
	for _, ev := range events {
		if ev.recurID != nil {
			// An override is one instance, with its own times and status.
			if err := x.emitSingle(ev); err != nil {
				return err
			}
			continue
		}
		if err := x.expandMaster(ev, overridden[ev.uid]); err != nil {
			return err
		}
	}
	return nil
}

func (x *expander) skip(reason string) {
	if reason != "" {
		x.sum.Skipped[reason]++
	}
}

// read extracts what busy time needs from a VEVENT; nil and a reason when it cannot be used.
func (x *expander) read(c *ical.ComponentBase) (*event, string) {
	ev := &event{}
	if p := getProp(c, "UID"); p != nil {
		ev.uid = strings.TrimSpace(p.Value)
	}
	p := getProp(c, "DTSTART")
	if p == nil {
		return nil, SkipBadTime
	}
	start, err := x.parseWhen(p, p.Value, nil)
	if err != nil {
		return nil, SkipBadTime
	}
	ev.start = start
	if p := getProp(c, "DTEND"); p != nil {
		end, err := x.parseWhen(p, p.Value, nil)
		if err != nil {
			return nil, SkipBadTime
		}
		if start.date && !end.date || !start.date && end.date {
			return nil, SkipBadTime
		}
		t := end.t
		ev.end = &t
	} else if p := getProp(c, "DURATION"); p != nil {
		d, err := parseDuration(p.Value)
		if err != nil {
			return nil, SkipBadTime
		}
		ev.dur = &d
	}
	if p := getProp(c, "RECURRENCE-ID"); p != nil {
		rid, err := x.parseWhen(p, p.Value, &start)
		if err != nil {
			return nil, SkipBadTime
		}
		ev.recurID = &rid
	}
	if p := getProp(c, "RRULE"); p != nil {
		ev.rule = strings.TrimSpace(p.Value)
	}
	for _, p := range getProps(c, "RDATE") {
		for _, v := range strings.Split(p.Value, ",") {
			if w, err := x.parseWhen(p, v, &start); err == nil {
				ev.rdates = append(ev.rdates, w)
			}
		}
	}
	for _, p := range getProps(c, "EXDATE") {
		for _, v := range strings.Split(p.Value, ",") {
			if w, err := x.parseWhen(p, v, &start); err == nil {
				ev.exdates = append(ev.exdates, w)
			}
		}
	}
	ev.notBusy = x.notBusy(c)
	return ev, ""
}

// notBusy answers why an event is not busy time, or "".
func (x *expander) notBusy(c *ical.ComponentBase) string {
	if p := getProp(c, "STATUS"); p != nil && strings.EqualFold(strings.TrimSpace(p.Value), "CANCELLED") {
		return SkipCancelled
	}
	// Outlook's "show as" is the truth where it is written: FREE and WORKINGELSEWHERE are free
	// time, BUSY, TENTATIVE and OOF are busy even when Exchange wrote TRANSP:TRANSPARENT (it
	// does for all-day events).
	if p := getProp(c, "X-MICROSOFT-CDO-BUSYSTATUS"); p != nil {
		switch strings.ToUpper(strings.TrimSpace(p.Value)) {
		case "FREE", "WORKINGELSEWHERE":
			return SkipTransparent
		case "BUSY", "TENTATIVE", "OOF":
			return x.declined(c)
		}
	}
	if p := getProp(c, "TRANSP"); p != nil && strings.EqualFold(strings.TrimSpace(p.Value), "TRANSPARENT") {
		return SkipTransparent
	}
	return x.declined(c)
}

// declined answers SkipDeclined when one of the owner's addresses declined the event.
func (x *expander) declined(c *ical.ComponentBase) string {
	if len(x.cfg.addresses) > 0 {
		for _, a := range getProps(c, "ATTENDEE") {
			if !x.cfg.addresses[normAddress(a.Value)] {
				continue
			}
			if ps := param(a, "PARTSTAT"); len(ps) > 0 && strings.EqualFold(strings.TrimSpace(ps[0]), "DECLINED") {
				return SkipDeclined
			}
		}
	}
	return ""
}

// parseWhen reads a DATE, DATE-TIME or PERIOD value with the property's TZID and VALUE
// parameters. like, when given, is the DTSTART the value belongs to (RDATE, EXDATE,
// RECURRENCE-ID): a DATE-TIME without a zone of its own takes like's zone.
func (x *expander) parseWhen(p *ical.IANAProperty, v string, like *when) (when, error) {
	v = strings.TrimSpace(v)
	valueType := ""
	if vt := param(p, "VALUE"); len(vt) > 0 {
		valueType = strings.ToUpper(strings.TrimSpace(vt[0]))
	}
	if valueType == "PERIOD" || strings.Contains(v, "/") {
		a, b, ok := strings.Cut(v, "/")
		if !ok {
			return when{}, errors.New("bad period")
		}
		w, err := x.parseWhen(withoutValue(p), a, like)
		if err != nil || w.date {
			return when{}, errors.New("bad period")
		}
		var end time.Time
		if strings.HasPrefix(b, "P") || strings.HasPrefix(b, "+P") {
			d, err := parseDuration(b)
			if err != nil {
				return when{}, err
			}
			end = d.after(w.t)
		} else {
			e, err := x.parseWhen(withoutValue(p), b, like)
			if err != nil || e.date {
				return when{}, errors.New("bad period")
			}
			end = e.t
		}
		w.period = &end
		return w, nil
	}
	if valueType == "DATE" || len(v) == 8 && !strings.Contains(v, "T") {
		t, err := time.ParseInLocation("20060102", v, x.owner)
		if err != nil {
			return when{}, err
		}
		return when{t: t, loc: x.owner, date: true}, nil
	}
	if strings.HasSuffix(v, "Z") || strings.HasSuffix(v, "z") {
		t, err := time.Parse("20060102T150405", v[:len(v)-1])
		if err != nil {
			return when{}, err
		}
		return when{t: t, loc: time.UTC}, nil
	}
	loc := x.owner
	if tz := param(p, "TZID"); len(tz) > 0 && strings.TrimSpace(tz[0]) != "" {
		loc, _ = x.zones.resolve(tz[0])
	} else if like != nil && !like.date && like.loc != nil {
		loc = like.loc
	}
	t, err := time.ParseInLocation("20060102T150405", v, loc)
	if err != nil {
		return when{}, err
	}
	return when{t: t, loc: loc}, nil
}

func withoutValue(p *ical.IANAProperty) *ical.IANAProperty {
	q := *p
	q.ICalParameters = map[string][]string{}
	for k, v := range p.ICalParameters {
		if !strings.EqualFold(k, "VALUE") {
			q.ICalParameters[k] = v
		}
	}
	return &q
}

// parseDuration reads an RFC 5545 dur-value: [+-]P nW | P nD T nH nM nS.
func parseDuration(s string) (duration, error) {
	s = strings.TrimSpace(s)
	neg := false
	if strings.HasPrefix(s, "-") {
		neg, s = true, s[1:]
	} else {
		s = strings.TrimPrefix(s, "+")
	}
	if !strings.HasPrefix(s, "P") || len(s) < 3 || len(s) > 40 {
		return duration{}, errors.New("bad duration")
	}
	s = s[1:]
	var d duration
	inTime := false
	num := ""
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			num += string(c)
		case c == 'T':
			if inTime || num != "" {
				return duration{}, errors.New("bad duration")
			}
			inTime = true
		default:
			if num == "" {
				return duration{}, errors.New("bad duration")
			}
			n, err := strconv.Atoi(num)
			if err != nil || n > 100000 {
				return duration{}, errors.New("bad duration")
			}
			num = ""
			switch {
			case c == 'W' && !inTime:
				d.days += 7 * n
			case c == 'D' && !inTime:
				d.days += n
			case c == 'H' && inTime:
				d.exact += time.Duration(n) * time.Hour
			case c == 'M' && inTime:
				d.exact += time.Duration(n) * time.Minute
			case c == 'S' && inTime:
				d.exact += time.Duration(n) * time.Second
			default:
				return duration{}, errors.New("bad duration")
			}
		}
	}
	if num != "" {
		return duration{}, errors.New("bad duration")
	}
	if neg {
		d.days, d.exact = -d.days, -d.exact
	}
	return d, nil
}

// after adds the duration to t: days as calendar days in t's zone, the rest exactly.
func (d duration) after(t time.Time) time.Time {
	return t.AddDate(0, 0, d.days).Add(d.exact)
}

// endOf answers the end of the instance of ev that starts at s (in the event's zone).
func (x *expander) endOf(ev *event, s time.Time) time.Time {
	switch {
	case ev.end != nil && ev.start.date:
		days := civilDays(ev.start.t, *ev.end)
		return time.Date(s.Year(), s.Month(), s.Day()+days, 0, 0, 0, 0, x.owner)
	case ev.end != nil:
		return s.Add(ev.end.Sub(ev.start.t))
	case ev.dur != nil:
		return ev.dur.after(s)
	case ev.start.date:
		return time.Date(s.Year(), s.Month(), s.Day()+1, 0, 0, 0, 0, x.owner)
	default:
		return s
	}
}

// civilDays counts calendar days from a to b (both midnights in one zone).
func civilDays(a, b time.Time) int {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	da := time.Date(ay, am, ad, 0, 0, 0, 0, time.UTC)
	db := time.Date(by, bm, bd, 0, 0, 0, 0, time.UTC)
	return int(db.Sub(da).Hours() / 24)
}

// maxLen is an upper bound of the length of ev's instances, for starting rules near the window.
func (x *expander) maxLen(ev *event) time.Duration {
	d := x.endOf(ev, ev.start.t).Sub(ev.start.t)
	if d < 0 {
		d = 0
	}
	return d + 48*time.Hour
}

// emit records one instance [s, e) if it is busy and overlaps the window.
func (x *expander) emit(s, e time.Time, notBusy string) error {
	if !e.After(x.from) || !s.Before(x.to) {
		return nil
	}
	if notBusy != "" {
		x.skip(notBusy)
		return nil
	}
	if !e.After(s) {
		x.skip(SkipEmpty)
		return nil
	}
	if s.Before(x.from) {
		s = x.from
	}
	if e.After(x.to) {
		e = x.to
	}
	x.sum.Instances++
	if x.sum.Instances > x.cfg.limits.MaxInstances {
		return fmt.Errorf("%w: more than %d busy instances in the window", ErrTooComplex, x.cfg.limits.MaxInstances)
	}
	x.out = append(x.out, Interval{Start: s.UTC(), End: e.UTC()})
	return nil
}

// emitSingle records a RECURRENCE-ID override: one instance with its own times and status. A
// cancelled or free override removes its instance (counted even outside the window).
func (x *expander) emitSingle(ev *event) error {
	if ev.notBusy != "" {
		x.skip(ev.notBusy)
		return nil
	}
	return x.emit(ev.start.t, x.endOf(ev, ev.start.t), "")
}

func (x *expander) step() error {
	x.steps++
	if x.steps > x.cfg.limits.MaxSteps {
		return fmt.Errorf("%w: recurring events need more than %d steps", ErrTooComplex, x.cfg.limits.MaxSteps)
	}
	return nil
}

func (x *expander) expandMaster(ev *event, overridden map[int64]bool) error {
	if ev.notBusy != "" {
		x.skip(ev.notBusy)
		return nil
	}
	exAt := map[int64]bool{}
	exDay := map[[3]int]bool{}
	for _, w := range ev.exdates {
		if w.date && !ev.start.date {
			y, m, d := w.t.Date()
			exDay[[3]int{y, int(m), d}] = true
		} else {
			exAt[w.t.Unix()] = true
		}
	}
	seen := map[int64]bool{}
	one := func(s time.Time, end *time.Time) error {
		k := s.Unix()
		if seen[k] {
			return nil
		}
		seen[k] = true
		if overridden[k] {
			return nil
		}
		ls := s.In(ev.start.loc)
		y, m, d := ls.Date()
		if exAt[k] || exDay[[3]int{y, int(m), d}] {
			if s.Before(x.to) && x.endOf(ev, ls).After(x.from) {
				x.skip(SkipExcluded)
			}
			return nil
		}
		e := x.endOf(ev, ls)
		if end != nil {
			e = *end
		}
		return x.emit(s, e, "")
	}
	if err := one(ev.start.t, nil); err != nil {
		return err
	}
	for _, rd := range ev.rdates {
		if err := x.step(); err != nil {
			return err
		}
		t := rd.t
		if rd.date && !ev.start.date {
			// A DATE RDATE on a DATE-TIME event: that day at DTSTART's time of day.
			y, m, d := rd.t.Date()
			h, mi, sec := ev.start.t.Clock()
			t = time.Date(y, m, d, h, mi, sec, 0, ev.start.loc)
		}
		if err := one(t, rd.period); err != nil {
			return err
		}
	}
	if ev.rule == "" {
		return nil
	}
	next, ok, err := x.rule(ev)
	if err != nil {
		return err
	}
	if !ok {
		x.skip(SkipBadRule)
		return nil
	}
	for next != nil {
		if err := x.step(); err != nil {
			return err
		}
		t, ok := next()
		if !ok || !t.Before(x.to) {
			break
		}
		if err := one(t, nil); err != nil {
			return err
		}
	}
	return nil
}

// rule builds the iterator of ev's RRULE, started near the window when that cannot change the
// instances. ok is false for a rule that cannot be read or is not supported; a nil iterator
// with ok true means the rule has no instance in the window.
func (x *expander) rule(ev *event) (rrule.Next, bool, error) {
	opt, err := rrule.StrToROptionInLocation(strings.TrimPrefix(ev.rule, "RRULE:"), ev.start.loc)
	if err != nil {
		return nil, false, nil
	}
	if opt.Freq != rrule.YEARLY && opt.Freq != rrule.MONTHLY && opt.Freq != rrule.WEEKLY && opt.Freq != rrule.DAILY {
		return nil, false, nil
	}
	if opt.Interval > 1000 || opt.Count < 0 || opt.Interval < 0 {
		return nil, false, nil
	}
	if !opt.Until.IsZero() {
		if ev.start.date {
			// UNTIL as a DATE (or a UTC midnight written by some exporters) ends on that day.
			y, m, d := opt.Until.In(x.owner).Date()
			if opt.Until.Location() == time.UTC && opt.Until.Hour() == 0 && opt.Until.Minute() == 0 {
				y, m, d = opt.Until.Date()
			}
			opt.Until = time.Date(y, m, d, 0, 0, 0, 0, x.owner)
		}
		if opt.Until.Before(x.from.Add(-x.maxLen(ev))) {
			return nil, true, nil
		}
	}
	opt.Dtstart = ev.start.t
	if opt.Count == 0 {
		opt.Dtstart = x.fastForward(opt, ev)
	}
	if !x.satisfiable(*opt) {
		return nil, false, nil
	}
	if x.steps > x.cfg.limits.MaxSteps {
		return nil, false, fmt.Errorf("%w: recurring events need more than %d steps", ErrTooComplex, x.cfg.limits.MaxSteps)
	}
	r, err := rrule.NewRRule(*opt)
	if err != nil {
		return nil, false, nil
	}
	return r.Iterator(), true, nil
}

// fastForward moves a rule's start by whole periods to just before the window, keeping every
// part of the rule that rrule-go derives from DTSTART (weekday, day of month, time of day).
func (x *expander) fastForward(opt *rrule.ROption, ev *event) time.Time {
	start := ev.start.t
	target := x.from.Add(-x.maxLen(ev))
	if !start.Before(target) {
		return start
	}
	n := max(opt.Interval, 1)
	days := target.Sub(start).Hours() / 24
	var next func(k int) time.Time
	var k int
	switch opt.Freq {
	case rrule.DAILY:
		k = int(days) / n
		next = func(k int) time.Time { return start.AddDate(0, 0, k*n) }
	case rrule.WEEKLY:
		k = int(days) / (7 * n)
		next = func(k int) time.Time { return start.AddDate(0, 0, 7*k*n) }
	case rrule.MONTHLY:
		if start.Day() > 28 {
			return start
		}
		k = int(days/31) / n
		next = func(k int) time.Time { return start.AddDate(0, k*n, 0) }
	case rrule.YEARLY:
		if start.Month() == time.February && start.Day() == 29 {
			return start
		}
		k = int(days/366) / n
		next = func(k int) time.Time { return start.AddDate(k*n, 0, 0) }
	default:
		return start
	}
	for ; k > 0; k-- {
		t := next(k)
		if t.Hour() == start.Hour() && t.Minute() == start.Minute() && t.Second() == start.Second() {
			return t
		}
	}
	return start
}

// satisfiable reports whether a rule has any instance at all, without letting rrule-go iterate
// to the year 9999 for a rule that never matches (it would do so inside a single call). The
// Gregorian calendar repeats every 400 years, so a copy of the rule started 400·INTERVAL years
// later, close to rrule-go's last year, shows the same pattern within a bounded number of steps.
func (x *expander) satisfiable(opt rrule.ROption) bool {
	span := 400 * max(opt.Interval, 1)
	y := opt.Dtstart.Year()
	if y+span > rrule.MAXYEAR-span {
		// Too far out to probe; such a rule is cheap only if it is coarse.
		return opt.Freq <= rrule.MONTHLY
	}
	m := (rrule.MAXYEAR - span - y) / span
	probe := opt
	probe.Dtstart = opt.Dtstart.AddDate(m*span, 0, 0)
	probe.Count, probe.Until = 0, time.Time{}
	r, err := rrule.NewRRule(probe)
	if err != nil {
		return false
	}
	// A failing probe iterates up to 2·span years; charge for it.
	switch opt.Freq {
	case rrule.DAILY:
		x.steps += 2 * 400 * 366
	case rrule.WEEKLY:
		x.steps += 2 * 400 * 53
	default:
		x.steps += 2 * 400 * 12
	}
	_, ok := r.Iterator()()
	if ok {
		switch opt.Freq { // refund: it matched quickly
		case rrule.DAILY:
			x.steps -= 2 * 400 * 366
		case rrule.WEEKLY:
			x.steps -= 2 * 400 * 53
		default:
			x.steps -= 2 * 400 * 12
		}
	}
	return ok
}

// getProp answers a component's first property of that name (names are case-insensitive).
func getProp(c *ical.ComponentBase, name string) *ical.IANAProperty {
	for i := range c.Properties {
		if strings.EqualFold(c.Properties[i].IANAToken, name) {
			return &c.Properties[i]
		}
	}
	return nil
}

// getProps answers all of a component's properties of that name.
func getProps(c *ical.ComponentBase, name string) []*ical.IANAProperty {
	var out []*ical.IANAProperty
	for i := range c.Properties {
		if strings.EqualFold(c.Properties[i].IANAToken, name) {
			out = append(out, &c.Properties[i])
		}
	}
	return out
}

// param answers a property parameter's values (names are case-insensitive).
func param(p *ical.IANAProperty, name string) []string {
	if v, ok := p.ICalParameters[name]; ok {
		return v
	}
	for k, v := range p.ICalParameters {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return nil
}
