package dynamo

import (
	"context"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/problem"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Every transaction kind has an explanation in errors.go, with a known code and a message:
// a failed condition never falls through to a generic text.
func TestEveryKindIsExplained(t *testing.T) {
	seen := map[txKind]bool{}
	for _, k := range txKinds {
		if seen[k] {
			t.Errorf("kind %q listed twice in txKinds", k)
		}
		seen[k] = true
		e, ok := explanations[k]
		if !ok {
			t.Errorf("kind %q has no explanation in errors.go", k)
			continue
		}
		if e.message == "" || problem.Status(e.code) == 500 {
			t.Errorf("kind %q: explanation %+v: want a message and a client error code", k, e)
		}
		if (e.key == "") != (e.value == "") {
			t.Errorf("kind %q: Detail member %q = %q: set both or neither", k, e.key, e.value)
		}
		err := explain(&failure{kind: k})
		if tandem.ErrorCode(err) != e.code || tandem.ErrorMessage(err) == "" {
			t.Errorf("explain(%q) = %v, want code %s", k, err, e.code)
		}
	}
	for k := range explanations {
		if !seen[k] {
			t.Errorf("explanation for %q, which is not in txKinds", k)
		}
	}
}

// The explanations that existed before the kinds were typed keep their code, message and
// detail exactly (clients and tests rely on them).
func TestExplanationsOfBookingConditions(t *testing.T) {
	for _, tc := range []struct {
		kind              txKind
		code, key, value  string
		messageHasPrefix  string
		detailMustBeEmpty bool
	}{
		{kindExpert, tandem.EConflict, "conflict", "expert_busy", "The expert is no longer free", false},
		{kindLearner, tandem.EConflict, "conflict", "learner_busy", "You already have a session", false},
		{kindDay, tandem.ELimitExceeded, "limit", "day", "The expert takes no more sessions that day", false},
		{kindWeek, tandem.ELimitExceeded, "limit", "week", "The expert takes no more sessions that week", false},
		{kindActive, tandem.ELimitExceeded, "limit", "active", "You have reached", false},
		{kindBudgetOrg, tandem.ELimitExceeded, "limit", "budget_org", "Your organisation's coaching budget", false},
		{kindBudgetDepartment, tandem.ELimitExceeded, "limit", "budget_department", "Your department's coaching budget", false},
		{kindDuplicate, tandem.EConflict, "conflict", "duplicate", "You have already given feedback", false},
		{kindChanged, tandem.EConflict, "conflict", "changed", "The feedback changed", false},
		{kindProfileChanged, tandem.EConflict, "conflict", "profile_changed", "The expert's profile changed", false},
		{kindRequest, tandem.EConflict, "conflict", "request_closed", "The request is no longer looking", false},
		{kindState, tandem.EConflict, "", "", "The booking is not in a state", true},
		{kindRelease, tandem.EConflict, "", "", "The booking changed at the same time", true},
	} {
		err := explain(&failure{kind: tc.kind})
		var e *tandem.Error
		if !errors.As(err, &e) {
			t.Fatalf("explain(%q) = %T, want *tandem.Error", tc.kind, err)
		}
		if e.Code != tc.code || !strings.HasPrefix(e.Message, tc.messageHasPrefix) {
			t.Errorf("explain(%q) = %s %q, want %s %q…", tc.kind, e.Code, e.Message, tc.code, tc.messageHasPrefix)
		}
		if tc.detailMustBeEmpty {
			if len(e.Detail) != 0 {
				t.Errorf("explain(%q).Detail = %v, want none", tc.kind, e.Detail)
			}
		} else if e.Detail[tc.key] != tc.value {
			t.Errorf("explain(%q).Detail = %v, want %s=%s", tc.kind, e.Detail, tc.key, tc.value)
		}
	}
}

// txMethods take a kind as their first argument.
var txMethods = map[string]bool{"add": true, "put": true, "putNamed": true, "delete": true, "update": true,
	"lockCell": true, "releaseCell": true, "increment": true, "decrement": true, "drawCounter": true}

// Kinds are typed, but a string literal still converts to txKind silently. So every literal
// used as a kind anywhere in the package (an argument to the txBuilder's methods, a failure's
// kind, a comparison with or a case on .kind, a key of a map indexed by it) must be a kind
// listed in txKinds: a typo fails here, not in production with a generic message.
func TestEveryKindUsedIsKnown(t *testing.T) {
	known := map[string]bool{}
	for _, k := range txKinds {
		known[string(k)] = true
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	uses := 0
	check := func(e ast.Expr) {
		lit, ok := ast.Unparen(e).(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return
		}
		uses++
		v, _ := strconv.Unquote(lit.Value)
		if !known[v] {
			t.Errorf("%s: kind %q is not a txKind (tx.go); use a named constant", fset.Position(lit.Pos()), v)
		}
	}
	isKind := func(e ast.Expr) bool {
		sel, ok := ast.Unparen(e).(*ast.SelectorExpr)
		return ok && sel.Sel.Name == "kind"
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok && txMethods[sel.Sel.Name] && len(n.Args) > 0 {
					if id, ok := sel.X.(*ast.Ident); ok && (id.Name == "tx" || id.Name == "t") {
						check(n.Args[0])
					}
				}
			case *ast.CompositeLit:
				if id, ok := n.Type.(*ast.Ident); ok && id.Name == "failure" {
					for _, el := range n.Elts {
						if kv, ok := el.(*ast.KeyValueExpr); ok && kv.Key.(*ast.Ident).Name == "kind" {
							check(kv.Value)
						}
					}
				}
			case *ast.BinaryExpr:
				if n.Op == token.EQL || n.Op == token.NEQ {
					if isKind(n.X) {
						check(n.Y)
					} else if isKind(n.Y) {
						check(n.X)
					}
				}
			case *ast.SwitchStmt:
				if n.Tag != nil && isKind(n.Tag) {
					for _, s := range n.Body.List {
						for _, e := range s.(*ast.CaseClause).List {
							check(e)
						}
					}
				}
			case *ast.IndexExpr:
				if isKind(n.Index) {
					if m, ok := ast.Unparen(n.X).(*ast.CompositeLit); ok {
						for _, el := range m.Elts {
							check(el.(*ast.KeyValueExpr).Key)
						}
					}
				}
			}
			return true
		})
	}
	if uses == 0 {
		t.Log("no kind is written as a literal any more")
	}
}

// Every entity type is listed once, and the stored values are the ones existing data has.
func TestItemTypesAreStable(t *testing.T) {
	want := []string{"expert", "expertTopic", "user", "availability", "busy", "booking", "cell", "idempotency",
		"counter", "due", "calendarToken", "budget", "circle", "waitlist", "waiter", "waitQueue", "program", "enrollment",
		"cohortPlan", "met", "feedback", "request", "requestTopic", "offer", "settings", "aggMarker", "watermark",
		"notification", "notificationSettings", "calendarConnection", "calendarBusy", "calendarHealth", "calendarWriteBack",
		"mentorship", "mentorAgenda", "mentorAction", "mentorNote", "mentorCheckIn",
		"flashConfig", "flashMember", "flashRound", "flashPair", "flashGroup"}
	var got []string
	for _, ty := range itemTypes {
		got = append(got, string(ty))
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("itemTypes = %v, want %v", got, want)
	}
}

// A contention pause that would end within deadlineMargin of the request's deadline (the
// function's timeout) is not taken: the conflict is answered while there is time to.
func TestBackoffKeepsTimeToAnswer(t *testing.T) {
	var paused []time.Duration
	s := &Store{pauser: func(_ context.Context, d time.Duration) error { paused = append(paused, d); return nil }}
	if err := s.backoff(context.Background(), 3); err != nil || len(paused) != 1 {
		t.Fatalf("no deadline: %v, paused %v", err, paused)
	}
	ctx, cancel := context.WithTimeout(context.Background(), deadlineMargin+2*time.Second)
	defer cancel()
	if err := s.backoff(ctx, 1); err != nil || len(paused) != 2 { // at most 21 ms: still in time
		t.Fatalf("a short pause before the margin: %v, paused %v", err, paused)
	}
	late, cancel := context.WithTimeout(context.Background(), deadlineMargin-100*time.Millisecond)
	defer cancel()
	err := s.backoff(late, 1) // any pause now ends inside the margin
	if tandem.ErrorCode(err) != tandem.EConflict || !errors.Is(err, ErrContended) || len(paused) != 2 {
		t.Errorf("a pause into the margin: %v, paused %v; want the contended conflict at once", err, paused)
	}
}
