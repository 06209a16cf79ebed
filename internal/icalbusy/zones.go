package icalbusy

import (
	"bytes"
	"encoding/binary"
	"math"
	"sort"
	"strings"
	"time"

	ical "github.com/arran4/golang-ical"
	"github.com/teambition/rrule-go"

	"github.com/tandemhq/tandem/internal/tandem"
)

// zones resolves TZID parameters for one document.
type zones struct {
	owner *time.Location
	vtz   map[string]*ical.VTimezone
	years [2]int // the years a VTIMEZONE's rules are computed for
	cache map[string]zoneResult
}

type zoneResult struct {
	loc     *time.Location
	guessed bool
}

func newZones(owner *time.Location, cal *ical.Calendar, from, to time.Time) *zones {
	z := &zones{owner: owner, vtz: map[string]*ical.VTimezone{}, cache: map[string]zoneResult{}}
	z.years = [2]int{from.UTC().Year() - 1, to.UTC().Year() + 1}
	for _, c := range cal.Components {
		if tz, ok := c.(*ical.VTimezone); ok {
			if p := getProp(&tz.ComponentBase, "TZID"); p != nil {
				z.vtz[strings.TrimSpace(p.Value)] = tz
			}
		}
	}
	return z
}

// resolve answers the zone a TZID names, and whether it had to be guessed (the owner's zone).
func (z *zones) resolve(tzid string) (*time.Location, bool) {
	tzid = strings.Trim(strings.TrimSpace(tzid), `"`)
	if r, ok := z.cache[tzid]; ok {
		return r.loc, r.guessed
	}
	r := z.lookup(tzid)
	z.cache[tzid] = r
	return r.loc, r.guessed
}

func (z *zones) lookup(tzid string) zoneResult {
	if loc := iana(tzid); loc != nil {
		return zoneResult{loc: loc}
	}
	if name, ok := windowsZones()[tzid]; ok {
		if loc := iana(name); loc != nil {
			return zoneResult{loc: loc}
		}
	}
	// "/mozilla.org/20050126_1/America/New_York", "/citadel.org/20190914_1/Europe/Paris": the
	// IANA name is the last two or three segments.
	if segs := strings.Split(strings.Trim(tzid, "/"), "/"); len(segs) > 2 {
		for n := 3; n >= 2; n-- {
			if len(segs) >= n {
				if loc := iana(strings.Join(segs[len(segs)-n:], "/")); loc != nil {
					return zoneResult{loc: loc}
				}
			}
		}
	}
	if tz, ok := z.vtz[tzid]; ok {
		if p := getProp(&tz.ComponentBase, "X-LIC-LOCATION"); p != nil {
			if loc := iana(strings.TrimSpace(p.Value)); loc != nil {
				return zoneResult{loc: loc}
			}
		}
		if loc := fromRules(tzid, tz, z.years); loc != nil {
			return zoneResult{loc: loc}
		}
	}
	return zoneResult{loc: z.owner, guessed: true}
}

// iana loads an IANA zone name, or nil. Names are checked first so that outside input never
// makes the runtime look up odd file names.
func iana(name string) *time.Location {
	if name == "" || len(name) > 64 || name == "Local" || strings.Contains(name, "..") {
		return nil
	}
	for _, c := range name {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.ContainsRune("/_-+", c)) {
			return nil
		}
	}
	loc, err := tandem.LoadZone(name)
	if err != nil {
		return nil
	}
	return loc
}

// observance is one STANDARD or DAYLIGHT part of a VTIMEZONE.
type observance struct {
	from, to int // UTC offsets in seconds
	dst      bool
	onsets   []time.Time // wall-clock times (as UTC) when it starts
}

type transition struct {
	at  int64 // Unix seconds
	off int
	dst bool
}

// fromRules builds a Location from a VTIMEZONE's STANDARD/DAYLIGHT rules for the given years
// (as TZif data, which time.LoadLocationFromTZData reads). Before the first transition the zone
// has the first observance's "from" offset, after the last one the last's "to" offset.
func fromRules(name string, tz *ical.VTimezone, years [2]int) *time.Location {
	var trs []transition
	for _, sub := range tz.Components {
		var cb *ical.ComponentBase
		dst := false
		switch s := sub.(type) {
		case *ical.Standard:
			cb = &s.ComponentBase
		case *ical.Daylight:
			cb, dst = &s.ComponentBase, true
		default:
			continue
		}
		from, ok1 := utcOffset(getProp(cb, "TZOFFSETFROM"))
		to, ok2 := utcOffset(getProp(cb, "TZOFFSETTO"))
		start := getProp(cb, "DTSTART")
		if !ok1 || !ok2 || start == nil {
			continue
		}
		wall, err := time.ParseInLocation("20060102T150405", strings.TrimSpace(start.Value), time.UTC)
		if err != nil {
			continue
		}
		var onsets []time.Time
		if rr := getProp(cb, "RRULE"); rr != nil {
			opt, err := rrule.StrToROptionInLocation(strings.TrimSpace(rr.Value), time.UTC)
			if err != nil || opt.Freq != rrule.YEARLY {
				continue
			}
			opt.Dtstart = wall
			if wall.Year() < years[0]-1 { // start the yearly rule near the years wanted
				opt.Dtstart = time.Date(years[0]-1, wall.Month(), 1, wall.Hour(), wall.Minute(), wall.Second(), 0, time.UTC)
				if len(opt.Bymonth) == 0 {
					opt.Bymonth = []int{int(wall.Month())}
				}
				if len(opt.Byweekday) == 0 && len(opt.Bymonthday) == 0 && len(opt.Byyearday) == 0 {
					opt.Bymonthday = []int{wall.Day()}
				}
			}
			r, err := rrule.NewRRule(*opt)
			if err != nil {
				continue
			}
			next := r.Iterator()
			for i := 0; i < 64; i++ {
				t, ok := next()
				if !ok || t.Year() > years[1] {
					break
				}
				onsets = append(onsets, t)
			}
		} else {
			onsets = append(onsets, wall)
		}
		for _, rd := range getProps(cb, "RDATE") {
			for _, v := range strings.Split(rd.Value, ",") {
				if t, err := time.ParseInLocation("20060102T150405", strings.TrimSpace(v), time.UTC); err == nil {
					onsets = append(onsets, t)
				}
			}
		}
		for _, w := range onsets {
			trs = append(trs, transition{at: w.Unix() - int64(from), off: to, dst: dst})
		}
		if len(trs) > 512 {
			return nil
		}
	}
	if len(trs) == 0 {
		return nil
	}
	sort.Slice(trs, func(i, j int) bool { return trs[i].at < trs[j].at })
	for len(trs) > 0 && trs[len(trs)-1].at > math.MaxInt32 { // TZif v1 holds 32-bit times
		trs = trs[:len(trs)-1]
	}
	// Transitions before 1901 (Outlook's DTSTART:16010101) collapse into the latest of them,
	// which says what offset was in force when TZif's range starts (a zone without DST has
	// only that one).
	for len(trs) > 1 && trs[1].at <= math.MinInt32 {
		trs = trs[1:]
	}
	if len(trs) > 0 && trs[0].at < math.MinInt32 {
		trs[0].at = math.MinInt32
	}
	if len(trs) == 0 {
		return nil
	}
	return tzif(name, trs)
}

// utcOffset reads "+0100", "-0500" or "+053000" as seconds east of UTC.
func utcOffset(p *ical.IANAProperty) (int, bool) {
	if p == nil {
		return 0, false
	}
	v := strings.TrimSpace(p.Value)
	if len(v) != 5 && len(v) != 7 || v[0] != '+' && v[0] != '-' {
		return 0, false
	}
	n := 0
	for i := 1; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return 0, false
		}
	}
	h := int(v[1]-'0')*10 + int(v[2]-'0')
	m := int(v[3]-'0')*10 + int(v[4]-'0')
	s := 0
	if len(v) == 7 {
		s = int(v[5]-'0')*10 + int(v[6]-'0')
	}
	if h > 23 || m > 59 || s > 59 {
		return 0, false
	}
	n = h*3600 + m*60 + s
	if v[0] == '-' {
		n = -n
	}
	return n, true
}

// tzif encodes transitions as TZif version 1 data and loads it.
func tzif(name string, trs []transition) *time.Location {
	type ttinfo struct {
		off int
		dst bool
	}
	var types []ttinfo
	index := func(t ttinfo) int {
		for i, x := range types {
			if x == t {
				return i
			}
		}
		types = append(types, t)
		return len(types) - 1
	}
	index(ttinfo{off: trs[0].off, dst: trs[0].dst}) // placeholder, replaced below
	// Before the first transition: the offset in force then is unknown; use the first "to"
	// offset of a standard (non-DST) observance, else the first transition's offset.
	first := ttinfo{off: trs[0].off, dst: trs[0].dst}
	for _, t := range trs {
		if !t.dst {
			first = ttinfo{off: t.off}
			break
		}
	}
	types[0] = first
	idx := make([]byte, len(trs))
	for i, t := range trs {
		idx[i] = byte(index(ttinfo{off: t.off, dst: t.dst}))
	}
	var b bytes.Buffer
	b.WriteString("TZif")
	b.WriteByte(0)
	b.Write(make([]byte, 15))
	for _, n := range []int{0, 0, 0, len(trs), len(types), len(types) * 4} {
		_ = binary.Write(&b, binary.BigEndian, uint32(n))
	}
	for _, t := range trs {
		_ = binary.Write(&b, binary.BigEndian, int32(t.at))
	}
	b.Write(idx)
	for i, t := range types {
		_ = binary.Write(&b, binary.BigEndian, int32(t.off))
		d := byte(0)
		if t.dst {
			d = 1
		}
		b.WriteByte(d)
		b.WriteByte(byte(i * 4))
	}
	for range types {
		b.WriteString("ZZZ\x00")
	}
	loc, err := time.LoadLocationFromTZData(name, b.Bytes())
	if err != nil {
		return nil
	}
	return loc
}
