package dynamotest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Stream tables and Own stores live in DynamoDB Local processes of their own, started with
// infra/dynamodb-local.sh (in memory). DynamoDB Local 3.3.0 keeps every stream record of every
// stream-enabled table in its process, deleted tables included, and every transaction in
// that process gets slower with each one: a package whose tests write to streams would slow
// every other package sharing DYNAMODB_ENDPOINT, and a benchmark would drift over its own
// run. So:
//   - Options.Stream tables are made in this test binary's stream instance (one per package,
//     started on first use, stopped when the test binary exits);
//   - Options.Own gives a test or benchmark an instance of its own, stopped when it ends.
//
// Tables without a stream stay on DYNAMODB_ENDPOINT (make test's shared instance).

var (
	streamOnce sync.Once
	streamEP   string
	streamErr  error
)

// streamEndpoint returns this test binary's own DynamoDB Local for stream tables.
func streamEndpoint() (string, error) {
	streamOnce.Do(func() {
		streamEP, streamErr = startInstance("streams", true)
	})
	return streamEP, streamErr
}

// ownEndpoint starts an instance for tb alone and stops it when tb ends.
func ownEndpoint(tb testing.TB) string {
	tb.Helper()
	ep, err := startInstance(sanitize(tb.Name()), false)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { stopInstance(ep) })
	return ep
}

var (
	instancesMu sync.Mutex
	instances   = map[string]string{} // endpoint → state dir
)

// startInstance starts an in-memory DynamoDB Local with its state under
// .local/dynamotest/<pid>-<label> and returns its endpoint. With reapOnExit, a detached
// watcher stops it once this process has exited (a test binary has no exit hook without a
// TestMain), however it ends.
func startInstance(label string, reapOnExit bool) (string, error) {
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	script := filepath.Join(root, "infra", "dynamodb-local.sh")
	dir := filepath.Join(root, ".local", "dynamotest", fmt.Sprintf("%d-%s", os.Getpid(), label))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, script, "start", "--in-memory", "--state-dir", dir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("dynamotest: %s start: %v\n%s", script, err, stderr.String())
	}
	ep := strings.TrimSpace(string(out))
	instancesMu.Lock()
	instances[ep] = dir
	instancesMu.Unlock()
	if reapOnExit {
		watch := exec.Command("sh", "-c", `while kill -0 "$1" 2>/dev/null; do sleep 1; done; "$2" stop --state-dir "$3" >/dev/null 2>&1; rm -rf "$3"`,
			"reaper", strconv.Itoa(os.Getpid()), script, dir)
		detach(watch)
		if err := watch.Start(); err != nil {
			stopInstance(ep)
			return "", fmt.Errorf("dynamotest: cannot watch the stream instance: %v", err)
		}
		_ = watch.Process.Release()
	}
	return ep, nil
}

// stopInstance stops an instance startInstance started.
func stopInstance(ep string) {
	instancesMu.Lock()
	dir := instances[ep]
	delete(instances, ep)
	instancesMu.Unlock()
	if dir == "" {
		return
	}
	if root, err := repoRoot(); err == nil {
		_ = exec.Command(filepath.Join(root, "infra", "dynamodb-local.sh"), "stop", "--state-dir", dir).Run()
	}
	_ = os.RemoveAll(dir)
}

// repoRoot is the directory holding go.mod, above the test's working directory.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("dynamotest: no go.mod above %s", dir)
		}
	}
}
