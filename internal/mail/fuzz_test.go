package mail

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/mail/mailtest"
)

// FuzzRender: whatever the subject, name and text, the message parses, has exactly the headers
// Render writes (no injected one), 7-bit lines with CRLF ends of at most 998 octets, the subject
// and name decode to their cleaned text, and the body text survives quoted-printable.
func FuzzRender(f *testing.F) {
	f.Add("Session confirmed", "Ben Hall", "Maya confirmed.")
	f.Add("Hi\r\nBcc: eve@evil.example", "Ben\nCc: x@y.z", "<b>x</b>\r\n.\r\n")
	f.Add("=?utf-8?q?=0D=0ABcc:_x?=", "\"Ben\" <eve@evil.example>", "--boundary\r\n\r\n")
	f.Add(strings.Repeat("ü", 300), strings.Repeat("名", 80), strings.Repeat("x", 2000))
	m, err := New(Config{From: "Tandem <noreply@tandem.example>", AppURL: "https://app.example", APIURL: "https://api.example",
		LinkKey: key1, Now: func() time.Time { return t0 }})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, subject, name, line string) {
		e := Email{ID: "n1", Kind: "reminder", Subject: subject, Lines: []string{line},
			To: Recipient{UserID: "u1", Org: "acme", Name: name, Address: "ben@acme.example", Zone: "Europe/Berlin"}}
		raw, err := m.Render(e)
		if err != nil {
			if headerText(subject) == "" {
				return // a blank subject is refused
			}
			t.Fatalf("Render: %v", err)
		}
		for _, l := range bytes.Split(raw, []byte("\r\n")) {
			if len(l) > 998 || bytes.ContainsAny(l, "\r\n") {
				t.Fatalf("bad line %q", l)
			}
			for _, c := range l {
				if c >= 0x80 {
					t.Fatalf("8-bit line %q", l)
				}
			}
		}
		p, err := mailtest.Parse(raw)
		if err != nil {
			t.Fatalf("Parse: %v", err)
		}
		want := map[string]bool{"From": true, "To": true, "Subject": true, "Date": true, "Message-Id": true, "Mime-Version": true,
			"List-Unsubscribe": true, "List-Unsubscribe-Post": true, "Auto-Submitted": true, "Content-Type": true}
		for k := range p.Header {
			if !want[k] {
				t.Fatalf("unexpected header %q", k)
			}
		}
		if len(p.Header) != len(want) {
			t.Fatalf("headers %v", p.Header)
		}
		if got := p.Subject; got != truncateRunes(headerText(subject), maxSubjectRunes) {
			t.Fatalf("subject %q from %q", got, subject)
		}
		to, err := p.Header.AddressList("To")
		if err != nil || len(to) != 1 || to[0].Address != "ben@acme.example" || to[0].Name != headerText(name) {
			t.Fatalf("To %v %v from name %q", to, err, name)
		}
		if len(p.Parts) != 2 {
			t.Fatalf("%d parts", len(p.Parts))
		}
		if l := paragraphs([]string{line}); len(l) == 1 && !strings.Contains(strings.ReplaceAll(p.Text, "\r\n", "\n"), l[0]) {
			t.Fatalf("text lost %q", l[0])
		}
	})
}
