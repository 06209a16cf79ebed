package httpapi

import (
	"net"
	"net/http"
	"time"

	"github.com/tandemhq/tandem/internal/connections"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/tandem"
)

// calendarsAPI serves a user's connected calendars (contracts §3): list with the outgoing
// feed, connect (the first sync runs at once), sync now, remove. Secrets never leave: a
// connection shows only its source's host.
type calendarsAPI struct {
	store *dynamo.Store
	svc   *connections.Service
}

func (a calendarsAPI) register(rt *Router) {
	rt.handle("GET /v1/me/calendars", a.list)
	rt.handle("POST /v1/me/calendars", a.create)
	rt.handle("POST /v1/me/calendars/{calendarId}/sync", a.sync)
	rt.handle("DELETE /v1/me/calendars/{calendarId}", a.remove)
}

// connectionJSON is a connection as the API shows it.
type connectionJSON struct {
	ID            string     `json:"id"`
	Kind          string     `json:"kind"`
	Name          string     `json:"name"`
	Host          string     `json:"host"`
	WriteBack     bool       `json:"writeBack"`
	Status        string     `json:"status"`
	LastSyncAt    *time.Time `json:"lastSyncAt,omitempty"`
	NextSyncAt    *time.Time `json:"nextSyncAt,omitempty"`
	LastError     string     `json:"lastError,omitempty"`
	Failures      int        `json:"failures"`
	StaleSince    *time.Time `json:"staleSince,omitempty"`
	BusyKeptUntil *time.Time `json:"busyKeptUntil,omitempty"`
	Events        int        `json:"events"`
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func toConnectionJSON(c *dynamo.CalendarConnection) connectionJSON {
	return connectionJSON{ID: c.ID, Kind: c.Kind, Name: c.Name, Host: c.Host, WriteBack: c.WriteBack,
		Status: connections.Status(c), LastSyncAt: optTime(c.LastSyncAt), NextSyncAt: optTime(c.NextSyncAt),
		LastError: c.LastError, Failures: c.Failures, StaleSince: optTime(c.StaleSince),
		BusyKeptUntil: optTime(connections.BusyKeptUntil(c)), Events: c.Events}
}

type feedJSON struct {
	URL       string `json:"url"`
	WebcalURL string `json:"webcalUrl"`
}

// list: GET /v1/me/calendars — the caller's connections and, once they made a feed token
// (POST /v1/me/calendar-token), their outgoing feed's addresses. Two reads in parallel.
func (a calendarsAPI) list(w http.ResponseWriter, r *http.Request, c Caller) error {
	var (
		conns []*dynamo.CalendarConnection
		token string
		errs  [2]error
		done  = make(chan struct{})
	)
	go func() {
		defer close(done)
		token, errs[1] = a.store.CalendarToken(r.Context(), c.OrgID, c.UserID)
	}()
	conns, errs[0] = a.store.ListCalendarConnections(r.Context(), c.OrgID, c.UserID)
	<-done
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	items := make([]connectionJSON, 0, len(conns))
	for _, conn := range conns {
		items = append(items, toConnectionJSON(conn))
	}
	out := map[string]any{"items": items}
	if token != "" {
		host := r.Host
		scheme := "https"
		if h, _, err := net.SplitHostPort(host); (err == nil && isLoopback(h)) || isLoopback(host) {
			scheme = "http"
		}
		path := "/v1/calendar/" + token + "/feed.ics"
		out["feed"] = feedJSON{URL: scheme + "://" + host + path, WebcalURL: "webcal://" + host + path}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func isLoopback(h string) bool {
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// create: POST /v1/me/calendars — connect a calendar; the first sync runs at once and its
// outcome is in the status (a source that fails still connects, showing the error).
func (a calendarsAPI) create(w http.ResponseWriter, r *http.Request, c Caller) error {
	var in connections.NewInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	conn, err := a.svc.Create(r.Context(), c.OrgID, c.UserID, newID(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/me/calendars/"+conn.ID)
	writeJSON(w, http.StatusCreated, toConnectionJSON(conn))
	return nil
}

// sync: POST /v1/me/calendars/{calendarId}/sync — sync now (also "test"); the web calls it
// when the expert opens Availability.
func (a calendarsAPI) sync(w http.ResponseWriter, r *http.Request, c Caller) error {
	conn, err := a.store.GetCalendarConnection(r.Context(), c.OrgID, c.UserID, r.PathValue("calendarId"))
	if err != nil {
		return err
	}
	if _, err := a.svc.Sync(r.Context(), conn); err != nil {
		if tandem.ErrorCode(err) == tandem.EConflict {
			// A scheduled sync saved first: show what it stored.
			if conn, err = a.store.GetCalendarConnection(r.Context(), c.OrgID, c.UserID, conn.ID); err == nil {
				writeJSON(w, http.StatusOK, toConnectionJSON(conn))
			}
		}
		return err
	}
	writeJSON(w, http.StatusOK, toConnectionJSON(conn))
	return nil
}

// remove: DELETE /v1/me/calendars/{calendarId} — the connection and its busy ranges go.
func (a calendarsAPI) remove(w http.ResponseWriter, r *http.Request, c Caller) error {
	if err := a.store.DeleteCalendarConnection(r.Context(), c.OrgID, c.UserID, r.PathValue("calendarId")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
