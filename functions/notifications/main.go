// Command notifications is the NotificationsFunction: the table stream's second consumer
// (internal/notify: notifications from changes, e-mails through SES) and the HTTP routes of
// the inbox, notification settings and one-click unsubscribe (httpapi.NewNotifications).
// Wiring only: one handler takes both kinds of event and tells them apart by their shape.
package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
	"github.com/tandemhq/tandem/internal/httpapi"
	"github.com/tandemhq/tandem/internal/mail"
	"github.com/tandemhq/tandem/internal/metrics"
	"github.com/tandemhq/tandem/internal/notify"
	"github.com/tandemhq/tandem/internal/notify/mailsender"
	"github.com/tandemhq/tandem/internal/obs"
	"github.com/tandemhq/tandem/internal/tracing"
)

func main() {
	log := obs.NewLogger(os.Stdout)
	store := tracing.NewStore(log)
	consumer := &notify.Consumer{Store: store, Log: log}
	m, err := mailsender.FromEnv(context.Background(), time.Now, func(o *mail.ClientOptions) { o.TracerProvider = tracing.FromEnv() })
	if err != nil {
		// E-mails stay pending (visible on each notification) until the configuration is fixed.
		log.Error("notification e-mail is off: the mailer cannot be built", slog.String("error", err.Error()))
	} else {
		consumer.Sender = mailsender.Sender{Mailer: m}
	}
	var verify httpapi.LinkVerifier
	if key, err := mailsender.LinkKey(); err == nil {
		verify = func(token string, now time.Time) (httpapi.LinkClaims, error) {
			c, err := mail.VerifyLink(key, token, now)
			return httpapi.LinkClaims{Org: c.Org, UserID: c.UserID, Purpose: c.Purpose, Kind: c.Kind}, err
		}
	}
	api := httpapi.ProxyFunc(httpadapter.NewV2(httpapi.NewNotifications(httpapi.Deps{Store: store, Logger: log, VerifyLink: verify})).ProxyWithContext)
	if os.Getenv(httpapi.SAMLocalEnv) == "true" {
		api = httpapi.SAMLocal(api, os.Getenv(httpapi.SAMLocalJWKSEnv), log)
	}
	stream := metrics.StreamsHandler(consumer.Handler())
	lambda.Start(func(ctx context.Context, raw json.RawMessage) (any, error) {
		var probe struct {
			Records []struct {
				EventSource string `json:"eventSource"`
			} `json:"Records"`
		}
		if json.Unmarshal(raw, &probe) == nil && len(probe.Records) > 0 && probe.Records[0].EventSource == "aws:dynamodb" {
			var ev events.DynamoDBEvent
			if err := json.Unmarshal(raw, &ev); err != nil {
				return nil, err
			}
			return stream(ctx, ev)
		}
		var req events.APIGatewayV2HTTPRequest
		if err := json.Unmarshal(raw, &req); err != nil {
			return nil, err
		}
		return api(ctx, req)
	})
}
