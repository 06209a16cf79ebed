package gateway

import (
	"encoding/base64"
	"fmt"
	"mime"
	"net"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"

	"github.com/tandemhq/tandem/internal/samtemplate"
)

// Fixed identifiers of the local API in every event's requestContext.
const (
	localAccountID = "123456789012"
	localAPIID     = "tandemdev"
	clfTime        = "02/Jan/2006:15:04:05 -0700" // requestContext.time, as API Gateway writes it
)

// muxPattern turns a route into a ServeMux pattern and the names of its path parameters.
// "ANY" matches every method; a greedy {name+} becomes {name...}; a trailing slash matches
// only itself, as in API Gateway.
func muxPattern(rt samtemplate.Route) (string, []string, error) {
	if !strings.HasPrefix(rt.Path, "/") {
		return "", nil, fmt.Errorf("route %s: path must start with /", rt.Key())
	}
	segs := strings.Split(rt.Path[1:], "/")
	var params []string
	for i, s := range segs {
		if !strings.HasPrefix(s, "{") || !strings.HasSuffix(s, "}") {
			continue
		}
		name := s[1 : len(s)-1]
		if greedy, ok := strings.CutSuffix(name, "+"); ok {
			if i != len(segs)-1 {
				return "", nil, fmt.Errorf("route %s: a greedy parameter must be last", rt.Key())
			}
			name, segs[i] = greedy, "{"+greedy+"...}"
		}
		params = append(params, name)
	}
	path := "/" + strings.Join(segs, "/")
	if strings.HasSuffix(path, "/") {
		path += "{$}"
	}
	if rt.Method == "ANY" {
		return path, params, nil
	}
	return rt.Method + " " + path, params, nil
}

// redactPath returns path with the values of secret path parameters (names containing
// "token" or "secret", such as the calendar feed's {token}) replaced by the parameter name.
func redactPath(routePath, path string) string {
	pat := strings.Split(routePath, "/")
	got := strings.Split(path, "/")
	for i, s := range pat {
		name := strings.ToLower(strings.Trim(s, "{}+"))
		if i < len(got) && strings.HasPrefix(s, "{") && (strings.Contains(name, "token") || strings.Contains(name, "secret")) {
			got[i] = s
		}
	}
	return strings.Join(got, "/")
}

// event builds the payload-v2 event API Gateway would send for r on route rt.
func (g *Gateway) event(r *http.Request, rt samtemplate.Route, params []string, claims map[string]string, body []byte) events.APIGatewayV2HTTPRequest {
	now := g.cfg.Now().UTC()
	sourceIP := r.RemoteAddr
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		sourceIP = host
	}
	domain := r.Host
	if host, _, err := net.SplitHostPort(r.Host); err == nil {
		domain = host
	}
	prefix, _, _ := strings.Cut(domain, ".")

	ev := events.APIGatewayV2HTTPRequest{
		Version:        "2.0",
		RouteKey:       rt.Key(),
		RawPath:        r.URL.EscapedPath(),
		RawQueryString: r.URL.RawQuery,
		Cookies:        cookies(r),
		Headers:        headers(r, sourceIP, len(body)),
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey:     rt.Key(),
			AccountID:    localAccountID,
			Stage:        "$default",
			RequestID:    infoFrom(r.Context()).id,
			APIID:        localAPIID,
			DomainName:   domain,
			DomainPrefix: prefix,
			Time:         now.Format(clfTime),
			TimeEpoch:    now.UnixMilli(),
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method:    r.Method,
				Path:      r.URL.Path,
				Protocol:  r.Proto,
				SourceIP:  sourceIP,
				UserAgent: r.UserAgent(),
			},
		},
	}
	if q := r.URL.Query(); len(q) > 0 {
		ev.QueryStringParameters = make(map[string]string, len(q))
		for k, vs := range q {
			ev.QueryStringParameters[k] = strings.Join(vs, ",")
		}
	}
	if len(params) > 0 {
		ev.PathParameters = make(map[string]string, len(params))
		for _, name := range params {
			ev.PathParameters[name] = r.PathValue(name)
		}
	}
	if claims != nil {
		ev.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
			JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: claims, Scopes: scopes(claims)},
		}
	}
	if len(body) > 0 {
		if isText(r.Header.Get("Content-Type")) && utf8.Valid(body) {
			ev.Body = string(body)
		} else {
			ev.Body, ev.IsBase64Encoded = base64.StdEncoding.EncodeToString(body), true
		}
	}
	return ev
}

// headers lower-cases names and comma-joins repeated values, moves cookies out (they travel
// in the event's cookies), and adds the headers API Gateway adds.
func headers(r *http.Request, sourceIP string, bodyLen int) map[string]string {
	h := make(map[string]string, len(r.Header)+5)
	for k, vs := range r.Header {
		if k = strings.ToLower(k); k != "cookie" {
			h[k] = strings.Join(vs, ",")
		}
	}
	h["host"] = r.Host
	if xff := h["x-forwarded-for"]; xff != "" {
		h["x-forwarded-for"] = xff + ", " + sourceIP
	} else {
		h["x-forwarded-for"] = sourceIP
	}
	h["x-forwarded-proto"] = "http"
	if r.TLS != nil {
		h["x-forwarded-proto"] = "https"
	}
	if addr, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		if _, port, err := net.SplitHostPort(addr.String()); err == nil {
			h["x-forwarded-port"] = port
		}
	}
	if bodyLen > 0 {
		h["content-length"] = strconv.Itoa(bodyLen)
	}
	return h
}

// cookies splits every Cookie header into its name=value pairs.
func cookies(r *http.Request) []string {
	var out []string
	for _, line := range r.Header.Values("Cookie") {
		for c := range strings.SplitSeq(line, ";") {
			if c = strings.TrimSpace(c); c != "" {
				out = append(out, c)
			}
		}
	}
	return out
}

// scopes returns the OAuth scopes of an access token ("scope", space-separated); ID tokens
// have none.
func scopes(claims map[string]string) []string {
	if s := strings.Fields(claims["scope"]); len(s) > 0 {
		return s
	}
	return nil
}

// isText reports whether a body of this content type travels as text; API Gateway
// base64-encodes everything else, and so do we (also any body that is not UTF-8).
func isText(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	switch {
	case strings.HasPrefix(mt, "text/"), strings.HasSuffix(mt, "+json"), strings.HasSuffix(mt, "+xml"):
		return true
	}
	switch mt {
	case "application/json", "application/xml", "application/javascript", "application/graphql":
		return true
	}
	return false
}

// writeResponse writes a function's response as API Gateway does: status, headers, each
// cookie as a Set-Cookie header, and the body (base64-decoded when flagged). A response API
// Gateway could not use (bad status or base64) is an error and nothing is written.
func writeResponse(w http.ResponseWriter, resp events.APIGatewayV2HTTPResponse) error {
	if resp.StatusCode < 100 || resp.StatusCode > 599 {
		return fmt.Errorf("function returned status %d", resp.StatusCode)
	}
	body := []byte(resp.Body)
	if resp.IsBase64Encoded {
		var err error
		if body, err = base64.StdEncoding.DecodeString(resp.Body); err != nil {
			return fmt.Errorf("function returned an invalid base64 body: %w", err)
		}
	}
	h := w.Header()
	for k, v := range resp.Headers {
		if !hopByHop(k) {
			h.Set(k, v)
		}
	}
	for k, vs := range resp.MultiValueHeaders {
		if !hopByHop(k) {
			for _, v := range vs {
				h.Add(k, v)
			}
		}
	}
	for _, c := range resp.Cookies {
		h.Add("Set-Cookie", c)
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(body)
	return nil
}

// hopByHop reports headers the server computes itself.
func hopByHop(name string) bool {
	switch http.CanonicalHeaderKey(name) {
	case "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Upgrade":
		return true
	}
	return false
}
