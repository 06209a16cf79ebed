// Package caldav is a small CalDAV client (RFC 4791) for one calendar collection: read the
// events of a time range, notice changes cheaply (CTag, RFC 6578 sync-token, ETags), and write
// Tandem's own events by UID with safe conditional writes. It speaks HTTP with basic auth
// through calsource's client, so its failures are calsource errors in plain words (KindOf,
// Message) that never quote the password or the URL.
//
//	c, err := caldav.New(httpClient, "https://caldav.example/maya/work/", "maya", password)
//	st, err := c.State(ctx)                    // CTag, sync-token, display name; checks it is a calendar
//	objs, err := c.Query(ctx, from, to)        // calendar-query with a time-range: events overlapping [from, to)
//	etag, err := c.Put(ctx, uid, ics, "")      // create only (If-None-Match: *); an ETag: update only that version
//	etag, err := c.Upsert(ctx, uid, ics)       // create, or replace whatever is there
//	err = c.Delete(ctx, uid, etag)             // "" deletes any version; already gone is success
//	chg, err := c.Changes(ctx, syncToken)      // sync-collection REPORT: what changed since the token
//
// Tandem's own events live at <collection>/<url-escaped UID>.ics, the UID being the one
// invite.ics carries, so write-back never needs a search. Events other clients made keep their
// own hrefs; they are only read.
//
// Why not github.com/emersion/go-webdav: its caldav client (v0.6.0) writes without
// If-Match/If-None-Match (a TODO in its source), has no CTag or sync-collection for calendars,
// and would bring a second iCalendar library next to golang-ical. What is needed here is four
// requests and one multistatus parser.
package caldav

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/calsource"
	"github.com/tandemhq/tandem/internal/obs"
)

// Client talks to one calendar collection.
type Client struct {
	hc         *http.Client
	collection *url.URL // ends with "/"
	user, pass string
}

// Object is one calendar resource: its href (absolute path), ETag and iCalendar data (nil when
// only the ETag was asked for).
type Object struct {
	Href string
	ETag string
	Data []byte
}

// State is what tells a calendar changed without reading its events.
type State struct {
	CTag        string // CalendarServer getctag ("" when the server has none)
	SyncToken   string // RFC 6578 sync-token ("" when unsupported)
	DisplayName string
}

// Changes is the answer of a sync-collection REPORT.
type Changes struct {
	Changed   []Object // href and ETag of new or changed resources (no data)
	Removed   []string // hrefs of removed resources
	SyncToken string   // the token to send next time
}

// ErrSyncTokenInvalid: the server no longer knows the token; read the whole range again.
var ErrSyncTokenInvalid = errors.New("the calendar's sync token expired")

// New makes a client for the calendar collection at calendarURL. hc nil means calsource's
// client with defaults (public addresses only).
func New(hc *http.Client, calendarURL, username, password string) (*Client, error) {
	raw, err := calsource.Normalize(calendarURL)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, calsource.Errorf(calsource.BadURL, 0, nil, "")
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
		u.RawPath = ""
	}
	u.RawQuery = ""
	if hc == nil {
		hc = calsource.NewClient(calsource.ClientOptions{})
	}
	obs.NoteSecret(password)
	return &Client{hc: hc, collection: u, user: username, pass: password}, nil
}

// Href answers the path of Tandem's event with this UID, in the form Query and Changes answer
// hrefs.
func (c *Client) Href(uid string) string {
	return canonHref(c.collection.EscapedPath() + url.PathEscape(uid) + ".ics")
}

// canonHref answers a server's href (a path or an absolute URL, escaped as the server likes)
// in one escaping, so hrefs compare as strings.
func canonHref(h string) string {
	h = strings.TrimSpace(h)
	if u, err := url.Parse(h); err == nil && u.Host != "" {
		h = u.EscapedPath()
	}
	p, err := url.PathUnescape(h)
	if err != nil {
		return h
	}
	return (&url.URL{Path: p}).EscapedPath()
}

func (c *Client) do(ctx context.Context, method, path string, body []byte, header map[string]string) (*http.Response, error) {
	u := *c.collection
	if path != "" {
		p, err := url.Parse(path)
		if err != nil {
			return nil, calsource.Errorf(calsource.Malformed, 0, nil, "the server named an unreadable address")
		}
		u = *c.collection.ResolveReference(p)
	}
	if u.Host != c.collection.Host || u.Scheme != c.collection.Scheme {
		return nil, calsource.Errorf(calsource.Malformed, 0, nil, "the server pointed outside the calendar")
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return nil, calsource.Errorf(calsource.BadURL, 0, nil, "")
	}
	if c.user != "" || c.pass != "" {
		req.SetBasicAuth(c.user, c.pass)
	}
	req.Header.Set("User-Agent", "Tandem-calendar-sync/1")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, calsource.Transport(err)
	}
	return resp, nil
}

// readBody reads a response body up to calsource.MaxBody.
func readBody(resp *http.Response) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(resp.Body, calsource.MaxBody+1))
	if err != nil {
		return nil, calsource.Transport(err)
	}
	if len(b) > calsource.MaxBody {
		return nil, calsource.Errorf(calsource.TooLarge, 0, nil, "")
	}
	return b, nil
}

func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}

// multistatus is the part of RFC 4918's multistatus this client reads.
type multistatus struct {
	Responses []struct {
		Href      string `xml:"DAV: href"`
		Status    string `xml:"DAV: status"`
		Propstats []struct {
			Status string `xml:"DAV: status"`
			Prop   struct {
				ETag         string `xml:"DAV: getetag"`
				Data         string `xml:"urn:ietf:params:xml:ns:caldav calendar-data"`
				CTag         string `xml:"http://calendarserver.org/ns/ getctag"`
				SyncToken    string `xml:"DAV: sync-token"`
				DisplayName  string `xml:"DAV: displayname"`
				ResourceType struct {
					Calendar *struct{} `xml:"urn:ietf:params:xml:ns:caldav calendar"`
				} `xml:"DAV: resourcetype"`
			} `xml:"DAV: prop"`
		} `xml:"DAV: propstat"`
	} `xml:"DAV: response"`
	SyncToken string `xml:"DAV: sync-token"`
}

func statusOK(s string) bool {
	f := strings.Fields(s)
	return len(f) >= 2 && strings.HasPrefix(f[1], "2")
}

func (c *Client) multistatus(ctx context.Context, method, path, depth, body string) (*multistatus, error) {
	resp, err := c.do(ctx, method, path, []byte(body), map[string]string{
		"Content-Type": "application/xml; charset=utf-8",
		"Depth":        depth,
	})
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusMultiStatus {
		if resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusConflict {
			b, _ := readBody(resp)
			if bytes.Contains(b, []byte("valid-sync-token")) {
				return nil, ErrSyncTokenInvalid
			}
		}
		return nil, calsource.ForStatus(resp.StatusCode)
	}
	b, err := readBody(resp)
	if err != nil {
		return nil, err
	}
	var ms multistatus
	if err := xml.Unmarshal(b, &ms); err != nil {
		return nil, calsource.Errorf(calsource.Malformed, 0, nil, "the server's answer is not readable WebDAV XML")
	}
	return &ms, nil
}

// State reads the collection's CTag, sync-token and display name, and checks that the address is
// a calendar (a principal or an address book is refused in plain words).
func (c *Client) State(ctx context.Context) (State, error) {
	ms, err := c.multistatus(ctx, "PROPFIND", "", "0", `<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:" xmlns:cs="http://calendarserver.org/ns/">
  <d:prop><d:resourcetype/><d:displayname/><cs:getctag/><d:sync-token/></d:prop>
</d:propfind>`)
	if err != nil {
		return State{}, err
	}
	var st State
	isCal := false
	for _, r := range ms.Responses {
		for _, ps := range r.Propstats {
			if !statusOK(ps.Status) {
				continue
			}
			if ps.Prop.ResourceType.Calendar != nil {
				isCal = true
			}
			st.CTag = firstNonEmpty(st.CTag, strings.TrimSpace(ps.Prop.CTag))
			st.SyncToken = firstNonEmpty(st.SyncToken, strings.TrimSpace(ps.Prop.SyncToken))
			st.DisplayName = firstNonEmpty(st.DisplayName, strings.TrimSpace(ps.Prop.DisplayName))
		}
	}
	if !isCal {
		return State{}, calsource.Errorf(calsource.NotFound, 0, nil, "the address is not a calendar (give the calendar's own CalDAV address)")
	}
	return st, nil
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// Query answers the events overlapping [from, to) with their data (the server expands nothing:
// recurring events come whole, for icalbusy to expand).
func (c *Client) Query(ctx context.Context, from, to time.Time) ([]Object, error) {
	const f = "20060102T150405Z"
	body := fmt.Sprintf(`<?xml version="1.0" encoding="utf-8"?>
<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">
  <d:prop><d:getetag/><c:calendar-data/></d:prop>
  <c:filter>
    <c:comp-filter name="VCALENDAR">
      <c:comp-filter name="VEVENT">
        <c:time-range start="%s" end="%s"/>
      </c:comp-filter>
    </c:comp-filter>
  </c:filter>
</c:calendar-query>`, from.UTC().Format(f), to.UTC().Format(f))
	ms, err := c.multistatus(ctx, "REPORT", "", "1", body)
	if err != nil {
		return nil, err
	}
	var out []Object
	for _, r := range ms.Responses {
		for _, ps := range r.Propstats {
			if !statusOK(ps.Status) || ps.Prop.Data == "" {
				continue
			}
			out = append(out, Object{Href: canonHref(r.Href), ETag: ps.Prop.ETag, Data: []byte(ps.Prop.Data)})
		}
	}
	return out, nil
}

// Changes asks what changed since syncToken ("" for everything: the initial sync). An expired
// token answers ErrSyncTokenInvalid.
func (c *Client) Changes(ctx context.Context, syncToken string) (Changes, error) {
	var tok bytes.Buffer
	_ = xml.EscapeText(&tok, []byte(syncToken))
	ms, err := c.multistatus(ctx, "REPORT", "", "0", `<?xml version="1.0" encoding="utf-8"?>
<d:sync-collection xmlns:d="DAV:">
  <d:sync-token>`+tok.String()+`</d:sync-token>
  <d:sync-level>1</d:sync-level>
  <d:prop><d:getetag/></d:prop>
</d:sync-collection>`)
	if err != nil {
		return Changes{}, err
	}
	ch := Changes{SyncToken: strings.TrimSpace(ms.SyncToken)}
	for _, r := range ms.Responses {
		if strings.Contains(r.Status, " 404") {
			ch.Removed = append(ch.Removed, canonHref(r.Href))
			continue
		}
		for _, ps := range r.Propstats {
			if statusOK(ps.Status) && ps.Prop.ETag != "" {
				ch.Changed = append(ch.Changed, Object{Href: canonHref(r.Href), ETag: ps.Prop.ETag})
			}
		}
	}
	return ch, nil
}

// Get reads Tandem's event with this UID.
func (c *Client) Get(ctx context.Context, uid string) (Object, error) {
	href := c.Href(uid)
	resp, err := c.do(ctx, http.MethodGet, href, nil, nil)
	if err != nil {
		return Object{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return Object{}, calsource.ForStatus(resp.StatusCode)
	}
	b, err := readBody(resp)
	if err != nil {
		return Object{}, err
	}
	return Object{Href: href, ETag: resp.Header.Get("ETag"), Data: b}, nil
}

// Put writes Tandem's event with this UID. etag "" creates it only if absent (If-None-Match: *);
// otherwise it replaces only that version (If-Match). A lost race answers a calsource.Conflict
// error. It answers the new ETag ("" if the server gave none).
func (c *Client) Put(ctx context.Context, uid string, ics []byte, etag string) (string, error) {
	h := map[string]string{"Content-Type": "text/calendar; charset=utf-8"}
	if etag == "" {
		h["If-None-Match"] = "*"
	} else {
		h["If-Match"] = etag
	}
	resp, err := c.do(ctx, http.MethodPut, c.Href(uid), ics, h)
	if err != nil {
		return "", err
	}
	drain(resp)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		if resp.StatusCode == http.StatusPreconditionFailed {
			return "", calsource.Errorf(calsource.Conflict, resp.StatusCode, nil, "")
		}
		return "", calsource.ForStatus(resp.StatusCode)
	}
	return resp.Header.Get("ETag"), nil
}

// Upsert writes Tandem's event with this UID whatever is there: create, or on a conflict read the
// current ETag and replace that version (retried a few times against concurrent writers).
func (c *Client) Upsert(ctx context.Context, uid string, ics []byte) (string, error) {
	etag := ""
	for attempt := 0; attempt < 4; attempt++ {
		tag, err := c.Put(ctx, uid, ics, etag)
		if calsource.KindOf(err) != calsource.Conflict {
			return tag, err
		}
		cur, err := c.Get(ctx, uid)
		switch {
		case calsource.KindOf(err) == calsource.NotFound:
			etag = "" // deleted meanwhile: create
		case err != nil:
			return "", err
		case cur.ETag == "":
			return "", calsource.Errorf(calsource.Malformed, 0, nil, "the server gives no ETag, so the event cannot be replaced safely")
		default:
			etag = cur.ETag
		}
	}
	return "", calsource.Errorf(calsource.Conflict, 0, nil, "")
}

// Delete removes Tandem's event with this UID: any version when etag is "", else only that one
// (If-Match; another version answers calsource.Conflict). An event already gone is success.
func (c *Client) Delete(ctx context.Context, uid, etag string) error {
	var h map[string]string
	if etag != "" {
		h = map[string]string{"If-Match": etag}
	}
	resp, err := c.do(ctx, http.MethodDelete, c.Href(uid), nil, h)
	if err != nil {
		return err
	}
	drain(resp)
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode <= 299, resp.StatusCode == http.StatusNotFound, resp.StatusCode == http.StatusGone:
		return nil
	case resp.StatusCode == http.StatusPreconditionFailed:
		return calsource.Errorf(calsource.Conflict, resp.StatusCode, nil, "")
	default:
		return calsource.ForStatus(resp.StatusCode)
	}
}

// MakeCalendar creates the collection as a calendar (MKCALENDAR), for local development and
// tests; a collection that exists already is success.
func (c *Client) MakeCalendar(ctx context.Context, displayName string) error {
	var name bytes.Buffer
	_ = xml.EscapeText(&name, []byte(displayName))
	resp, err := c.do(ctx, "MKCALENDAR", "", []byte(`<?xml version="1.0" encoding="utf-8"?>
<c:mkcalendar xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">
  <d:set><d:prop><d:displayname>`+name.String()+`</d:displayname>
    <c:supported-calendar-component-set><c:comp name="VEVENT"/></c:supported-calendar-component-set>
  </d:prop></d:set>
</c:mkcalendar>`), map[string]string{"Content-Type": "application/xml; charset=utf-8"})
	if err != nil {
		return err
	}
	drain(resp)
	switch {
	case resp.StatusCode == http.StatusCreated, resp.StatusCode == http.StatusOK:
		return nil
	case resp.StatusCode == http.StatusMethodNotAllowed || resp.StatusCode == http.StatusConflict:
		if _, err := c.State(ctx); err == nil {
			return nil // exists already
		}
		return calsource.ForStatus(resp.StatusCode)
	default:
		return calsource.ForStatus(resp.StatusCode)
	}
}
