package main

import (
	"context"
	"fmt"
	"io"
	"runtime/debug"
)

// buildVersion is stamped at build time with
// -ldflags "-X main.buildVersion=v1.2.3"; empty means "ask the build info".
var buildVersion string

// version returns the version: the stamped one, else the module version the
// Go toolchain recorded, else "devel", followed by the VCS revision when the
// build info has one ("devel (3f2a1b9c0d1e, modified)").
func version() string {
	bi, ok := debug.ReadBuildInfo()
	return versionFrom(buildVersion, bi, ok)
}

// versionFrom builds the version string from a stamped version and build info.
func versionFrom(stamped string, bi *debug.BuildInfo, ok bool) string {
	v := stamped
	if v == "" && ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v = bi.Main.Version
	}
	if v == "" {
		v = "devel"
	}
	if !ok {
		return v
	}
	var rev string
	var modified bool
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if rev == "" {
		return v
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if modified {
		rev += ", modified"
	}
	return v + " (" + rev + ")"
}

// printVersion is the version command.
func printVersion(_ context.Context, args []string, stdout, stderr io.Writer, _ func(string) string) int {
	if len(args) != 0 {
		fmt.Fprintln(stderr, "usage: bridgekeeper version")
		return 2
	}
	fmt.Fprintln(stdout, "bridgekeeper", version())
	return 0
}
