package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/connections"
	"github.com/tandemhq/tandem/internal/gateway"
	"github.com/tandemhq/tandem/internal/gateway/jwtauth"
	"github.com/tandemhq/tandem/internal/httpapi"
	"github.com/tandemhq/tandem/internal/obs"
	"github.com/tandemhq/tandem/internal/samtemplate"
	"github.com/tandemhq/tandem/internal/seed"
)

// Dev-only token settings; the gateway checks them like the JWT authorizer checks Cognito's.
const (
	devIssuer   = jwtauth.DevIssuer
	devAudience = jwtauth.DevAudience
	defaultPort = 4780 // not 8080 or 9001, which are often taken
)

func runDev(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("dev", flag.ExitOnError)
	var sf storeFlags
	sf.register(fs)
	port := fs.Int("port", envInt("PORT", 0), "port to listen on (127.0.0.1); 0 = 4780 if free, else any free port; env PORT")
	web := fs.String("web", "web/dist", "directory of the built web app (served at /)")
	keyPath := fs.String("key", defaultKeyPath, "RSA key for dev tokens (created if missing)")
	nowFlag := fs.String("now", "", "start the clock at this RFC 3339 instant and let it run (demos, reproductions, tests)")
	mode := fs.String("lambda", "inprocess", "how functions run: inprocess (handlers in this process) or rie (the real bootstrap binaries under the Lambda Runtime Interface Emulator; -now does not reach them)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	now, err := clockFrom(*nowFlag)
	if err != nil {
		return err
	}
	log := obs.NewLogger(os.Stdout)
	store, tpl, err := sf.open(ctx, now)
	if err != nil {
		return err
	}
	key, err := gateway.LoadOrCreateKey(*keyPath)
	if err != nil {
		return err
	}
	issuer, err := gateway.NewIssuer(key, gateway.IssuerConfig{URL: devIssuer, Audience: devAudience, Now: now})
	if err != nil {
		return err
	}
	linkKey, err := devLinkKey()
	if err != nil {
		return err
	}
	// One calendar sealer and client for the API, the stream's write-back and the scheduler.
	sealer, calendarHTTP, err := devCalendars()
	if err != nil {
		return err
	}
	cal := &connections.Service{Store: store, Sealer: sealer, HTTP: calendarHTTP, Now: now, Log: log}
	functions := map[string]gateway.Invoker{}
	switch *mode {
	case "inprocess":
		deps := httpapi.Deps{Store: store, Now: now, Logger: log, VerifyLink: linkVerifier(linkKey), Sealer: sealer, CalendarHTTP: calendarHTTP}
		for name, router := range httpapi.Functions(deps) {
			functions[name] = gateway.InProcess(router)
		}
	case "rie":
		stop, err := startRIE(ctx, tpl, sf, functions, linkKey)
		if err != nil {
			return err
		}
		defer stop()
	default:
		return fmt.Errorf("-lambda must be inprocess or rie, not %q", *mode)
	}
	gw, err := newDevGateway(tpl, functions, issuer, *web, log, now)
	if err != nil {
		return err
	}
	ln, err := listen(*port)
	if err != nil {
		return err
	}
	url := "http://" + ln.Addr().String()
	go pollStream(ctx, sf, tpl, store, devConsumer(ctx, store, now, url, linkKey, log), cal, log)
	go runScheduler(ctx, store, now, cal, log)
	if err := os.MkdirAll(".local", 0o755); err == nil {
		_ = os.WriteFile(filepath.Join(".local", "dev.url"), []byte(url+"\n"), 0o644)
	}
	printBanner(url)
	srv := &http.Server{Handler: gw, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// newDevGateway serves the template's routes through the given function invokers.
func newDevGateway(tpl *samtemplate.Template, functions map[string]gateway.Invoker, issuer *gateway.Issuer, web string, log *slog.Logger, now func() time.Time) (*gateway.Gateway, error) {
	return gateway.New(gateway.Config{
		Routes: tpl.Routes(), Functions: functions, Verifier: issuer.Verifier(), Issuer: issuer,
		Users: devDirectory(), WebDir: web, Logger: log, Now: now,
	})
}

// listen binds loopback only: the port given, or the default if free, or any free port.
func listen(port int) (net.Listener, error) {
	if port != 0 {
		return net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
	}
	if ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(defaultPort)); err == nil {
		return ln, nil
	}
	return net.Listen("tcp", "127.0.0.1:0")
}

// clockFrom returns time.Now, or a clock that starts at the given instant and runs.
func clockFrom(s string) (func() time.Time, error) {
	if s == "" {
		return time.Now, nil
	}
	start, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return nil, fmt.Errorf("-now: %w", err)
	}
	began := time.Now()
	return func() time.Time { return start.Add(time.Since(began)) }, nil
}

func devDirectory() gateway.StaticDirectory {
	var dir gateway.StaticDirectory
	for _, p := range seed.People() {
		roles := make([]string, len(p.Roles))
		for i, r := range p.Roles {
			roles[i] = string(r)
		}
		dir = append(dir, gateway.DevUser{ID: p.ID, Email: p.Email, Name: p.Name, OrgID: p.OrgID, Department: p.Department, Roles: roles})
	}
	return dir
}

func printBanner(url string) {
	var b strings.Builder
	fmt.Fprintf(&b, "\n  Tandem is running at %s\n", url)
	if ses := os.Getenv("SES_ENDPOINT"); ses != "" {
		fmt.Fprintf(&b, "  Its e-mail goes to the local mailbox at %s/ (the SES emulator)\n", strings.TrimRight(ses, "/"))
	}
	b.WriteString("\n")
	b.WriteString("  Sign in (dev only) as any seeded user, e.g.:\n")
	for _, email := range []string{"ben@acme.example", "maya@acme.example", "hana@acme.example"} {
		fmt.Fprintf(&b, "    %s\n", email)
	}
	fmt.Fprintf(&b, "  All users: curl %s/dev/users\n", url)
	fmt.Fprintf(&b, "  A token:   curl -s -X POST %s/dev/token -d '{\"email\":\"ben@acme.example\"}'\n\n", url)
	fmt.Fprint(os.Stderr, b.String())
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return n
	}
	return def
}

// devCalendars configures connected calendars for `tandem dev`: the key from CALENDAR_KEY or
// CALENDAR_KEY_FILE (default .local/calendar.key, created on first use) and sources allowed
// on loopback (Radicale and the fixture server), as nothing here is exposed.
func devCalendars() (connections.Sealer, *http.Client, error) {
	if os.Getenv(connections.KeyEnv) == "" && os.Getenv(connections.KeyFileEnv) == "" {
		_ = os.Setenv(connections.KeyFileEnv, filepath.Join(".local", "calendar.key"))
	}
	if os.Getenv(connections.AllowPrivateEnv) == "" {
		_ = os.Setenv(connections.AllowPrivateEnv, "1")
	}
	return connections.ConfigFromEnv()
}
