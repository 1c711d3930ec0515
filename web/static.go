package web

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"
)

// Cache lifetimes of static files: a URL with a version (?v=<hash>, as
// static.Manifest builds them) never changes; one without may.
const (
	cacheVersioned   = "public, max-age=31536000, immutable"
	cacheUnversioned = "public, max-age=300"
)

// static serves a file from Deps.Static. Directories are not listed.
func (s *Server) static(c echo.Context) error {
	name, err := url.PathUnescape(c.Param("*"))
	if err != nil || !fs.ValidPath(name) || name == "." {
		return echo.ErrNotFound
	}
	f, err := s.deps.Static.Open(name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrInvalid) {
			return echo.ErrNotFound
		}
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	if info.IsDir() {
		return echo.ErrNotFound
	}
	rs, ok := f.(io.ReadSeeker)
	if !ok {
		b, err := io.ReadAll(f)
		if err != nil {
			return err
		}
		rs = bytes.NewReader(b)
	}
	cache := cacheUnversioned
	if c.QueryParam("v") != "" {
		cache = cacheVersioned
	}
	c.Response().Header().Set("Cache-Control", cache)
	http.ServeContent(c.Response(), c.Request(), info.Name(), info.ModTime(), rs)
	return nil
}

// faviconGET answers browsers that ask for /favicon.ico: the brand's favicon (branding.favicon)
// when one is set, a temporary redirect since the brand's file may change; otherwise the built-in
// one, permanently.
func (s *Server) faviconGET(c echo.Context) error {
	if u := s.deps.Branding.FaviconURL(); u != "" {
		return c.Redirect(http.StatusFound, u)
	}
	return c.Redirect(http.StatusMovedPermanently, "/static/img/favicon.svg")
}
