package httpapi

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/notify"
	"github.com/tandemhq/tandem/internal/obs"
	"github.com/tandemhq/tandem/internal/tandem"
)

func init() {
	// The one-click unsubscribe URL carries a signed link token in its path: never log it.
	obs.RegisterSecretPath("/v1/unsubscribe/{linkToken}")
}

// LinkClaims are what a verified signed link says (internal/mail's LinkClaims, the fields
// this API reads).
type LinkClaims struct {
	Org, UserID, Purpose, Kind string
}

// LinkVerifier verifies a signed link token (mail.VerifyLink with the function's key). It is
// handed in by the function's wiring, so that this package does not link the SES client.
type LinkVerifier func(token string, now time.Time) (LinkClaims, error)

type notificationsAPI struct {
	store  *dynamo.Store
	now    func() time.Time
	verify LinkVerifier
}

func (a notificationsAPI) register(rt *Router) {
	rt.handle("GET /v1/notifications", a.list)
	rt.handle("GET /v1/notifications/unread-count", a.unreadCount)
	rt.handle("POST /v1/notifications/read-all", a.readAll)
	rt.handle("POST /v1/notifications/{notificationId}/read", a.read)
	rt.handle("GET /v1/me/notification-settings", a.getSettings)
	rt.handle("PUT /v1/me/notification-settings", a.putSettings)
	rt.handlePublic("GET /v1/unsubscribe/{linkToken}", a.unsubscribeInfo)
	rt.handlePublic("POST /v1/unsubscribe/{linkToken}", a.unsubscribe)
}

type notificationJSON struct {
	ID        string     `json:"id"`
	Kind      string     `json:"kind"`
	Title     string     `json:"title"`
	Body      string     `json:"body"`
	Path      string     `json:"path"`
	CreatedAt time.Time  `json:"createdAt"`
	ReadAt    *time.Time `json:"readAt,omitempty"`
}

// notificationsPage is the inbox page size.
const notificationsPage = 20

// list: GET /v1/notifications?cursor=&unread=true — newest first, one Query (and the unread
// count's GetItem in parallel).
func (a notificationsAPI) list(w http.ResponseWriter, r *http.Request, c Caller) error {
	q := r.URL.Query()
	page, err := a.store.ListNotifications(r.Context(), c.OrgID, c.UserID, q.Get("cursor"), q.Get("unread") == "true", notificationsPage)
	if err != nil {
		return err
	}
	items := make([]notificationJSON, 0, len(page.Items))
	for _, n := range page.Items {
		j := notificationJSON{ID: n.ID, Kind: n.Kind, Title: n.Title, Body: n.Body, Path: n.Path, CreatedAt: n.CreatedAt}
		if !n.ReadAt.IsZero() {
			at := n.ReadAt
			j.ReadAt = &at
		}
		items = append(items, j)
	}
	out := map[string]any{"items": items, "unread": page.Unread}
	if page.Cursor != "" {
		out["nextCursor"] = page.Cursor
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// unreadCount: GET /v1/notifications/unread-count — one GetItem (the bell polls it).
func (a notificationsAPI) unreadCount(w http.ResponseWriter, r *http.Request, c Caller) error {
	n, err := a.store.UnreadCount(r.Context(), c.OrgID, c.UserID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]int{"unread": n})
	return nil
}

// read: POST /v1/notifications/{id}/read — 204; again: 204, nothing changes.
func (a notificationsAPI) read(w http.ResponseWriter, r *http.Request, c Caller) error {
	if err := a.store.MarkNotificationsRead(r.Context(), c.OrgID, c.UserID, []string{r.PathValue("notificationId")}); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// maxReadAll bounds one read-all (the rest stay unread for the next one).
const maxReadAll = 1000

// readAll: POST /v1/notifications/read-all — 204.
func (a notificationsAPI) readAll(w http.ResponseWriter, r *http.Request, c Caller) error {
	ids, err := a.store.UnreadNotificationIDs(r.Context(), c.OrgID, c.UserID, maxReadAll)
	if err != nil {
		return err
	}
	if err := a.store.MarkNotificationsRead(r.Context(), c.OrgID, c.UserID, ids); err != nil && tandem.ErrorCode(err) != tandem.ENotFound {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type kindSettingJSON struct {
	Kind  string `json:"kind"`
	Label string `json:"label,omitempty"`
	Email bool   `json:"email"`
}

type notificationSettingsJSON struct {
	Email     bool              `json:"email"`
	Kinds     []kindSettingJSON `json:"kinds"`
	Reminders *remindersJSON    `json:"reminders"`
}

type remindersJSON struct {
	LeadMinutes []int `json:"leadMinutes"`
}

func settingsJSON(s dynamo.NotificationSettings) notificationSettingsJSON {
	out := notificationSettingsJSON{Email: !s.EmailOff, Reminders: &remindersJSON{LeadMinutes: notify.Leads(s)}}
	for _, k := range notify.Kinds {
		out.Kinds = append(out.Kinds, kindSettingJSON{Kind: k.Kind, Label: k.Label, Email: !slices.Contains(s.KindsOff, k.Kind)})
	}
	return out
}

// getSettings: GET /v1/me/notification-settings — one GetItem.
func (a notificationsAPI) getSettings(w http.ResponseWriter, r *http.Request, c Caller) error {
	s, err := a.store.GetNotificationSettings(r.Context(), c.OrgID, c.UserID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, settingsJSON(s))
	return nil
}

// putSettings: PUT /v1/me/notification-settings — the whole settings (labels are ignored;
// kinds not listed keep e-mail on). Reminder lead times: 0-2 values from 15 to 10080
// minutes, distinct; [] switches reminders off. New lead times apply to sessions confirmed
// or moved from now on; switching one off stops the ones already scheduled.
func (a notificationsAPI) putSettings(w http.ResponseWriter, r *http.Request, c Caller) error {
	var in notificationSettingsJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	var v tandem.Validation
	s := dynamo.NotificationSettings{EmailOff: !in.Email, Leads: []int{}}
	for i, k := range in.Kinds {
		field := "kinds[" + strconv.Itoa(i) + "].kind"
		if notify.Label(k.Kind) == "" {
			v.Add(field, "is not a notification kind")
			continue
		}
		if !k.Email && !slices.Contains(s.KindsOff, k.Kind) {
			s.KindsOff = append(s.KindsOff, k.Kind)
		}
	}
	if in.Reminders == nil {
		v.Add("reminders", "is required")
	} else {
		leads := in.Reminders.LeadMinutes
		v.Check(len(leads) <= 2, "reminders.leadMinutes", "must hold at most 2 values")
		for i, m := range leads {
			v.Check(m >= 15 && m <= 10080, "reminders.leadMinutes["+strconv.Itoa(i)+"]", "must be from 15 to 10080 minutes")
			v.Check(!slices.Contains(leads[:i], m), "reminders.leadMinutes["+strconv.Itoa(i)+"]", "is listed twice")
		}
		s.Leads = append(s.Leads, leads...)
	}
	if err := v.Err(); err != nil {
		return err
	}
	slices.Sort(s.KindsOff)
	if err := a.store.PutNotificationSettings(r.Context(), c.OrgID, c.UserID, s); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, settingsJSON(s))
	return nil
}

// unsubscribeClaims verifies the token of an unsubscribe link (400 invalid when forged,
// expired, or not an unsubscribe link).
func (a notificationsAPI) unsubscribeClaims(token string) (LinkClaims, error) {
	bad := &tandem.Error{Code: tandem.EInvalid, Message: "This unsubscribe link is not valid (it may have expired).",
		Fields: []tandem.FieldError{{Field: "linkToken", Message: "is not a valid unsubscribe link"}}}
	if a.verify == nil {
		return LinkClaims{}, bad // no link key configured: no token verifies
	}
	c, err := a.verify(token, a.now())
	if err != nil || c.Purpose != "unsubscribe" || notify.Label(c.Kind) == "" || c.Org == "" || c.UserID == "" {
		return LinkClaims{}, bad
	}
	return c, nil
}

// unsubscribeInfo: GET /v1/unsubscribe/{token} — what the link unsubscribes (no sign-in).
func (a notificationsAPI) unsubscribeInfo(w http.ResponseWriter, r *http.Request) error {
	c, err := a.unsubscribeClaims(r.PathValue("linkToken"))
	if err != nil {
		return err
	}
	address := ""
	if u, err := a.store.GetUser(r.Context(), c.Org, c.UserID); err == nil {
		address = u.Email
	} else if tandem.ErrorCode(err) != tandem.ENotFound {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"kind": c.Kind, "label": notify.Label(c.Kind), "address": address})
	return nil
}

// unsubscribe: POST /v1/unsubscribe/{token} — RFC 8058 one-click (body
// "List-Unsubscribe=One-Click", or none from the web page): e-mail of the link's kind stops
// for its user. No sign-in; repeating it changes nothing.
func (a notificationsAPI) unsubscribe(w http.ResponseWriter, r *http.Request) error {
	c, err := a.unsubscribeClaims(r.PathValue("linkToken"))
	if err != nil {
		return err
	}
	if err := a.store.UnsubscribeKind(r.Context(), c.Org, c.UserID, c.Kind); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
