package calendar

import (
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/google/go-cmp/cmp"

	"github.com/tandemhq/tandem/internal/tandem"
)

// TestInviteGolden pins one whole document, so a library upgrade that changes the output shows
// up here first.
func TestInviteGolden(t *testing.T) {
	got, err := Invite(session(t))
	if err != nil {
		t.Fatalf("Invite: %v", err)
	}
	want := strings.Join([]string{
		"BEGIN:VCALENDAR",
		"VERSION:2.0",
		"PRODID:-//Tandem//Coaching//EN",
		"CALSCALE:GREGORIAN",
		"METHOD:REQUEST",
		"BEGIN:VEVENT",
		"UID:01JB7Q4W9Z@tandem",
		"DTSTAMP:20261121T100000Z",
		"SEQUENCE:0",
		"STATUS:CONFIRMED",
		"SUMMARY:Deep dive with Maya Okafor",
		"DTSTART:20261201T140000Z",
		"DTEND:20261201T150000Z",
		"ORGANIZER;CN=Maya Okafor:mailto:maya@acme.example",
		// The library folds at the last space that fits, not at octet 75.
		"ATTENDEE;CN=Maya",
		"  Okafor;PARTSTAT=ACCEPTED;ROLE=CHAIR;RSVP=FALSE:mailto:maya@acme.example",
		"ATTENDEE;CN=Ben",
		"  Hall;PARTSTAT=ACCEPTED;ROLE=REQ-PARTICIPANT;RSVP=FALSE:mailto:ben@acme.ex",
		" ample",
		"LOCATION:https://meet.example.com/go",
		"URL:https://meet.example.com/go",
		`DESCRIPTION:I'd like to talk about on-call.\n\nJoin:`,
		"  https://meet.example.com/go",
		"CREATED:20261120T093000Z",
		"LAST-MODIFIED:20261121T100000Z",
		"END:VEVENT",
		"END:VCALENDAR",
		"",
	}, "\r\n")
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("Invite mismatch (-want +got):\n%s", diff)
	}
	parse(t, got)
}

func TestInviteStatus(t *testing.T) {
	tests := []struct {
		status                             tandem.BookingStatus
		wantMethod, wantStatus, wantExpert string
	}{
		{"confirmed", "REQUEST", "CONFIRMED", "ACCEPTED"},
		{"pending", "REQUEST", "TENTATIVE", "NEEDS-ACTION"},
		{"cancelled", "CANCEL", "CANCELLED", "ACCEPTED"},
		{"declined", "CANCEL", "CANCELLED", "DECLINED"},
		{"expired", "CANCEL", "CANCELLED", "ACCEPTED"},
		{"completed", "REQUEST", "CONFIRMED", "ACCEPTED"},
		{"no_show", "REQUEST", "CONFIRMED", "ACCEPTED"},
	}
	for _, tt := range tests {
		t.Run(string(tt.status), func(t *testing.T) {
			s := session(t)
			s.Status = tt.status
			b, err := Invite(s)
			if err != nil {
				t.Fatalf("Invite: %v", err)
			}
			cal := parse(t, b)
			e := only(t, cal)
			if got := calProp(cal, "METHOD"); got != tt.wantMethod {
				t.Errorf("METHOD = %q, want %q", got, tt.wantMethod)
			}
			if got := prop(e, ics.ComponentPropertyStatus); got != tt.wantStatus {
				t.Errorf("STATUS = %q, want %q", got, tt.wantStatus)
			}
			if got := e.Attendees()[0].ParticipationStatus(); string(got) != tt.wantExpert {
				t.Errorf("expert PARTSTAT = %q, want %q", got, tt.wantExpert)
			}
		})
	}
}

// TestInviteReschedule follows one booking through a reschedule and a cancellation: the UID
// stays, SEQUENCE and DTSTAMP advance, and the times move.
func TestInviteReschedule(t *testing.T) {
	booked := session(t)
	moved := booked
	moved.Start, moved.End = ts(t, "2026-12-03T16:30:00Z"), ts(t, "2026-12-03T17:30:00Z")
	moved.Sequence = 1
	moved.Updated = ts(t, "2026-11-25T08:00:00Z")
	cancelled := moved
	cancelled.Sequence = 2
	cancelled.Status = "cancelled"
	cancelled.Updated = ts(t, "2026-11-28T12:00:00Z")

	type view struct{ Method, UID, Sequence, Status, Start, End, Stamp string }
	var got []view
	for _, s := range []Session{booked, moved, cancelled} {
		b, err := Invite(s)
		if err != nil {
			t.Fatalf("Invite(sequence %d): %v", s.Sequence, err)
		}
		cal := parse(t, b)
		e := only(t, cal)
		got = append(got, view{
			Method: calProp(cal, "METHOD"), UID: e.Id(),
			Sequence: prop(e, ics.ComponentPropertySequence), Status: prop(e, ics.ComponentPropertyStatus),
			Start: prop(e, ics.ComponentPropertyDtStart), End: prop(e, ics.ComponentPropertyDtEnd),
			Stamp: prop(e, ics.ComponentPropertyDtstamp),
		})
	}
	want := []view{
		{"REQUEST", "01JB7Q4W9Z@tandem", "0", "CONFIRMED", "20261201T140000Z", "20261201T150000Z", "20261121T100000Z"},
		{"REQUEST", "01JB7Q4W9Z@tandem", "1", "CONFIRMED", "20261203T163000Z", "20261203T173000Z", "20261125T080000Z"},
		{"CANCEL", "01JB7Q4W9Z@tandem", "2", "CANCELLED", "20261203T163000Z", "20261203T173000Z", "20261128T120000Z"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("invites mismatch (-want +got):\n%s", diff)
	}
}

func TestInviteParticipants(t *testing.T) {
	type party struct{ Token, Address, CN, Role, Partstat, RSVP string }
	tests := []struct {
		name            string
		expert, learner Person
		want            []party
	}{
		{
			name:    "names",
			expert:  Person{Name: "Maya Okafor", Email: "maya@acme.example"},
			learner: Person{Name: "Ben Hall", Email: "ben@acme.example"},
			want: []party{
				{"ORGANIZER", "mailto:maya@acme.example", "Maya Okafor", "", "", ""},
				{"ATTENDEE", "mailto:maya@acme.example", "Maya Okafor", "CHAIR", "ACCEPTED", "FALSE"},
				{"ATTENDEE", "mailto:ben@acme.example", "Ben Hall", "REQ-PARTICIPANT", "ACCEPTED", "FALSE"},
			},
		},
		{
			// The library would write CN=O\'Brien\, Seán \"Mo\" (not RFC 5545).
			name:    "names needing escapes",
			expert:  Person{Name: `O'Brien, Seán "Mo"`, Email: "sean.obrien@acme.example"},
			learner: Person{Name: "Ana;Lu:Ng\\\r\nTran", Email: "ana+tandem@acme.example"},
			want: []party{
				{"ORGANIZER", "mailto:sean.obrien@acme.example", "O’Brien Seán Mo", "", "", ""},
				{"ATTENDEE", "mailto:sean.obrien@acme.example", "O’Brien Seán Mo", "CHAIR", "ACCEPTED", "FALSE"},
				{"ATTENDEE", "mailto:ana+tandem@acme.example", "Ana Lu Ng Tran", "REQ-PARTICIPANT", "ACCEPTED", "FALSE"},
			},
		},
		{
			name:    "no names",
			expert:  Person{Name: "  ", Email: "maya@acme.example"},
			learner: Person{Email: "ben@acme.example"},
			want: []party{
				{"ORGANIZER", "mailto:maya@acme.example", "", "", "", ""},
				{"ATTENDEE", "mailto:maya@acme.example", "", "CHAIR", "ACCEPTED", "FALSE"},
				{"ATTENDEE", "mailto:ben@acme.example", "", "REQ-PARTICIPANT", "ACCEPTED", "FALSE"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := session(t)
			s.Expert, s.Learner = tt.expert, tt.learner
			b, err := Invite(s)
			if err != nil {
				t.Fatalf("Invite: %v", err)
			}
			e := only(t, parse(t, b))
			var got []party
			for _, p := range e.Properties {
				if p.IANAToken != "ORGANIZER" && p.IANAToken != "ATTENDEE" {
					continue
				}
				got = append(got, party{p.IANAToken, p.Value, param(p, ics.ParameterCn), param(p, ics.ParameterRole),
					param(p, ics.ParameterParticipationStatus), param(p, ics.ParameterRsvp)})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("participants mismatch (-want +got):\n%s", diff)
			}
			if got, want := e.Attendees()[1].Email(), tt.learner.Email; got != want {
				t.Errorf("learner Attendee.Email() = %q, want %q", got, want)
			}
		})
	}
}

func TestInviteTimes(t *testing.T) {
	ny, err := tandem.LoadZone("America/New_York")
	if err != nil {
		t.Fatalf("LoadZone: %v", err)
	}
	type stamps struct{ Start, End, Stamp, Created, Modified string }
	tests := []struct {
		name   string
		change func(*Session)
		want   stamps
	}{
		{
			name:   "utc",
			change: func(*Session) {},
			want:   stamps{"20261201T140000Z", "20261201T150000Z", "20261121T100000Z", "20261120T093000Z", "20261121T100000Z"},
		},
		{
			name: "zoned inputs become the same instants in Z form",
			change: func(s *Session) {
				s.Start = time.Date(2026, 12, 1, 9, 0, 0, 0, ny)
				s.End = time.Date(2026, 12, 1, 10, 0, 0, 0, ny)
				s.Updated = s.Updated.In(ny)
			},
			want: stamps{"20261201T140000Z", "20261201T150000Z", "20261121T100000Z", "20261120T093000Z", "20261121T100000Z"},
		},
		{
			name: "sub-second parts are dropped",
			change: func(s *Session) {
				s.Start = s.Start.Add(999 * time.Millisecond)
				s.End = s.End.Add(time.Nanosecond)
			},
			want: stamps{"20261201T140000Z", "20261201T150000Z", "20261121T100000Z", "20261120T093000Z", "20261121T100000Z"},
		},
		{
			name:   "never updated: DTSTAMP is created",
			change: func(s *Session) { s.Updated = time.Time{} },
			want:   stamps{"20261201T140000Z", "20261201T150000Z", "20261120T093000Z", "20261120T093000Z", ""},
		},
		{
			name:   "no created time",
			change: func(s *Session) { s.Created = time.Time{} },
			want:   stamps{"20261201T140000Z", "20261201T150000Z", "20261121T100000Z", "", "20261121T100000Z"},
		},
		{
			name: "crossing midnight and a year",
			change: func(s *Session) {
				s.Start, s.End = ts(t, "2026-12-31T23:30:00Z"), ts(t, "2027-01-01T00:15:00Z")
			},
			want: stamps{"20261231T233000Z", "20270101T001500Z", "20261121T100000Z", "20261120T093000Z", "20261121T100000Z"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := session(t)
			tt.change(&s)
			b, err := Invite(s)
			if err != nil {
				t.Fatalf("Invite: %v", err)
			}
			e := only(t, parse(t, b))
			got := stamps{prop(e, ics.ComponentPropertyDtStart), prop(e, ics.ComponentPropertyDtEnd),
				prop(e, ics.ComponentPropertyDtstamp), prop(e, ics.ComponentPropertyCreated),
				prop(e, ics.ComponentPropertyLastModified)}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("times mismatch (-want +got):\n%s", diff)
			}
			// The library's own reading gives back the exact instants.
			start, err := e.GetStartAt()
			if err != nil || !start.Equal(s.Start.Truncate(time.Second)) {
				t.Errorf("GetStartAt() = %v, %v; want %v", start, err, s.Start.Truncate(time.Second))
			}
			end, err := e.GetEndAt()
			if err != nil || !end.Equal(s.End.Truncate(time.Second)) {
				t.Errorf("GetEndAt() = %v, %v; want %v", end, err, s.End.Truncate(time.Second))
			}
			stamp, err := e.GetDtStampTime()
			if err != nil || !stamp.Equal(stamp.UTC()) || stamp.Location() != time.UTC {
				t.Errorf("GetDtStampTime() = %v, %v; want a UTC instant", stamp, err)
			}
		})
	}
}

func TestInviteText(t *testing.T) {
	tests := []struct {
		name                  string
		title, desc, url      string
		wantSummary, wantDesc string
		wantRaw               string // must appear in the unfolded output
	}{
		{
			name:  "commas semicolons and backslashes are escaped",
			title: "Pricing, packaging; and \\ more",
			desc:  `Agenda: a, b; c \ d`, url: "",
			wantSummary: "Pricing, packaging; and \\ more", wantDesc: `Agenda: a, b; c \ d`,
			wantRaw: `DESCRIPTION:Agenda: a\, b\; c \\ d`,
		},
		{
			name: "newlines in any spelling become \\n", title: "t",
			desc: "one\ntwo\r\nthree\rfour", url: "",
			wantSummary: "t", wantDesc: "one\ntwo\nthree\nfour",
			wantRaw: `DESCRIPTION:one\ntwo\nthree\nfour`,
		},
		{
			name: "a literal backslash-n stays text", title: "t",
			desc: `C:\new\Notes`, url: "",
			wantSummary: "t", wantDesc: `C:\new\Notes`,
			wantRaw: `DESCRIPTION:C:\\new\\Notes`,
		},
		{
			name: "control characters are dropped, tabs kept", title: "Bell\a and\x00 nul",
			desc: "a\tb\x1bc\x7f", url: "",
			wantSummary: "Bell and nul", wantDesc: "a\tbc",
			wantRaw: "DESCRIPTION:a\tbc",
		},
		{
			name: "invalid UTF-8 becomes U+FFFD", title: "caf\xe9",
			desc: "\xff\xfe", url: "",
			wantSummary: "caf\uFFFD", wantDesc: "\uFFFD",
			wantRaw: "SUMMARY:caf\uFFFD",
		},
		{
			name: "a title is one line", title: "  Deep\r\ndive\n\twith   Maya  ",
			desc: "", url: "",
			wantSummary: "Deep dive with Maya", wantDesc: "",
			wantRaw: "SUMMARY:Deep dive with Maya",
		},
		{
			name: "the meeting URL joins the note", title: "t",
			desc: "  See you!\n", url: "https://meet.example.com/x?id=1,2;3",
			wantSummary: "t", wantDesc: "See you!\n\nJoin: https://meet.example.com/x?id=1,2;3",
			wantRaw: `URL:https://meet.example.com/x?id=1,2;3`,
		},
		{
			name: "only the meeting URL", title: "t",
			desc: " \n ", url: "https://meet.example.com/x",
			wantSummary: "t", wantDesc: "Join: https://meet.example.com/x",
			wantRaw: "LOCATION:https://meet.example.com/x",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := session(t)
			s.Title, s.Description, s.MeetingURL = tt.title, tt.desc, tt.url
			b, err := Invite(s)
			if err != nil {
				t.Fatalf("Invite: %v", err)
			}
			e := only(t, parse(t, b))
			if got := prop(e, ics.ComponentPropertySummary); got != tt.wantSummary {
				t.Errorf("SUMMARY = %q, want %q", got, tt.wantSummary)
			}
			if got := prop(e, ics.ComponentPropertyDescription); got != tt.wantDesc {
				t.Errorf("DESCRIPTION = %q, want %q", got, tt.wantDesc)
			}
			if tt.wantDesc == "" && e.HasProperty(ics.ComponentPropertyDescription) {
				t.Errorf("has a DESCRIPTION, want none")
			}
			if tt.url == "" && (e.HasProperty(ics.ComponentPropertyUrl) || e.HasProperty(ics.ComponentPropertyLocation)) {
				t.Errorf("has URL or LOCATION without a meeting URL")
			}
			unfolded := strings.ReplaceAll(string(b), "\r\n ", "")
			if !strings.Contains(unfolded, tt.wantRaw+"\r\n") {
				t.Errorf("output lacks the line %q:\n%s", tt.wantRaw, b)
			}
		})
	}
}

// TestInviteFolding checks long values: every line at most 75 octets and ending with CRLF (in
// parse), multi-byte characters never split, and the values coming back unchanged.
func TestInviteFolding(t *testing.T) {
	tests := []struct{ name, title, desc string }{
		{"ascii without spaces", strings.Repeat("x", 300), strings.Repeat("y", 1000)},
		{"ascii with spaces", strings.Repeat("Deep dive ", 30), strings.Repeat("word, and; more\n", 60)},
		{"two-byte", strings.Repeat("é", 200), strings.Repeat("ünïcödé ", 100)},
		{"three-byte", strings.Repeat("日本語", 100), strings.Repeat("語", 500)},
		{"four-byte", strings.Repeat("🧭", 100), strings.Repeat("🚀a", 300)},
		{"escapes at every position", strings.Repeat(",;", 100), strings.Repeat(`\,;`+"\n", 100)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := session(t)
			s.Title, s.Description, s.MeetingURL = tt.title, tt.desc, ""
			b, err := Invite(s)
			if err != nil {
				t.Fatalf("Invite: %v", err)
			}
			if !strings.Contains(string(b), "\r\n ") {
				t.Errorf("nothing was folded:\n%s", b)
			}
			e := only(t, parse(t, b))
			if got, want := prop(e, ics.ComponentPropertySummary), oneLine(tt.title); got != want {
				t.Errorf("SUMMARY = %q, want %q", got, want)
			}
			if got, want := prop(e, ics.ComponentPropertyDescription), multiLine(tt.desc); got != want {
				t.Errorf("DESCRIPTION = %q, want %q", got, want)
			}
		})
	}
}

func TestInviteErrors(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Session)
		want   []string
	}{
		{"no booking id", func(s *Session) { s.BookingID = "" }, []string{"bookingId"}},
		{"booking id with a space", func(s *Session) { s.BookingID = "a b" }, []string{"bookingId"}},
		{"booking id injecting a line", func(s *Session) { s.BookingID = "x\r\nATTENDEE:mailto:evil@x.example" }, []string{"bookingId"}},
		{"booking id too long", func(s *Session) { s.BookingID = strings.Repeat("a", 129) }, []string{"bookingId"}},
		{"blank title", func(s *Session) { s.Title = " \r\n\x00 " }, []string{"title"}},
		{"end equals start", func(s *Session) { s.End = s.Start }, []string{"end"}},
		{"end before start", func(s *Session) { s.End = s.Start.Add(-time.Hour) }, []string{"end"}},
		{"end within the same second", func(s *Session) { s.End = s.Start.Add(500 * time.Millisecond) }, []string{"end"}},
		{"no start", func(s *Session) { s.Start = time.Time{} }, []string{"start"}},
		{"no end", func(s *Session) { s.End = time.Time{} }, []string{"end"}},
		{"five-digit year", func(s *Session) { s.End = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }, []string{"end"}},
		{"no stamp", func(s *Session) { s.Created, s.Updated = time.Time{}, time.Time{} }, []string{"updated"}},
		{"created before 1970", func(s *Session) { s.Created = time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC) }, []string{"updated"}},
		{"no expert email", func(s *Session) { s.Expert.Email = "" }, []string{"expert.email"}},
		{"expert email with a name", func(s *Session) { s.Expert.Email = "Maya <maya@acme.example>" }, []string{"expert.email"}},
		{"expert email with mailto", func(s *Session) { s.Expert.Email = "mailto:maya@acme.example" }, []string{"expert.email"}},
		{"expert email injecting a line", func(s *Session) { s.Expert.Email = "maya@acme.example\r\nATTENDEE:mailto:evil@x.example" }, []string{"expert.email"}},
		{"learner email quoted", func(s *Session) { s.Learner.Email = `"ben hall"@acme.example` }, []string{"learner.email"}},
		{"learner email two addresses", func(s *Session) { s.Learner.Email = "ben@acme.example,eve@acme.example" }, []string{"learner.email"}},
		{"learner email non-ASCII", func(s *Session) { s.Learner.Email = "bén@acme.example" }, []string{"learner.email"}},
		{"meeting url without scheme", func(s *Session) { s.MeetingURL = "meet.example.com/go" }, []string{"meetingUrl"}},
		{"meeting url javascript", func(s *Session) { s.MeetingURL = "javascript:alert(1)" }, []string{"meetingUrl"}},
		{"meeting url injecting a line", func(s *Session) { s.MeetingURL = "https://meet.example.com/\r\nX-EVIL:1" }, []string{"meetingUrl"}},
		{"meeting url with a space", func(s *Session) { s.MeetingURL = "https://meet.example.com/a b" }, []string{"meetingUrl"}},
		{"negative sequence", func(s *Session) { s.Sequence = -1 }, []string{"sequence"}},
		{"no status", func(s *Session) { s.Status = "" }, []string{"status"}},
		{"status in upper case", func(s *Session) { s.Status = "CONFIRMED" }, []string{"status"}},
		{"everything at once", func(s *Session) { *s = Session{} }, []string{
			"bookingId", "title", "start", "end", "updated", "expert.email", "learner.email", "status"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := session(t)
			tt.change(&s)
			b, err := Invite(s)
			if b != nil {
				t.Errorf("Invite returned %d bytes with an error", len(b))
			}
			if got := tandem.ErrorCode(err); got != tandem.EInvalid {
				t.Fatalf("ErrorCode = %q, want %q (err %v)", got, tandem.EInvalid, err)
			}
			if diff := cmp.Diff(tt.want, fields(err)); diff != "" {
				t.Errorf("fields mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
