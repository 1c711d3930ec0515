// Command bridgekeeper serves sign-in pages for an Amazon Cognito user pool and an OpenID Connect
// provider in front of it.
//
//	bridgekeeper serve --config bridgekeeper.yaml   run against a real user pool
//	bridgekeeper demo [--listen ADDR] [--mfa-required] [--config FILE]
//	                                                 run with a built-in local user pool and demo users
//	bridgekeeper check-config FILE                   name every problem in a configuration file
//	bridgekeeper version                             print the version
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// run dispatches a subcommand and returns the process exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = serve(ctx, args[1:], stdout, stderr, getenv)
	case "demo":
		err = demo(ctx, args[1:], stdout, stderr, getenv)
	case "check-config":
		return checkConfig(args[1:], stdout, stderr, getenv)
	case "version", "--version":
		fmt.Fprintln(stdout, "bridgekeeper", version())
		return 0
	case "help", "-h", "--help":
		usage(stdout)
		return 0
	default:
		fmt.Fprintf(stderr, "bridgekeeper: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	if err != nil {
		fmt.Fprintln(stderr, "bridgekeeper:", err)
		return 1
	}
	return 0
}

func usage(w io.Writer) {
	fmt.Fprint(w, `Usage:
  bridgekeeper serve --config FILE     run against the user pool in FILE
  bridgekeeper demo [flags]            run with a built-in local user pool and demo users
  bridgekeeper check-config FILE       check a configuration file and name every problem
  bridgekeeper version                 print the version
`)
}

// version is the module version stamped by the Go toolchain (or "devel").
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}
