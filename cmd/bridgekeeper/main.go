// Command bridgekeeper serves sign-in pages for an Amazon Cognito user pool
// and an OpenID Connect provider in front of it.
//
//	bridgekeeper serve --config FILE    run against the user pool in FILE
//	bridgekeeper demo [flags]           run with a built-in local user pool and demo users
//	bridgekeeper localpool [flags]      run the local user pool on its own, seeded from YAML
//	bridgekeeper check-config FILE      name every problem in a configuration file
//	bridgekeeper healthcheck URL        exit 0 if URL answers 2xx (container health checks)
//	bridgekeeper admin COMMAND ...      manage accounts: list, show, reset, disable, sign out
//	bridgekeeper version                print the version
//
// Build with -ldflags "-X main.buildVersion=v1.2.3" to stamp a version.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "serve" && !setTimerSlack(os.Args, os.Environ(), os.Stderr) {
		os.Exit(1)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// command is a subcommand: it returns the process exit code.
type command func(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int

// commands maps subcommand names to their functions.
func commands() map[string]command {
	return map[string]command{
		"serve":        runServe,
		"admin":        runAdmin,
		"demo":         withError(demo),
		"localpool":    withError(runLocalPool),
		"check-config": checkConfig,
		"healthcheck":  healthcheck,
		"version":      printVersion,
	}
}

// withError adapts a command that returns an error: exit 1 after printing
// it, 0 without one.
func withError(f func(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error) command {
	return func(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
		if err := f(ctx, args, stdout, stderr, getenv); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			fmt.Fprintln(stderr, "bridgekeeper:", err)
			return 1
		}
		return 0
	}
}

// run dispatches a subcommand and returns the process exit code: 0 on
// success, 1 when the command failed, 2 for a usage mistake.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		usage(stdout)
		return 0
	case "--version":
		return printVersion(ctx, nil, stdout, stderr, getenv)
	}
	cmd, ok := commands()[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "bridgekeeper: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	return cmd(ctx, args[1:], stdout, stderr, getenv)
}

// usage prints the list of subcommands.
func usage(w io.Writer) {
	fmt.Fprint(w, `Usage:
  bridgekeeper serve --config FILE   run against the user pool in FILE
  bridgekeeper demo [flags]          run with a built-in local user pool and demo users
  bridgekeeper localpool [flags]     run the local user pool on its own (--listen, --seed FILE, --state FILE, --json)
  bridgekeeper check-config FILE     check a configuration file and name every problem
  bridgekeeper healthcheck URL       exit 0 if URL (e.g. http://127.0.0.1:8080/healthz) answers 2xx
  bridgekeeper admin COMMAND ...     manage accounts (bridgekeeper admin help)
  bridgekeeper version               print the version
`)
}
