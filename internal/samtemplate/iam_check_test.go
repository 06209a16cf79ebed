package samtemplate

// The IAM check: every AWS action a function performs in the tests is granted to it by its
// policy in template.yaml, and every action the policy grants is performed by some test.
// Nothing local enforces IAM, so without this a missing grant shows only in AWS (an
// AccessDenied and a 500), and a grant nobody needs lingers forever.
//
// The test harnesses record, per function, each action with the resource it touches
// (package awsaccess): internal/httpapi gives every HTTP function its own store, and runs
// the scheduler through SchedulerFunction's; internal/streams runs the handler through
// StreamsFunction's. infra/test.sh sets awsaccess.DirEnv for `go test ./...` and then runs
// TestIAMGrantsEqualRecordedActions with TANDEM_IAM_CHECK_DIR pointing at the same directory.

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/internal/awsaccess"
)

// checkDirEnv names the directory of recorded accesses the check reads; unset, it is skipped.
const checkDirEnv = "TANDEM_IAM_CHECK_DIR"

// platformPolicies are SAM policy templates that grant what the Lambda service does with the
// function's role rather than what the function's code calls, so no test can record them.
// Each is accepted only where the reason holds (need returns "" when it does).
var platformPolicies = map[string]struct {
	why  string
	need func(fn map[string]any) string
}{
	"SQSSendMessagePolicy": {
		why: "the event source mapping sends records it gives up on to its OnFailure SQS destination with the function's role",
		need: func(fn map[string]any) string {
			for _, ev := range mapOf(fn["Events"]) {
				props := mapOf(mapOf(ev)["Properties"])
				onFailure := mapOf(mapOf(props["DestinationConfig"])["OnFailure"])
				if onFailure["Type"] == "SQS" {
					return ""
				}
			}
			return "SQSSendMessagePolicy without an event source whose DestinationConfig.OnFailure is SQS: nothing but code would send, and no test records it"
		},
	},
}

// grant is one Allow statement of a function's policy: actions (service:Action, maybe with
// wildcards) on resources as the template names them (Table, Table/index/GSI1, *).
type grant struct {
	actions, resources []string
}

// functionGrants returns the Allow statements of fn's Policies, and problems with policies
// the check cannot read (managed policies, SAM policy templates other than the platform's).
func functionGrants(c *checked, fn string) (grants []grant, problems []string) {
	props := c.raw.Resources[fn].Properties
	for _, p := range listOf(props["Policies"]) {
		switch p := p.(type) {
		case string:
			problems = append(problems, fmt.Sprintf("%s: managed policy %s cannot be held to the recorded actions; write the statements inline", fn, p))
		case map[string]any:
			if _, doc := p["Statement"]; doc {
				walkStatements(p, func(st map[string]any) {
					if effect, _ := st["Effect"].(string); effect != "Allow" {
						return
					}
					g := grant{actions: stringsOf(st["Action"])}
					for _, r := range stringsOf(st["Resource"]) {
						g.resources = append(g.resources, resourceName(r))
					}
					grants = append(grants, g)
				})
				continue
			}
			for name := range p {
				pp, ok := platformPolicies[name]
				switch {
				case !ok:
					problems = append(problems, fmt.Sprintf("%s: SAM policy template %s cannot be held to the recorded actions; write the statements inline", fn, name))
				case pp.need(props) != "":
					problems = append(problems, fmt.Sprintf("%s: %s", fn, pp.need(props)))
				}
			}
		}
	}
	return grants, problems
}

var subRef = regexp.MustCompile(`\$\{([A-Za-z0-9]+)\.Arn\}`)

// resourceName turns a policy resource, as the raw YAML reads it (tags dropped), into the
// recorder's naming: "Table.Arn" (!GetAtt) → Table, "${Table.Arn}/index/GSI1" (!Sub) →
// Table/index/GSI1, "*" → *.
func resourceName(r string) string {
	if id, ok := strings.CutSuffix(r, ".Arn"); ok && !strings.ContainsAny(id, "${}:/") {
		return id
	}
	return subRef.ReplaceAllString(r, "$1")
}

// glob matches s against pattern, where * matches any run of characters and ? any one
// (IAM's wildcards in actions and resources); actions compare case-insensitively.
func glob(pattern, s string) bool {
	re := "^" + strings.NewReplacer(`\*`, ".*", `\?`, ".").Replace(regexp.QuoteMeta(pattern)) + "$"
	return regexp.MustCompile(re).MatchString(s)
}

func actionMatches(pattern, action string) bool {
	return glob(strings.ToLower(pattern), strings.ToLower(action))
}

func (g grant) allows(a awsaccess.Access) bool {
	return slices.ContainsFunc(g.actions, func(p string) bool { return actionMatches(p, a.Action) }) &&
		slices.ContainsFunc(g.resources, func(p string) bool { return glob(p, a.Resource) })
}

// checkRecordedAccess compares the functions' policies with the recorded accesses. linked
// maps a function to the IAM prefixes of the AWS SDK service clients its binary links; a
// service linked without a single recorded action means a client the harness does not
// record, whose actions the check cannot see.
func checkRecordedAccess(c *checked, recorded []awsaccess.Access, linked map[string][]string) []string {
	var problems []string
	byFn := map[string][]awsaccess.Access{}
	for _, a := range recorded {
		byFn[a.Function] = append(byFn[a.Function], a)
	}
	functions := c.functionNames()
	for _, fn := range sortedKeys(byFn) {
		if !slices.Contains(functions, fn) {
			problems = append(problems, fmt.Sprintf("%s: the tests recorded actions of a function template.yaml does not declare", fn))
		}
	}
	for _, fn := range functions {
		grants, unreadable := functionGrants(c, fn)
		problems = append(problems, unreadable...)
		recs := byFn[fn]
		if len(recs) == 0 {
			problems = append(problems, fmt.Sprintf("%s: no test recorded any AWS action of it; give its store dynamo.RecordAccess(%q) in the test that runs its handler", fn, fn))
			continue
		}
		for _, a := range recs {
			if !slices.ContainsFunc(grants, func(g grant) bool { return g.allows(a) }) {
				problems = append(problems, fmt.Sprintf("%s performs %s on %s (recorded by %s), but its policy in template.yaml does not grant it: in AWS that call is AccessDenied; add %s on %s to %s's Policies",
					fn, a.Action, a.Resource, a.Source, a.Action, a.Resource, fn))
			}
		}
		for _, g := range grants {
			for _, action := range g.actions {
				used := slices.ContainsFunc(recs, func(a awsaccess.Access) bool {
					return actionMatches(action, a.Action) && slices.ContainsFunc(g.resources, func(r string) bool { return glob(r, a.Resource) })
				})
				if !used {
					problems = append(problems, fmt.Sprintf("%s is granted %s on %s, but no test performs it: remove it from the policy, or add the test that needs it",
						fn, action, strings.Join(g.resources, ", ")))
				}
			}
			for _, r := range g.resources {
				used := slices.ContainsFunc(recs, func(a awsaccess.Access) bool {
					return glob(r, a.Resource) && slices.ContainsFunc(g.actions, func(p string) bool { return actionMatches(p, a.Action) })
				})
				if !used {
					problems = append(problems, fmt.Sprintf("%s is granted %s on %s, but no test touches %s with them: remove the resource from the statement",
						fn, strings.Join(g.actions, ", "), r, r))
				}
			}
		}
		for _, prefix := range linked[fn] {
			if !slices.ContainsFunc(recs, func(a awsaccess.Access) bool { return strings.HasPrefix(a.Action, prefix+":") }) {
				problems = append(problems, fmt.Sprintf("%s links an AWS SDK client for %s, but no test recorded a %s action of it: attach awsaccess.Recorder(%q, ...) to that client in the test harness, so the IAM check sees what it calls",
					fn, prefix, prefix, fn))
			}
		}
	}
	return problems
}

// linkedServices returns, per function, the IAM prefixes of the AWS SDK service packages its
// binary links (go list -deps on functions/<name>).
func linkedServices(t *testing.T, root string, functions []string) map[string][]string {
	t.Helper()
	byDir := map[string]string{}
	var pkgs []string
	for _, fn := range functions {
		dir := "./functions/" + strings.ToLower(strings.TrimSuffix(fn, "Function"))
		byDir["github.com/tandemhq/tandem/"+strings.TrimPrefix(dir, "./")] = fn
		pkgs = append(pkgs, dir)
	}
	cmd := exec.Command("go", append([]string{"list", "-f", `{{.ImportPath}}{{range .Deps}} {{.}}{{end}}`}, pkgs...)...)
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	linked := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		fn := byDir[fields[0]]
		seen := map[string]bool{}
		for _, dep := range fields[1:] {
			rest, ok := strings.CutPrefix(dep, "github.com/aws/aws-sdk-go-v2/service/")
			if !ok || strings.HasPrefix(rest, "internal/") {
				continue
			}
			prefix := awsaccess.PackagePrefix(strings.Split(rest, "/")[0])
			if !seen[prefix] {
				seen[prefix] = true
				linked[fn] = append(linked[fn], prefix)
			}
		}
		sort.Strings(linked[fn])
	}
	return linked
}

func loadChecked(t *testing.T, path string) *checked {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := parseChecked(data)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestIAMGrantsEqualRecordedActions is the check itself, run by make test after every
// package's tests have recorded their functions' actions.
func TestIAMGrantsEqualRecordedActions(t *testing.T) {
	dir := os.Getenv(checkDirEnv)
	if dir == "" {
		t.Skipf("%s is not set: make test runs this check after go test ./... has recorded every function's AWS actions", checkDirEnv)
	}
	recorded, err := awsaccess.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	root := repoRoot(t)
	c := loadChecked(t, filepath.Join(root, FileName))
	problems := checkRecordedAccess(c, recorded, linkedServices(t, root, c.functionNames()))
	for _, p := range problems {
		t.Error(p)
	}
	if len(problems) == 0 {
		byFn := map[string]int{}
		for _, a := range recorded {
			byFn[a.Function]++
		}
		t.Logf("IAM: %d functions; every recorded action is granted and every grant is used (%v)", len(byFn), byFn)
	}
}

// TestIAMCheckCatches feeds the check the real template with made-up recordings: exactly what
// the policies grant passes, and each kind of drift is named.
func TestIAMCheckCatches(t *testing.T) {
	_, real := repositoryText(t)
	c := repositoryTemplate(t, "")
	// What the real template grants, as recordings: one access per action and resource.
	var granted []awsaccess.Access
	for _, fn := range c.functionNames() {
		grants, _ := functionGrants(c, fn)
		for _, g := range grants {
			for _, a := range g.actions {
				for _, r := range g.resources {
					granted = append(granted, awsaccess.Access{Function: fn, Action: a, Resource: r, Source: "made-up.test"})
				}
			}
		}
	}
	without := func(fn, action string) []awsaccess.Access {
		return slices.DeleteFunc(slices.Clone(granted), func(a awsaccess.Access) bool { return a.Function == fn && a.Action == action })
	}
	tests := []struct {
		name     string
		template func(string) string
		recorded []awsaccess.Access
		linked   map[string][]string
		want     string
	}{
		{name: "the template's own grants pass", recorded: granted, linked: map[string][]string{"ReportsFunction": {"dynamodb"}}},
		{name: "a read the policy does not grant (Reports before issue 15)", recorded: granted,
			template: func(s string) string {
				return strings.Replace(s, "      Description: HR utilization and connection reports, read from the stream-kept aggregates.\n      Policies:\n        - Version: \"2012-10-17\"\n          Statement:\n            - Effect: Allow\n              Action:\n                - dynamodb:GetItem\n",
					"      Description: HR utilization and connection reports, read from the stream-kept aggregates.\n      Policies:\n        - Version: \"2012-10-17\"\n          Statement:\n            - Effect: Allow\n              Action:\n", 1)
			},
			want: "ReportsFunction performs dynamodb:GetItem on Table (recorded by made-up.test), but its policy in template.yaml does not grant it"},
		{name: "an index the policy does not name", recorded: append(slices.Clone(granted), awsaccess.Access{Function: "ReportsFunction", Action: "dynamodb:Query", Resource: "Table/index/GSI2", Source: "x.test"}),
			want: "ReportsFunction performs dynamodb:Query on Table/index/GSI2"},
		{name: "a grant no test uses", recorded: without("ExpertsFunction", "dynamodb:DeleteItem"),
			want: "ExpertsFunction is granted dynamodb:DeleteItem on Table"},
		{name: "a new service (SES) without its grant", recorded: append(slices.Clone(granted), awsaccess.Access{Function: "BookingsFunction", Action: "ses:SendEmail", Resource: "*", Source: "x.test"}),
			want: "BookingsFunction performs ses:SendEmail on * (recorded by x.test), but its policy in template.yaml does not grant it"},
		{name: "a new service's client the harness does not record", recorded: granted, linked: map[string][]string{"BookingsFunction": {"dynamodb", "ses"}},
			want: "BookingsFunction links an AWS SDK client for ses, but no test recorded a ses action"},
		{name: "a function no test ran", recorded: slices.DeleteFunc(slices.Clone(granted), func(a awsaccess.Access) bool { return a.Function == "SchedulerFunction" }),
			want: "SchedulerFunction: no test recorded any AWS action of it"},
		{name: "a managed policy", recorded: granted,
			template: func(s string) string {
				return strings.Replace(s, "own user record.\n      Policies:\n", "own user record.\n      Policies:\n        - AmazonS3ReadOnlyAccess\n", 1)
			},
			want: "ExpertsFunction: managed policy AmazonS3ReadOnlyAccess cannot be held"},
		{name: "the DLQ grant without the DLQ", recorded: granted,
			template: func(s string) string {
				return strings.Replace(s, "                Type: SQS\n", "                Type: SNS\n", 1)
			},
			want: "StreamsFunction: SQSSendMessagePolicy without an event source"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cc := c
			if tt.template != nil {
				edited := tt.template(real)
				if edited == real {
					t.Fatal("the edit did not apply; update this case")
				}
				var err error
				if cc, err = parseChecked([]byte(edited)); err != nil {
					t.Fatal(err)
				}
			}
			problems := checkRecordedAccess(cc, tt.recorded, tt.linked)
			wantProblem(t, problems, tt.want)
		})
	}
}
