package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/bridgekeeper/bridgekeeper/config"
	"github.com/bridgekeeper/bridgekeeper/static"
	"github.com/bridgekeeper/bridgekeeper/store"
	"github.com/bridgekeeper/bridgekeeper/web"
)

// runServe is the serve command: it runs until ctx is cancelled (SIGINT or
// SIGTERM) and then shuts down gracefully.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "bridgekeeper.yaml", "configuration file")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 0 {
		fmt.Fprintln(stderr, "usage: bridgekeeper serve [--config FILE]")
		return 2
	}
	cfg, err := loadConfig(*path, getenv)
	if err != nil {
		var probs config.Problems
		if errors.As(err, &probs) {
			fmt.Fprintf(stderr, "%s has %d problem(s):\n", *path, len(probs))
			for _, p := range probs {
				fmt.Fprintf(stderr, "  - %s\n", p)
			}
		} else {
			fmt.Fprintf(stderr, "bridgekeeper: %v\n", err)
		}
		return 1
	}
	if err := serve(ctx, cfg, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "bridgekeeper: %v\n", err)
		return 1
	}
	return 0
}

// serve wires a validated configuration into a running server: logger →
// store → web server, and serves until ctx is cancelled.
func serve(ctx context.Context, cfg *config.Config, stdout, stderr io.Writer) (err error) {
	log, err := web.NewLogger(stderr, cfg.Log)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, string(cfg.Store.URL), store.WithKeyPrefix(cfg.Store.KeyPrefix))
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	defer func() {
		if cerr := st.Close(); cerr != nil {
			err = errors.Join(err, fmt.Errorf("close store: %w", cerr))
		}
	}()
	srv, err := web.New(cfg, web.Deps{
		Logger:  log,
		Counter: st,
		Static:  static.FS,
		Checks:  []web.Check{{Name: "store", Fn: st.Ping}},
	})
	if err != nil {
		return err
	}
	if err := srv.Listen(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Bridgekeeper %s is listening on %s (public URL %s)\n", version(), srv.Addr(), cfg.PublicURL)
	return srv.Serve(ctx)
}
