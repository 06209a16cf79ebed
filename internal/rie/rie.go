// Package rie runs a function's real compiled bootstrap under the AWS Lambda Runtime
// Interface Emulator (aws-lambda-rie), without Docker: the same binary `sam build` ships,
// built for the host's architecture instead of arm64. It backs
// `make invoke` (one event through one function), `make coldstart` (init time and binary
// size against a hello-world bootstrap) and the end-to-end tests that
// replay events through the compiled functions.
//
// One Function is one emulator process with one execution environment: the first
// invocation is the cold start (RIE runs the bootstrap's init lazily), later ones are warm,
// and invocations are serialized as Lambda does within one environment. Linux only: the
// bootstrap is a linux binary run natively.
package rie

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// invokePath is where RIE accepts invocations, as the Lambda Invoke API does.
const invokePath = "/2015-03-31/functions/function/invocations"

// Config says what to run and how.
type Config struct {
	// Bootstrap is the path of the compiled function (a linux binary for the host's
	// architecture, see Build). Required.
	Bootstrap string
	// Env is the function's environment (TABLE_NAME, DYNAMODB_ENDPOINT, ...). It is laid over
	// Defaults; the host's environment is not inherited, so nothing like AWS_PROFILE leaks in.
	Env map[string]string
	// RIE is the path of aws-lambda-rie; empty means Binary (go tool aws-lambda-rie).
	RIE string
	// Name is the function's name (AWS_LAMBDA_FUNCTION_NAME); default "function".
	Name string
	// Timeout is the function timeout RIE enforces; 0 leaves RIE's default (300 s).
	Timeout time.Duration
	// Log receives every line RIE and the function print (nil: kept only for Logs and errors).
	Log io.Writer
	// StartTimeout bounds how long Start waits for the emulator to listen; zero means
	// StartTimeout().
	StartTimeout time.Duration
}

// StartTimeoutEnv names a variable that overrides the default start timeout of RIE (a Go
// duration such as 3m); `make test` on a busy machine is the reason to set it.
const StartTimeoutEnv = "TANDEM_START_TIMEOUT"

// DefaultStartTimeout is how long Start waits for an emulator to listen unless
// Config.StartTimeout or TANDEM_START_TIMEOUT says otherwise. It is generous on purpose: on
// an idle machine RIE listens within milliseconds, but on a loaded 2-core machine running
// the whole test suite (race detector, DynamoDB Local's JVM, go builds) a start has been
// seen to take over 10 s, and a timeout there fails a test for nothing.
const DefaultStartTimeout = 2 * time.Minute

// StartTimeout is TANDEM_START_TIMEOUT when it holds a positive duration, else
// DefaultStartTimeout.
func StartTimeout() time.Duration {
	if d, err := time.ParseDuration(os.Getenv(StartTimeoutEnv)); err == nil && d > 0 {
		return d
	}
	return DefaultStartTimeout
}

// Defaults is the environment every function gets unless Config.Env overrides it: static
// local credentials and a region (DynamoDB Local keeps tables per key and region, and
// internal/dynamo uses us-east-1 for local endpoints), no EC2 metadata lookups, and UTC, as
// Lambda sets it.
func Defaults() map[string]string {
	return map[string]string{
		"AWS_REGION":                "us-east-1",
		"AWS_DEFAULT_REGION":        "us-east-1",
		"AWS_ACCESS_KEY_ID":         "local",
		"AWS_SECRET_ACCESS_KEY":     "local",
		"AWS_EC2_METADATA_DISABLED": "true",
		"TZ":                        "UTC",
		"PATH":                      "/usr/local/bin:/usr/bin:/bin",
	}
}

// Function is one running emulator with one function.
type Function struct {
	cmd     *exec.Cmd
	url     string
	client  *http.Client
	done    chan struct{} // closed when the emulator has exited
	waitErr error

	invokeMu sync.Mutex // one invocation at a time, like one execution environment

	mu        sync.Mutex
	logs      tail
	invoked   bool
	initSeen  chan struct{} // closed when the INIT REPORT line has been read
	initDur   time.Duration
	initFound bool
	stopped   bool
}

// Start launches aws-lambda-rie for cfg.Bootstrap on two free loopback ports and waits until
// it accepts invocations. The function's init runs on the first invocation. Stop the
// function with Stop; ctx only bounds the start.
func Start(ctx context.Context, cfg Config) (*Function, error) {
	if cfg.Bootstrap == "" {
		return nil, errors.New("rie.Start: no bootstrap")
	}
	bootstrap, err := filepath.Abs(cfg.Bootstrap)
	if err != nil {
		return nil, err
	}
	if st, err := os.Stat(bootstrap); err != nil {
		return nil, fmt.Errorf("rie.Start: %w", err)
	} else if st.IsDir() || st.Mode()&0o111 == 0 {
		return nil, fmt.Errorf("rie.Start: %s is not an executable file", bootstrap)
	}
	cfg.Bootstrap = bootstrap
	rieBin := cfg.RIE
	if rieBin == "" {
		if rieBin, err = Binary(ctx, ""); err != nil {
			return nil, err
		}
	}
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ { // a port taken between picking and binding: retry
		f, err := start(ctx, cfg, rieBin, bootstrap)
		if err == nil {
			return f, nil
		}
		lastErr = err
		if !errors.Is(err, errAddrInUse) || ctx.Err() != nil {
			break
		}
	}
	return nil, lastErr
}

var errAddrInUse = errors.New("address already in use")

func start(ctx context.Context, cfg Config, rieBin, bootstrap string) (*Function, error) {
	ports, err := freePorts(2)
	if err != nil {
		return nil, err
	}
	emu := "127.0.0.1:" + strconv.Itoa(ports[0])
	api := "127.0.0.1:" + strconv.Itoa(ports[1])
	cmd := exec.Command(rieBin,
		"--log-level", "info", // INIT REPORT is an info line; RIE would otherwise read LOG_LEVEL
		"--runtime-interface-emulator-address", emu,
		"--runtime-api-address", api,
		bootstrap)
	cmd.Dir = filepath.Dir(bootstrap)
	cmd.Env = environ(cfg)
	setProcessGroup(cmd)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	f := &Function{
		cmd:      cmd,
		url:      "http://" + emu + invokePath,
		client:   &http.Client{Transport: &http.Transport{Proxy: nil, DisableCompression: true}},
		done:     make(chan struct{}),
		initSeen: make(chan struct{}),
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("rie.Start: %w", err)
	}
	var readers sync.WaitGroup
	readers.Add(2)
	go f.scan(stdout, cfg.Log, &readers)
	go f.scan(stderr, cfg.Log, &readers)
	go func() {
		readers.Wait() // Wait closes the pipes: read them to the end first
		f.waitErr = cmd.Wait()
		close(f.done)
	}()

	limit := cfg.StartTimeout
	if limit == 0 {
		limit = StartTimeout()
	}
	wctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	// Both servers must be up: RIE binds the Runtime API in the background and exits when
	// that port is taken, possibly after the invoke port already answers.
	if err := f.waitListening(wctx, emu, api); err != nil {
		f.Stop()
		if strings.Contains(f.Logs(), "address already in use") {
			return nil, fmt.Errorf("rie.Start: %w", errAddrInUse)
		}
		return nil, fmt.Errorf("rie.Start: %w\n%s", err, f.lastLines(20))
	}
	return f, nil
}

// environ is Defaults, then the Lambda-set variables, then cfg.Env.
func environ(cfg Config) []string {
	env := Defaults()
	name := cfg.Name
	if name == "" {
		name = "function"
	}
	env["AWS_LAMBDA_FUNCTION_NAME"] = name
	env["LAMBDA_TASK_ROOT"] = filepath.Dir(cfg.Bootstrap)
	env["_HANDLER"] = "bootstrap"
	if cfg.Timeout > 0 {
		env["AWS_LAMBDA_FUNCTION_TIMEOUT"] = strconv.Itoa(int((cfg.Timeout + time.Second - 1) / time.Second))
	}
	for k, v := range cfg.Env {
		env[k] = v
	}
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// freePorts returns n distinct loopback ports that were free a moment ago.
func freePorts(n int) ([]int, error) {
	var ports []int
	var lns []net.Listener
	defer func() {
		for _, ln := range lns {
			ln.Close()
		}
	}()
	for len(ports) < n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("rie: no free port: %w", err)
		}
		lns = append(lns, ln) // held open until all are picked, so they differ
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

func (f *Function) waitListening(ctx context.Context, addrs ...string) error {
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for _, addr := range addrs {
		for {
			c, err := (&net.Dialer{Timeout: 100 * time.Millisecond}).DialContext(ctx, "tcp", addr)
			if err == nil {
				c.Close()
				break
			}
			select {
			case <-f.done:
				return fmt.Errorf("aws-lambda-rie exited before listening on %s: %v", addr, f.waitErr)
			case <-ctx.Done():
				return fmt.Errorf("aws-lambda-rie not listening on %s: %w", addr, ctx.Err())
			case <-tick.C:
			}
		}
	}
	select { // a bind failure of the other server ends the process at once
	case <-f.done:
		return fmt.Errorf("aws-lambda-rie exited after start: %v", f.waitErr)
	case <-time.After(20 * time.Millisecond):
		return nil
	}
}

var initReport = regexp.MustCompile(`INIT REPORT\(durationMs: ([0-9.]+)\)`)

// scan keeps r's lines for Logs, copies them to w and picks out the INIT REPORT line.
func (f *Function) scan(r io.Reader, w io.Writer, wg *sync.WaitGroup) {
	defer wg.Done()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		f.mu.Lock()
		f.logs.add(line)
		if m := initReport.FindStringSubmatch(line); m != nil && !f.initFound {
			if ms, err := strconv.ParseFloat(m[1], 64); err == nil {
				f.initDur, f.initFound = time.Duration(ms*float64(time.Millisecond)), true
				close(f.initSeen)
			}
		}
		f.mu.Unlock()
		if w != nil {
			fmt.Fprintln(w, line)
		}
	}
	_, _ = io.Copy(io.Discard, r) // a line past the scanner's limit: keep the pipe drained
}

// FunctionError is a failed invocation: the handler returned an error or panicked, or init
// failed. Status is RIE's HTTP status (200 for a returned error, 502 for a crash).
type FunctionError struct {
	Status  int
	Type    string `json:"errorType"`
	Message string `json:"errorMessage"`
	Body    []byte `json:"-"`
}

func (e *FunctionError) Error() string {
	switch {
	case e.Type != "" || e.Message != "":
		return fmt.Sprintf("function error (%d): %s: %s", e.Status, e.Type, e.Message)
	case len(e.Body) > 0:
		return fmt.Sprintf("function error (%d): %s", e.Status, e.Body)
	default:
		return fmt.Sprintf("function error (%d): no response (init failed or the runtime exited)", e.Status)
	}
}

// InvokeRaw sends one event and returns the function's response payload. A handler error, a
// panic or a failed init is a *FunctionError (its message, never the function's logs, which
// are in Logs).
func (f *Function) InvokeRaw(ctx context.Context, payload []byte) ([]byte, error) {
	f.invokeMu.Lock()
	defer f.invokeMu.Unlock()
	select {
	case <-f.done:
		return nil, fmt.Errorf("rie: the emulator has exited (%v)\n%s", f.waitErr, f.lastLines(20))
	default:
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.url, bytes.NewReader(payload))
	if err != nil {
		return nil, err
	}
	resp, err := f.client.Do(req)
	f.mu.Lock()
	f.invoked = true
	f.mu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("rie: invoke: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("rie: invoke: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		fe := &FunctionError{Status: resp.StatusCode, Body: body}
		_ = json.Unmarshal(body, fe)
		return nil, fe
	}
	if fe := errorPayload(body); fe != nil {
		return nil, fe
	}
	return body, nil
}

// errorPayload recognizes the error document the Go runtime sends for a handler error:
// an object with errorType and errorMessage (and perhaps stackTrace) and nothing else.
// RIE drops Lambda's X-Amz-Function-Error header, so the shape is all there is.
func errorPayload(body []byte) *FunctionError {
	var doc map[string]json.RawMessage
	if json.Unmarshal(body, &doc) != nil || doc["errorType"] == nil || doc["errorMessage"] == nil {
		return nil
	}
	for k := range doc {
		if k != "errorType" && k != "errorMessage" && k != "stackTrace" {
			return nil
		}
	}
	fe := &FunctionError{Status: http.StatusOK, Body: body}
	_ = json.Unmarshal(body, fe)
	return fe
}

// Invoke sends an API Gateway HTTP API (v2) event and decodes the function's response, so a
// Function serves as a gateway.Invoker (`tandem dev --lambda=rie`). As with API Gateway, a
// 4xx/5xx answer is a response, not an error; an error means the invocation failed.
func (f *Function) Invoke(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	payload, err := json.Marshal(ev)
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	out, err := f.InvokeRaw(ctx, payload)
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	var resp events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(out, &resp); err != nil {
		return events.APIGatewayV2HTTPResponse{}, fmt.Errorf("rie: function response is not an HTTP API response: %w", err)
	}
	if resp.StatusCode == 0 {
		return events.APIGatewayV2HTTPResponse{}, fmt.Errorf("rie: function response has no statusCode: %.200s", out)
	}
	return resp, nil
}

// InitDuration is the function's init time from RIE's `INIT REPORT (durationMs: …)` line
// (the REPORT line's "Init Duration" measures something else and is wrong). ok is false before the first invocation or when RIE printed no such line.
func (f *Function) InitDuration() (d time.Duration, ok bool) {
	f.mu.Lock()
	invoked := f.invoked
	f.mu.Unlock()
	if !invoked {
		return 0, false
	}
	// The line is printed before the response is sent, but read from a pipe concurrently.
	select {
	case <-f.initSeen:
	case <-f.done:
	case <-time.After(10 * time.Second): // a busy machine may read the pipe late
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.initDur, f.initFound
}

// Logs returns the last lines (up to 256 KiB) that RIE and the function printed.
func (f *Function) Logs() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.logs.String()
}

func (f *Function) lastLines(n int) string {
	lines := strings.Split(strings.TrimRight(f.Logs(), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// Stop ends the emulator with SIGTERM (RIE shuts the runtime down), and kills what is left
// of its process group after 3 s. It is safe to call more than once.
func (f *Function) Stop() {
	f.mu.Lock()
	stopped := f.stopped
	f.stopped = true
	f.mu.Unlock()
	if !stopped {
		terminate(f.cmd)
	}
	select {
	case <-f.done:
		return
	case <-time.After(3 * time.Second):
	}
	kill(f.cmd)
	<-f.done
}

// tail keeps the last lines up to a byte budget.
type tail struct {
	lines []string
	size  int
}

const tailBudget = 256 << 10

func (t *tail) add(line string) {
	t.lines = append(t.lines, line)
	t.size += len(line) + 1
	for t.size > tailBudget && len(t.lines) > 1 {
		t.size -= len(t.lines[0]) + 1
		t.lines = t.lines[1:]
	}
}

func (t *tail) String() string {
	if len(t.lines) == 0 {
		return ""
	}
	return strings.Join(t.lines, "\n") + "\n"
}
