//go:build unix

package dynamotest

import (
	"os/exec"
	"syscall"
)

// detach puts cmd in a session of its own, so that a signal to the test's process group
// (Ctrl-C) does not end the watcher before it has stopped the instance.
func detach(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true} }
