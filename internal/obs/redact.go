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
	"bytes"
	"regexp"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Redacted replaces a credential in a log line.
const Redacted = "[REDACTED]"

// secretPaths are the route templates whose path parameters are credentials: the calendar
// feed's token. Future signed links add theirs with RegisterSecretPath.
var secretPaths = []string{"/v1/calendar/{token}/feed.ics"}

type secretPathRe struct {
	re     *regexp.Regexp
	repl   string
	prefix string // the template's text before its first parameter: no match without it
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
	prefix, _, _ := strings.Cut(template, "{")
	return secretPathRe{re: regexp.MustCompile(re.String()), repl: repl.String(), prefix: prefix}
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
	// Every pattern is tried only when s has the text it cannot match without: most
	// strings of a log line (routes, ids, statuses) need no regexp at all.
	for _, p := range secretPathRes() {
		if strings.Contains(s, p.prefix) && p.re.MatchString(s) {
			s = p.re.ReplaceAllString(s, p.repl)
		}
	}
	re := res()
	if strings.Contains(s, "eyJ") {
		s = re.jwt.ReplaceAllString(s, Redacted)
	}
	if containsFold(s, "bearer") || containsFold(s, "basic") {
		s = re.authScheme.ReplaceAllString(s, "${1}${2}"+Redacted)
	}
	if strings.IndexByte(s, '=') >= 0 {
		s = re.keyEq.ReplaceAllStringFunc(s, func(m string) string {
			k, v, _ := strings.Cut(m, "=")
			if strings.HasPrefix(v, "[REDACTED") || strings.HasPrefix(v, "{") {
				return m
			}
			return k + "=" + Redacted
		})
	}
	if strings.IndexByte(s, '"') >= 0 && strings.IndexByte(s, ':') >= 0 {
		s = re.keyJSON.ReplaceAllString(s, "${1}"+Redacted+`"`)
	}
	return s
}

// containsFold reports whether s contains the lower-case ASCII word in any case.
func containsFold(s, word string) bool {
	for i := 0; i+len(word) <= len(s); i++ {
		j := 0
		for j < len(word) && s[i+j]|0x20 == word[j] {
			j++
		}
		if j == len(word) {
			return true
		}
	}
	return false
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
	// Lower-cased without dashes and underscores, in a buffer on the stack for the usual
	// short names (this runs for every attribute of every log line).
	var buf [64]byte
	n := buf[:0]
	for _, r := range name {
		switch {
		case r == '-' || r == '_':
		case r >= 'A' && r <= 'Z':
			n = append(n, byte(r+'a'-'A'))
		case r < 0x80:
			n = append(n, byte(r))
		default:
			n = utf8.AppendRune(n, unicode.ToLower(r))
		}
	}
	for _, w := range secretWords {
		if bytes.Contains(n, w) {
			return true
		}
	}
	return false
}

var secretWords = [][]byte{[]byte("password"), []byte("passwd"), []byte("secret"), []byte("token"), []byte("signature"),
	[]byte("credential"), []byte("authorization"), []byte("cookie"), []byte("apikey")}
