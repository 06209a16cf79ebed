//go:build !unix

package dynamotest

import "os/exec"

func detach(*exec.Cmd) {}
