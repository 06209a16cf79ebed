package samtemplate

// Deploy hygiene: what lets two stages live in one account and a stack be deleted or
// replaced without losing data, and what keeps the sam local settings out of AWS. allChecks
// (template_checks_test.go) runs these with the others.

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// retainedTypes hold data nobody can rebuild from the repository: the table (everything)
// and the user pool (every user, their org and groups). A stack deletion, or a change that
// makes CloudFormation replace them, must leave them in place.
var retainedTypes = []string{"AWS::DynamoDB::Table", "AWS::Cognito::UserPool"}

// checkRetained: DeletionPolicy and UpdateReplacePolicy Retain on every retainedTypes resource.
func checkRetained(c *checked) []string {
	var problems []string
	for _, typ := range retainedTypes {
		for _, name := range c.ofType(typ) {
			res := c.raw.Resources[name]
			if res.DeletionPolicy != "Retain" || res.UpdateReplacePolicy != "Retain" {
				problems = append(problems, fmt.Sprintf("%s (%s): DeletionPolicy and UpdateReplacePolicy must be Retain (its data cannot be rebuilt), got %q and %q",
					name, typ, res.DeletionPolicy, res.UpdateReplacePolicy))
			}
		}
	}
	return problems
}

// physicalNames are the properties that give a resource a name of its own, by type: two
// stacks of the template in one account (tandem-dev and tandem-prod) clash on any such name
// that does not differ by stage.
var physicalNames = map[string][]string{
	"AWS::DynamoDB::Table":                   {"TableName"},
	"AWS::SQS::Queue":                        {"QueueName"},
	"AWS::SNS::Topic":                        {"TopicName"},
	"AWS::Lambda::Function":                  {"FunctionName"},
	"AWS::Serverless::Function":              {"FunctionName"},
	"AWS::Logs::LogGroup":                    {"LogGroupName"},
	"AWS::Cognito::UserPool":                 {"UserPoolName"},
	"AWS::Cognito::UserPoolClient":           {"ClientName"},
	"AWS::CloudWatch::Alarm":                 {"AlarmName"},
	"AWS::CloudFront::Function":              {"Name"},
	"AWS::CloudFront::OriginAccessControl":   {"OriginAccessControlConfig.Name"},
	"AWS::CloudFront::ResponseHeadersPolicy": {"ResponseHeadersPolicyConfig.Name"},
	"AWS::Scheduler::Schedule":               {"Name"},
	"AWS::Events::Rule":                      {"Name"},
}

var subVar = regexp.MustCompile(`\$\{([A-Za-z0-9:]+)(\.[A-Za-z]+)?\}`)

// stageUnique: the name differs between stacks: it has ${Stage} or ${AWS::StackName} in it,
// or a resource of the template whose own name does (a function's generated name).
func stageUnique(c *checked, name string) bool {
	for _, m := range subVar.FindAllStringSubmatch(name, -1) {
		if m[1] == "Stage" || m[1] == "AWS::StackName" {
			return true
		}
		if _, ok := c.raw.Resources[m[1]]; ok {
			return true
		}
	}
	return false
}

// checkStageNames: every physical name differs by stage; and every schedule event names its
// schedule so: SAM names an unnamed ScheduleV2 schedule after the function and event
// (SchedulerFunctionEvery5Minutes), the same in every stack, and the second stage's deploy
// fails on it.
func checkStageNames(c *checked) []string {
	var problems []string
	for _, name := range sortedKeys(c.raw.Resources) {
		res := c.raw.Resources[name]
		for _, prop := range physicalNames[res.Type] {
			var v any = res.Properties
			for _, k := range strings.Split(prop, ".") {
				v = mapOf(v)[k]
			}
			if s, ok := v.(string); ok && !stageUnique(c, s) {
				problems = append(problems, fmt.Sprintf("%s: %s %q is the same in every stage's stack; put ${Stage} in it", name, prop, s))
			}
		}
		if res.Type != "AWS::Serverless::Function" {
			continue
		}
		events := mapOf(res.Properties["Events"])
		for _, ev := range sortedKeys(events) {
			e := mapOf(events[ev])
			if typ := strOf(e["Type"]); typ != "ScheduleV2" && typ != "Schedule" {
				continue
			}
			n := strOf(mapOf(e["Properties"])["Name"])
			if n == "" || !stageUnique(c, n) {
				problems = append(problems, fmt.Sprintf("%s: schedule event %s needs a Name with ${Stage} in it (SAM's default, %s%s, clashes between stages)", name, ev, name, ev))
			}
		}
	}
	return problems
}

// localOnlyEnv are the variables only `sam local` sets (infra/sam-local-env.json, `tandem
// sam-env`). SAM CLI overrides only variables the template declares, so they are declared
// in Globals, empty: in AWS the functions use DynamoDB itself and accept no dev token.
var localOnlyEnv = []string{"DYNAMODB_ENDPOINT", "SAM_LOCAL_JWKS"}

// checkLocalOnlyEnv: the local-only variables are declared empty in Globals and set by no
// function; AWS_SAM_LOCAL (SAM CLI's marker) is set nowhere.
func checkLocalOnlyEnv(c *checked) []string {
	var problems []string
	globals := c.raw.Globals.Function.Environment.Variables
	for _, k := range localOnlyEnv {
		if v, ok := globals[k]; !ok || v != "" {
			problems = append(problems, fmt.Sprintf("Globals: Environment.Variables.%s must be declared and empty (sam local overrides only declared variables; AWS must not use it), got %v", k, v))
		}
	}
	if _, ok := globals["AWS_SAM_LOCAL"]; ok {
		problems = append(problems, "Globals: AWS_SAM_LOCAL must not be set: it turns on the functions' local token check")
	}
	for _, name := range c.functionNames() {
		vars := mapOf(mapOf(c.raw.Resources[name].Properties["Environment"])["Variables"])
		for _, k := range append([]string{"AWS_SAM_LOCAL"}, localOnlyEnv...) {
			if _, ok := vars[k]; ok {
				problems = append(problems, fmt.Sprintf("%s: sets %s, which only sam local may set", name, k))
			}
		}
	}
	return problems
}

// TestSAMLocalEnvFileDeclared: every variable infra/sam-local-env.json sets is declared in
// the template (Globals or the function), since SAM CLI silently ignores the others, and
// every function it names exists.
func TestSAMLocalEnvFileDeclared(t *testing.T) {
	root := repoRoot(t)
	c := loadChecked(t, filepath.Join(root, FileName))
	raw, err := os.ReadFile(filepath.Join(root, "infra", "sam-local-env.json"))
	if err != nil {
		t.Fatal(err)
	}
	var file map[string]map[string]string
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatalf("infra/sam-local-env.json: %v", err)
	}
	if len(file["Parameters"]) == 0 {
		t.Fatal(`infra/sam-local-env.json: no "Parameters" (the variables for every function)`)
	}
	globals := c.raw.Globals.Function.Environment.Variables
	for scope, vars := range file {
		var own map[string]any
		if scope != "Parameters" {
			if c.raw.Resources[scope].Type != "AWS::Serverless::Function" {
				t.Errorf("infra/sam-local-env.json: %s is not a function of the template", scope)
				continue
			}
			own = mapOf(mapOf(c.raw.Resources[scope].Properties["Environment"])["Variables"])
		}
		for k := range vars {
			_, inGlobals := globals[k]
			_, inOwn := own[k]
			if !inGlobals && !inOwn {
				t.Errorf("infra/sam-local-env.json: %s.%s is not declared in template.yaml, so SAM CLI would ignore it", scope, k)
			}
		}
	}
}

// TestDeployFindsSamconfig: samconfig.toml lives in infra/, where SAM does not look, so every
// sam build and sam deploy in the Makefile passes it, by absolute path (SAM resolves a
// relative --config-file against the template's directory, and sam deploy reads the built
// template in .aws-sam/build).
func TestDeployFindsSamconfig(t *testing.T) {
	root := repoRoot(t)
	if _, err := os.Stat(filepath.Join(root, "infra", "samconfig.toml")); err != nil {
		t.Fatal(err)
	}
	mk, err := os.ReadFile(filepath.Join(root, "infra", "lambda.mk"))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^SAMCONFIG\s*=\s*\$\(CURDIR\)/infra/samconfig\.toml$`).Match(mk) {
		t.Error("infra/lambda.mk: SAMCONFIG must be $(CURDIR)/infra/samconfig.toml (an absolute path)")
	}
	n := 0
	for _, line := range strings.Split(string(mk), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "sam build") || strings.HasPrefix(line, "sam deploy") {
			n++
			if !strings.Contains(line, `--config-file "$(SAMCONFIG)"`) || !strings.Contains(line, "--config-env $(STAGE)") {
				t.Errorf("infra/lambda.mk: %q does not pass --config-file \"$(SAMCONFIG)\" --config-env $(STAGE)", line)
			}
		}
	}
	if n < 2 {
		t.Errorf("infra/lambda.mk: found %d sam build/deploy lines, want both", n)
	}
}
