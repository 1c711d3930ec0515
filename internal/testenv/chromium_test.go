package testenv_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/bridgekeeper/bridgekeeper/internal/testenv"
)

// TestChromiumSubmitsForm serves a small form on 127.0.0.1, has the browser type into it and
// click submit, and checks what the server received and what the browser then shows.
func TestChromiumSubmitsForm(t *testing.T) {
	received := make(chan string, 1)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!doctype html><title>form</title>
<form method="post" action="/submit">
  <label>Name <input id="name" name="name"></label>
  <button id="go" type="submit">Send</button>
</form>`)
	})
	mux.HandleFunc("POST /submit", func(w http.ResponseWriter, r *http.Request) {
		name := r.PostFormValue("name")
		select {
		case received <- name:
		default:
		}
		fmt.Fprintf(w, `<!doctype html><title>done</title><p id="result">Hello, %s</p>`, html.EscapeString(name))
	})
	srv := httptest.NewServer(mux) // listens on 127.0.0.1
	t.Cleanup(srv.Close)

	ctx := testenv.Chromium(t)
	const name = "Zoë <Tester>"
	err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible("#name"),
		chromedp.SendKeys("#name", name),
		chromedp.Click("#go"),
		chromedp.WaitVisible("#result"),
	)
	if err != nil {
		t.Fatalf("browser steps: %v", err)
	}

	select {
	case got := <-received:
		if got != name {
			t.Errorf("server received name = %q, want %q", got, name)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the server never received the form")
	}
	text, err := chromedp.Run(ctx, chromedp.Text("#result"))
	if err != nil {
		t.Fatalf("read result: %v", err)
	}
	if want := "Hello, " + name; strings.TrimSpace(text) != want {
		t.Errorf("page shows %q, want %q", text, want)
	}
	location, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatalf("read location: %v", err)
	}
	if location != srv.URL+"/submit" {
		t.Errorf("location = %q, want %s/submit", location, srv.URL)
	}
}

// TestChromiumProfilesAreFresh checks that each browser starts without the cookies of another.
func TestChromiumProfilesAreFresh(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /set", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "seen", Value: "yes", Path: "/", MaxAge: 3600})
		fmt.Fprint(w, `<!doctype html><p id="out">set</p>`)
	})
	mux.HandleFunc("GET /get", func(w http.ResponseWriter, r *http.Request) {
		v := "none"
		if c, err := r.Cookie("seen"); err == nil {
			v = c.Value
		}
		fmt.Fprintf(w, `<!doctype html><p id="out">%s</p>`, v)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	read := func(ctx context.Context, path string) string {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+path), chromedp.WaitVisible("#out")); err != nil {
			t.Fatalf("navigate %s: %v", path, err)
		}
		text, err := chromedp.Run(ctx, chromedp.Text("#out"))
		if err != nil {
			t.Fatalf("read %s: %v", path, err)
		}
		return text
	}

	first := testenv.Chromium(t)
	read(first, "/set")
	if got := read(first, "/get"); got != "yes" {
		t.Fatalf("same browser: cookie = %q, want yes", got)
	}
	second := testenv.Chromium(t)
	if got := read(second, "/get"); got != "none" {
		t.Errorf("second browser: cookie = %q, want none (profiles must not be shared)", got)
	}
}
