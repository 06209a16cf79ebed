//go:build unix

package rie

import (
	"os/exec"
	"syscall"
)

// setProcessGroup puts the emulator and the bootstrap it starts in a group of their own, so
// kill reaches both and a Ctrl-C in the terminal is left to the parent to handle.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

func terminate(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = cmd.Process.Signal(syscall.SIGTERM)
	}
}

// kill ends the emulator's whole process group (it led the group, see setProcessGroup).
func kill(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
