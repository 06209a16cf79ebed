// Package mailsender sends notify's e-mails through internal/mail (Amazon SES v2). It is kept
// out of package notify so that only the function that sends (NotificationsFunction) links
// the mailer; the scheduler, which also creates notifications, does not.
package mailsender

import (
	"context"
	"errors"
	"os"
	"time"

	"github.com/tandemhq/tandem/internal/mail"
	"github.com/tandemhq/tandem/internal/notify"
)

// Sender adapts a Mailer to notify.Sender.
type Sender struct{ Mailer *mail.Mailer }

// Send sends m as notification id.
func (s Sender) Send(ctx context.Context, id string, m notify.Message) (string, error) {
	e := mail.Email{ID: id, Kind: m.Kind, To: mail.Recipient(m.To), Subject: m.Subject, Lines: m.Lines,
		Deadline: m.Deadline, Path: m.Path, Invite: m.Invite}
	if m.When != nil {
		e.When = &mail.Span{Start: m.When.Start, End: m.When.End}
	}
	for _, a := range m.Actions {
		e.Actions = append(e.Actions, mail.Action(a))
	}
	return s.Mailer.Send(ctx, e)
}

// Permanent is mail.Permanent.
func (Sender) Permanent(err error) bool { return mail.Permanent(err) }

// Environment of the sending function (template.yaml sets them; tandem dev locally).
const (
	EnvSESEndpoint = "SES_ENDPOINT"     // "" = AWS; the emulator locally
	EnvSender      = "SENDER_ADDRESS"   // the SES identity's address (parameter SenderAddress)
	EnvAppURL      = "APP_URL"          // the web app, for links
	EnvAPIURL      = "API_URL"          // the API, for one-click unsubscribe
	EnvLinkKey     = "LINK_SIGNING_KEY" // HMAC key for links (at least 32 bytes)
)

// LinkKey reads LINK_SIGNING_KEY.
func LinkKey() ([]byte, error) {
	k := os.Getenv(EnvLinkKey)
	if len(k) < mail.MinKeyLen {
		return nil, errors.New("mailsender: LINK_SIGNING_KEY must hold at least 32 bytes")
	}
	return []byte(k), nil
}

// FromEnv builds the Mailer from the environment (no network I/O: the client connects on
// the first send). optFns adjust the SES client (tracing in Lambda, the access recorder in
// tests).
func FromEnv(ctx context.Context, now func() time.Time, optFns ...func(*mail.ClientOptions)) (*mail.Mailer, error) {
	key, err := LinkKey()
	if err != nil {
		return nil, err
	}
	client, err := mail.NewClient(ctx, os.Getenv(EnvSESEndpoint), optFns...)
	if err != nil {
		return nil, err
	}
	return mail.New(mail.Config{Client: client, From: os.Getenv(EnvSender), AppURL: os.Getenv(EnvAppURL),
		APIURL: os.Getenv(EnvAPIURL), LinkKey: key, Now: now})
}
