package dynamo

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/tandemhq/tandem/internal/availability"
	"github.com/tandemhq/tandem/internal/tandem"
	"golang.org/x/sync/errgroup"
)

// BookingRules are the slowly changing inputs of a booking: the expert's profile, their
// schedule and the org's settings (the budget), each with what identifies the stored version
// it was read at, and the expert's connected calendars' ranges around the start. The store
// keeps them per container (process), keyed by org and expert (README "How booking stays
// conflict-free", "One round trip"): a booking decided with cached rules carries a
// ConditionCheck per rule item in its one transaction (the profile's version, the schedule
// document, the settings document or their absence), so a stale cache can never book against
// changed rules; the transaction fails (ErrRulesChanged), the entry is dropped, and the
// booking is decided again with fresh reads.
type BookingRules struct {
	Expert   *tandem.Expert
	Schedule *availability.Schedule
	Settings tandem.OrgSettings
	// CalendarBusy are the ranges of the expert's connected calendars in [calFrom, calTo), as
	// read at readAt. They are not in any lock cell, so nothing in the transaction guards them:
	// a cached copy is used for at most CalendarCacheTTL (a sync refreshes them only every few
	// minutes anyway), then read again.
	CalendarBusy []availability.Busy
	// Cached says the rules came from the container's cache: the transaction guards them.
	Cached bool

	org, expertID          string
	calFrom, calTo, readAt time.Time
	profileVersion         int64
	scheduleDoc            string
	settingsDoc            string
	settingsSet            bool
}

// CalendarCacheTTL is how long cached calendar ranges are used before they are read again.
const CalendarCacheTTL = time.Minute

// ErrRulesChanged is in the chain of the conflict returned when a booking decided with cached
// rules failed their guard: the cache entry is dropped; decide again with fresh reads.
var ErrRulesChanged = errors.New("the cached booking rules changed")

// rulesCache is the per-container cache of BookingRules (a Store's, so each Lambda container,
// and in tests each function's store, has its own).
type rulesCache struct {
	mu sync.Mutex
	m  map[[2]string]*BookingRules
}

// CachedBookingRules returns the cached rules of the expert when they cover start (calendar
// ranges read around it less than CalendarCacheTTL ago), or nil: no call is made.
func (s *Store) CachedBookingRules(org, expertID string, start time.Time) *BookingRules {
	s.rules.mu.Lock()
	defer s.rules.mu.Unlock()
	r := s.rules.m[[2]string{org, expertID}]
	if r == nil || s.now().Sub(r.readAt) > CalendarCacheTTL ||
		start.Add(-24*time.Hour).Before(r.calFrom) || start.Add(48*time.Hour).After(r.calTo) {
		return nil
	}
	return r
}

// ForgetBookingRules drops the expert's cached rules.
func (s *Store) ForgetBookingRules(org, expertID string) {
	s.rules.mu.Lock()
	defer s.rules.mu.Unlock()
	delete(s.rules.m, [2]string{org, expertID})
}

func (s *Store) keepBookingRules(r *BookingRules) {
	c := *r
	c.Cached = true
	s.rules.mu.Lock()
	defer s.rules.mu.Unlock()
	if s.rules.m == nil {
		s.rules.m = map[[2]string]*BookingRules{}
	}
	s.rules.m[[2]string{r.org, r.expertID}] = &c
}

// LoadBookingInputs reads, in parallel (one sequential round trip, strongly consistent), the
// expert's profile, schedule and busy partition around [from, to) and the org's settings, and
// keeps the rules in the container's cache. Errors: not_found (expert or availability).
func (s *Store) LoadBookingInputs(ctx context.Context, org, expertID string, from, to time.Time) (_ *SlotInputs, _ *BookingRules, err error) {
	defer tandem.Wrap(&err, "Store.LoadBookingInputs(%q)", expertID)
	in := &SlotInputs{}
	r := &BookingRules{org: org, expertID: expertID, readAt: s.now(), calFrom: from.Add(-busyLookBack), calTo: to.Add(busyLookBack)}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		it, err := s.getExpertItem(gctx, org, expertID, true)
		if err != nil {
			return err
		}
		r.profileVersion = it.Version
		r.Expert, err = fromExpertItem(it)
		return err
	})
	g.Go(func() error {
		it, err := getItem[availabilityItem](gctx, s, pkSK(expertPK(org, expertID), skAvailability), true)
		if err != nil {
			return err
		}
		if it == nil {
			return errNoAvailability
		}
		fact, err := fromAvailabilityItem(it)
		if err != nil {
			return err
		}
		r.Schedule, r.scheduleDoc = &fact.Schedule, it.Schedule
		return nil
	})
	g.Go(func() error {
		it, err := getItem[settingsItem](gctx, s, pkSK(settingsPK(org), skSettings), true)
		if err != nil {
			return err
		}
		r.Settings = tandem.DefaultOrgSettings()
		if it != nil {
			r.settingsDoc, r.settingsSet = it.Doc, true
			return json.Unmarshal([]byte(it.Doc), &r.Settings)
		}
		return nil
	})
	g.Go(func() (err error) {
		in.Busy, in.CalendarBusy, in.Circles, err = s.busyAndCircles(gctx, org, expertID, from, to, "")
		return err
	})
	if err := g.Wait(); err != nil {
		return nil, nil, err
	}
	in.Expert, in.Schedule = r.Expert, r.Schedule
	r.CalendarBusy = in.CalendarBusy
	s.keepBookingRules(r)
	return in, r, nil
}

// guardRules adds the ConditionChecks that hold cached rules to what is stored: the profile
// at its version, the schedule and the settings documents as read (or the settings absent).
// On failure the item comes back (ALL_OLD), but the booking reads afresh anyway.
func (t *txBuilder) guardRules(r *BookingRules) {
	check := func(pk, sk, cond string, names map[string]string, values map[string]types.AttributeValue) {
		t.add(kindRules, types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{TableName: &t.table, Key: pkSK(pk, sk),
			ConditionExpression: aws.String(cond), ExpressionAttributeNames: orNil(names), ExpressionAttributeValues: orNil(values)}})
	}
	check(expertPK(r.org, r.expertID), skProfile, "version = :v", nil, map[string]types.AttributeValue{":v": num(r.profileVersion)})
	check(expertPK(r.org, r.expertID), skAvailability, "#s = :s", map[string]string{"#s": "schedule"},
		map[string]types.AttributeValue{":s": strAttr(r.scheduleDoc)})
	if r.settingsSet {
		check(settingsPK(r.org), skSettings, "#d = :d", map[string]string{"#d": "doc"}, map[string]types.AttributeValue{":d": strAttr(r.settingsDoc)})
	} else {
		check(settingsPK(r.org), skSettings, "attribute_not_exists(PK)", nil, nil)
	}
}
