// Package webclient is a small browser without JavaScript for end-to-end tests: it keeps cookies,
// follows redirects, parses HTML forms and submits them the way a person pressing a button would
// (hidden fields such as the CSRF token included), so scenario tests drive the real pages.
package webclient

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"time"

	"golang.org/x/net/html"
)

// Client is a cookie-keeping HTTP client that understands HTML forms.
type Client struct {
	HTTP *http.Client
}

// New returns a client with an empty cookie jar that follows redirects within the limits of
// net/http and stops at any redirect whose target is not served over loopback.
func New() *Client {
	jar, _ := cookiejar.New(nil) // cookiejar.New never fails without options.
	return &Client{HTTP: &http.Client{
		Jar:     jar,
		Timeout: 30 * time.Second,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 20 {
				return fmt.Errorf("stopped after %d redirects", len(via))
			}
			if !isLoopback(req.URL) {
				return http.ErrUseLastResponse
			}
			return nil
		},
	}}
}

func isLoopback(u *url.URL) bool {
	h := u.Hostname()
	return h == "127.0.0.1" || h == "localhost" || h == "::1"
}

// Page is one fetched response with its parsed HTML.
type Page struct {
	Status int
	URL    *url.URL
	Header http.Header
	Body   string
	doc    *html.Node
}

// Get fetches rawURL.
func (c *Client) Get(ctx context.Context, rawURL string) (*Page, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("build GET %s: %w", rawURL, err)
	}
	return c.Do(req)
}

// PostForm posts values to rawURL as application/x-www-form-urlencoded.
func (c *Client) PostForm(ctx context.Context, rawURL string, values url.Values) (*Page, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rawURL, strings.NewReader(values.Encode()))
	if err != nil {
		return nil, fmt.Errorf("build POST %s: %w", rawURL, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.Do(req)
}

// Do sends req and reads the whole response into a Page.
func (c *Client) Do(req *http.Request) (*Page, error) {
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", req.URL.Path, err)
	}
	p := &Page{Status: resp.StatusCode, URL: resp.Request.URL, Header: resp.Header, Body: string(body)}
	if strings.Contains(resp.Header.Get("Content-Type"), "html") {
		doc, err := html.Parse(strings.NewReader(p.Body))
		if err != nil {
			return nil, fmt.Errorf("parse HTML of %s: %w", req.URL.Path, err)
		}
		p.doc = doc
	}
	return p, nil
}

// Form is an HTML form found on a page, with its current field values.
type Form struct {
	Action  *url.URL
	Method  string
	Values  url.Values
	buttons []button
}

type button struct{ name, value string }

// Form returns the first form on the page that contains a field or button with the given name
// (any form when name is empty).
func (p *Page) Form(name string) (*Form, error) {
	if p.doc == nil {
		return nil, fmt.Errorf("page %s (status %d) is not HTML", p.URL, p.Status)
	}
	var found *Form
	walk(p.doc, func(n *html.Node) bool {
		if found != nil || n.Type != html.ElementNode || n.Data != "form" {
			return found == nil
		}
		f := p.parseForm(n)
		if name == "" || f.Values.Has(name) || f.hasButton(name) {
			found = f
		}
		return false
	})
	if found == nil {
		return nil, fmt.Errorf("no form with field %q on %s (status %d)", name, p.URL.Path, p.Status)
	}
	return found, nil
}

func (f *Form) hasButton(name string) bool {
	for _, b := range f.buttons {
		if b.name == name {
			return true
		}
	}
	return false
}

func (p *Page) parseForm(n *html.Node) *Form {
	action, _ := p.URL.Parse(attr(n, "action")) // an unparsable action falls back below
	if action == nil {
		action = p.URL
	}
	f := &Form{Action: action, Method: strings.ToUpper(attr(n, "method")), Values: url.Values{}}
	if f.Method == "" {
		f.Method = http.MethodGet
	}
	walk(n, func(c *html.Node) bool {
		if c.Type != html.ElementNode {
			return true
		}
		name := attr(c, "name")
		switch c.Data {
		case "input":
			typ := strings.ToLower(attr(c, "type"))
			switch typ {
			case "submit", "button", "image":
				if name != "" {
					f.buttons = append(f.buttons, button{name, attr(c, "value")})
				}
			case "radio", "checkbox":
				if name != "" && hasAttr(c, "checked") {
					f.Values.Add(name, attrOr(c, "value", "on"))
				}
			default:
				if name != "" {
					f.Values.Add(name, attr(c, "value"))
				}
			}
		case "button":
			if name != "" && strings.ToLower(attrOr(c, "type", "submit")) == "submit" {
				f.buttons = append(f.buttons, button{name, attr(c, "value")})
			}
		case "textarea":
			if name != "" {
				f.Values.Add(name, text(c))
			}
		case "select":
			if name != "" {
				f.Values.Add(name, selected(c))
			}
		}
		return true
	})
	return f
}

// Set replaces a field's value; it fails when the form has no such field, so a test notices a
// renamed input.
func (f *Form) Set(name, value string) error {
	if !f.Values.Has(name) {
		return fmt.Errorf("form %s has no field %q", f.Action.Path, name)
	}
	f.Values.Set(name, value)
	return nil
}

// Buttons returns the submit buttons' name=value pairs, in page order.
func (f *Form) Buttons() []string {
	out := make([]string, 0, len(f.buttons))
	for _, b := range f.buttons {
		out = append(out, b.name+"="+b.value)
	}
	return out
}

// Submit sends the form. When buttonName is not empty the button with that name and value is
// pressed (its name=value is sent); it fails when no such button exists.
func (c *Client) Submit(ctx context.Context, f *Form, buttonName, buttonValue string) (*Page, error) {
	values := url.Values{}
	for k, v := range f.Values {
		values[k] = append([]string(nil), v...)
	}
	if buttonName != "" {
		ok := false
		for _, b := range f.buttons {
			if b.name == buttonName && b.value == buttonValue {
				ok = true
			}
		}
		if !ok {
			return nil, fmt.Errorf("form %s has no button %s=%s (has %v)", f.Action.Path, buttonName, buttonValue, f.Buttons())
		}
		values.Set(buttonName, buttonValue)
	}
	if f.Method == http.MethodGet {
		u := *f.Action
		u.RawQuery = values.Encode()
		return c.Get(ctx, u.String())
	}
	return c.PostForm(ctx, f.Action.String(), values)
}

// Text returns the page's visible text with white space collapsed.
func (p *Page) Text() string {
	if p.doc == nil {
		return p.Body
	}
	var b strings.Builder
	walk(p.doc, func(n *html.Node) bool {
		if n.Type == html.ElementNode && (n.Data == "script" || n.Data == "style" || n.Data == "head") {
			return false
		}
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			b.WriteByte(' ')
		}
		return true
	})
	return strings.Join(strings.Fields(b.String()), " ")
}

// Find returns the elements matching tag and, when attrName is not empty, having attrName=attrValue.
func (p *Page) Find(tag, attrName, attrValue string) []*html.Node {
	var out []*html.Node
	if p.doc == nil {
		return nil
	}
	walk(p.doc, func(n *html.Node) bool {
		if n.Type == html.ElementNode && n.Data == tag && (attrName == "" || attr(n, attrName) == attrValue) {
			out = append(out, n)
		}
		return true
	})
	return out
}

// Attr returns an element's attribute value.
func Attr(n *html.Node, name string) string { return attr(n, name) }

// Links returns the href of every <a> whose text contains substr.
func (p *Page) Links(substr string) []string {
	var out []string
	for _, a := range p.Find("a", "", "") {
		if strings.Contains(text(a), substr) {
			out = append(out, attr(a, "href"))
		}
	}
	return out
}

func walk(n *html.Node, visit func(*html.Node) bool) {
	if !visit(n) {
		return
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, visit)
	}
}

func attr(n *html.Node, name string) string { return attrOr(n, name, "") }

func attrOr(n *html.Node, name, def string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return def
}

func hasAttr(n *html.Node, name string) bool {
	for _, a := range n.Attr {
		if a.Key == name {
			return true
		}
	}
	return false
}

func text(n *html.Node) string {
	var b strings.Builder
	walk(n, func(c *html.Node) bool {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
		return true
	})
	return strings.TrimSpace(b.String())
}

func selected(sel *html.Node) string {
	first, chosen := "", ""
	walk(sel, func(n *html.Node) bool {
		if n.Type == html.ElementNode && n.Data == "option" {
			v := attrOr(n, "value", text(n))
			if first == "" {
				first = v
			}
			if hasAttr(n, "selected") && chosen == "" {
				chosen = v
			}
		}
		return true
	})
	if chosen != "" {
		return chosen
	}
	return first
}
