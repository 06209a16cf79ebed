package notify_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/tandemhq/tandem/internal/awsaccess"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/mail"
	"github.com/tandemhq/tandem/internal/mail/mailtest"
	"github.com/tandemhq/tandem/internal/metrics"
	"github.com/tandemhq/tandem/internal/notify"
	"github.com/tandemhq/tandem/internal/notify/mailsender"
	"github.com/tandemhq/tandem/internal/scheduler"
	"github.com/tandemhq/tandem/internal/tandem"
)

// SenderIdentityResource is how template.yaml names the SES identity NotificationsFunction may
// send as (its policy's resource, as the IAM check reads it).
const senderIdentityResource = "arn:aws:ses:${AWS::Region}:${AWS::AccountId}:identity/${SenderIdentity}"

// sesAccess resolves SendEmail to the sender identity, as IAM authorizes it.
func sesAccess(op string, _ any) []awsaccess.Access {
	return []awsaccess.Access{{Action: "ses:" + op, Resource: senderIdentityResource}}
}

// sender is NotificationsFunction's mailer against the emulator at endpoint, its SES calls
// recorded for the IAM check; one try per send (the consumer retries).
func sender(t *testing.T, endpoint string, now func() time.Time) notify.Sender {
	t.Helper()
	client, err := mail.NewClient(context.Background(), endpoint, func(o *mail.ClientOptions) {
		o.APIOptions = append(o.APIOptions, awsaccess.Recorder("NotificationsFunction", sesAccess))
		o.RetryMaxAttempts = 1
	})
	if err != nil {
		t.Fatal(err)
	}
	m, err := mail.New(mail.Config{Client: client, From: "Tandem <tandem@acme.example>", AppURL: "http://app.test",
		APIURL: "http://api.test", LinkKey: []byte(strings.Repeat("k", 32)), Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return mailsender.Sender{Mailer: m}
}

func invite(t *testing.T, m mailtest.Message) (method, uid string, seq string) {
	t.Helper()
	att := m.Calendar()
	if att == nil {
		t.Fatalf("%q has no calendar attachment", m.Subject)
	}
	data, err := att.Data()
	if err != nil {
		t.Fatal(err)
	}
	cal, err := mailtest.ParseCalendar(data)
	if err != nil {
		t.Fatalf("invite does not parse: %v\n%s", err, data)
	}
	method = cal.Props.Get("METHOD").Value
	ev := cal.Events()
	if len(ev) != 1 {
		t.Fatalf("%d events in the invite", len(ev))
	}
	return method, ev[0].Props.Get("UID").Value, ev[0].Props.Get("SEQUENCE").Value
}

// TestBookingEmails: Ben books Maya: both get an e-mail whose invite has METHOD:REQUEST; he
// reschedules: a new e-mail, same UID, SEQUENCE+1; he cancels: METHOD:CANCEL. Every e-mail
// is recorded as sent, and redelivering every record sends nothing more.
func TestBookingEmails(t *testing.T) {
	ses := mailtest.Start(t)
	t0 := time.Date(2027, 5, 3, 9, 0, 0, 0, time.UTC)
	e := newEnv(t, t0)
	c := e.consumer(sender(t, ses.Endpoint, e.clk.Now))
	var all []string
	step := func() {
		recs := e.read()
		deliver(t, c, recs, 100)
		for _, r := range recs {
			all = append(all, r.EventID)
		}
		e.drain(c)
	}
	e.book("bm1", t0.Add(72*time.Hour), tandem.StatusConfirmed, time.Time{})
	step()
	benMail := mailtest.WaitFor(t, ses.Endpoint, ben.Email, 1, 5*time.Second)
	mayaMail := mailtest.WaitFor(t, ses.Endpoint, maya.Email, 1, 5*time.Second)
	m1, uid1, seq1 := invite(t, benMail[0])
	m2, uid2, _ := invite(t, mayaMail[0])
	if m1 != "REQUEST" || m2 != "REQUEST" || uid1 != uid2 || uid1 == "" {
		t.Fatalf("booked: methods %s/%s, uids %s/%s", m1, m2, uid1, uid2)
	}
	if !strings.Contains(benMail[0].Body.Text, "GMT") && !strings.Contains(benMail[0].Body.Text, "BST") {
		t.Errorf("Ben's e-mail has no London time:\n%s", benMail[0].Body.Text)
	}

	e.clk.Set(t0.Add(time.Hour))
	e.reschedule("bm1", t0.Add(96*time.Hour))
	step()
	benMail = mailtest.WaitFor(t, ses.Endpoint, ben.Email, 2, 5*time.Second)
	m3, uid3, seq3 := invite(t, benMail[1])
	if m3 != "REQUEST" || uid3 != uid1 || seq3 != fmt.Sprint(mustAtoi(t, seq1)+1) {
		t.Fatalf("rescheduled: method %s uid %s seq %s; want REQUEST %s %d", m3, uid3, seq3, uid1, mustAtoi(t, seq1)+1)
	}

	e.clk.Set(t0.Add(2 * time.Hour))
	e.change("bm1", func(b *tandem.Booking, now time.Time) error { return b.Cancel("learner", "", 24*time.Hour, now) })
	step()
	benMail = mailtest.WaitFor(t, ses.Endpoint, ben.Email, 3, 5*time.Second)
	m4, uid4, _ := invite(t, benMail[2])
	if m4 != "CANCEL" || uid4 != uid1 {
		t.Fatalf("cancelled: method %s uid %s", m4, uid4)
	}
	mailtest.WaitFor(t, ses.Endpoint, maya.Email, 3, 5*time.Second)
	for _, it := range e.notifications() {
		if it["mail"] != dynamo.MailSent || it["messageId"] == nil {
			t.Errorf("%s %s: mail %v", it["userId"], it["kind"], it["mail"])
		}
	}
	// Approval mode: the expert gets the request with its deadline and one-click links.
	e.book("bm2", t0.Add(120*time.Hour), tandem.StatusPending, t0.Add(50*time.Hour))
	step()
	mayaMail = mailtest.WaitFor(t, ses.Endpoint, maya.Email, 4, 5*time.Second)
	req := mayaMail[3]
	if !strings.Contains(req.Body.Text, "?do=confirm&t=") || !strings.Contains(req.Body.Text, "?do=decline&t=") ||
		!strings.Contains(req.Body.Text, "Wed 5 May 2027, 07:00 EDT") {
		t.Errorf("approval e-mail lacks its deadline or links:\n%s", req.Body.Text)
	}
	// A waitlist seat offered to Ben: the offer with its deadline and links.
	offer := &tandem.Booking{ID: "bm3", OrgID: "acme", Expert: maya, Learner: ben, SessionType: intro, Start: t0.Add(150 * time.Hour),
		End: t0.Add(150*time.Hour + 30*time.Minute), Status: tandem.StatusPending, HoldUntil: t0.Add(14 * time.Hour), Offer: true}
	if _, err := e.store.Book(context.Background(), dynamo.BookRequest{Booking: offer,
		Idem: dynamo.IdemRecord{UserID: ben.ID, Key: "k-bm3", Hash: "h", Status: 201, Body: []byte("{}")}}); err != nil {
		t.Fatal(err)
	}
	step()
	benMail = mailtest.WaitFor(t, ses.Endpoint, ben.Email, 4, 5*time.Second)
	if got := benMail[3]; !strings.Contains(got.Subject, "A seat is free") || !strings.Contains(got.Body.Text, "Tue 4 May 2027, 00:00 BST") ||
		!strings.Contains(got.Body.Text, "?do=confirm&t=") {
		t.Errorf("waitlist offer e-mail: %q\n%s", got.Subject, got.Body.Text)
	}
	// Maya offers to help with Ben's request: Ben is e-mailed the proposed times.
	if err := e.store.CreateRequest(context.Background(), &tandem.LearnerRequest{ID: "rq1", OrgID: "acme", LearnerID: ben.ID,
		LearnerName: ben.Name, LearnerDepartment: "Sales", Topics: []string{"go"}, Goal: "learn", DurationMin: 30, Urgency: "normal",
		Timezone: "UTC", Status: tandem.RequestOpen, ExpiresAt: t0.Add(30 * 24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := e.store.PutOffer(context.Background(), "acme", &tandem.Offer{RequestID: "rq1", ExpertID: maya.ID, ExpertName: maya.Name,
		SessionType: "Intro chat", Starts: []time.Time{t0.Add(200 * time.Hour)}, CreatedAt: e.clk.Now()}); err != nil {
		t.Fatal(err)
	}
	step()
	benMail = mailtest.WaitFor(t, ses.Endpoint, ben.Email, 5, 5*time.Second)
	if got := benMail[4]; !strings.Contains(got.Subject, "Maya Okafor offered") || !strings.Contains(got.Body.Text, "Tue 11 May 2027, 18:00 BST") ||
		!strings.Contains(got.Body.Text, "stays open until Wed 2 Jun 2027") {
		t.Errorf("request offer e-mail: %q\n%s", got.Subject, got.Body.Text)
	}
	// Every record again: nothing more is sent.
	before, _ := mailtest.All(context.Background(), ses.Endpoint)
	e.drain(c)
	after, _ := mailtest.All(context.Background(), ses.Endpoint)
	if len(after) != len(before) {
		t.Errorf("%d messages after a quiet drain, want %d", len(after), len(before))
	}
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	var n int
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return n
}

func sesScript(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "infra", "ses-local.sh")
}

// TestSESOutage: the emulator is stopped while 50 sessions are booked and the consumer keeps
// running: no booking fails, none waits for mail; every send fails and is scheduled for a
// retry. Back up, the scheduler's retries deliver every e-mail exactly once. With the
// emulator down past the retry limit, e-mails are dead-lettered: visible, never dropped.
func TestSESOutage(t *testing.T) {
	ses := mailtest.Start(t)
	port := ses.Endpoint[strings.LastIndex(ses.Endpoint, ":")+1:]
	state := t.TempDir()
	script := sesScript(t)
	ses.Stop(t)
	t0 := time.Date(2027, 6, 7, 9, 0, 0, 0, time.UTC)
	e := newEnv(t, t0)
	c := e.consumer(sender(t, ses.Endpoint, e.clk.Now))
	c.Breaker = 200 * time.Millisecond
	sched, err := dynamo.New(context.Background(), e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := sched.SetSchedulerWatermark(context.Background(), t0.Truncate(time.Hour)); err != nil {
		t.Fatal(err)
	}

	// 50 bookings while the consumer drains the stream alongside.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
			recs, err := e.reader.Read(context.Background())
			if err != nil {
				t.Error(err)
				return
			}
			h := c.Handler()
			for i := 0; i < len(recs); i += 100 {
				resp, _ := h(context.Background(), eventsOf(recs[i:min(i+100, len(recs))]))
				if len(resp.BatchItemFailures) > 0 {
					t.Errorf("a record failed during the outage: %+v", resp.BatchItemFailures)
				}
			}
		}
	}()
	var took []time.Duration
	for i := range 50 {
		began := time.Now()
		e.book(fmt.Sprintf("out%02d", i), t0.Add(72*time.Hour+time.Duration(i)*time.Hour), tandem.StatusConfirmed, time.Time{})
		took = append(took, time.Since(began))
	}
	slices.Sort(took)
	time.Sleep(300 * time.Millisecond)
	close(stop)
	wg.Wait()
	e.drain(c)
	t.Logf("50 bookings during the outage (DynamoDB Local, consumer running alongside): median %v, slowest %v", took[25], took[49])
	count := func(state string) int {
		n := 0
		for _, it := range e.notifications() {
			if it["mail"] == state {
				n++
			}
		}
		return n
	}
	if got := count(dynamo.MailRetrying); got != 100 {
		t.Fatalf("%d e-mails retrying during the outage, want 100", got)
	}

	// The emulator comes back on its port; the scheduler retries every e-mail once.
	out, err := exec.Command(script, "start", "--port", port, "--state-dir", state).Output()
	if err != nil {
		t.Fatalf("restart the emulator: %v", err)
	}
	t.Cleanup(func() { _ = exec.Command(script, "stop", "--state-dir", state).Run() })
	endpoint := strings.TrimSpace(string(out))
	time.Sleep(300 * time.Millisecond) // the breaker closes
	for at := t0.Add(10 * time.Minute); at.Before(t0.Add(3 * time.Hour)); at = at.Add(10 * time.Minute) {
		e.clk.Set(at)
		if _, err := scheduler.Run(context.Background(), sched, at); err != nil {
			t.Fatal(err)
		}
		e.drain(c)
	}
	if got := count(dynamo.MailSent); got != 100 {
		t.Errorf("%d e-mails sent after the outage, want 100", got)
	}
	msgs, err := mailtest.All(context.Background(), endpoint)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, m := range msgs {
		seen[m.Destination.To[0]+" "+m.Body.Text]++
	}
	if len(msgs) != 100 || len(seen) != 100 {
		t.Errorf("%d messages (%d distinct), want 100 distinct", len(msgs), len(seen))
	}

	// Past the retry limit: the emulator stops again; three attempts and the e-mail is dead.
	if err := exec.Command(script, "stop", "--state-dir", state).Run(); err != nil {
		t.Fatal(err)
	}
	c.MaxAttempts = 3
	e.book("dead1", t0.Add(240*time.Hour), tandem.StatusConfirmed, time.Time{})
	for at := t0.Add(3 * time.Hour); at.Before(t0.Add(6 * time.Hour)); at = at.Add(10 * time.Minute) {
		e.clk.Set(at)
		e.drain(c)
		time.Sleep(250 * time.Millisecond) // the breaker closes: each attempt really tries
		if _, err := scheduler.Run(context.Background(), sched, at); err != nil {
			t.Fatal(err)
		}
	}
	e.drain(c)
	dead := 0
	for _, it := range e.notifications() {
		if strings.Contains(it["path"].(string), "dead1") {
			if it["mail"] != dynamo.MailDead || it["attempt"] != float64(2) || it["lastError"] == nil {
				t.Errorf("%s: mail %v attempt %v error %v; want dead after 3 attempts", it["userId"], it["mail"], it["attempt"], it["lastError"])
			}
			dead++
		}
	}
	if dead != 2 {
		t.Errorf("%d dead e-mails, want 2", dead)
	}
}

func eventsOf(recs []events.DynamoDBEventRecord) events.DynamoDBEvent {
	return events.DynamoDBEvent{Records: recs}
}

// syncBuffer is a goroutine-safe buffer for EMF lines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// TestCrashBetweenSendAndRecord: a sender claims an e-mail, SES accepts it, and the sender
// dies before recording it. That is not silent: when the lease lapses the scheduler makes it
// pending again (NotificationLeaseLapsed), it is sent again with the same Message-ID and
// recorded sent; it is never lost. (SES has no idempotency token: this is the one case of
// two copies, see the package doc.)
func TestCrashBetweenSendAndRecord(t *testing.T) {
	ses := mailtest.Start(t)
	t0 := time.Date(2027, 7, 5, 9, 0, 0, 0, time.UTC)
	e := newEnv(t, t0)
	var capture mailtest.Capture
	client, err := mail.NewClient(context.Background(), ses.Endpoint, func(o *mail.ClientOptions) {
		o.APIOptions = append(o.APIOptions, capture.Middleware)
		o.APIOptions = append(o.APIOptions, awsaccess.Recorder("NotificationsFunction", sesAccess))
	})
	if err != nil {
		t.Fatal(err)
	}
	m, err := mail.New(mail.Config{Client: client, From: "tandem@acme.example", AppURL: "http://app.test", APIURL: "http://api.test",
		LinkKey: []byte(strings.Repeat("k", 32)), Now: e.clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	snd := mailsender.Sender{Mailer: m}
	deriveOnly := e.consumer(nil)
	e.book("cr1", t0.Add(72*time.Hour), tandem.StatusConfirmed, time.Time{})
	e.drain(deriveOnly) // notifications created, e-mails pending
	page, err := e.store.ListNotifications(tandem.WithCaller(context.Background(), tandem.Caller{UserID: ben.ID, OrgID: "acme"}), "acme", ben.ID, "", false, 10)
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("%v, %d notifications", err, len(page.Items))
	}
	n := page.Items[0]
	// The "crashing" sender: claims, sends, never records.
	if ok, err := e.store.ClaimMail(context.Background(), n, t0.Add(notify.DefaultLease)); err != nil || !ok {
		t.Fatalf("claim: %v %v", ok, err)
	}
	var msg notify.Message
	if err := json.Unmarshal([]byte(n.Email), &msg); err != nil {
		t.Fatal(err)
	}
	if _, err := snd.Send(context.Background(), n.ID, msg); err != nil {
		t.Fatal(err)
	}
	// Redelivered records change nothing while the lease holds.
	c := e.consumer(snd)
	e.drain(c)
	if got, _ := mailtest.To(context.Background(), ses.Endpoint, ben.Email); len(got) != 1 {
		t.Fatalf("%d messages to Ben while the lease holds, want 1", len(got))
	}
	var buf syncBuffer
	defer metrics.SetDefault(metrics.SetDefault(metrics.New(&buf)))
	sched, err := dynamo.New(context.Background(), e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := sched.SetSchedulerWatermark(context.Background(), t0.Truncate(time.Hour)); err != nil {
		t.Fatal(err)
	}
	at := t0.Add(notify.DefaultLease + time.Minute)
	e.clk.Set(at)
	if _, err := scheduler.Run(context.Background(), sched, at); err != nil {
		t.Fatal(err)
	}
	e.drain(c)
	got := mailtest.WaitFor(t, ses.Endpoint, ben.Email, 2, 5*time.Second)
	if len(got) != 2 || !strings.Contains(buf.String(), "NotificationLeaseLapsed") {
		t.Errorf("%d messages to Ben, lease-lapsed metric %v", len(got), strings.Contains(buf.String(), "NotificationLeaseLapsed"))
	}
	raws := capture.Raw()
	var ids []string
	for _, raw := range raws {
		p, err := mailtest.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(p.Header.Get("To"), ben.Email) {
			ids = append(ids, p.Header.Get("Message-Id"))
		}
	}
	if len(ids) != 2 || ids[0] != ids[1] || ids[0] == "" {
		t.Errorf("Message-IDs of the two copies: %q", ids)
	}
	after, err := e.store.GetNotification(context.Background(), "acme", ben.ID, n.ID)
	if err != nil || after.Mail != dynamo.MailSent || after.Attempt != 1 {
		t.Errorf("after the retry: %+v %v", after, err)
	}
}
