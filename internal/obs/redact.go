// Package obs is Tandem's logging: one slog handler constructor (NewLogger) that every
// logger in the code base goes through, which writes JSON, takes its level from LOG_LEVEL,
// adds the Lambda and API Gateway request ids and the X-Ray trace id of the context to every
// line, and redacts credentials (Redact) before anything is written.
//
// For the "no secret in the logs" check of `make test`, TANDEM_LOG_CAPTURE=<file> makes every
// obs logger also append each line (at every level) to that file, and the credentials the
// HTTP layer saw to <file>.secrets; CheckLogs then looks for them (infra/test.sh).
package obs

import (
	"regexp"
	"strings"
	"sync"
)

// Redacted replaces a credential in a log line.
const Redacted = "[REDACTED]"

// secretPaths are the route templates whose path parameters are credentials: the calendar
// feed's token. Future signed links add theirs with RegisterSecretPath.
var secretPaths = []string{"/v1/calendar/{token}/feed.ics"}

type secretPathRe struct {
	re   *regexp.Regexp
	repl string
}

// secretPathMu guards secretPaths and compiledPaths. The paths are compiled on first use, not
// at init: a Lambda's cold start compiles no regexp (README, cold start).
var (
	secretPathMu  sync.Mutex
	compiledPaths []secretPathRe // nil until first use, and again after RegisterSecretPath
)

// RegisterSecretPath declares a route template ("/v1/links/{token}") whose secret path
// parameters (see IsSecretName) Redact must hide wherever such a path appears in a log line.
// Call it from an init function.
func RegisterSecretPath(template string) {
	secretPathMu.Lock()
	defer secretPathMu.Unlock()
	secretPaths = append(secretPaths, template)
	compiledPaths = nil
}

// secretPathRes returns secretPaths compiled: each captures the text around the secret segments.
func secretPathRes() []secretPathRe {
	secretPathMu.Lock()
	defer secretPathMu.Unlock()
	if compiledPaths == nil {
		for _, p := range secretPaths {
			compiledPaths = append(compiledPaths, compileSecretPath(p))
		}
	}
	return compiledPaths
}

func compileSecretPath(template string) secretPathRe {
	var re, repl strings.Builder
	group := 0
	for i, seg := range strings.Split(strings.TrimPrefix(template, "/"), "/") {
		if i > 0 || strings.HasPrefix(template, "/") {
			re.WriteString("/")
			repl.WriteString("/")
		}
		name := strings.Trim(seg, "{}+")
		switch {
		case strings.HasPrefix(seg, "{") && IsSecretName(name):
			re.WriteString(`[^/?#\s"'{}]+`)
			repl.WriteString("{" + name + "}")
		case strings.HasPrefix(seg, "{"):
			group++
			re.WriteString(`([^/?#\s"']+)`)
			repl.WriteString("${" + itoa(group) + "}")
		default:
			re.WriteString(regexp.QuoteMeta(seg))
			repl.WriteString(strings.ReplaceAll(seg, "$", "$$"))
		}
	}
	return secretPathRe{re: regexp.MustCompile(re.String()), repl: repl.String()}
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// secretNames matches a key that names a credential in key=value (query strings, form
// bodies) and "key":"value" (JSON). Prose ("token: not found") is left alone.
const secretNames = `[a-z0-9_.-]*(?:password|passwd|secret|token|signature|credential|api[_-]?key|authorization|cookie)`

// redactRes are Redact's patterns, compiled on first use (not at init).
type redactRes struct {
	// A JWT: three base64url parts, the first a JSON object ("eyJ" is `{"`). The signature
	// part may be empty (alg none).
	jwt *regexp.Regexp
	// An HTTP credential: "Bearer <token>", "Basic <base64>".
	authScheme *regexp.Regexp
	keyEq      *regexp.Regexp
	keyJSON    *regexp.Regexp
	// checkAuth is authScheme without a redacted value (CheckLogs).
	checkAuth *regexp.Regexp
}

var res = sync.OnceValue(func() *redactRes {
	return &redactRes{
		jwt:        regexp.MustCompile(`eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*`),
		authScheme: regexp.MustCompile(`(?i)\b(bearer|basic)(\s+)[A-Za-z0-9._~+/=-]{4,}`),
		keyEq:      regexp.MustCompile(`(?i)\b(` + secretNames + `=)([^&\s"',;]+)`),
		keyJSON:    regexp.MustCompile(`(?i)("` + secretNames + `"\s*:\s*")((?:[^"\\]|\\.)*)"`),
		checkAuth:  regexp.MustCompile(`(?i)\b(?:bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}`),
	}
})

// Redact returns s with every credential it recognizes replaced: JWTs, "Bearer …" and
// "Basic …" credentials, the secret segments of the paths of RegisterSecretPath routes
// (/v1/calendar/{token}/feed.ics), and the values of key=value or "key":"value" pairs whose
// key names a credential (password, secret, token, signature, credential, api key,
// authorization, cookie; query strings included). Code that puts text from outside into a
// log line (a path, a header, an error from a client library) passes it through Redact; the
// obs handler also applies it to every string it writes.
//
// Not redacted: request ids, idempotency keys (a client's own retry key, scoped to the
// caller and useless to anyone else, and worth seeing when a retry misbehaves), ids of
// bookings, users and orgs.
func Redact(s string) string {
	if s == "" {
		return s
	}
	for _, p := range secretPathRes() {
		if p.re.MatchString(s) {
			s = p.re.ReplaceAllString(s, p.repl)
		}
	}
	re := res()
	if strings.Contains(s, "eyJ") {
		s = re.jwt.ReplaceAllString(s, Redacted)
	}
	s = re.authScheme.ReplaceAllString(s, "${1}${2}"+Redacted)
	s = re.keyEq.ReplaceAllStringFunc(s, func(m string) string {
		k, v, _ := strings.Cut(m, "=")
		if strings.HasPrefix(v, "[REDACTED") || strings.HasPrefix(v, "{") {
			return m
		}
		return k + "=" + Redacted
	})
	s = re.keyJSON.ReplaceAllString(s, "${1}"+Redacted+`"`)
	return s
}

// RedactPath returns path with the values of its secret path parameters replaced by the
// parameter's name in braces, given the route that matched it: a ServeMux pattern
// ("GET /v1/calendar/{token}/feed.ics") or an API Gateway route path. A parameter is secret
// when IsSecretName says so. The result also goes through Redact, so a path no route matched
// loses its known secrets too.
func RedactPath(route, path string) string {
	if _, p, ok := strings.Cut(route, " "); ok {
		route = p
	}
	if route != "" && strings.Contains(route, "{") {
		pat := strings.Split(route, "/")
		got := strings.Split(path, "/")
		for i, s := range pat {
			if i < len(got) && strings.HasPrefix(s, "{") && IsSecretName(strings.Trim(s, "{}.+")) {
				got[i] = "{" + strings.Trim(s, "{}.+") + "}"
			}
		}
		path = strings.Join(got, "/")
	}
	return Redact(path)
}

// IsSecretName reports whether a path parameter, header, query parameter or log attribute
// named name holds a credential: its name contains password, passwd, secret, token,
// signature, credential, authorization, cookie or apikey / api_key (any case). The
// Idempotency-Key is not a credential.
func IsSecretName(name string) bool {
	n := strings.ToLower(name)
	n = strings.NewReplacer("-", "", "_", "").Replace(n)
	for _, w := range []string{"password", "passwd", "secret", "token", "signature", "credential", "authorization", "cookie", "apikey"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}
