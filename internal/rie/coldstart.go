package rie

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"time"
)

// MeasureInit cold-starts the function runs times, each in a fresh emulator, and returns
// the init durations RIE reported (INIT REPORT durationMs). Each run sends payload (a
// function error is fine: only init is measured). cfg.Env should point DYNAMODB_ENDPOINT
// somewhere that answers quickly (see StubDynamoDB).
func MeasureInit(ctx context.Context, cfg Config, payload []byte, runs int) ([]time.Duration, error) {
	var out []time.Duration
	for i := 0; i < runs; i++ {
		fn, err := Start(ctx, cfg)
		if err != nil {
			return out, err
		}
		_, err = fn.InvokeRaw(ctx, payload)
		var fe *FunctionError
		if err != nil && !errors.As(err, &fe) {
			fn.Stop()
			return out, err
		}
		d, ok := fn.InitDuration()
		fn.Stop()
		if !ok {
			return out, fmt.Errorf("rie: run %d: no INIT REPORT line\n%s", i+1, fn.lastLines(20))
		}
		out = append(out, d)
	}
	return out, nil
}

// Median returns the middle value (the mean of the two middle ones for an even count).
func Median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// StubDynamoDB serves a DynamoDB endpoint on loopback that rejects every call at once with
// a non-retryable ValidationException, so a cold-start run never waits on storage. Close it
// when done.
func StubDynamoDB() (url string, closeFn func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"__type":"com.amazon.coral.validate#ValidationException","message":"cold-start stub: no table"}`)
	}), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = srv.Close() }, nil
}

// runtimeAPIPrefix is the Lambda Runtime API's path prefix.
const runtimeAPIPrefix = "/2018-06-01/runtime/"

// InitNetwork runs the bootstrap's init on its own, outside RIE, against a stub Runtime API,
// and returns every network connection the process opened before it asked for its first
// event (and in the 300 ms after, to catch work that init started in the background). An
// empty result means init does no network I/O, as the cold-start budget requires.
//
// Connections are caught by a tripwire listener that every route out of the process leads
// to: DYNAMODB_ENDPOINT (when env has that key: local mode), HTTP_PROXY/HTTPS_PROXY (every
// HTTP request to a non-loopback host, e.g. to AWS when env has no endpoint) and the EC2
// metadata endpoint. Each entry is the first line the process sent, e.g.
// "CONNECT dynamodb.eu-west-1.amazonaws.com:443 HTTP/1.1". Only the stub Runtime API on
// loopback is allowed.
func InitNetwork(ctx context.Context, bootstrap string, env map[string]string) ([]string, error) {
	trip, err := newTripwire()
	if err != nil {
		return nil, err
	}
	defer trip.close()

	ready := make(chan struct{})
	var readyOnce sync.Once
	var initErr string
	var mu sync.Mutex
	api := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodGet && r.URL.Path == runtimeAPIPrefix+"invocation/next":
			readyOnce.Do(func() { close(ready) })
			<-r.Context().Done() // no event: the process stays parked after init
		case r.URL.Path == runtimeAPIPrefix+"init/error":
			b, _ := io.ReadAll(io.LimitReader(r.Body, 4096))
			mu.Lock()
			initErr = string(b)
			mu.Unlock()
			w.WriteHeader(http.StatusAccepted)
		default:
			http.NotFound(w, r)
		}
	}), ReadHeaderTimeout: 5 * time.Second}
	apiLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	go func() { _ = api.Serve(apiLn) }()
	defer api.Close()

	full := Defaults()
	full["AWS_LAMBDA_FUNCTION_NAME"] = "init-network-check"
	for k, v := range env {
		full[k] = v
	}
	if _, local := env["DYNAMODB_ENDPOINT"]; local {
		full["DYNAMODB_ENDPOINT"] = "http://" + trip.addr
	}
	for _, k := range []string{"HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"} {
		full[k] = "http://" + trip.addr
	}
	delete(full, "NO_PROXY")
	delete(full, "no_proxy")
	full["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = "http://" + trip.addr
	full["AWS_LAMBDA_RUNTIME_API"] = apiLn.Addr().String()
	var envList []string
	for k, v := range full {
		envList = append(envList, k+"="+v)
	}

	cmd := exec.Command(bootstrap)
	cmd.Env = envList
	var output strings.Builder
	cmd.Stdout, cmd.Stderr = &output, &output
	setProcessGroup(cmd)
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		kill(cmd)
		<-exited
	}()

	select {
	case <-ready:
		time.Sleep(300 * time.Millisecond)
	case err := <-exited:
		exited <- err
		mu.Lock()
		defer mu.Unlock()
		return nil, fmt.Errorf("rie: %s exited during init (%v): %s%s", bootstrap, err, initErr, output.String())
	case <-time.After(15 * time.Second):
		return nil, fmt.Errorf("rie: %s did not finish init within 15 s", bootstrap)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return trip.seen(), nil
}

// tripwire accepts connections and records the first line each one sends.
type tripwire struct {
	ln   net.Listener
	addr string
	mu   sync.Mutex
	hits []string
	wg   sync.WaitGroup
}

func newTripwire() (*tripwire, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	t := &tripwire{ln: ln, addr: ln.Addr().String()}
	t.wg.Add(1)
	go t.accept()
	return t, nil
}

func (t *tripwire) accept() {
	defer t.wg.Done()
	for {
		c, err := t.ln.Accept()
		if err != nil {
			return
		}
		_ = c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
		line, _ := bufio.NewReader(c).ReadString('\n')
		c.Close()
		line = strings.TrimSpace(line)
		if line == "" {
			line = "(connection, nothing sent)"
		}
		t.mu.Lock()
		t.hits = append(t.hits, line)
		t.mu.Unlock()
	}
}

func (t *tripwire) seen() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.hits...)
}

func (t *tripwire) close() {
	t.ln.Close()
	t.wg.Wait()
}
