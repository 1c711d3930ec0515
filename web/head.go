package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// headKey marks, in the echo context, a HEAD request routed as a GET.
const headKey = "bk.head"

// headAsGET routes a HEAD request like a GET of the same path (RFC 9110 §9.3.2: HEAD is GET
// without the content), so every page answers HEAD with the status and headers of its GET
// instead of 405; net/http sends no body for HEAD. A path with no GET still gets its 405.
func headAsGET(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if r := c.Request(); r.Method == http.MethodHead {
			r.Method = http.MethodGet
			c.Set(headKey, true)
		}
		return next(c)
	}
}

// restoreHEAD, the first middleware after routing, makes the request a HEAD again for the
// handlers, the error handler and the access log.
func restoreHEAD(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Get(headKey) == true {
			c.Request().Method = http.MethodHead
		}
		return next(c)
	}
}
