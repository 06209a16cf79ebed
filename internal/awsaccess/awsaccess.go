// Package awsaccess records, in tests, every AWS API action each Lambda function performs,
// so that template.yaml's IAM policies can be held to exactly what the code does: nothing
// local enforces IAM, so a missing grant would only show in AWS, as AccessDenied and a 500.
//
// Recorder is an AWS SDK middleware (attach it with the client's APIOptions) that the test
// harnesses put on the client of each function they exercise: httpapi's fixture gives every
// HTTP function its own store, internal/streams' tests the StreamsFunction's and
// functions/scheduler's test the SchedulerFunction's. It works for any SDK client, so a new
// service (SES's SendEmail, say) is covered the same way: give its client the recorder in
// the harness. When DirEnv is set, each recorded access is appended, once per process, to a
// file in that directory as a line "function<TAB>service:Action<TAB>resource<TAB>source";
// without it the recorder does nothing. infra/test.sh sets DirEnv for `go test ./...` and
// then runs the check (internal/samtemplate, TestIAMGrantsEqualRecordedActions), which fails
// when a function performs an action its policy does not grant, or is granted one that no
// test performs.
//
// Nothing here runs in a Lambda: the functions never attach the recorder.
package awsaccess

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
)

// DirEnv names the directory the recorder writes to; unset, it records nothing.
const DirEnv = "TANDEM_AWS_ACTIONS_DIR"

// Access is one action on one resource, as IAM authorizes it.
type Access struct {
	Function string // the template's logical id, e.g. ReportsFunction
	Action   string // service:Action as IAM spells it, e.g. dynamodb:GetItem
	// Resource is the template's name for what the action touches: a logical id
	// ("Table"), a path below it ("Table/index/GSI1"), or "*" when the action has no
	// resource-level permissions or the resolver does not know.
	Resource string
	Source   string // which test binary recorded it (e.g. httpapi.test); set by Load
}

func (a Access) String() string {
	return fmt.Sprintf("%s %s on %s", a.Function, a.Action, a.Resource)
}

// Resolver says which IAM actions on which resources one SDK operation needs, from its
// input; it fills Action and Resource. A transaction, for instance, is authorized item by
// item (PutItem, UpdateItem, ...), not as TransactWriteItems. A nil Resolver, or one that
// returns nothing, records service:Operation on "*".
type Resolver func(operation string, input any) []Access

// Recorder returns the SDK API option that records function's accesses; a no-op when DirEnv
// is unset.
func Recorder(function string, resolve Resolver) func(*middleware.Stack) error {
	dir := os.Getenv(DirEnv)
	if dir == "" {
		return func(*middleware.Stack) error { return nil }
	}
	return func(stack *middleware.Stack) error {
		return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("tandemAccessRecorder",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				prefix := IAMPrefix(awsmiddleware.GetServiceID(ctx))
				op := awsmiddleware.GetOperationName(ctx)
				var got []Access
				if resolve != nil {
					got = resolve(op, in.Parameters)
				}
				if len(got) == 0 {
					got = []Access{{Action: prefix + ":" + op, Resource: "*"}}
				}
				for _, a := range got {
					a.Function = function
					if err := record(dir, a); err != nil {
						return middleware.InitializeOutput{}, middleware.Metadata{}, err
					}
				}
				return next.HandleInitialize(ctx, in)
			}), middleware.Before)
	}
}

// IAMPrefix maps an SDK service id (awsmiddleware.GetServiceID) to its IAM action prefix.
func IAMPrefix(serviceID string) string {
	switch serviceID {
	case "DynamoDB", "DynamoDB Streams":
		return "dynamodb"
	case "SES", "SESv2":
		return "ses"
	case "Cognito Identity Provider":
		return "cognito-idp"
	case "EventBridge":
		return "events"
	case "CloudWatch":
		return "cloudwatch"
	case "CloudWatch Logs":
		return "logs"
	}
	return strings.ToLower(strings.ReplaceAll(serviceID, " ", ""))
}

// PackagePrefix maps an SDK service package (the last element of
// github.com/aws/aws-sdk-go-v2/service/<name>) to its IAM action prefix.
func PackagePrefix(pkg string) string {
	switch pkg {
	case "dynamodbstreams":
		return "dynamodb"
	case "sesv2":
		return "ses"
	case "cognitoidentityprovider":
		return "cognito-idp"
	case "eventbridge":
		return "events"
	case "cloudwatchlogs":
		return "logs"
	}
	return pkg
}

var (
	mu   sync.Mutex
	seen = map[Access]bool{}
	out  *os.File
)

// source is the test binary's name, e.g. httpapi.test.
func source() string { return filepath.Base(os.Args[0]) }

func record(dir string, a Access) error {
	mu.Lock()
	defer mu.Unlock()
	if seen[a] {
		return nil
	}
	if out == nil {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("awsaccess: %w", err)
		}
		f, err := os.OpenFile(filepath.Join(dir, fmt.Sprintf("%s-%d.tsv", source(), os.Getpid())), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return fmt.Errorf("awsaccess: %w", err)
		}
		out = f
	}
	// One write per line with O_APPEND: nothing is lost when the test binary exits.
	if _, err := fmt.Fprintf(out, "%s\t%s\t%s\t%s\n", a.Function, a.Action, a.Resource, source()); err != nil {
		return fmt.Errorf("awsaccess: %w", err)
	}
	seen[a] = true
	return nil
}

// Load reads every access recorded in dir, deduplicated (Source is the first test binary
// that recorded it) and sorted.
func Load(dir string) ([]Access, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.tsv"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	first := map[Access]string{}
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(f)
		for n := 1; sc.Scan(); n++ {
			parts := strings.Split(sc.Text(), "\t")
			if len(parts) != 4 {
				f.Close()
				return nil, fmt.Errorf("awsaccess: %s:%d: want 4 tab-separated fields", name, n)
			}
			a := Access{Function: parts[0], Action: parts[1], Resource: parts[2]}
			if _, ok := first[a]; !ok {
				first[a] = parts[3]
			}
		}
		err = sc.Err()
		f.Close()
		if err != nil {
			return nil, err
		}
	}
	all := make([]Access, 0, len(first))
	for a, src := range first {
		a.Source = src
		all = append(all, a)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].String() < all[j].String() })
	return all, nil
}
