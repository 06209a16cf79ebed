package rie

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// InitInstructions counts the instructions a bootstrap executes from exec until it asks the
// Runtime API for its first event: package init and main's setup (logger, store, clients,
// router), all of it user space, all threads. It is the cold-start measure that machine
// load does not move: wall-clock init on a busy machine is mostly waiting for a core.
//
// The bootstrap runs under valgrind's cachegrind (counting only: --cache-sim=no) against a
// stub Runtime API that answers the first GET .../invocation/next with a 500, on which
// aws-lambda-go exits at once; that exit path is the same few thousand instructions for every
// bootstrap. The Go runtime's time-driven work is turned off, because under valgrind (which
// runs one thread at a time, ~50× slower) it scales with wall time: GOMAXPROCS=1 (no idle
// Ps spinning for work), GOGC=off (no background sweeping or scavenging; init heaps stay
// below the first collection's 4 MB goal, so no collection would run anyway) and
// GODEBUG=asyncpreemptoff=1 (no preemption signals). What remains varies by 1-3%
// run to run (map seeds, stack growth). Kernel work (exec, page faults of a bigger binary)
// is not counted.
//
// env is laid over Defaults, as Config.Env is. valgrind 3.19 cannot decode RDTSCP, which
// the runtime reaches on a contended lock: such a run dies of SIGILL and is retried (up to
// 6 runs: on a loaded machine, make test's run of the 10-million-iteration fixture lost 3 in a row).
func InitInstructions(ctx context.Context, bootstrap string, env map[string]string) (uint64, error) {
	valgrind, err := exec.LookPath("valgrind")
	if err != nil {
		return 0, fmt.Errorf("rie: counting init instructions needs valgrind (apt-get install valgrind): %w", err)
	}
	var asked atomic.Bool
	api := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == runtimeAPIPrefix+"invocation/next" {
			asked.Store(true)
		}
		w.WriteHeader(http.StatusInternalServerError) // the bootstrap gives up and exits
	}), ReadHeaderTimeout: 5 * time.Second}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	go func() { _ = api.Serve(ln) }()
	defer api.Close()

	full := Defaults()
	full["AWS_LAMBDA_FUNCTION_NAME"] = "function"
	for k, v := range env {
		full[k] = v
	}
	full["AWS_LAMBDA_RUNTIME_API"] = ln.Addr().String()
	full["GOMAXPROCS"] = "1"
	full["GOGC"] = "off"
	full["GODEBUG"] = "asyncpreemptoff=1"
	var envList []string
	for k, v := range full {
		envList = append(envList, k+"="+v)
	}

	dir, err := os.MkdirTemp("", "rie-instructions")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	logFile := filepath.Join(dir, "valgrind.log")
	const attempts = 6
	var last string
	for i := 0; i < attempts; i++ {
		asked.Store(false)
		runCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		cmd := exec.CommandContext(runCtx, valgrind, "--tool=cachegrind", "--cache-sim=no",
			"--cachegrind-out-file=/dev/null", "--log-file="+logFile, bootstrap)
		cmd.Env = envList
		out, _ := cmd.CombinedOutput() // exit status 1 is the expected end (the 500)
		cancel()
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		log, _ := os.ReadFile(logFile)
		n, ok := parseIRefs(string(log))
		if ok && asked.Load() && !strings.Contains(string(out), "SIGILL") {
			return n, nil
		}
		last = fmt.Sprintf("asked for an event: %v\n%s\n%s", asked.Load(), tailLines(string(out), 15), tailLines(string(log), 5))
	}
	return 0, fmt.Errorf("rie: %s: no clean count of init instructions in %d attempts; last:\n%s", bootstrap, attempts, last)
}

// iRefs is cachegrind's summary line, "==123== I   refs:      1,095,216" (3.19; later
// versions print "I refs:").
var iRefs = regexp.MustCompile(`I\s+refs:\s+([0-9,]+)`)

func parseIRefs(log string) (uint64, bool) {
	m := iRefs.FindStringSubmatch(log)
	if m == nil {
		return 0, false
	}
	n, err := strconv.ParseUint(strings.ReplaceAll(m[1], ",", ""), 10, 64)
	return n, err == nil
}

func tailLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// MedianCount returns the middle value of ns (the lower of the two middle ones for an even
// count, so the result is one that was measured).
func MedianCount(ns []uint64) uint64 {
	if len(ns) == 0 {
		return 0
	}
	s := append([]uint64(nil), ns...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[(len(s)-1)/2]
}
