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
