package rie

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
)

// RIEEnv names a variable that, when set, is the path of aws-lambda-rie to use instead of
// the Go tool dependency.
const RIEEnv = "TANDEM_RIE"

var (
	binaryMu    sync.Mutex
	binaryPaths = map[string]string{}
)

// Binary returns the path of aws-lambda-rie: $TANDEM_RIE when set, else the Go tool
// dependency declared in go.mod (`go tool -n aws-lambda-rie`, run in dir, "" for the current
// directory), which the go command builds into its cache on first use (~15 s, then cached).
func Binary(ctx context.Context, dir string) (string, error) {
	if p := os.Getenv(RIEEnv); p != "" {
		return p, nil
	}
	binaryMu.Lock()
	defer binaryMu.Unlock()
	if p, ok := binaryPaths[dir]; ok {
		return p, nil
	}
	cmd := exec.CommandContext(ctx, goCmd(), "tool", "-n", "aws-lambda-rie")
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("rie: go tool -n aws-lambda-rie: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	p := strings.TrimSpace(string(out))
	if p == "" {
		return "", fmt.Errorf("rie: go tool -n aws-lambda-rie printed no path")
	}
	binaryPaths[dir] = p
	return p, nil
}

// goCmd is the go command on PATH (go test and go run put their own toolchain first).
func goCmd() string { return "go" }

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// BuildConfig says which function to compile and where.
type BuildConfig struct {
	// Dir is the directory to run go build in (the module root, or any directory of the
	// module when Package is absolute); "" is the current directory.
	Dir string
	// Package is the function's package, e.g. ./functions/experts.
	Package string
	// Out is the directory that receives the bootstrap.
	Out string
	// GOARCH is the target architecture; "" means the host's (what RIE can run here).
	// arm64 is what Lambda runs (make build-<LogicalId>).
	GOARCH string
}

// Build compiles a function exactly as `make build-<LogicalId>` does (GOOS=linux,
// CGO_ENABLED=0, -tags lambda.norpc -trimpath -ldflags "-s -w") and returns the path of
// Out/bootstrap.
func Build(ctx context.Context, cfg BuildConfig) (string, error) {
	arch := cfg.GOARCH
	if arch == "" {
		arch = runtime.GOARCH
	}
	if err := os.MkdirAll(cfg.Out, 0o755); err != nil {
		return "", err
	}
	out, err := filepath.Abs(filepath.Join(cfg.Out, "bootstrap"))
	if err != nil {
		return "", err
	}
	pkg := cfg.Package
	if !filepath.IsAbs(pkg) && !strings.HasPrefix(pkg, ".") {
		pkg = "./" + pkg
	}
	cmd := exec.CommandContext(ctx, goCmd(), "build", "-tags", "lambda.norpc", "-trimpath",
		"-ldflags", "-s -w", "-o", out, pkg)
	cmd.Dir = cfg.Dir
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH="+arch, "CGO_ENABLED=0")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("rie: build %s for linux/%s: %v\n%s", cfg.Package, arch, err, msg)
	}
	return out, nil
}

// FunctionDir maps a template logical id to its package directory, the repository
// convention: ExpertsFunction → functions/experts.
func FunctionDir(logicalID string) string {
	return "functions/" + strings.ToLower(strings.TrimSuffix(logicalID, "Function"))
}

// ModuleRoot returns the directory of the go.mod that dir (or the current directory) belongs to.
func ModuleRoot(dir string) (string, error) {
	if dir == "" {
		dir = "."
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if fileExists(filepath.Join(d, "go.mod")) {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("rie: no go.mod in %s or its parents", dir)
		}
	}
}

// StartAll builds the functions with the given template logical ids (FunctionDir says where
// each lives below root, the module root) for the host, two at a time, and starts each under
// RIE with env and log. It returns them by logical id, ready to serve as the local gateway's
// invokers (`tandem dev --lambda=rie`), and stop, which stops them all and removes the builds.
// On an error it has already stopped and removed whatever it started, and stop is nil.
func StartAll(ctx context.Context, root string, ids []string, env map[string]string, log io.Writer) (map[string]*Function, func(), error) {
	tmp, err := os.MkdirTemp("", "tandem-rie-")
	if err != nil {
		return nil, nil, err
	}
	fns := map[string]*Function{}
	// The cleanup is a variable of its own: a named result would be nil by the time a
	// deferred call ran after `return nil, nil, err` (a nil-func panic on a slow start).
	stopAll := func() {
		for _, f := range fns {
			f.Stop()
		}
		os.RemoveAll(tmp)
	}
	started := false
	defer func() {
		if !started {
			stopAll()
		}
	}()
	paths := make([]string, len(ids))
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			paths[i], errs[i] = Build(ctx, BuildConfig{Dir: root, Package: "./" + FunctionDir(id), Out: filepath.Join(tmp, id)})
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, nil, err
	}
	for i, id := range ids {
		f, err := Start(ctx, Config{Bootstrap: paths[i], Env: env, Name: id, Log: log})
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", id, err)
		}
		fns[id] = f
	}
	started = true
	return fns, stopAll, nil
}
