package samtemplate

// Observability rules for template.yaml (issue #15): access logs on every HTTP API that never
// log the path (the calendar feed's path is a secret), an IteratorAge alarm on every stream
// consumer, a "stopped" alarm on every scheduled function, a p99 latency alarm on every HTTP
// API, and a dashboard that shows every function and the EMF metrics. Every alarm notifying
// someone is checkAlarms' rule.

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func checkObservability(c *checked) []string {
	var problems []string
	groups := map[string]bool{} // log groups with a retention
	for _, g := range c.ofType("AWS::Logs::LogGroup") {
		if d, ok := c.raw.Resources[g].Properties["RetentionInDays"].(int); ok && d > 0 {
			groups[g] = true
		}
	}
	for _, api := range c.ofType("AWS::Serverless::HttpApi") {
		logs := mapOf(c.raw.Resources[api].Properties["AccessLogSettings"])
		dest := strOf(logs["DestinationArn"])
		if logs == nil || !groups[strings.TrimSuffix(dest, ".Arn")] {
			problems = append(problems, fmt.Sprintf("%s: no AccessLogSettings to a log group of this template with a retention", api))
			continue
		}
		format := strOf(logs["Format"])
		for _, v := range []string{"$context.requestId", "$context.routeKey", "$context.status", "$context.responseLatency", "$context.integrationErrorMessage"} {
			if !strings.Contains(format, v) {
				problems = append(problems, fmt.Sprintf("%s: the access log format has no %s", api, v))
			}
		}
		for _, v := range []string{"$context.path", "$context.rawPath", "$context.authorizer.claims", "$context.identity.user"} {
			if strings.Contains(format, v) {
				problems = append(problems, fmt.Sprintf("%s: the access log format logs %s, which can carry a secret (the calendar feed token) or personal data", api, v))
			}
		}
	}
	alarms := map[string][]map[string]any{} // "namespace|metric|resource" → alarm properties
	for _, a := range c.ofType("AWS::CloudWatch::Alarm") {
		p := c.raw.Resources[a].Properties
		for _, dim := range listOf(p["Dimensions"]) {
			key := strOf(p["Namespace"]) + "|" + strOf(p["MetricName"]) + "|" + refName(strOf(dig(dim, "Value")))
			alarms[key] = append(alarms[key], p)
		}
	}
	for _, fn := range c.functionNames() {
		events := mapOf(c.raw.Resources[fn].Properties["Events"])
		for _, name := range sortedKeys(events) {
			switch strOf(dig(events[name], "Type")) {
			case "DynamoDB", "Kinesis":
				if len(alarms["AWS/Lambda|IteratorAge|"+fn]) == 0 {
					problems = append(problems, fmt.Sprintf("%s: stream consumer without an alarm on AWS/Lambda IteratorAge", fn))
				}
			case "Schedule", "ScheduleV2":
				ok := slices.ContainsFunc(alarms["AWS/Lambda|Invocations|"+fn], func(p map[string]any) bool {
					return strOf(p["ComparisonOperator"]) == "LessThanThreshold" && strOf(p["TreatMissingData"]) == "breaching"
				})
				if !ok {
					problems = append(problems, fmt.Sprintf("%s: scheduled, but no alarm on AWS/Lambda Invocations below a threshold with TreatMissingData breaching (a stopped schedule sends no data)", fn))
				}
			}
		}
	}
	for _, api := range c.ofType("AWS::Serverless::HttpApi") {
		ok := slices.ContainsFunc(alarms["AWS/ApiGateway|Latency|"+api], func(p map[string]any) bool {
			return strOf(p["ExtendedStatistic"]) == "p99"
		})
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: no alarm on AWS/ApiGateway Latency p99", api))
		}
	}
	dashboards := c.ofType("AWS::CloudWatch::Dashboard")
	if len(dashboards) == 0 {
		problems = append(problems, "no AWS::CloudWatch::Dashboard")
	}
	for _, d := range dashboards {
		body := fmt.Sprint(c.raw.Resources[d].Properties["DashboardBody"])
		for _, want := range append([]string{`"Tandem"`, "BookingsCreated", "Refusals", "Conflicts", "IteratorAge"}, c.functionNames()...) {
			if !strings.Contains(body, want) {
				problems = append(problems, fmt.Sprintf("%s: the dashboard does not show %s", d, want))
			}
		}
		for _, a := range c.ofType("AWS::CloudWatch::Alarm") {
			if !strings.Contains(body, "${"+a+".Arn}") {
				problems = append(problems, fmt.Sprintf("%s: the dashboard's alarm widget does not list %s", d, a))
			}
		}
	}
	return problems
}

func TestRepositoryTemplateObservability(t *testing.T) {
	c := repositoryTemplate(t, "")
	for _, p := range checkObservability(c) {
		t.Error(p)
	}
	for _, p := range checkAlarms(c) { // the new alarms notify the topic too
		t.Error(p)
	}
}

// TestObservabilityRulesCatchEditedTemplate breaks one rule at a time in a copy of the real
// template.
func TestObservabilityRulesCatchEditedTemplate(t *testing.T) {
	tests := []struct{ name, old, new, want string }{
		{"access logs elsewhere", "DestinationArn: !GetAtt ApiAccessLogGroup.Arn", "DestinationArn: arn:aws:logs:eu-west-1:123456789012:log-group:x", "HttpApi: no AccessLogSettings"},
		{"path in the access log", `"routeKey":"$context.routeKey"`, `"routeKey":"$context.routeKey","path":"$context.path"`, "logs $context.path"},
		{"no request id in the access log", `"requestId":"$context.requestId",`, "", "has no $context.requestId"},
		{"no iterator age alarm", "      MetricName: IteratorAge\n", "      MetricName: Duration\n", "StreamsFunction: stream consumer without an alarm on AWS/Lambda IteratorAge"},
		{"stopped scheduler looks fine", "      TreatMissingData: breaching\n", "      TreatMissingData: notBreaching\n", "SchedulerFunction: scheduled, but no alarm"},
		{"average latency", "      ExtendedStatistic: p99\n", "      Statistic: Average\n", "HttpApi: no alarm on AWS/ApiGateway Latency p99"},
		{"silent latency alarm", "      AlarmDescription: The HTTP API's p99 latency was over 1 s for 10 of the last 15 minutes.\n      AlarmActions: [!Ref AlarmTopic]\n", "      AlarmDescription: The HTTP API's p99 latency was over 1 s for 10 of the last 15 minutes.\n", "ApiLatencyAlarm: notifies nobody"},
		{"alarm missing from the dashboard", `"${ApiLatencyAlarm.Arn}", `, "", "Dashboard: the dashboard's alarm widget does not list ApiLatencyAlarm"},
		{"no dashboard", "    Type: AWS::CloudWatch::Dashboard\n", "    Type: Custom::NotADashboard\n", "no AWS::CloudWatch::Dashboard"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			edited := repositoryTemplate(t, tt.old+"\x00"+tt.new)
			problems := append(checkObservability(edited), checkAlarms(edited)...)
			wantProblem(t, problems, tt.want)
		})
	}
}

// repositoryTemplate parses template.yaml, with one replacement applied when edit is
// "old\x00new" (the old text must be there).
func repositoryTemplate(t *testing.T, edit string) *checked {
	t.Helper()
	_, src := repositoryText(t)
	if old, nw, ok := strings.Cut(edit, "\x00"); ok {
		if !strings.Contains(src, old) {
			t.Fatalf("template.yaml no longer contains %q; update this case", old)
		}
		src = strings.Replace(src, old, nw, 1)
	}
	c, err := parseChecked([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return c
}
