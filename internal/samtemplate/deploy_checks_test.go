package samtemplate

// Rules for what sits in front of the functions and watches them: the web bucket and the
// CloudFront distribution (one origin for the app and the API), the sign-in URLs of the web
// app's user pool client, and the alarms. allChecks (template_checks_test.go) runs them with
// the others.

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
)

// Managed CloudFront policies (AWS-published ids, the same in every account).
const (
	cachingDisabledPolicy     = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad" // Managed-CachingDisabled
	allViewerExceptHostPolicy = "b689b0a8-53d0-40ab-baf2-68738e2966ac" // Managed-AllViewerExceptHostHeader
)

// checkBuckets: every bucket is private: the four public access blocks on, encryption at rest,
// no website hosting, no ACL grant. A bucket policy allows nothing but reads (s3:GetObject) by
// the CloudFront service principal on behalf of a distribution of this template, and that
// distribution reads the bucket through an Origin Access Control that signs every request.
func checkBuckets(c *checked) []string {
	var problems []string
	for _, b := range c.ofType("AWS::S3::Bucket") {
		props := c.raw.Resources[b].Properties
		pab := mapOf(props["PublicAccessBlockConfiguration"])
		for _, k := range []string{"BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"} {
			if pab[k] != true {
				problems = append(problems, fmt.Sprintf("%s: PublicAccessBlockConfiguration.%s must be true", b, k))
			}
		}
		if props["BucketEncryption"] == nil {
			problems = append(problems, fmt.Sprintf("%s: no BucketEncryption", b))
		}
		if props["WebsiteConfiguration"] != nil {
			problems = append(problems, fmt.Sprintf("%s: website hosting is public; serve the bucket through CloudFront", b))
		}
		if acl := strOf(props["AccessControl"]); acl != "" && acl != "Private" {
			problems = append(problems, fmt.Sprintf("%s: AccessControl %s grants access by ACL", b, acl))
		}
	}
	granted := map[[2]string]bool{} // {distribution, bucket} with a read grant
	for _, p := range c.ofType("AWS::S3::BucketPolicy") {
		props := c.raw.Resources[p].Properties
		bucket := refName(strOf(props["Bucket"]))
		walkStatements(props["PolicyDocument"], func(st map[string]any) {
			if st["Effect"] != "Allow" {
				return
			}
			principal := mapOf(st["Principal"])
			if len(principal) != 1 || strOf(principal["Service"]) != "cloudfront.amazonaws.com" {
				problems = append(problems, fmt.Sprintf("%s: allows %v; only the CloudFront service principal may read the bucket", p, st["Principal"]))
			}
			for _, a := range stringsOf(st["Action"]) {
				if a != "s3:GetObject" {
					problems = append(problems, fmt.Sprintf("%s: allows %s; CloudFront needs only s3:GetObject", p, a))
				}
			}
			source := strOf(dig(st["Condition"], "StringEquals", "AWS:SourceArn"))
			_, d, _ := strings.Cut(source, ":distribution/${")
			d, _, _ = strings.Cut(d, "}")
			if c.raw.Resources[d].Type != "AWS::CloudFront::Distribution" {
				problems = append(problems, fmt.Sprintf("%s: the CloudFront grant is not limited to a distribution of this template (Condition StringEquals AWS:SourceArn .../distribution/${Distribution})", p))
				return
			}
			granted[[2]string{d, bucket}] = true
		})
	}
	for _, d := range c.ofType("AWS::CloudFront::Distribution") {
		for _, o := range listOf(dig(c.raw.Resources[d].Properties, "DistributionConfig", "Origins")) {
			bucket := refName(strOf(dig(o, "DomainName")))
			if c.raw.Resources[bucket].Type != "AWS::S3::Bucket" {
				continue
			}
			oac := refName(strOf(dig(o, "OriginAccessControlId")))
			cfg := mapOf(dig(c.raw.Resources[oac].Properties, "OriginAccessControlConfig"))
			if c.raw.Resources[oac].Type != "AWS::CloudFront::OriginAccessControl" ||
				cfg["SigningBehavior"] != "always" || cfg["SigningProtocol"] != "sigv4" || cfg["OriginAccessControlOriginType"] != "s3" {
				problems = append(problems, fmt.Sprintf("%s: origin %v reads bucket %s without an Origin Access Control that signs every request (s3, sigv4, always)", d, dig(o, "Id"), bucket))
			}
			if !granted[[2]string{d, bucket}] {
				problems = append(problems, fmt.Sprintf("%s: no bucket policy lets it read %s", d, bucket))
			}
		}
	}
	return problems
}

// apiMethods is every method an HTTP API route may use; CloudFront must pass them all.
var apiMethods = []string{"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"}

// checkDistributions: the API shares the web app's origin: for every
// HttpApi a distribution sends /v1/* to it, HTTPS on both legs, every method, never cached
// (managed CachingDisabled) and with query strings and every viewer header but Host (managed
// AllViewerExceptHostHeader: the JWT authorizer needs Authorization, API Gateway needs its own
// Host). No behavior allows plain HTTP. No distribution has custom error responses: they
// apply to every behavior, so the API's 403 and 404 would come back as index.html with 200.
func checkDistributions(c *checked) []string {
	var problems []string
	served := map[string]bool{} // HttpApi logical ids with a /v1/* behavior
	for _, d := range c.ofType("AWS::CloudFront::Distribution") {
		cfg := dig(c.raw.Resources[d].Properties, "DistributionConfig")
		origins := map[string]any{}
		for _, o := range listOf(dig(cfg, "Origins")) {
			origins[strOf(dig(o, "Id"))] = o
		}
		if len(listOf(dig(cfg, "CustomErrorResponses"))) > 0 {
			problems = append(problems, fmt.Sprintf("%s: CustomErrorResponses apply to /v1/* too and would replace the API's errors; route app paths with a viewer-request function", d))
		}
		behaviors := append([]any{dig(cfg, "DefaultCacheBehavior")}, listOf(dig(cfg, "CacheBehaviors"))...)
		for _, b := range behaviors {
			if p := strOf(dig(b, "ViewerProtocolPolicy")); p != "https-only" && p != "redirect-to-https" {
				problems = append(problems, fmt.Sprintf("%s: behavior %q has ViewerProtocolPolicy %q; want https-only or redirect-to-https", d, strOf(dig(b, "PathPattern")), p))
			}
			if strOf(dig(b, "PathPattern")) != "/v1/*" {
				continue
			}
			origin := origins[strOf(dig(b, "TargetOriginId"))]
			api, ok := strings.CutSuffix(strOf(dig(origin, "DomainName")), ".execute-api.${AWS::Region}.amazonaws.com")
			api = strings.TrimSuffix(strings.TrimPrefix(api, "${"), "}")
			if !ok || c.raw.Resources[api].Type != "AWS::Serverless::HttpApi" {
				continue
			}
			served[api] = true
			if got := strOf(dig(b, "CachePolicyId")); got != cachingDisabledPolicy {
				problems = append(problems, fmt.Sprintf("%s: /v1/* must use the managed CachingDisabled cache policy (%s), not %q", d, cachingDisabledPolicy, got))
			}
			if got := strOf(dig(b, "OriginRequestPolicyId")); got != allViewerExceptHostPolicy {
				problems = append(problems, fmt.Sprintf("%s: /v1/* must use the managed AllViewerExceptHostHeader origin request policy (%s), not %q", d, allViewerExceptHostPolicy, got))
			}
			for _, m := range apiMethods {
				if !slices.Contains(stringsOf(dig(b, "AllowedMethods")), m) {
					problems = append(problems, fmt.Sprintf("%s: /v1/* does not allow %s", d, m))
				}
			}
			if p := strOf(dig(origin, "CustomOriginConfig", "OriginProtocolPolicy")); p != "https-only" {
				problems = append(problems, fmt.Sprintf("%s: the API origin's OriginProtocolPolicy is %q, want https-only", d, p))
			}
		}
	}
	for _, api := range c.ofType("AWS::Serverless::HttpApi") {
		if !served[api] {
			problems = append(problems, fmt.Sprintf("%s: no distribution sends /v1/* to it (origin ${%s}.execute-api.${AWS::Region}.amazonaws.com); the web app calls /v1 on its own origin", api, api))
		}
	}
	return problems
}

// checkAlarms: every function has an alarm on its Errors and on its Throttles (AWS/Lambda,
// dimension FunctionName; one alarm may watch both with metric math), every HttpApi on its
// 5xx answers, every queue (they are dead-letter queues) on its visible messages, and every
// alarm notifies someone (AlarmActions).
func checkAlarms(c *checked) []string {
	var problems []string
	watched := map[string]bool{} // namespace|metric|dimension=resource
	for _, a := range c.ofType("AWS::CloudWatch::Alarm") {
		props := c.raw.Resources[a].Properties
		if len(listOf(props["AlarmActions"])) == 0 {
			problems = append(problems, fmt.Sprintf("%s: notifies nobody (no AlarmActions)", a))
		}
		metrics := []any{props}
		for _, m := range listOf(props["Metrics"]) {
			metrics = append(metrics, dig(m, "MetricStat", "Metric"))
		}
		for _, m := range metrics {
			for _, dim := range listOf(dig(m, "Dimensions")) {
				key := fmt.Sprintf("%s|%s|%s=%s", strOf(dig(m, "Namespace")), strOf(dig(m, "MetricName")),
					strOf(dig(dim, "Name")), refName(strOf(dig(dim, "Value"))))
				watched[key] = true
			}
		}
	}
	want := func(resource, namespace, metric, dimension string) {
		if !watched[fmt.Sprintf("%s|%s|%s=%s", namespace, metric, dimension, resource)] {
			problems = append(problems, fmt.Sprintf("%s: no alarm on %s %s (dimension %s)", resource, namespace, metric, dimension))
		}
	}
	for _, fn := range c.functionNames() {
		want(fn, "AWS/Lambda", "Errors", "FunctionName")
		want(fn, "AWS/Lambda", "Throttles", "FunctionName")
	}
	for _, api := range c.ofType("AWS::Serverless::HttpApi") {
		want(api, "AWS/ApiGateway", "5xx", "ApiId")
	}
	for _, q := range c.ofType("AWS::SQS::Queue") {
		want(q, "AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName")
	}
	return problems
}

// checkClientURLs: the web app's sign-in comes back to <origin>/auth/callback, so a user pool
// client with OAuth flows must list the distribution's domain. The client itself cannot name
// the distribution (that would close a dependency cycle through the API's JWT authorizer), so
// a Custom::UserPoolClientUrls resource sets the URLs after the distribution exists; its
// ClientSettings repeat the client's properties verbatim, so that any change to the client,
// which resets the URLs, also runs it again.
func checkClientURLs(c *checked) []string {
	var problems []string
	callbacks := map[string][]string{} // client → URLs set by a UserPoolClientUrls
	for _, u := range c.ofType("Custom::UserPoolClientUrls") {
		props := c.raw.Resources[u].Properties
		client := refName(strOf(props["ClientId"]))
		if c.raw.Resources[client].Type != "AWS::Cognito::UserPoolClient" {
			problems = append(problems, fmt.Sprintf("%s: ClientId %q is not a user pool client of this template", u, client))
			continue
		}
		callbacks[client] = append(callbacks[client], stringsOf(props["CallbackURLs"])...)
		want := c.raw.Resources[client].Properties
		got := mapOf(props["ClientSettings"])
		for _, k := range sortedKeys(unionKeys(want, got)) {
			if !reflect.DeepEqual(want[k], got[k]) {
				problems = append(problems, fmt.Sprintf("%s: ClientSettings.%s differs from %s's %s; repeat the client's properties verbatim", u, k, client, k))
			}
		}
	}
	for _, client := range c.ofType("AWS::Cognito::UserPoolClient") {
		if dig(c.raw.Resources[client].Properties, "AllowedOAuthFlowsUserPoolClient") != true {
			continue
		}
		for _, d := range c.ofType("AWS::CloudFront::Distribution") {
			url := "https://${" + d + ".DomainName}/auth/callback"
			if !slices.Contains(callbacks[client], url) {
				problems = append(problems, fmt.Sprintf("%s: no callback URL %s (set by a Custom::UserPoolClientUrls resource)", client, url))
			}
		}
	}
	return problems
}

// ofType returns the logical ids of the resources of a type, sorted.
func (c *checked) ofType(typ string) []string {
	var names []string
	for name, res := range c.raw.Resources {
		if res.Type == typ {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

// refName is the resource a raw !Ref or !GetAtt value names: "Bucket.Arn" → "Bucket".
func refName(s string) string {
	name, _, _ := strings.Cut(s, ".")
	return name
}

func mapOf(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func strOf(v any) string {
	s, _ := v.(string)
	return s
}

// dig follows map keys; a missing key or a non-map gives nil.
func dig(v any, keys ...string) any {
	for _, k := range keys {
		v = mapOf(v)[k]
	}
	return v
}

func unionKeys(a, b map[string]any) map[string]bool {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	return keys
}
