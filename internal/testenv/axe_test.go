package testenv_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/bridgekeeper/bridgekeeper/internal/testenv"
)

// TestAxe: axe-core, injected with Runtime.evaluate into a page whose CSP forbids every script,
// reports an input without a label and passes the same page with the label.
func TestAxe(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'self'")
		label := ""
		if r.URL.Path == "/labelled" {
			label = `<label for="name">Name</label>`
		}
		fmt.Fprintf(w, `<!doctype html><html lang="en"><title>form</title><main><h1>Form</h1>%s<input id="name"></main></html>`, label)
	}))
	t.Cleanup(srv.Close)
	src := testenv.AxeSource(t)
	ctx := testenv.Chromium(t)
	for _, tt := range []struct {
		path string
		want []string
	}{{"/unlabelled", []string{"label"}}, {"/labelled", nil}} {
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+tt.path), testenv.InjectAxe(src)); err != nil {
			t.Fatal(err)
		}
		got, err := chromedp.Run(ctx, testenv.RunAxe())
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, v := range got {
			ids = append(ids, v.ID)
			if len(v.Targets) == 0 || v.Impact == "" {
				t.Errorf("%s: violation without target or impact: %+v", tt.path, v)
			}
		}
		if fmt.Sprint(ids) != fmt.Sprint(tt.want) {
			t.Errorf("%s: violations %v, want %v (%v)", tt.path, ids, tt.want, got)
		}
	}
}

// TestNonTextContrast: a button told apart only by a border under 3:1 is reported; with a
// darker border, a filled button or a text-only button nothing is.
func TestNonTextContrast(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/style.css" {
			w.Header().Set("Content-Type", "text/css")
			fmt.Fprint(w, `body{background:#fff} button{background:#fff;border:0;color:#000}
				.faint{border:1px solid #ccc} .ring{box-shadow:inset 0 0 0 1px #cbd5e1} .firm{border:1px solid #64748b}
				.filled{background:#4f46e5;color:#fff}`)
			return
		}
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'self'")
		fmt.Fprintf(w, `<!doctype html><html lang="en"><link rel="stylesheet" href="/style.css"><title>b</title><button class="%s">Go</button></html>`, r.URL.Path[1:])
	}))
	t.Cleanup(srv.Close)
	ctx := testenv.Chromium(t)
	for _, tt := range []struct {
		class string
		weak  bool
	}{{"faint", true}, {"ring", true}, {"firm", false}, {"filled", false}, {"text", false}} {
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/"+tt.class)); err != nil {
			t.Fatal(err)
		}
		got, err := chromedp.Run(ctx, testenv.NonTextContrast())
		if err != nil {
			t.Fatal(err)
		}
		if (len(got) == 1 && got[0].ID == "non-text-contrast") != tt.weak || len(got) > 1 {
			t.Errorf("%s: %v, want weak=%v", tt.class, got, tt.weak)
		}
	}
}
