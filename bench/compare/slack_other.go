//go:build !linux

package compare

import (
	"errors"
	"os/exec"
	"time"
)

// errNoTimerSlack: timer slack is a Linux thread attribute.
var errNoTimerSlack = errors.New("timer slack is set on Linux only")

func startWithTimerSlack(*exec.Cmd, time.Duration) error { return errNoTimerSlack }

func checkTimerSlack(int, time.Duration) error { return errNoTimerSlack }
