package samtemplate

// Structural rules for template.yaml that cfn-lint does not know (infra/check-template.sh
// runs cfn-lint on the template and on its SAM-transformed output). Each rule is a function
// over a parsed template and the repository's files, so the tests below also feed it small
// broken templates and edited copies of the real one and see it fail.

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/awslabs/goformation/v7"
	"github.com/awslabs/goformation/v7/cloudformation"
	"gopkg.in/yaml.v3"
)

// checked is a template as the rules read it: goformation for resources and their typed
// properties, and the raw YAML (short tags dropped: `!Sub a/${B}` reads as "a/${B}") for
// what goformation cannot give: Globals, which it does not merge, and values built with
// !Sub or !GetAtt, which it resolves to empty strings.
type checked struct {
	cf  *cloudformation.Template
	raw rawTemplate
}

type rawTemplate struct {
	Globals struct {
		Function struct {
			Runtime       string   `yaml:"Runtime"`
			Architectures []string `yaml:"Architectures"`
			Environment   struct {
				Variables map[string]any `yaml:"Variables"`
			} `yaml:"Environment"`
		} `yaml:"Function"`
	} `yaml:"Globals"`
	Resources map[string]struct {
		Type                string         `yaml:"Type"`
		DeletionPolicy      string         `yaml:"DeletionPolicy"`
		UpdateReplacePolicy string         `yaml:"UpdateReplacePolicy"`
		Properties          map[string]any `yaml:"Properties"`
	} `yaml:"Resources"`
}

func parseChecked(data []byte) (*checked, error) {
	cf, err := goformation.ParseYAML(goformationCompat(data))
	if err != nil {
		return nil, fmt.Errorf("goformation: %w", err)
	}
	c := &checked{cf: cf}
	if err := yaml.Unmarshal(data, &c.raw); err != nil {
		return nil, fmt.Errorf("yaml: %w", err)
	}
	return c, nil
}

// repo is what the build rule needs from the repository: its files (function folders,
// Makefile and the fragments it includes).
type repo struct{ fsys fs.FS }

func (r repo) exists(name string) bool {
	st, err := fs.Stat(r.fsys, name)
	return err == nil && !st.IsDir()
}

// makeTargets returns the targets defined in Makefile and in the files it includes.
func (r repo) makeTargets() map[string]bool {
	targets := map[string]bool{}
	target := regexp.MustCompile(`^([A-Za-z0-9_.%/-]+)\s*::?(?:[^=]|$)`)
	include := regexp.MustCompile(`^-?include\s+(.+)$`)
	seen := map[string]bool{}
	var read func(name string)
	read = func(name string) {
		if seen[name] {
			return
		}
		seen[name] = true
		data, err := fs.ReadFile(r.fsys, name)
		if err != nil {
			return
		}
		for _, line := range strings.Split(string(data), "\n") {
			if m := include.FindStringSubmatch(line); m != nil {
				for _, f := range strings.Fields(m[1]) {
					read(path.Clean(f))
				}
			} else if m := target.FindStringSubmatch(line); m != nil {
				targets[m[1]] = true
			}
		}
	}
	read("Makefile")
	return targets
}

// functionNames returns the AWS::Serverless::Function logical ids, sorted.
func (c *checked) functionNames() []string {
	var names []string
	for name := range c.cf.GetAllServerlessFunctionResources() {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// checkBuild: every function builds with `make build-<LogicalId>` from functions/<name>/main.go
// (BuildMethod makefile).
func checkBuild(c *checked, r repo) []string {
	var problems []string
	targets := r.makeTargets()
	for _, name := range c.functionNames() {
		md := c.cf.GetAllServerlessFunctionResources()[name].AWSCloudFormationMetadata
		if bm, _ := md["BuildMethod"].(string); bm != "makefile" {
			problems = append(problems, fmt.Sprintf("%s: Metadata.BuildMethod is %q, want makefile", name, bm))
		}
		if !strings.HasSuffix(name, "Function") {
			problems = append(problems, fmt.Sprintf("%s: logical id must end in Function", name))
		}
		dir := "functions/" + strings.ToLower(strings.TrimSuffix(name, "Function"))
		if !r.exists(dir + "/main.go") {
			problems = append(problems, fmt.Sprintf("%s: no %s/main.go", name, dir))
		}
		if !targets["build-"+name] {
			problems = append(problems, fmt.Sprintf("%s: no build-%s target in the Makefile", name, name))
		}
	}
	return problems
}

// checkRuntime: provided.al2023 on arm64, from the function or from Globals.
func checkRuntime(c *checked) []string {
	var problems []string
	for _, name := range c.functionNames() {
		fn := c.cf.GetAllServerlessFunctionResources()[name]
		runtime := c.raw.Globals.Function.Runtime
		if fn.Runtime != nil {
			runtime = *fn.Runtime
		}
		arch := c.raw.Globals.Function.Architectures
		if len(fn.Architectures) > 0 {
			arch = fn.Architectures
		}
		if runtime != "provided.al2023" {
			problems = append(problems, fmt.Sprintf("%s: runtime %q, want provided.al2023", name, runtime))
		}
		if !slices.Equal(arch, []string{"arm64"}) {
			problems = append(problems, fmt.Sprintf("%s: architectures %q, want [arm64]", name, arch))
		}
	}
	return problems
}

// allowedDynamoDB is every DynamoDB action a policy may grant. TransactWriteItems and
// TransactGetItems are not IAM actions: a transaction is authorized per item (PutItem,
// UpdateItem, DeleteItem, ConditionCheckItem, GetItem). Scan is left out on purpose: no
// request path scans.
var allowedDynamoDB = map[string]bool{
	"getitem": true, "putitem": true, "updateitem": true, "deleteitem": true,
	"conditioncheckitem": true, "query": true, "batchgetitem": true, "batchwriteitem": true,
	// stream consumers
	"describestream": true, "getrecords": true, "getsharditerator": true, "liststreams": true,
}

// checkIAM: no Allow statement anywhere in the template grants "*", "dynamodb:*" or any
// other wildcard DynamoDB action, or uses NotAction; every DynamoDB action is allow-listed;
// no function gets DynamoDB through a managed policy or a SAM policy template, which would
// bypass the allow-list.
func checkIAM(c *checked) []string {
	var problems []string
	for _, name := range sortedKeys(c.raw.Resources) {
		res := c.raw.Resources[name]
		walkStatements(res.Properties, func(st map[string]any) {
			if effect, _ := st["Effect"].(string); effect != "Allow" {
				return
			}
			if _, ok := st["NotAction"]; ok {
				problems = append(problems, fmt.Sprintf("%s: an Allow statement with NotAction grants everything else", name))
			}
			for _, a := range stringsOf(st["Action"]) {
				service, action, _ := strings.Cut(strings.ToLower(a), ":")
				switch {
				case a == "*":
					problems = append(problems, fmt.Sprintf("%s: grants every action (*)", name))
				case service == "dynamodb" && strings.ContainsAny(action, "*?"):
					problems = append(problems, fmt.Sprintf("%s: grants wildcard action %s", name, a))
				case service == "dynamodb" && (action == "transactwriteitems" || action == "transactgetitems"):
					problems = append(problems, fmt.Sprintf("%s: %s is not an IAM action; grant the per-item actions the transaction uses (PutItem, UpdateItem, DeleteItem, ConditionCheckItem)", name, a))
				case service == "dynamodb" && !allowedDynamoDB[action]:
					problems = append(problems, fmt.Sprintf("%s: %s is not on the DynamoDB allow-list", name, a))
				}
			}
		})
		if res.Type == "AWS::Serverless::Function" {
			for _, p := range listOf(res.Properties["Policies"]) {
				switch p := p.(type) {
				case string: // a managed policy name or ARN
					if strings.Contains(strings.ToLower(p), "dynamodb") {
						problems = append(problems, fmt.Sprintf("%s: managed policy %s grants DynamoDB outside the allow-list", name, p))
					}
				case map[string]any: // an inline document or a SAM policy template
					if _, doc := p["Statement"]; doc {
						continue
					}
					for tpl := range p {
						if strings.Contains(strings.ToLower(tpl), "dynamodb") {
							problems = append(problems, fmt.Sprintf("%s: SAM policy template %s grants DynamoDB outside the allow-list", name, tpl))
						}
					}
				}
			}
		}
	}
	return problems
}

// walkStatements calls fn for every IAM policy statement below v (a map with Effect and
// Action or NotAction), wherever it sits: function Policies, roles, managed policies.
func walkStatements(v any, fn func(map[string]any)) {
	switch v := v.(type) {
	case map[string]any:
		_, a := v["Action"]
		_, na := v["NotAction"]
		if _, e := v["Effect"]; e && (a || na) {
			fn(v)
		}
		for _, k := range sortedKeys(v) {
			walkStatements(v[k], fn)
		}
	case []any:
		for _, x := range v {
			walkStatements(x, fn)
		}
	}
}

// checkLogGroups: every function has an AWS::Logs::LogGroup named /aws/lambda/${Function}
// with a retention, so its logs do not pile up forever (Lambda's own group never expires).
func checkLogGroups(c *checked) []string {
	retention := map[string]bool{} // function logical id → has a group with retention
	for _, name := range sortedKeys(c.raw.Resources) {
		res := c.raw.Resources[name]
		if res.Type != "AWS::Logs::LogGroup" {
			continue
		}
		group, _ := res.Properties["LogGroupName"].(string)
		fn, ok := strings.CutPrefix(group, "/aws/lambda/${")
		if !ok || !strings.HasSuffix(fn, "}") {
			continue
		}
		fn = strings.TrimSuffix(fn, "}")
		lg, err := c.cf.GetLogsLogGroupWithName(name)
		retention[fn] = retention[fn] || (err == nil && lg.RetentionInDays != nil && *lg.RetentionInDays > 0)
	}
	var problems []string
	for _, name := range c.functionNames() {
		if !retention[name] {
			problems = append(problems, fmt.Sprintf("%s: no AWS::Logs::LogGroup named /aws/lambda/${%s} with RetentionInDays", name, name))
		}
	}
	return problems
}

func allChecks(c *checked, r repo) []string {
	var problems []string
	problems = append(problems, checkBuild(c, r)...)
	problems = append(problems, checkRuntime(c)...)
	problems = append(problems, checkIAM(c)...)
	problems = append(problems, checkLogGroups(c)...)
	problems = append(problems, checkBuckets(c)...)
	problems = append(problems, checkDistributions(c)...)
	problems = append(problems, checkAlarms(c)...)
	problems = append(problems, checkClientURLs(c)...)
	problems = append(problems, checkRetained(c)...)
	problems = append(problems, checkStageNames(c)...)
	problems = append(problems, checkLocalOnlyEnv(c)...)
	return problems
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func listOf(v any) []any {
	switch v := v.(type) {
	case nil:
		return nil
	case []any:
		return v
	default:
		return []any{v}
	}
}

func stringsOf(v any) []string {
	var out []string
	for _, x := range listOf(v) {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// repoRoot is the directory of the repository's template.yaml.
func repoRoot(t *testing.T) string {
	t.Helper()
	p, err := Find(".")
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Dir(p)
}

// wantProblem checks that one of problems contains want, or that there are none when want
// is empty.
func wantProblem(t *testing.T, problems []string, want string) {
	t.Helper()
	if want == "" {
		if len(problems) > 0 {
			t.Errorf("problems = %q, want none", problems)
		}
		return
	}
	if !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, want) }) {
		t.Errorf("problems = %q, want one containing %q", problems, want)
	}
}

// repositoryText is the repository's template.yaml as text, and the directory it is in.
func repositoryText(t *testing.T) (root, text string) {
	t.Helper()
	root = repoRoot(t)
	data, err := os.ReadFile(filepath.Join(root, FileName))
	if err != nil {
		t.Fatal(err)
	}
	return root, string(data)
}

func TestRepositoryTemplateFollowsRules(t *testing.T) {
	root := repoRoot(t)
	c := loadChecked(t, filepath.Join(root, FileName))
	if len(c.functionNames()) == 0 {
		t.Fatal("no AWS::Serverless::Function in the template")
	}
	for _, p := range allChecks(c, repo{os.DirFS(root)}) {
		t.Error(p)
	}
}

// TestRulesCatchEditedTemplate edits copies of the real template, one rule broken each, and
// expects the checks to name the problem.
func TestRulesCatchEditedTemplate(t *testing.T) {
	root, real := repositoryText(t)
	tests := []struct {
		name, old, new, want string
	}{
		{"x86 in Globals", "Architectures: [arm64]", "Architectures: [x86_64]", `architectures ["x86_64"], want [arm64]`},
		{"old runtime in Globals", "Runtime: provided.al2023", "Runtime: provided.al2", `runtime "provided.al2", want provided.al2023`},
		{"function overrides runtime", "      CodeUri: .\n      Description: Expert profiles", "      CodeUri: .\n      Runtime: go1.x\n      Description: Expert profiles", `ExpertsFunction: runtime "go1.x"`},
		{"no build method", "    Metadata:\n      BuildMethod: makefile\n    Properties:\n      CodeUri: .\n      Description: Expert profiles", "    Properties:\n      CodeUri: .\n      Description: Expert profiles", `ExpertsFunction: Metadata.BuildMethod is ""`},
		{"dynamodb wildcard", "                - dynamodb:GetItem\n", "                - dynamodb:*\n", "grants wildcard action dynamodb:*"},
		{"star", "                - dynamodb:GetItem\n", "                - \"*\"\n", "grants every action (*)"},
		{"scan", "                - dynamodb:GetItem\n", "                - dynamodb:Scan\n", "dynamodb:Scan is not on the DynamoDB allow-list"},
		{"transact", "                - dynamodb:GetItem\n", "                - dynamodb:TransactWriteItems\n", "dynamodb:TransactWriteItems is not an IAM action"},
		{"crud template", "own user record.\n      Policies:\n", "own user record.\n      Policies:\n        - DynamoDBCrudPolicy:\n            TableName: !Ref Table\n", "SAM policy template DynamoDBCrudPolicy"},
		{"no retention", "/aws/lambda/${ExpertsFunction}\n      RetentionInDays: 30\n", "/aws/lambda/${ExpertsFunction}\n", "no AWS::Logs::LogGroup named /aws/lambda/${"},
		{"log group for another name", "LogGroupName: !Sub /aws/lambda/${BookingsFunction}", "LogGroupName: !Sub /aws/lambda/bookings", "BookingsFunction: no AWS::Logs::LogGroup"},
		{"unknown function folder", "  ExpertsFunction:\n", "  MentorsFunction:\n", "MentorsFunction: no functions/mentors/main.go"},
		// the web bucket and the distribution
		{"public policy allowed", "        BlockPublicPolicy: true\n", "        BlockPublicPolicy: false\n", "WebBucket: PublicAccessBlockConfiguration.BlockPublicPolicy must be true"},
		{"no encryption", "      BucketEncryption:\n        ServerSideEncryptionConfiguration:\n          - ServerSideEncryptionByDefault:\n              SSEAlgorithm: AES256\n", "", "WebBucket: no BucketEncryption"},
		{"website hosting", "      OwnershipControls:\n", "      WebsiteConfiguration: {IndexDocument: index.html}\n      OwnershipControls:\n", "WebBucket: website hosting is public"},
		{"bucket readable by anyone", "            Principal: {Service: cloudfront.amazonaws.com}\n", "            Principal: \"*\"\n", "WebBucketPolicy: allows *; only the CloudFront service principal"},
		{"bucket writable by CloudFront", "            Action: s3:GetObject\n", "            Action: [s3:GetObject, s3:PutObject]\n", "WebBucketPolicy: allows s3:PutObject"},
		{"any distribution may read", "distribution/${Distribution}", "distribution/*", "WebBucketPolicy: the CloudFront grant is not limited to a distribution of this template"},
		{"no origin access control", "            OriginAccessControlId: !GetAtt WebOriginAccessControl.Id\n", "", "Distribution: origin web reads bucket WebBucket without an Origin Access Control"},
		{"unsigned origin access control", "        SigningBehavior: always\n", "        SigningBehavior: no-override\n", "without an Origin Access Control that signs every request"},
		{"API cached", "            CachePolicyId: " + cachingDisabledPolicy, "            CachePolicyId: 658327ea-f89d-4fab-a63d-7e88639e58f6", "/v1/* must use the managed CachingDisabled cache policy"},
		{"Host forwarded to the API", allViewerExceptHostPolicy, "216adef6-5c7f-47e4-b989-5492eafa07d3", "/v1/* must use the managed AllViewerExceptHostHeader"},
		{"API read-only", "            AllowedMethods: [GET, HEAD, OPTIONS, PUT, PATCH, POST, DELETE]\n", "            AllowedMethods: [GET, HEAD, OPTIONS]\n", "/v1/* does not allow POST"},
		{"API behavior elsewhere", "          - PathPattern: /v1/*\n", "          - PathPattern: /api/*\n", "HttpApi: no distribution sends /v1/* to it"},
		{"API over plain HTTP", "            ViewerProtocolPolicy: https-only\n", "            ViewerProtocolPolicy: allow-all\n", `behavior "/v1/*" has ViewerProtocolPolicy "allow-all"`},
		{"SPA routing by error pages", "        DefaultRootObject: index.html\n", "        DefaultRootObject: index.html\n        CustomErrorResponses:\n          - {ErrorCode: 404, ResponseCode: 200, ResponsePagePath: /index.html}\n", "Distribution: CustomErrorResponses apply to /v1/* too"},
		// sign-in URLs and alarms
		{"client settings drift", "      AllowedOAuthScopes: [openid, email, profile]\n", "      AllowedOAuthScopes: [openid, email]\n", "UserPoolClientUrls: ClientSettings.AllowedOAuthScopes differs"},
		{"no callback on the distribution", "        - !Sub https://${Distribution.DomainName}/auth/callback\n", "", "UserPoolClient: no callback URL https://${Distribution.DomainName}/auth/callback"},
		{"function without error alarm", "MetricName: Errors, Dimensions: [{Name: FunctionName, Value: !Ref ExpertsFunction}]", "MetricName: Errors, Dimensions: [{Name: FunctionName, Value: !Ref BookingsFunction}]", "ExpertsFunction: no alarm on AWS/Lambda Errors"},
		{"no API 5xx alarm", "MetricName: 5xx", "MetricName: 4xx", "HttpApi: no alarm on AWS/ApiGateway 5xx"},
		// deploy hygiene
		{"user pool deleted with the stack", "    Type: AWS::Cognito::UserPool\n    DeletionPolicy: Retain\n", "    Type: AWS::Cognito::UserPool\n", "UserPool (AWS::Cognito::UserPool): DeletionPolicy and UpdateReplacePolicy must be Retain"},
		{"table replaced without a trace", "    UpdateReplacePolicy: Retain\n    Properties:\n      TableName", "    Properties:\n      TableName", "Table (AWS::DynamoDB::Table): DeletionPolicy and UpdateReplacePolicy must be Retain"},
		{"schedule named by SAM", "            Name: !Sub tandem-${Stage}-scheduler-every-5-minutes\n", "", "SchedulerFunction: schedule event Every5Minutes needs a Name with ${Stage}"},
		{"queue named the same in every stage", "QueueName: !Sub tandem-${Stage}-streams-dlq", "QueueName: tandem-streams-dlq", `StreamsDeadLetterQueue: QueueName "tandem-streams-dlq" is the same in every stage's stack`},
		{"DynamoDB Local in AWS", `        DYNAMODB_ENDPOINT: ""`, `        DYNAMODB_ENDPOINT: "http://127.0.0.1:8000"`, "Globals: Environment.Variables.DYNAMODB_ENDPOINT must be declared and empty"},
		{"local token check in AWS", "        LOG_LEVEL: info\n", "        LOG_LEVEL: info\n        AWS_SAM_LOCAL: \"true\"\n", "Globals: AWS_SAM_LOCAL must not be set"},
		{"silent dead-letter alarm", "dead-letter queue.\n      AlarmActions: [!Ref AlarmTopic]\n", "dead-letter queue.\n", "StreamsDeadLetterAlarm: notifies nobody"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(real, tt.old) {
				t.Fatalf("template.yaml no longer contains %q; update this case", tt.old)
			}
			c, err := parseChecked([]byte(strings.Replace(real, tt.old, tt.new, 1)))
			if err != nil {
				t.Fatal(err)
			}
			problems := allChecks(c, repo{os.DirFS(root)})
			wantProblem(t, problems, tt.want)
		})
	}
}

// minimal is a small template that passes every rule with the files in minimalRepo.
const minimal = `
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: provided.al2023
    Architectures: [arm64]
    Environment:
      Variables:
        DYNAMODB_ENDPOINT: ""
        SAM_LOCAL_JWKS: ""
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    DeletionPolicy: Retain
    UpdateReplacePolicy: Retain
  PingFunction:
    Type: AWS::Serverless::Function
    Metadata:
      BuildMethod: makefile
    Properties:
      CodeUri: .
      Handler: bootstrap
      Policies:
        - Statement:
            - Effect: Allow
              Action: dynamodb:GetItem
              Resource: !GetAtt Table.Arn
            - Effect: Deny
              Action: "*"
              Resource: "*"
  PingFunctionLogGroup:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: !Sub /aws/lambda/${PingFunction}
      RetentionInDays: 7
  Topic:
    Type: AWS::SNS::Topic
  PingErrors:
    Type: AWS::CloudWatch::Alarm
    Properties:
      AlarmActions: [!Ref Topic]
      Namespace: AWS/Lambda
      MetricName: Errors
      Dimensions: [{Name: FunctionName, Value: !Ref PingFunction}]
  PingThrottles:
    Type: AWS::CloudWatch::Alarm
    Properties:
      AlarmActions: [!Ref Topic]
      Namespace: AWS/Lambda
      MetricName: Throttles
      Dimensions: [{Name: FunctionName, Value: !Ref PingFunction}]
`

func minimalRepo() fstest.MapFS {
	return fstest.MapFS{
		"functions/ping/main.go": {Data: []byte("package main\n")},
		"Makefile":               {Data: []byte("include infra/lambda.mk\nbuild:\n\ttrue\n")},
		"infra/lambda.mk":        {Data: []byte("build-PingFunction:\n\tgo build ./functions/ping\n")},
	}
}

func TestRulesOnSmallTemplates(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
		files    func(fstest.MapFS)
		want     string // "" = no problem
	}{
		{name: "minimal passes (target in an included file, Action as a string, Deny * allowed)"},
		{name: "missing main.go", files: func(m fstest.MapFS) { delete(m, "functions/ping/main.go") }, want: "PingFunction: no functions/ping/main.go"},
		{name: "missing make target", files: func(m fstest.MapFS) { delete(m, "infra/lambda.mk") }, want: "no build-PingFunction target"},
		{name: "assign is not a target", files: func(m fstest.MapFS) {
			m["infra/lambda.mk"] = &fstest.MapFile{Data: []byte("build-PingFunction := x\n")}
		}, want: "no build-PingFunction target"},
		{name: "no globals", old: "    Runtime: provided.al2023\n    Architectures: [arm64]\n", new: "    Timeout: 3\n", want: `runtime "", want provided.al2023`},
		{name: "function arch override", old: "      Handler: bootstrap\n", new: "      Handler: bootstrap\n      Architectures: [x86_64]\n", want: `architectures ["x86_64"]`},
		{name: "allow star", old: "Effect: Deny", new: "Effect: Allow", want: "grants every action (*)"},
		{name: "wildcard in a role", old: "Resources:\n", new: "Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      Policies:\n        - PolicyDocument:\n            Statement:\n              - Effect: Allow\n                Action: [dynamodb:Get*]\n                Resource: \"*\"\n", want: "Role: grants wildcard action dynamodb:Get*"},
		{name: "NotAction", old: "              Action: dynamodb:GetItem\n", new: "              NotAction: iam:*\n", want: "NotAction grants everything else"},
		{name: "managed policy", old: "      Policies:\n", new: "      Policies:\n        - AmazonDynamoDBFullAccess\n", want: "managed policy AmazonDynamoDBFullAccess"},
		{name: "lowercase action still checked", old: "dynamodb:GetItem", new: "DynamoDB:scan", want: "DynamoDB:scan is not on the DynamoDB allow-list"},
		{name: "retention zero", old: "RetentionInDays: 7", new: "RetentionInDays: 0", want: "PingFunction: no AWS::Logs::LogGroup"},
		{name: "no log group", old: "  PingFunctionLogGroup:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      LogGroupName: !Sub /aws/lambda/${PingFunction}\n      RetentionInDays: 7\n", new: "", want: "PingFunction: no AWS::Logs::LogGroup"},
		{name: "build method esbuild", old: "BuildMethod: makefile", new: "BuildMethod: esbuild", want: `Metadata.BuildMethod is "esbuild"`},
		{name: "alarm on another function", old: "MetricName: Errors\n      Dimensions: [{Name: FunctionName, Value: !Ref PingFunction}]", new: "MetricName: Errors\n      Dimensions: [{Name: FunctionName, Value: !Ref PongFunction}]", want: "PingFunction: no alarm on AWS/Lambda Errors"},
		{name: "no throttles alarm", old: "MetricName: Throttles", new: "MetricName: Duration", want: "PingFunction: no alarm on AWS/Lambda Throttles"},
		{name: "silent alarm", old: "      AlarmActions: [!Ref Topic]\n", new: "", want: "PingErrors: notifies nobody"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := minimal
			if tt.old != "" {
				if !strings.Contains(src, tt.old) {
					t.Fatalf("minimal template has no %q", tt.old)
				}
				src = strings.Replace(src, tt.old, tt.new, 1)
			}
			files := minimalRepo()
			if tt.files != nil {
				tt.files(files)
			}
			c, err := parseChecked([]byte(src))
			if err != nil {
				t.Fatal(err)
			}
			problems := allChecks(c, repo{files})
			wantProblem(t, problems, tt.want)
		})
	}
}
