package calendar

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/tandem"
)

// TestInviteWithAlarm: the e-mailed invite is the downloadable one plus exactly one VALARM block
// (DISPLAY, 15 minutes before, with the DESCRIPTION a DISPLAY alarm requires) in a REQUEST, and
// is identical to it in a CANCEL.
func TestInviteWithAlarm(t *testing.T) {
	s := session(t)
	plain, err := Invite(s)
	if err != nil {
		t.Fatal(err)
	}
	withAlarm, err := InviteWithAlarm(s, 15*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	block := strings.Join([]string{
		"BEGIN:VALARM",
		"ACTION:DISPLAY",
		"TRIGGER:-PT15M",
		"DESCRIPTION:Reminder: Deep dive with Maya Okafor",
		"END:VALARM",
		"",
	}, "\r\n")
	want := bytes.Replace(plain, []byte("END:VEVENT\r\n"), []byte(block+"END:VEVENT\r\n"), 1)
	if !bytes.Equal(withAlarm, want) {
		t.Errorf("InviteWithAlarm:\n%s\nwant:\n%s", withAlarm, want)
	}
	e := only(t, parse(t, withAlarm))
	if n := len(e.Alarms()); n != 1 {
		t.Errorf("%d alarms, want 1", n)
	}

	s.Status = tandem.StatusCancelled
	s.Sequence = 1
	plain, _ = Invite(s)
	withAlarm, err = InviteWithAlarm(s, 15*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(plain, withAlarm) {
		t.Errorf("a cancellation carries an alarm:\n%s", withAlarm)
	}

	for _, d := range []time.Duration{0, -time.Minute, 90 * time.Second} {
		if _, err := InviteWithAlarm(s, d); tandem.ErrorCode(err) != tandem.EInvalid {
			t.Errorf("InviteWithAlarm(%v) = %v, want EInvalid", d, err)
		}
	}
}
