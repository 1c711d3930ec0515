package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/bridgekeeper/bridgekeeper/config"
)

// checkConfig is the check-config command: it loads and validates a
// configuration file and names every problem, one per line.
func checkConfig(_ context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) != 1 {
		fmt.Fprintln(stderr, "usage: bridgekeeper check-config FILE")
		return 2
	}
	path := args[0]
	if _, err := loadConfig(path, getenv); err != nil {
		var probs config.Problems
		if !errors.As(err, &probs) {
			fmt.Fprintf(stderr, "%s: %v\n", path, err)
			return 1
		}
		printProblems(stderr, path, probs)
		return 1
	}
	fmt.Fprintf(stdout, "%s: ok\n", path)
	return 0
}

// loadConfig loads and validates the file at path. Problems come back as
// config.Problems.
func loadConfig(path string, getenv func(string) string) (*config.Config, error) {
	cfg, err := config.Load(path, getenv)
	if err != nil {
		return nil, err
	}
	if err := cfg.Validate().Err(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// printProblems lists configuration problems, one per line.
func printProblems(w io.Writer, path string, probs config.Problems) {
	fmt.Fprintf(w, "%s has %d problem(s):\n", path, len(probs))
	for _, p := range probs {
		fmt.Fprintf(w, "  - %s\n", p)
	}
}
