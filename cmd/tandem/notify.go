package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"github.com/aws/aws-lambda-go/events"
	"github.com/tandemhq/tandem/internal/connections"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/httpapi"
	"github.com/tandemhq/tandem/internal/mail"
	"github.com/tandemhq/tandem/internal/notify"
	"github.com/tandemhq/tandem/internal/notify/mailsender"
	"github.com/tandemhq/tandem/internal/scheduler"
)

// devLinkKeyPath holds the dev HMAC key of signed e-mail links (LINK_SIGNING_KEY overrides it).
const devLinkKeyPath = ".local/dev-link-key"

// devLinkKey returns LINK_SIGNING_KEY, or the dev key (created on first use).
func devLinkKey() ([]byte, error) {
	if k := os.Getenv(mailsender.EnvLinkKey); k != "" {
		return []byte(k), nil
	}
	if b, err := os.ReadFile(devLinkKeyPath); err == nil && len(strings.TrimSpace(string(b))) >= mail.MinKeyLen {
		return []byte(strings.TrimSpace(string(b))), nil
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	key := hex.EncodeToString(raw)
	if err := os.MkdirAll(filepath.Dir(devLinkKeyPath), 0o755); err != nil {
		return nil, err
	}
	return []byte(key), os.WriteFile(devLinkKeyPath, []byte(key+"\n"), 0o600)
}

// linkVerifier is NotificationsFunction's verifier of signed links with key.
func linkVerifier(key []byte) httpapi.LinkVerifier {
	return func(token string, now time.Time) (httpapi.LinkClaims, error) {
		c, err := mail.VerifyLink(key, token, now)
		return httpapi.LinkClaims{Org: c.Org, UserID: c.UserID, Purpose: c.Purpose, Kind: c.Kind}, err
	}
}

// notifyEnv is NotificationsFunction's environment locally: the SES emulator (SES_ENDPOINT),
// a dev sender, the app's URL for links and the dev link key.
func notifyEnv(url string, key []byte) map[string]string {
	return map[string]string{
		mailsender.EnvSESEndpoint: os.Getenv(mailsender.EnvSESEndpoint),
		mailsender.EnvSender:      "Tandem <tandem@tandem.local>",
		mailsender.EnvAppURL:      url,
		mailsender.EnvAPIURL:      url,
		mailsender.EnvLinkKey:     string(key),
	}
}

// devConsumer is the notifications consumer `tandem dev` runs on the table's stream: it
// sends through the SES emulator when SES_ENDPOINT is set; without it notifications are
// created and their e-mails stay pending.
func devConsumer(ctx context.Context, store *dynamo.Store, now func() time.Time, url string, key []byte, log *slog.Logger) *notify.Consumer {
	c := &notify.Consumer{Store: store, Now: now, Log: log}
	if os.Getenv(mailsender.EnvSESEndpoint) == "" {
		log.Warn("SES_ENDPOINT not set: notifications are created, their e-mails stay pending (make run starts the SES emulator)")
		return c
	}
	for k, v := range notifyEnv(url, key) {
		if os.Getenv(k) == "" {
			_ = os.Setenv(k, v)
		}
	}
	m, err := mailsender.FromEnv(ctx, now)
	if err != nil {
		log.Error("notification e-mail is off", slog.String("error", err.Error()))
		return c
	}
	c.Sender = mailsender.Sender{Mailer: m}
	return c
}

// runScheduler runs SchedulerFunction's work every minute on the dev clock, as EventBridge
// runs it every five minutes in AWS: sessions complete, holds lapse, reminders fire, failed
// e-mails are retried and connected calendars sync (cal nil: none) locally too.
func runScheduler(ctx context.Context, store *dynamo.Store, now func() time.Time, cal *connections.Service, log *slog.Logger) {
	run := scheduler.HandlerWith(store, now, cal)
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if _, err := run(ctx, events.EventBridgeEvent{}); err != nil {
			log.Error("scheduler", slog.String("error", err.Error()))
		}
	}
}
