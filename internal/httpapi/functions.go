package httpapi

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/tandemhq/tandem/internal/connections"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/flash"
	"github.com/tandemhq/tandem/internal/mentorships"
	"github.com/tandemhq/tandem/internal/programs"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Deps are what the handlers need, built once per cold start.
type Deps struct {
	Store  *dynamo.Store
	Now    func() time.Time
	Logger *slog.Logger
	// VerifyLink verifies signed e-mail links (NotificationsFunction: mail.VerifyLink with
	// LINK_SIGNING_KEY); nil: no link verifies.
	VerifyLink LinkVerifier
	// Sealer encrypts connected calendars' secrets (nil: connecting one is refused);
	// CalendarHTTP reaches their sources (nil: calsource's client, public addresses only).
	Sealer       connections.Sealer
	CalendarHTTP *http.Client
}

// calendars is the connected-calendars use case on d.
func (d Deps) calendars() *connections.Service {
	return &connections.Service{Store: d.Store, Sealer: d.Sealer, HTTP: d.CalendarHTTP, Now: d.Now, Log: d.Logger}
}

func (d Deps) now() func() time.Time { return tandem.ClockOr(d.Now) }

// NewExperts serves ExpertsFunction: /v1/me, /v1/experts, availability and slots.
func NewExperts(d Deps) *Router {
	rt := newRouter(d.Logger)
	meAPI{store: d.Store}.register(rt)
	expertsAPI{store: d.Store}.register(rt)
	availabilityAPI{store: d.Store, now: d.now()}.register(rt)
	return rt
}

// NewBookings serves BookingsFunction: booking, the lifecycle, calendars and connected calendars.
func NewBookings(d Deps) *Router {
	rt := newRouter(d.Logger)
	bookingsAPI{store: d.Store, now: d.now()}.register(rt)
	calendarAPI{store: d.Store, programs: programs.New(d.Store, d.now()), now: d.now()}.register(rt)
	calendarsAPI{store: d.Store, svc: d.calendars()}.register(rt)
	return rt
}

// NewFeedback serves FeedbackFunction: feedback on sessions and experts' reviews.
func NewFeedback(d Deps) *Router {
	rt := newRouter(d.Logger)
	feedbackAPI{store: d.Store, now: d.now()}.register(rt)
	return rt
}

// NewRequests serves RequestsFunction: learners' requests, matching, the request board,
// offers, programs and cohorts, org settings, and mentorships (the relationship a match or a
// program starts; its sessions are booked through internal/booking like an accepted offer's).
func NewRequests(d Deps) *Router {
	rt := newRouter(d.Logger)
	requestsAPI{store: d.Store, now: d.now(), bookings: bookingsAPI{store: d.Store, now: d.now()}}.register(rt)
	programsAPI{programs: programs.New(d.Store, d.now())}.register(rt)
	settingsAPI{store: d.Store, now: d.now()}.register(rt)
	mentorshipsAPI{svc: mentorships.New(d.Store, d.now(), renderBooked)}.register(rt)
	flashAPI{svc: flash.New(d.Store, d.now())}.register(rt)
	return rt
}

// NewReports serves ReportsFunction: HR's utilization and connection reports.
func NewReports(d Deps) *Router {
	rt := newRouter(d.Logger)
	reportsAPI{store: d.Store, now: d.now()}.register(rt)
	mentorshipReportsAPI{svc: mentorships.New(d.Store, d.now(), renderBooked)}.register(rt)
	return rt
}

// NewNotifications serves NotificationsFunction's HTTP routes: the inbox, notification
// settings and one-click unsubscribe (the same function consumes the table stream and
// sends the e-mails: internal/notify).
func NewNotifications(d Deps) *Router {
	rt := newRouter(d.Logger)
	notificationsAPI{store: d.Store, now: d.now(), verify: d.VerifyLink}.register(rt)
	return rt
}

// Functions maps each HTTP function's logical id in template.yaml to its router. The local
// gateway serves them in-process and the route test compares them with the template.
func Functions(d Deps) map[string]*Router {
	return FunctionsWith(func(string) Deps { return d })
}

// FunctionsWith is Functions with each function's own Deps: the test harnesses give every
// function a store of its own, whose client records the AWS actions that function performs
// (the IAM check, package awsaccess). The constructors are listed here, not in a package
// variable, so that a Lambda binary, which calls only its own constructor, links only its
// own handlers.
func FunctionsWith(deps func(function string) Deps) map[string]*Router {
	return map[string]*Router{
		"ExpertsFunction":       NewExperts(deps("ExpertsFunction")),
		"BookingsFunction":      NewBookings(deps("BookingsFunction")),
		"FeedbackFunction":      NewFeedback(deps("FeedbackFunction")),
		"RequestsFunction":      NewRequests(deps("RequestsFunction")),
		"ReportsFunction":       NewReports(deps("ReportsFunction")),
		"NotificationsFunction": NewNotifications(deps("NotificationsFunction")),
	}
}
