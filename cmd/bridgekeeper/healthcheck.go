package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// healthcheckTimeout bounds one health check, well inside a container engine's probe interval.
const healthcheckTimeout = 5 * time.Second

// healthcheck is `bridgekeeper healthcheck URL`: it GETs URL (e.g.
// http://127.0.0.1:8080/healthz) and exits 0 on a 2xx answer, 1 otherwise. It
// lets a container image without a shell or curl check itself
// (deploy/Containerfile's HEALTHCHECK).
func healthcheck(ctx context.Context, args []string, stdout, stderr io.Writer, _ func(string) string) int {
	if len(args) != 1 {
		fmt.Fprintln(stderr, "usage: bridgekeeper healthcheck URL   (e.g. http://127.0.0.1:8080/healthz)")
		return 2
	}
	u, err := url.Parse(args[0])
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		fmt.Fprintf(stderr, "bridgekeeper healthcheck: %q is not an http or https URL\n", args[0])
		return 2
	}
	ctx, cancel := context.WithTimeout(ctx, healthcheckTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		fmt.Fprintf(stderr, "bridgekeeper healthcheck: %v\n", err)
		return 2
	}
	// No redirects: a health endpoint answers itself.
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		fmt.Fprintf(stderr, "bridgekeeper healthcheck: unhealthy: %v\n", err)
		return 1
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		fmt.Fprintf(stderr, "bridgekeeper healthcheck: unhealthy: %s answered %s\n", u.Redacted(), resp.Status)
		return 1
	}
	fmt.Fprintf(stdout, "healthy: %s answered %s\n", u.Redacted(), resp.Status)
	return 0
}
