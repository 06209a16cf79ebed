package rie

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
)

// InvokeOnce builds the function in fnDir (a package directory such as functions/experts,
// or a template logical id such as ExpertsFunction) for the host's architecture, runs it
// under RIE with env laid over Defaults, sends the event in eventPath and writes the
// response, indented, to out. RIE's and the function's log lines, and the measured init
// time, go to stderr. It backs `make invoke` and `tandem invoke`; run it from the module
// root. A function error is returned after its payload has been written.
func InvokeOnce(ctx context.Context, fnDir, eventPath string, env map[string]string, out io.Writer) error {
	name := fnDir
	if !strings.Contains(fnDir, "/") && strings.HasSuffix(fnDir, "Function") {
		fnDir = FunctionDir(fnDir)
	}
	event, err := os.ReadFile(eventPath)
	if err != nil {
		return fmt.Errorf("rie.InvokeOnce: %w", err)
	}
	if !json.Valid(event) {
		return fmt.Errorf("rie.InvokeOnce: %s is not valid JSON", eventPath)
	}
	tmp, err := os.MkdirTemp("", "tandem-invoke-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	bootstrap, err := Build(ctx, BuildConfig{Package: fnDir, Out: tmp})
	if err != nil {
		return err
	}
	fn, err := Start(ctx, Config{Bootstrap: bootstrap, Env: env, Log: os.Stderr, Name: path.Base(name)})
	if err != nil {
		return err
	}
	defer fn.Stop()
	resp, err := fn.InvokeRaw(ctx, event)
	if d, ok := fn.InitDuration(); ok {
		fmt.Fprintf(os.Stderr, "rie: %s: INIT REPORT %.1f ms (cold start)\n", fnDir, float64(d.Microseconds())/1000)
	}
	if fe := (*FunctionError)(nil); errors.As(err, &fe) && len(fe.Body) > 0 {
		resp = fe.Body
	} else if err != nil {
		return err
	}
	var pretty bytes.Buffer
	if json.Indent(&pretty, resp, "", "  ") != nil {
		pretty.Reset()
		pretty.Write(resp)
	}
	pretty.WriteByte('\n')
	if _, werr := out.Write(pretty.Bytes()); werr != nil {
		return werr
	}
	return err
}
