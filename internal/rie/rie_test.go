package rie_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/gateway"
	"github.com/tandemhq/tandem/internal/rie"
)

// A Function serves the local gateway directly (`tandem dev --lambda=rie`).
var _ gateway.Invoker = (*rie.Function)(nil)

var (
	buildDir  string
	buildMu   sync.Mutex
	buildOnce = map[string]*onceResult{}
)

type onceResult struct {
	once sync.Once
	path string
	err  error
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "rie-test-")
	if err != nil {
		panic(err)
	}
	buildDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// bootstrap builds pkg (relative to the module root) for the host, once per test binary.
func bootstrap(t *testing.T, pkg string) string {
	t.Helper()
	p, err := build(pkg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func build(pkg string) (string, error) {
	buildMu.Lock()
	r, ok := buildOnce[pkg]
	if !ok {
		r = &onceResult{}
		buildOnce[pkg] = r
	}
	buildMu.Unlock()
	r.once.Do(func() {
		root, err := rie.ModuleRoot("")
		if err != nil {
			r.err = err
			return
		}
		out := filepath.Join(buildDir, strings.ReplaceAll(pkg, "/", "_"))
		r.path, r.err = rie.Build(context.Background(), rie.BuildConfig{Dir: root, Package: pkg, Out: out})
	})
	return r.path, r.err
}

func start(t *testing.T, cfg rie.Config) *rie.Function {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), rie.StartTimeout())
	defer cancel()
	fn, err := rie.Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fn.Stop)
	return fn
}

func TestColdThenWarmInvoke(t *testing.T) {
	t.Parallel()
	fn := start(t, rie.Config{Bootstrap: bootstrap(t, "./internal/rie/testdata/hello")})
	if d, ok := fn.InitDuration(); ok {
		t.Fatalf("InitDuration before any invocation = %v, want none (init is lazy)", d)
	}
	ctx := context.Background()
	got, err := fn.InvokeRaw(ctx, []byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"hello":"world"}`; string(got) != want {
		t.Errorf("response = %s, want %s", got, want)
	}
	cold, ok := fn.InitDuration()
	if !ok || cold <= 0 || cold > 10*time.Second {
		t.Fatalf("InitDuration = %v, %v; want a positive duration from INIT REPORT\n%s", cold, ok, fn.Logs())
	}
	if _, err := fn.InvokeRaw(ctx, []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	if warm, _ := fn.InitDuration(); warm != cold {
		t.Errorf("InitDuration after a warm invoke = %v, want the cold start's %v", warm, cold)
	}
	if !strings.Contains(fn.Logs(), "INIT REPORT(durationMs:") {
		t.Errorf("logs have no INIT REPORT line:\n%s", fn.Logs())
	}
}

func TestFunctionErrors(t *testing.T) {
	t.Parallel()
	bs := bootstrap(t, "./internal/rie/testdata/fail")
	tests := []struct {
		mode       string
		wantStatus int
		wantType   string
		wantMsg    string
	}{
		{mode: "error", wantStatus: 200, wantType: "errorString", wantMsg: "handler failed on purpose"},
		{mode: "panic", wantStatus: 502, wantMsg: "handler panicked on purpose"},
		{mode: "init-exit", wantStatus: 502},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			t.Parallel()
			fn := start(t, rie.Config{Bootstrap: bs, Env: map[string]string{"FAIL_MODE": tt.mode}})
			_, err := fn.InvokeRaw(context.Background(), []byte(`{"a":1}`))
			var fe *rie.FunctionError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want a *FunctionError", err)
			}
			if fe.Status != tt.wantStatus || fe.Type != tt.wantType && tt.wantType != "" || !strings.Contains(fe.Message, tt.wantMsg) {
				t.Errorf("FunctionError = {Status:%d Type:%q Message:%q}, want status %d, type %q, message containing %q",
					fe.Status, fe.Type, fe.Message, tt.wantStatus, tt.wantType, tt.wantMsg)
			}
		})
	}
	t.Run("echo is not an error", func(t *testing.T) {
		t.Parallel()
		fn := start(t, rie.Config{Bootstrap: bs})
		// An object that merely mentions errorType is a normal response.
		in := []byte(`{"errorType":"x","errorMessage":"y","statusCode":200}`)
		got, err := fn.InvokeRaw(context.Background(), in)
		if err != nil || !bytes.Equal(got, in) {
			t.Errorf("InvokeRaw = %s, %v; want the event back", got, err)
		}
	})
}

func TestEnvironment(t *testing.T) {
	t.Setenv("TANDEM_HOST_ONLY", "leak")
	fn := start(t, rie.Config{Bootstrap: bootstrap(t, "./internal/rie/testdata/fail"),
		Env: map[string]string{"FAIL_MODE": "getenv", "TABLE_NAME": "tandem-x", "AWS_REGION": "eu-west-1"}})
	for name, want := range map[string]string{
		"TABLE_NAME":                "tandem-x",  // Config.Env
		"AWS_REGION":                "eu-west-1", // Config.Env over Defaults
		"AWS_ACCESS_KEY_ID":         "local",     // Defaults
		"AWS_EC2_METADATA_DISABLED": "true",
		"AWS_LAMBDA_RUNTIME_API":    "127.0.0.1:", // set by RIE
		"TANDEM_HOST_ONLY":          "",           // the host's environment stays out
	} {
		out, err := fn.InvokeRaw(context.Background(), []byte(`{"name":"`+name+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		var got struct{ Value string }
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatal(err)
		}
		if want == "" && got.Value != "" || !strings.HasPrefix(got.Value, want) {
			t.Errorf("%s = %q, want %q", name, got.Value, want)
		}
	}
}

// TestStopEndsEverything: after Stop neither the emulator nor the bootstrap it started is left.
func TestStopEndsEverything(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	t.Parallel()
	dir := t.TempDir()
	data, err := os.ReadFile(bootstrap(t, "./internal/rie/testdata/hello"))
	if err != nil {
		t.Fatal(err)
	}
	bs := filepath.Join(dir, "bootstrap")
	if err := os.WriteFile(bs, data, 0o755); err != nil {
		t.Fatal(err)
	}
	fn := start(t, rie.Config{Bootstrap: bs})
	if _, err := fn.InvokeRaw(context.Background(), []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	if n := processesWith(dir); n < 2 {
		t.Fatalf("%d processes mention %s while running, want the emulator and the bootstrap", n, dir)
	}
	fn.Stop()
	fn.Stop() // idempotent
	if n := processesWith(dir); n != 0 {
		t.Errorf("%d processes mention %s after Stop, want 0", n, dir)
	}
	if _, err := fn.InvokeRaw(context.Background(), []byte(`{}`)); err == nil {
		t.Error("InvokeRaw after Stop succeeded")
	}
}

// processesWith counts live processes whose command line mentions s.
func processesWith(s string) int {
	n := 0
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || !bytes.Contains(cmdline, []byte(s)) {
			continue
		}
		if stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat")); err == nil && !bytes.Contains(stat, []byte(") Z ")) {
			n++
		}
	}
	return n
}

func TestStartRejectsMissingBootstrap(t *testing.T) {
	_, err := rie.Start(context.Background(), rie.Config{Bootstrap: filepath.Join(t.TempDir(), "bootstrap")})
	if err == nil {
		t.Fatal("Start with a missing bootstrap succeeded")
	}
}

func TestInitNetwork(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	hello := bootstrap(t, "./internal/rie/testdata/hello")
	fail := bootstrap(t, "./internal/rie/testdata/fail")
	local := map[string]string{"DYNAMODB_ENDPOINT": "set", "TABLE_NAME": "t"}
	t.Run("quiet init", func(t *testing.T) {
		for _, env := range []map[string]string{local, {"TABLE_NAME": "t"}} {
			hits, err := rie.InitNetwork(ctx, hello, env)
			if err != nil {
				t.Fatal(err)
			}
			if len(hits) > 0 {
				t.Errorf("hello init opened connections: %q", hits)
			}
		}
	})
	t.Run("noisy init is caught", func(t *testing.T) {
		env := map[string]string{"FAIL_MODE": "init-network", "DYNAMODB_ENDPOINT": "set"}
		hits, err := rie.InitNetwork(ctx, fail, env)
		if err != nil {
			t.Fatal(err)
		}
		joined := strings.Join(hits, "\n")
		for _, want := range []string{"GET / HTTP/1.1", "GET http://init-check.localhost/ HTTP/1.1"} {
			if !strings.Contains(joined, want) {
				t.Errorf("hits = %q, want one %q (endpoint and proxy routes)", hits, want)
			}
		}
	})
	t.Run("init failure is an error", func(t *testing.T) {
		if _, err := rie.InitNetwork(ctx, fail, map[string]string{"FAIL_MODE": "init-exit"}); err == nil {
			t.Error("InitNetwork of a bootstrap that exits during init succeeded")
		}
	})
}

func TestMedian(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		in   []time.Duration
		want time.Duration
	}{
		{nil, 0},
		{[]time.Duration{5 * ms}, 5 * ms},
		{[]time.Duration{9 * ms, 1 * ms, 5 * ms}, 5 * ms},
		{[]time.Duration{4 * ms, 1 * ms, 3 * ms, 2 * ms}, 2500 * time.Microsecond},
	}
	for _, tt := range tests {
		if got := rie.Median(tt.in); got != tt.want {
			t.Errorf("Median(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestMeasureInit(t *testing.T) {
	t.Parallel()
	ddb, closeDDB, err := rie.StubDynamoDB()
	if err != nil {
		t.Fatal(err)
	}
	defer closeDDB()
	cfg := rie.Config{Bootstrap: bootstrap(t, "./internal/rie/testdata/hello"), Env: map[string]string{"DYNAMODB_ENDPOINT": ddb}}
	got, err := rie.MeasureInit(context.Background(), cfg, []byte(`{}`), 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] <= 0 || got[1] <= 0 {
		t.Errorf("MeasureInit = %v, want 2 positive samples", got)
	}
}

func TestInitInstructions(t *testing.T) {
	if _, err := exec.LookPath("valgrind"); err != nil {
		t.Skip("needs valgrind (apt-get install valgrind)")
	}
	t.Parallel()
	ctx := context.Background()
	hello := bootstrap(t, "./internal/rie/testdata/hello")
	fail := bootstrap(t, "./internal/rie/testdata/fail")
	var runs []uint64
	for i := 0; i < 2; i++ {
		n, err := rie.InitInstructions(ctx, hello, nil)
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, n)
	}
	// A Go runtime starting and a Lambda client asking for an event is about a million.
	for _, n := range runs {
		if n < 200_000 || n > 20_000_000 {
			t.Errorf("hello init = %d instructions, want roughly a million", n)
		}
	}
	if a, b := float64(runs[0]), float64(runs[1]); a > 1.2*b || b > 1.2*a {
		t.Errorf("hello init counted %v: two runs should agree within 20%%", runs)
	}
	// The loop runs 10 million iterations of at least three instructions.
	work, err := rie.InitInstructions(ctx, fail, map[string]string{"FAIL_MODE": "init-work"})
	if err != nil {
		t.Fatal(err)
	}
	if work < rie.MedianCount(runs)+30_000_000 {
		t.Errorf("init-work = %d instructions, hello = %d: the 10-million-iteration loop in init was not counted", work, rie.MedianCount(runs))
	}
	if _, err := rie.InitInstructions(ctx, fail, map[string]string{"FAIL_MODE": "init-exit"}); err == nil {
		t.Error("InitInstructions of a bootstrap that exits before asking for an event succeeded")
	}
}

func TestMedianCount(t *testing.T) {
	for _, tt := range []struct {
		in   []uint64
		want uint64
	}{{nil, 0}, {[]uint64{7}, 7}, {[]uint64{9, 1, 5}, 5}, {[]uint64{4, 1, 3, 2}, 2}} {
		if got := rie.MedianCount(tt.in); got != tt.want {
			t.Errorf("MedianCount(%v) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestFunctionDir(t *testing.T) {
	for id, want := range map[string]string{
		"ExpertsFunction":   "functions/experts",
		"SchedulerFunction": "functions/scheduler",
	} {
		if got := rie.FunctionDir(id); got != want {
			t.Errorf("FunctionDir(%q) = %q, want %q", id, got, want)
		}
	}
}

// TestStartAllFailsCleanly: a failed build or a failed emulator start is an error, with
// nothing left running and no stop func to call. (StartAll once ran its cleanup through its
// named result, which `return nil, nil, err` had just set to nil: a slow start on a loaded
// machine became a nil-func panic instead of an error.)
func TestStartAllFailsCleanly(t *testing.T) {
	root, err := rie.ModuleRoot("")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	t.Run("build fails", func(t *testing.T) {
		fns, stop, err := rie.StartAll(ctx, root, []string{"NoSuchFunction"}, nil, nil)
		if err == nil || fns != nil || stop != nil {
			t.Fatalf("StartAll = %v, stop nil %v, %v; want only an error", fns, stop == nil, err)
		}
	})
	t.Run("emulator exits before listening", func(t *testing.T) {
		t.Setenv(rie.RIEEnv, "/bin/false")
		fns, stop, err := rie.StartAll(ctx, root, []string{"ExpertsFunction"}, nil, nil)
		if err == nil || !strings.Contains(err.Error(), "ExpertsFunction") || fns != nil || stop != nil {
			t.Fatalf("StartAll = %v, stop nil %v, %v; want only an error naming the function", fns, stop == nil, err)
		}
	})
}

func TestStartTimeoutFromEnv(t *testing.T) {
	t.Setenv(rie.StartTimeoutEnv, "")
	if got := rie.StartTimeout(); got != rie.DefaultStartTimeout {
		t.Errorf("default = %v, want %v", got, rie.DefaultStartTimeout)
	}
	t.Setenv(rie.StartTimeoutEnv, "7m")
	if got := rie.StartTimeout(); got != 7*time.Minute {
		t.Errorf("TANDEM_START_TIMEOUT=7m gives %v", got)
	}
	t.Setenv(rie.StartTimeoutEnv, "soon")
	if got := rie.StartTimeout(); got != rie.DefaultStartTimeout {
		t.Errorf("an unparsable value gives %v, want the default", got)
	}
}
