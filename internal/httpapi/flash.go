package httpapi

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/flash"
	"github.com/tandemhq/tandem/internal/tandem"
)

// flashAPI serves /v1/flash: HR's config and "run now", members opting in and answering
// their proposals (internal/flash decides; this decodes, authorizes and encodes).
type flashAPI struct {
	svc *flash.Service
}

func (a flashAPI) register(rt *Router) {
	rt.handle("GET /v1/flash", a.get)
	rt.handle("PUT /v1/flash", a.put)
	rt.handle("PUT /v1/flash/membership", a.join)
	rt.handle("DELETE /v1/flash/membership", a.leave)
	rt.handle("POST /v1/flash/rounds", a.run)
	rt.handle("GET /v1/flash/proposals", a.proposals)
	rt.handle("POST /v1/flash/proposals/{proposalId}/accept", a.answer(true))
	rt.handle("POST /v1/flash/proposals/{proposalId}/decline", a.answer(false))
}

type flashConfigIn struct {
	Departments []string `json:"departments"`
	EveryWeeks  int      `json:"everyWeeks"`
	WindowStart string   `json:"windowStart"`
	WindowEnd   string   `json:"windowEnd"`
	Weekdays    []int    `json:"weekdays"`
	Enabled     *bool    `json:"enabled"`
}

type flashMemberJSON struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Department string `json:"department"`
	Timezone   string `json:"timezone"`
}

type flashRoundJSON struct {
	Index      int       `json:"index"`
	Start      time.Time `json:"start"`
	RanAt      time.Time `json:"ranAt"`
	RanBy      string    `json:"ranBy"`
	Proposals  int       `json:"proposals"`
	NoTime     int       `json:"noTime"`
	SatOut     int       `json:"satOut"`
	FirstCross int       `json:"firstCross"`
	NewPairs   int       `json:"newPairs"`
	CrossPairs int       `json:"crossPairs"`
}

type flashJSON struct {
	Configured  bool       `json:"configured"`
	Departments []string   `json:"departments"`
	EveryWeeks  int        `json:"everyWeeks"`
	WindowStart string     `json:"windowStart"`
	WindowEnd   string     `json:"windowEnd"`
	Weekdays    []int      `json:"weekdays"`
	Enabled     bool       `json:"enabled"`
	Version     int64      `json:"version"`
	Round       int        `json:"round"`
	NextRoundAt *time.Time `json:"nextRoundAt,omitempty"`
	Joined      bool       `json:"joined"`
	Eligible    bool       `json:"eligible"`
	// HR only.
	Members []flashMemberJSON `json:"members,omitempty"`
	Rounds  []flashRoundJSON  `json:"rounds,omitempty"`
}

type flashProposalJSON struct {
	ID                string            `json:"id"`
	Round             int               `json:"round"`
	Start             time.Time         `json:"start"`
	End               time.Time         `json:"end"`
	Deadline          time.Time         `json:"deadline"`
	Status            string            `json:"status"`
	Partner           dynamo.FlashParty `json:"partner"`
	AcceptedByMe      bool              `json:"acceptedByMe"`
	AcceptedByPartner bool              `json:"acceptedByPartner"`
}

func clock(min int) string { return fmt.Sprintf("%02d:%02d", min/60, min%60) }

// parseClock reads "HH:MM" (00:00-24:00) as minutes after midnight; -1 when malformed.
func parseClock(s string) int {
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(h) != 2 || len(m) != 2 {
		return -1
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || hh > 24 || mm < 0 || mm > 59 || (hh == 24 && mm != 0) {
		return -1
	}
	return hh*60 + mm
}

func roundJSON(r dynamo.FlashRound) flashRoundJSON {
	return flashRoundJSON{Index: r.Index, Start: r.Start, RanAt: r.RanAt, RanBy: r.RanBy, Proposals: len(r.Pairs), NoTime: len(r.NoTime),
		SatOut: len(r.SatOut), FirstCross: r.FirstCross, NewPairs: r.New, CrossPairs: r.Cross}
}

// get: GET /v1/flash — the org's config, whether the caller is in and may join; HR also sees
// the members and the rounds so far.
func (a flashAPI) get(w http.ResponseWriter, r *http.Request, c Caller) error {
	stored, err := a.svc.Store.GetFlashConfig(r.Context(), c.OrgID)
	if tandem.ErrorCode(err) == tandem.ENotFound {
		writeJSON(w, http.StatusOK, flashJSON{Departments: []string{}, Weekdays: []int{}})
		return nil
	}
	if err != nil {
		return err
	}
	group, err := a.svc.Store.LoadFlashGroup(r.Context(), c.OrgID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a.render(stored, group, c))
	return nil
}

func (a flashAPI) render(stored *dynamo.FlashConfig, group *dynamo.FlashGroup, c Caller) flashJSON {
	cfg := flash.ConfigOf(stored)
	k, start := cfg.Round(a.svc.Now())
	next := start
	if !a.svc.Now().Before(start) {
		next = start.Add(time.Duration(cfg.EveryWeeks) * 7 * 24 * time.Hour)
	}
	j := flashJSON{Configured: true, Departments: cfg.Departments, EveryWeeks: cfg.EveryWeeks, WindowStart: clock(cfg.WindowStart),
		WindowEnd: clock(cfg.WindowEnd), Weekdays: cfg.Weekdays, Enabled: cfg.Enabled, Version: stored.Version, Round: k,
		NextRoundAt: &next, Eligible: cfg.Eligible(c.Department)}
	if j.Departments == nil {
		j.Departments = []string{}
	}
	for _, m := range group.Members {
		j.Joined = j.Joined || m.UserID == c.UserID
		if c.Has(tandem.RoleHR) {
			j.Members = append(j.Members, flashMemberJSON{ID: m.UserID, Name: m.Name, Department: m.Department, Timezone: m.Timezone})
		}
	}
	if c.Has(tandem.RoleHR) {
		j.Members = append([]flashMemberJSON{}, j.Members...)
		j.Rounds = []flashRoundJSON{}
		for i := len(group.Rounds) - 1; i >= 0; i-- { // newest first
			j.Rounds = append(j.Rounds, roundJSON(group.Rounds[i]))
		}
	}
	return j
}

// put: PUT /v1/flash — HR sets the org's flash round (created on first use).
func (a flashAPI) put(w http.ResponseWriter, r *http.Request, c Caller) error {
	if err := c.Require(tandem.RoleHR); err != nil {
		return err
	}
	var in flashConfigIn
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	var v tandem.Validation
	cfg := flash.Config{Departments: in.Departments, EveryWeeks: in.EveryWeeks, Weekdays: in.Weekdays, Enabled: in.Enabled == nil || *in.Enabled}
	if in.WindowStart != "" || in.WindowEnd != "" {
		cfg.WindowStart, cfg.WindowEnd = parseClock(in.WindowStart), parseClock(in.WindowEnd)
		v.Check(cfg.WindowStart >= 0, "windowStart", "must be HH:MM")
		v.Check(cfg.WindowEnd >= 0, "windowEnd", "must be HH:MM")
	}
	for _, d := range in.Departments {
		if p := tandem.TextProblem(d, false); p != "" {
			v.Add("departments", "%s", p)
			break
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	if _, err := a.svc.SaveConfig(r.Context(), c, cfg); err != nil {
		return err
	}
	return a.get(w, r, c)
}

// join: PUT /v1/flash/membership {"timezone"?} — the caller opts in.
func (a flashAPI) join(w http.ResponseWriter, r *http.Request, c Caller) error {
	var in struct {
		Timezone string `json:"timezone"`
	}
	if err := decodeOptionalJSON(r, &in); err != nil {
		return err
	}
	if in.Timezone != "" {
		if _, err := time.LoadLocation(in.Timezone); err != nil || tandem.TextProblem(in.Timezone, false) != "" {
			return &tandem.Error{Code: tandem.EInvalid, Message: "The request has invalid fields.",
				Fields: []tandem.FieldError{{Field: "timezone", Message: "must be an IANA time zone"}}}
		}
	}
	m, err := a.svc.Join(r.Context(), c, in.Timezone)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, flashMemberJSON{ID: m.UserID, Name: m.Name, Department: m.Department, Timezone: m.Timezone})
	return nil
}

// leave: DELETE /v1/flash/membership — the caller opts out (proposals made stay).
func (a flashAPI) leave(w http.ResponseWriter, r *http.Request, c Caller) error {
	if err := a.svc.Leave(r.Context(), c); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// run: POST /v1/flash/rounds — HR runs the round in progress now: 201 when this call made it,
// 200 when it had run (nothing new is proposed).
func (a flashAPI) run(w http.ResponseWriter, r *http.Request, c Caller) error {
	if err := c.Require(tandem.RoleHR); err != nil {
		return err
	}
	res, err := a.svc.RunRound(r.Context(), c.OrgID, c.UserID)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if res.Created {
		status = http.StatusCreated
	}
	writeJSON(w, status, map[string]any{"created": res.Created, "round": roundJSON(res.Round)})
	return nil
}

func proposalJSON(p *dynamo.FlashPair, me string, now time.Time) flashProposalJSON {
	j := flashProposalJSON{ID: p.ID, Round: p.Round, Start: p.Start, End: p.End, Deadline: p.Deadline, Status: p.EffectiveStatus(now)}
	if p.A.ID == me {
		j.Partner, j.AcceptedByMe, j.AcceptedByPartner = p.B, p.AcceptedA, p.AcceptedB
	} else {
		j.Partner, j.AcceptedByMe, j.AcceptedByPartner = p.A, p.AcceptedB, p.AcceptedA
	}
	j.Partner.Email = ""
	return j
}

// proposals: GET /v1/flash/proposals — the caller's, from two weeks back, soonest first.
func (a flashAPI) proposals(w http.ResponseWriter, r *http.Request, c Caller) error {
	ps, err := a.svc.Mine(r.Context(), c)
	if err != nil {
		return err
	}
	items := make([]flashProposalJSON, 0, len(ps))
	now := a.svc.Now()
	for _, p := range ps {
		items = append(items, proposalJSON(p, c.UserID, now))
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
	return nil
}

// answer: POST /v1/flash/proposals/{id}/accept | decline — safe to repeat.
func (a flashAPI) answer(accept bool) func(http.ResponseWriter, *http.Request, Caller) error {
	return func(w http.ResponseWriter, r *http.Request, c Caller) error {
		act := a.svc.Decline
		if accept {
			act = a.svc.Accept
		}
		p, err := act(r.Context(), c, r.PathValue("proposalId"))
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, proposalJSON(p, c.UserID, a.svc.Now()))
		return nil
	}
}
