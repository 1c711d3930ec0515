package webclient

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

const formPage = `<!doctype html><html><head><title>t</title></head><body>
<p>Hello <b>there</b></p>
<form method="post" action="/next">
  <input type="hidden" name="_csrf" value="tok">
  <input type="text" name="username" value="kept">
  <input type="password" name="password">
  <input type="radio" name="r" value="a"><input type="radio" name="r" value="b" checked>
  <select name="s"><option value="x">X</option><option value="y" selected>Y</option></select>
  <textarea name="note">hi</textarea>
  <button type="submit" name="method" value="SMS_MFA">SMS</button>
  <button type="submit" name="method" value="SOFTWARE_TOKEN_MFA">App</button>
</form>
<a href="/elsewhere">Go elsewhere</a>
</body></html>`

func TestSubmitSendsFieldsButtonAndCookies(t *testing.T) {
	var got url.Values
	var cookie string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			http.SetCookie(w, &http.Cookie{Name: "c", Value: "v1", Path: "/"})
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, formPage)
		case "/next":
			if err := r.ParseForm(); err != nil {
				t.Error(err)
			}
			got = r.PostForm
			if c, err := r.Cookie("c"); err == nil {
				cookie = c.Value
			}
			http.Redirect(w, r, "/done", http.StatusSeeOther)
		case "/done":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, "<p>done</p>")
		}
	}))
	defer srv.Close()

	ctx := context.Background()
	c := New()
	p, err := c.Get(ctx, srv.URL+"/")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(p.Text(), "Hello there") {
		t.Errorf("Text() = %q", p.Text())
	}
	if l := p.Links("elsewhere"); len(l) != 1 || l[0] != "/elsewhere" {
		t.Errorf("Links = %v", l)
	}
	f, err := p.Form("password")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Set("password", "pw"); err != nil {
		t.Fatal(err)
	}
	if err := f.Set("nope", "x"); err == nil {
		t.Error("Set of a missing field must fail")
	}
	if _, err := c.Submit(ctx, f, "method", "EMAIL_OTP"); err == nil {
		t.Error("pressing a missing button must fail")
	}
	done, err := c.Submit(ctx, f, "method", "SOFTWARE_TOKEN_MFA")
	if err != nil {
		t.Fatal(err)
	}
	if done.URL.Path != "/done" || done.Status != 200 {
		t.Errorf("ended at %s (%d)", done.URL.Path, done.Status)
	}
	want := url.Values{"_csrf": {"tok"}, "username": {"kept"}, "password": {"pw"}, "r": {"b"}, "s": {"y"}, "note": {"hi"}, "method": {"SOFTWARE_TOKEN_MFA"}}
	if got.Encode() != want.Encode() {
		t.Errorf("posted %v, want %v", got, want)
	}
	if cookie != "v1" {
		t.Errorf("cookie = %q", cookie)
	}
	if _, err := done.Form("x"); err == nil {
		t.Error("Form on a page without forms must fail")
	}
}
