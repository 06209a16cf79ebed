// Package seed holds Tandem's demo data: a realistic org ("acme") with departments, experts
// with varied topics, languages and time zones, learners and an HR user, plus a small second
// org ("globex") that shows tenant isolation. Load writes it through the store's ordinary
// write path and is idempotent: running it again leaves the same data.
package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/tandemhq/tandem/internal/availability"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Person is a demo user as the identity provider would know them.
type Person struct {
	ID         string
	OrgID      string
	Email      string
	Name       string
	Department string
	Roles      []tandem.Role
	Timezone   string
	// Profile is set for experts.
	Profile *tandem.ExpertProfileInput
}

// Caller returns the identity the person's token carries.
func (p Person) Caller() tandem.Caller {
	return tandem.Caller{UserID: p.ID, OrgID: p.OrgID, Email: p.Email, Name: p.Name, Department: p.Department, Roles: p.Roles}
}

var (
	learner = []tandem.Role{tandem.RoleLearner}
	expert  = []tandem.Role{tandem.RoleExpert, tandem.RoleLearner}
	hr      = []tandem.Role{tandem.RoleHR, tandem.RoleLearner}
)

func standard(duration int) []tandem.SessionType {
	return []tandem.SessionType{
		{ID: "intro", Name: "Intro chat", DurationMin: 30, BufferAfterMin: 5, Seats: 1},
		{ID: "deep-dive", Name: "Deep dive", DurationMin: duration, BufferBeforeMin: 5, BufferAfterMin: 10, Seats: 1},
	}
}

func profile(headline, bio, tz string, topics, langs []string, mode tandem.BookingMode, duration int) *tandem.ExpertProfileInput {
	return &tandem.ExpertProfileInput{
		Headline: headline, Bio: bio, Topics: topics, Languages: langs, Timezone: tz,
		SessionTypes: standard(duration), MeetingURL: "https://meet.example.com/" + topics[0],
		BookingMode: mode,
		Limits:      tandem.Limits{MinNoticeMin: 240, HorizonDays: 45, MaxPerDay: 4, MaxPerWeek: 12, StartIncrementMin: 30},
	}
}

// withCircle adds a group session type (a circle) to an expert's profile.
func withCircle(p *tandem.ExpertProfileInput, st tandem.SessionType) *tandem.ExpertProfileInput {
	p.SessionTypes = append(p.SessionTypes, st)
	return p
}

// People returns every demo user of every demo org, in a stable order.
func People() []Person {
	acme := func(id, name, dept, tz string, roles []tandem.Role, p *tandem.ExpertProfileInput) Person {
		email := fmt.Sprintf("%s@acme.example", id)
		return Person{ID: "acme-" + id, OrgID: "acme", Email: email, Name: name, Department: dept, Roles: roles, Timezone: tz, Profile: p}
	}
	people := []Person{
		acme("maya", "Maya Okafor", "Engineering", "America/New_York", expert, withCircle(profile(
			"Principal engineer: Go, distributed systems and technical leadership",
			"Twenty years of building backends. I coach engineers moving into staff roles and teams adopting Go.",
			"America/New_York", []string{"go", "distributed-systems", "technical-leadership"}, []string{"en"}, tandem.BookingInstant, 60),
			tandem.SessionType{ID: "go-circle", Name: "Go circle (group, up to 6)", DurationMin: 60, BufferAfterMin: 15, Seats: 6})),
		acme("lukas", "Lukas Becker", "Engineering", "Europe/Berlin", expert, profile(
			"Engineering manager: career growth, hiring and 1:1s that work",
			"I have built three teams from scratch and love helping new managers find their feet.",
			"Europe/Berlin", []string{"engineering-management", "career-growth", "hiring"}, []string{"de", "en"}, tandem.BookingApproval, 45)),
		acme("priya", "Priya Raman", "Product", "Asia/Kolkata", expert, profile(
			"Product lead: discovery, roadmaps and stakeholder management",
			"From customer interviews to a roadmap people believe in.",
			"Asia/Kolkata", []string{"product-management", "stakeholder-management", "discovery"}, []string{"en", "hi"}, tandem.BookingInstant, 60)),
		acme("sofia", "Sofia Alves", "Sales", "Europe/Lisbon", expert, profile(
			"Enterprise sales: negotiation, discovery calls and public speaking",
			"I coach people to sell ideas as well as products, inside and outside the company.",
			"Europe/Lisbon", []string{"negotiation", "public-speaking", "sales"}, []string{"pt-BR", "en", "es"}, tandem.BookingInstant, 45)),
		acme("kenji", "Kenji Watanabe", "Engineering", "Asia/Tokyo", expert, profile(
			"Data engineer: SQL, data modelling and analytics",
			"Clean data, honest dashboards and the SQL behind them.",
			"Asia/Tokyo", []string{"sql", "data-modelling", "analytics"}, []string{"ja", "en"}, tandem.BookingInstant, 60)),
		acme("amara", "Amara Nwosu", "People", "Europe/London", expert, profile(
			"People partner: feedback, difficult conversations and wellbeing",
			"Better conversations make better teams. Practical, kind and direct.",
			"Europe/London", []string{"feedback", "difficult-conversations", "wellbeing"}, []string{"en", "fr"}, tandem.BookingInstant, 45)),
		acme("diego", "Diego Hernández", "Finance", "America/Mexico_City", expert, profile(
			"Finance director: budgeting, business cases and finance for non-finance people",
			"I make numbers approachable and help you build business cases that get approved.",
			"America/Mexico_City", []string{"budgeting", "business-cases", "analytics"}, []string{"es", "en"}, tandem.BookingApproval, 60)),
		acme("chloe", "Chloé Martin", "Product", "Australia/Sydney", expert, profile(
			"Design lead: UX research, accessibility and design critique",
			"Accessible, researched design and critiques that help rather than hurt.",
			"Australia/Sydney", []string{"ux-research", "accessibility", "public-speaking"}, []string{"en", "fr"}, tandem.BookingInstant, 45)),
		acme("omar", "Omar Haddad", "Sales", "Asia/Dubai", expert, profile(
			"Customer success: renewals, account planning and negotiation",
			"Keep customers, grow accounts and negotiate with confidence.",
			"Asia/Dubai", []string{"customer-success", "negotiation", "account-planning"}, []string{"ar", "en"}, tandem.BookingInstant, 30)),
		acme("grace", "Grace Liu", "Engineering", "America/Los_Angeles", expert, profile(
			"Security engineer: threat modelling, secure code review and Go",
			"Security that ships: threat models, reviews and habits teams keep.",
			"America/Los_Angeles", []string{"security", "go", "code-review"}, []string{"en", "zh"}, tandem.BookingInstant, 60)),
		acme("hana", "Hana Novak", "People", "Europe/Prague", hr, nil),
	}
	learners := []struct{ id, name, dept, tz string }{
		{"ben", "Ben Carter", "Sales", "Europe/London"},
		{"ines", "Inês Costa", "Sales", "Europe/Lisbon"},
		{"tom", "Tom Fischer", "Engineering", "Europe/Berlin"},
		{"aisha", "Aisha Bello", "Engineering", "Africa/Lagos"},
		{"li", "Li Wei", "Engineering", "Asia/Shanghai"},
		{"noah", "Noah Smith", "Product", "America/Chicago"},
		{"emma", "Emma Johansson", "Product", "Europe/Stockholm"},
		{"raj", "Raj Patel", "Finance", "Asia/Kolkata"},
		{"lucia", "Lucía Romero", "Finance", "Europe/Madrid"},
		{"sam", "Sam Taylor", "People", "America/New_York"},
		{"yuki", "Yuki Sato", "Engineering", "Asia/Tokyo"},
		{"olga", "Olga Ivanova", "Sales", "Europe/Warsaw"},
		{"marco", "Marco Rossi", "Product", "Europe/Rome"},
		{"zoe", "Zoe Clarke", "Finance", "Australia/Melbourne"},
		{"kwame", "Kwame Mensah", "Engineering", "Europe/London"},
		{"nina", "Nina Horvat", "People", "Europe/Zagreb"},
	}
	for _, l := range learners {
		people = append(people, acme(l.id, l.name, l.dept, l.tz, learner, nil))
	}
	globex := func(id, name, dept, tz string, roles []tandem.Role, p *tandem.ExpertProfileInput) Person {
		return Person{ID: "globex-" + id, OrgID: "globex", Email: id + "@globex.example", Name: name, Department: dept, Roles: roles, Timezone: tz, Profile: p}
	}
	people = append(people,
		globex("vera", "Vera Lind", "Engineering", "Europe/Stockholm", expert, profile(
			"Platform engineer at Globex: Go and Kubernetes",
			"Globex's own Go coach. Acme users must never see this profile.",
			"Europe/Stockholm", []string{"go", "kubernetes"}, []string{"sv", "en"}, tandem.BookingInstant, 45)),
		globex("paul", "Paul Girard", "Sales", "Europe/Paris", learner, nil),
		globex("hugo", "Hugo Brandt", "People", "Europe/Zurich", hr, nil),
	)
	return people
}

// Availability returns an expert's demo schedule in their own zone: office hours with a
// lunch break on weekdays, varied by person so the slot grids differ.
func Availability(p Person) availability.Schedule {
	iv := func(start, end string) availability.LocalInterval {
		return availability.LocalInterval{Start: start, End: end}
	}
	morning, afternoon := iv("09:00", "12:00"), iv("13:00", "17:00")
	day := []availability.LocalInterval{morning, afternoon}
	w := availability.Weekly{Mon: day, Tue: day, Wed: day, Thu: day, Fri: day}
	switch len(p.Name) % 3 {
	case 0: // an early starter who keeps Friday afternoons free
		early := []availability.LocalInterval{iv("07:30", "11:30"), iv("12:30", "15:30")}
		w = availability.Weekly{Mon: early, Tue: early, Wed: early, Thu: early, Fri: early[:1]}
	case 1: // evenings on Tuesday and Thursday as well
		evening := append(append([]availability.LocalInterval{}, day...), iv("18:00", "20:00"))
		w.Tue, w.Thu = evening, evening
	}
	return availability.Schedule{Timezone: p.Profile.Timezone, Weekly: w}
}

// Load writes every demo user, expert profile and schedule, the demo bookings of org acme as
// of now (see Bookings) and ben's calendar feed token (DemoFeedToken). It is idempotent: users,
// profiles and schedules are overwritten with the same data, and bookings that exist already
// (by their fixed ids) are left as they are, so loading again, with any now, changes nothing.
func Load(ctx context.Context, store *dynamo.Store, now time.Time) error {
	for _, p := range People() {
		u := &tandem.User{ID: p.ID, OrgID: p.OrgID, Email: p.Email, Name: p.Name,
			Department: p.Department, Roles: p.Roles, Timezone: p.Timezone}
		if err := store.PutUser(ctx, u); err != nil {
			return fmt.Errorf("seed user %s: %w", p.ID, err)
		}
		if p.Profile == nil {
			continue
		}
		e := expertOf(p)
		in := *p.Profile
		in.Normalize()
		if err := in.Validate(); err != nil {
			return fmt.Errorf("seed profile %s: %w", p.ID, err)
		}
		if err := store.PutExpert(ctx, e); err != nil {
			return fmt.Errorf("seed expert %s: %w", p.ID, err)
		}
		sch := Availability(p)
		sch.Normalize()
		if err := sch.Validate(); err != nil {
			return fmt.Errorf("seed availability %s: %w", p.ID, err)
		}
		if err := store.PutAvailability(ctx, p.OrgID, p.ID, &sch); err != nil {
			return fmt.Errorf("seed availability %s: %w", p.ID, err)
		}
	}
	if err := loadSettings(ctx, store); err != nil {
		return err
	}
	if err := loadBookings(ctx, store, now); err != nil {
		return err
	}
	if err := loadRequests(ctx, store, now); err != nil {
		return err
	}
	if err := loadPrograms(ctx, store, now); err != nil {
		return err
	}
	if err := loadMentorships(ctx, store, now); err != nil {
		return err
	}
	return loadFeedToken(ctx, store)
}

// DemoBudget is acme's coaching budget: quarterly, 800 hours for the org, with caps for
// Engineering and Sales. `make run` seeds 1,200 sessions of history over six months, which
// draw 200–320 hours a quarter (measured), so the demo shows a budget in use that still
// leaves room to book.
func DemoBudget() *tandem.Budget {
	return &tandem.Budget{Period: tandem.BudgetQuarterly, OrgHours: 800, DepartmentHours: map[string]int{"Engineering": 250, "Sales": 150}}
}

// loadSettings gives acme the default settings with DemoBudget, unless HR has saved
// settings already (a later Load leaves them as they are).
func loadSettings(ctx context.Context, store *dynamo.Store) error {
	st, err := store.GetSettings(ctx, "acme")
	if err != nil || !st.UpdatedAt.IsZero() {
		return err
	}
	st.Budget = DemoBudget()
	return store.PutSettings(ctx, "acme", &st)
}

// expertOf is an expert's stored profile (p.Profile normalized); p must be an expert.
func expertOf(p Person) *tandem.Expert {
	in := *p.Profile
	in.Topics = append([]string(nil), in.Topics...)
	in.Languages = append([]string(nil), in.Languages...)
	in.SessionTypes = append([]tandem.SessionType(nil), in.SessionTypes...)
	in.Normalize()
	return &tandem.Expert{ID: p.ID, OrgID: p.OrgID, Name: p.Name, Email: p.Email, Department: p.Department,
		Headline: in.Headline, Bio: in.Bio, Topics: in.Topics, Languages: in.Languages, Timezone: in.Timezone,
		SessionTypes: in.SessionTypes, MeetingURL: in.MeetingURL, BookingMode: in.BookingMode, Limits: in.Limits}
}
