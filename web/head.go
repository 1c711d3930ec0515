package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// HEAD requests are routed like a GET of the same path (RFC 9110 §9.3.2: HEAD is GET without
// the content), so every page answers HEAD with the status and headers of its GET instead of
// 405; a path with no GET still gets its 405. Server.serve hands echo a GET in place of the HEAD
// (its own copy of the request: net/http's stays a HEAD), and bufferedWriter sends the GET's
// headers and length without the body.

// restoreHEAD, the first middleware after routing, makes the request a HEAD again for the
// handlers, the error handler and the access log.
func restoreHEAD(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if w, ok := c.Response().Writer.(*bufferedWriter); ok && w.head {
			c.Request().Method = http.MethodHead
		}
		return next(c)
	}
}
