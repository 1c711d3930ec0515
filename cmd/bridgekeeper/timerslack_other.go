//go:build !linux

package main

import "time"

// applyTimerSlack does nothing outside Linux: timer slack is a Linux thread attribute.
func applyTimerSlack(time.Duration, []string, []string) error {
	return nil
}
