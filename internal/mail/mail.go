// Package mail renders Tandem's notification e-mails and sends them through Amazon SES v2.
//
//	client, _ := mail.NewClient(ctx, os.Getenv("SES_ENDPOINT")) // "" = AWS; the emulator locally
//	m, _ := mail.New(mail.Config{Client: client, From: ..., AppURL: ..., APIURL: ..., LinkKey: ...})
//	id, err := m.Send(ctx, mail.Email{...})                      // one SendEmail, Raw content
//	if err != nil && mail.Permanent(err) { /* record the failure; retrying cannot help */ }
//
// # The message
//
// Render builds one RFC 5322 message (CRLF line ends, 7-bit clean on the wire):
//
//	multipart/mixed
//	├── multipart/alternative
//	│   ├── text/plain; charset=utf-8   (quoted-printable)
//	│   └── text/html; charset=utf-8    (quoted-printable; every text escaped by html/template)
//	└── text/calendar; charset=utf-8; method=REQUEST|CANCEL  invite.ics (base64), when Email.Invite is set
//
// Without an invite the top level is the multipart/alternative itself. The invite is
// calendar.InviteWithAlarm: the same UID and SEQUENCE as the downloadable invite.ics, plus a
// VALARM 15 minutes before the start (none in a CANCEL), so mail clients add, move and remove
// the calendar entry by themselves.
//
// Every time (Email.When, Email.Deadline) is written in the recipient's IANA zone with its
// abbreviation and UTC offset, e.g. "Tue 16 Mar 2027, 10:00–11:00 EDT (UTC−4)" (FormatSpan,
// FormatTime); an unknown zone falls back to UTC, which is then said.
//
// Headers are built, never copied: display names and the subject lose control characters
// (a CR or LF can never start a new header) and are RFC 2047-encoded when not plain ASCII; the
// recipient's address must be a plain addr-spec, or Render refuses it (tandem.EInvalid, which
// Permanent reports as permanent). Message-ID is derived from Email.ID, so a re-send of the
// same notification carries the same Message-ID. Every message has List-Unsubscribe (an HTTPS
// one-click URL per notification kind, `{APIURL}/v1/unsubscribe/{token}`) and
// List-Unsubscribe-Post: List-Unsubscribe=One-Click (RFC 8058), and Auto-Submitted:
// auto-generated (RFC 3834), so auto-responders stay quiet.
//
// # Links
//
// Actions become `{AppURL}/bookings/{bookingId}?do={verb}&t={token}`: the token only proves the
// link came from Tandem for that user, booking and verb and has not expired; the web app asks
// the user to confirm and then makes the ordinary authenticated API call, so rights are checked
// as always. Tokens are HMAC-SHA256 signed claims (see SignLink, VerifyLink); the key never
// leaves the process and the URL carries nothing else secret.
//
// # Sending and errors
//
// Send makes exactly one SendEmail call (the SDK retryer's retries of throttling, 5xx and
// network errors aside), through Client: SES v2's REST API called directly with the SDK's
// signer, retryer and middleware stack, not the SDK's sesv2 package (see Client for why).
// Permanent tells a caller whether to give up: a rejected message, an invalid address or
// content, a missing identity or configuration set are permanent; throttling, a paused account,
// 5xx, timeouts and network errors (the emulator stopped) are not. SES's account-level
// suppression list is applied by SES after it accepts the message: a suppressed address gets a
// success here and a bounce event later (see README "Mail").
package mail

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/tandemhq/tandem/internal/calendar"
	"github.com/tandemhq/tandem/internal/obs"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Recipient is who a message goes to. Zone is an IANA zone name ("America/New_York").
type Recipient struct{ UserID, Org, Name, Address, Zone string }

// Span is a session's time.
type Span struct{ Start, End time.Time }

// Action is a one-click link into the app. Verb: confirm|decline|reschedule|cancel.
type Action struct{ Label, Verb, BookingID string }

// Email is one notification e-mail.
type Email struct {
	ID       string // notification id, deterministic per (event, recipient, channel); the Message-ID seed
	Kind     string // notification kind; List-Unsubscribe is per kind
	To       Recipient
	Subject  string
	Lines    []string  // plain-text paragraphs, in order (no HTML; escaped for the HTML part)
	When     *Span     // the session's time, in To.Zone
	Deadline time.Time // "Respond by ..." in To.Zone; zero = none
	Path     string    // app page it is about, e.g. "/bookings/bk1"
	Actions  []Action
	Invite   *calendar.Session // attach invite.ics (REQUEST, or CANCEL when cancelled) with a VALARM
}

// Config configures a Mailer.
type Config struct {
	Client  *Client // NewClient(ctx, endpoint)
	From    string  // sender identity: "noreply@example.com" or "Tandem <noreply@example.com>"
	AppURL  string  // web app base URL, for links
	APIURL  string  // API base URL, for the one-click List-Unsubscribe POST target
	LinkKey []byte  // HMAC key for links, at least 32 bytes
	// ConfigurationSet is the SES configuration set (bounce/complaint event destination); optional.
	ConfigurationSet string
	// Now is the clock (Date header, link expiry); nil means time.Now.
	Now func() time.Time
}

// Link lifetimes.
const (
	ActionTTL      = 14 * 24 * time.Hour  // an action link; the app re-checks the booking's state anyway
	UnsubscribeTTL = 365 * 24 * time.Hour // RFC 8058 links must keep working while the mail is kept
	AlarmBefore    = 15 * time.Minute     // the VALARM of an attached invite
)

// Mailer renders and sends notification e-mails.
type Mailer struct {
	client  *Client
	from    mail.Address
	appURL  string
	apiURL  string
	key     []byte
	confSet string
	now     func() time.Time
}

// MinKeyLen is the shortest LinkKey accepted.
const MinKeyLen = 32

// New checks cfg and returns a Mailer. Client may be nil for a Mailer that only renders and
// signs (Send then fails).
func New(cfg Config) (*Mailer, error) {
	from, err := mail.ParseAddress(cfg.From)
	if err != nil || !plainAddress(from.Address) {
		return nil, fmt.Errorf("mail.New: sender %q is not an e-mail address", cfg.From)
	}
	from.Name = headerText(from.Name)
	app, err := baseURL(cfg.AppURL)
	if err != nil {
		return nil, fmt.Errorf("mail.New: AppURL: %w", err)
	}
	api, err := baseURL(cfg.APIURL)
	if err != nil {
		return nil, fmt.Errorf("mail.New: APIURL: %w", err)
	}
	if len(cfg.LinkKey) < MinKeyLen {
		return nil, fmt.Errorf("mail.New: LinkKey has %d bytes, need at least %d", len(cfg.LinkKey), MinKeyLen)
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &Mailer{
		client: cfg.Client, from: *from, appURL: app, apiURL: api,
		key: append([]byte(nil), cfg.LinkKey...), confSet: cfg.ConfigurationSet, now: now,
	}, nil
}

// baseURL checks an absolute http(s) URL and drops a trailing slash.
func baseURL(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("%q is not an absolute http(s) URL", s)
	}
	for _, r := range s {
		if r <= ' ' || r >= 0x7f {
			return "", fmt.Errorf("%q has spaces, control or non-ASCII characters", s)
		}
	}
	return strings.TrimRight(s, "/"), nil
}

// NewClient builds the SES v2 client (see Client) the way dynamo.NewClient builds DynamoDB's:
// no shared-config machinery; for a local endpoint (the emulator, SES_ENDPOINT) static
// credentials and a fixed region; for AWS ("") the credentials and region Lambda puts in the
// environment. optFns adjust the options (tests add awsaccess.Recorder to APIOptions; Lambda a
// TracerProvider).
func NewClient(_ context.Context, endpoint string, optFns ...func(*ClientOptions)) (*Client, error) {
	opts := ClientOptions{Region: os.Getenv("AWS_REGION")}
	if endpoint != "" {
		if opts.Region == "" {
			opts.Region = "us-east-1"
		}
		opts.BaseEndpoint = endpoint
		opts.Credentials = credentials.NewStaticCredentialsProvider("local", "local", "")
	} else {
		key, secret := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
		if key == "" || secret == "" || opts.Region == "" {
			return nil, errors.New("mail.NewClient: AWS_REGION and AWS credentials must be in the environment (as Lambda sets them)")
		}
		opts.Credentials = aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(key, secret, os.Getenv("AWS_SESSION_TOKEN")))
	}
	for _, fn := range optFns {
		fn(&opts)
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = awshttp.NewBuildableClient()
	}
	if opts.Retryer == nil {
		opts.Retryer = retry.NewStandard(func(o *retry.StandardOptions) {
			if opts.RetryMaxAttempts > 0 {
				o.MaxAttempts = opts.RetryMaxAttempts
			}
		})
	}
	return &Client{opts: opts}, nil
}

// Send renders e and sends it with one SendEmail call (Raw content). It returns SES's message
// id. Errors: tandem.EInvalid when e cannot be rendered (Permanent), else SES's or the
// network's (see Permanent).
func (m *Mailer) Send(ctx context.Context, e Email) (messageID string, err error) {
	defer tandem.Wrap(&err, "mail.Send(%q)", e.ID)
	if m.client == nil {
		return "", errors.New("mailer has no SES client")
	}
	raw, err := m.Render(e)
	if err != nil {
		return "", err
	}
	in := &SendEmailInput{
		FromEmailAddress:     m.from.Address,
		Destination:          &Destination{ToAddresses: []string{e.To.Address}},
		EmailTags:            []MessageTag{{Name: "kind", Value: tagValue(e.Kind)}},
		ConfigurationSetName: m.confSet,
	}
	in.Content.Raw.Data = raw
	out, err := m.client.SendEmail(ctx, in)
	if err != nil {
		return "", err
	}
	return out.MessageID, nil
}

// tagValue is s in SES's tag alphabet (ASCII letters, digits, _ and -).
func tagValue(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			b[i] = '_'
		}
	}
	if len(b) == 0 {
		return "none"
	}
	if len(b) > 256 {
		b = b[:256]
	}
	return string(b)
}

func init() {
	// The one-click unsubscribe URL carries a link token in its path: never log it.
	obs.RegisterSecretPath("/v1/unsubscribe/{token}")
}
