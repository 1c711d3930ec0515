package web

import (
	"context"
	"net/http"
	"sync"

	"github.com/labstack/echo/v4"
)

// healthz answers 200 while the process serves requests (liveness).
func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// readiness is the JSON body of /readyz.
type readiness struct {
	Status string   `json:"status"`
	Failed []string `json:"failed,omitempty"`
}

// readyz runs every ready check at once, each bounded by a timeout, and
// answers 200, or 503 naming the checks that failed (their errors go to the
// log only). While shutting down it answers 503 so load balancers drain.
func (s *Server) readyz(c echo.Context) error {
	if s.draining.Load() {
		return c.JSON(http.StatusServiceUnavailable, readiness{Status: "shutting down"})
	}
	ctx := c.Request().Context()
	errs := make([]error, len(s.deps.Checks))
	var wg sync.WaitGroup
	for i, chk := range s.deps.Checks {
		wg.Go(func() {
			cctx, cancel := context.WithTimeout(ctx, readyCheckTimeout)
			defer cancel()
			errs[i] = chk.Fn(cctx)
		})
	}
	wg.Wait()
	var failed []string
	for i, err := range errs {
		if err != nil {
			name := s.deps.Checks[i].Name
			failed = append(failed, name)
			s.log.WarnContext(ctx, "ready check failed", "check", name, "err", err)
		}
	}
	if len(failed) > 0 {
		return c.JSON(http.StatusServiceUnavailable, readiness{Status: "unavailable", Failed: failed})
	}
	return c.JSON(http.StatusOK, readiness{Status: "ok"})
}
