package handlers

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/securecookie"

	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/internal/cookiecodec"
	"github.com/bridgekeeper/bridgekeeper/internal/testutil"
	"github.com/bridgekeeper/bridgekeeper/oidc"
)

func newJar(t *testing.T, secure bool, now func() time.Time, keys ...[]byte) *CookieJar {
	t.Helper()
	if len(keys) == 0 {
		keys = [][]byte{bytes.Repeat([]byte{1}, 32)}
	}
	codec, err := cookiecodec.New(keys, cookiecodec.Options{MaxAge: 15 * time.Minute, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return NewCookieJar([]securecookie.Codec{codec}, secure, 900)
}

// setCookie saves v and returns the Set-Cookie header's name=value, the part browsers limit.
func setCookie(t *testing.T, j *CookieJar, base string, v any) *http.Cookie {
	t.Helper()
	rec := httptest.NewRecorder()
	if err := j.save(rec, base, v); err != nil {
		t.Fatal(err)
	}
	cs := rec.Result().Cookies()
	if len(cs) != 1 {
		t.Fatalf("%d cookies set", len(cs))
	}
	return cs[0]
}

func setFlowCookie(t *testing.T, j *CookieJar, f flowState) *http.Cookie {
	t.Helper()
	rec := httptest.NewRecorder()
	if err := j.saveFlow(rec, f); err != nil {
		t.Fatal(err)
	}
	return rec.Result().Cookies()[0]
}

// worstCaseFlows is one flow per registered step kind, each with the kind's largest state
// (cognito.WorstCaseStates: a 2,048-character base64 session, a 128-character username, every
// AMR value, the kind's payload at its bounds) and the longest username and notice.
func worstCaseFlows() []flowState {
	var out []flowState
	for _, st := range cognito.WorstCaseStates() {
		out = append(out, flowState{State: &st, Username: strings.Repeat("W", maxUsername), Notice: "error.NotAuthorized.PasswordAttemptsExceeded"})
	}
	return out
}

// worstCaseFlow is the largest of worstCaseFlows.
func worstCaseFlow() flowState {
	flows := worstCaseFlows()
	big := flows[0]
	for _, f := range flows[1:] {
		if f.State.EncodedSize() > big.State.EncodedSize() {
			big = f
		}
	}
	return big
}

// TestFlowCookieWorstCaseFitsInABrowser proves the largest flow cookie of every registered step
// kind (a 2,048-character Cognito session and every other field at its maximum) and the largest
// parked authorization request each stay under 4,000 bytes, well inside browsers' 4,096-byte
// limit.
func TestFlowCookieWorstCaseFitsInABrowser(t *testing.T) {
	j := newJar(t, true, time.Now)
	flows := worstCaseFlows()
	if len(flows) != len(cognito.StepKinds()) {
		t.Fatalf("%d worst cases for %d step kinds", len(flows), len(cognito.StepKinds()))
	}
	for _, f := range flows {
		flow := setFlowCookie(t, j, f)
		size := len(flow.Name) + 1 + len(flow.Value)
		t.Logf("worst-case %s flow cookie: %d bytes (name=value)", f.State.Kind, size)
		if size >= 4000 {
			t.Fatalf("worst-case %s flow cookie is %d bytes, want < 4000", f.State.Kind, size)
		}
	}

	long := func(n int) string { return strings.Repeat("A", n) }
	maxAge := int64(1 << 40)
	var claims []string
	for i := 0; i < 10; i++ {
		claims = append(claims, "phone_number_verified")
	}
	req := oidc.AuthRequest{
		ClientID: long(64), RedirectURI: long(256), Scopes: []string{"openid", "profile", "email", "phone", "address", "groups", "offline_access"},
		State: long(512), Nonce: long(128), CodeChallenge: long(43), Prompt: []string{"login", "consent", "select_account"},
		MaxAge: &maxAge, LoginHint: long(128), UILocales: strings.Fields(strings.Repeat("xx-XX ", 10)), HintSubject: long(64),
		RequestedAt: time.Now().Unix(), UserinfoClaims: claims, IDTokenClaims: claims,
	}
	authz := setCookie(t, j, authzCookieName, req)
	size := len(authz.Name) + 1 + len(authz.Value)
	t.Logf("worst-case authorization cookie: %d bytes (name=value)", size)
	if size >= 4000 {
		t.Fatalf("worst-case authorization cookie is %d bytes, want < 4000", size)
	}
}

func TestFlowCookieAttributes(t *testing.T) {
	for _, secure := range []bool{true, false} {
		c := setCookie(t, newJar(t, secure, time.Now), flowCookieName, flowState{Username: "alice"})
		if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure != secure {
			t.Errorf("secure=%v: cookie attributes %+v", secure, c)
		}
		if secure != strings.HasPrefix(c.Name, "__Host-") {
			t.Errorf("secure=%v: name %q", secure, c.Name)
		}
		if strings.Contains(c.Value, "alice") {
			t.Error("the cookie value is not encrypted")
		}
	}
}

// TestFlowCookieBadInputStartsAfresh: tampered, truncated, expired, foreign-key and garbage
// cookies all read as "no sign-in under way", never as an error.
func TestFlowCookieBadInputStartsAfresh(t *testing.T) {
	clock := testutil.NewClock(time.Now())
	j := newJar(t, false, clock.Now)
	good := setFlowCookie(t, j, worstCaseFlow())
	mid := len(good.Value) / 2
	flip := func(s string, i int) string {
		b := []byte(s)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	other := setFlowCookie(t, newJar(t, false, clock.Now, bytes.Repeat([]byte{2}, 32)), worstCaseFlow())
	tests := []struct {
		name, value string
		advance     time.Duration
		wantOK      bool
	}{
		{"intact", good.Value, 0, true},
		{"tampered first byte", flip(good.Value, 0), 0, false},
		{"tampered middle", flip(good.Value, mid), 0, false},
		{"tampered last byte", flip(good.Value, len(good.Value)-1), 0, false},
		{"truncated", good.Value[:mid], 0, false},
		{"empty", "", 0, false},
		{"garbage", "%%%not-base64%%%", 0, false},
		{"another key", other.Value, 0, false},
		{"expired", good.Value, 16 * time.Minute, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock.Advance(tt.advance)
			defer clock.Advance(-tt.advance)
			r := httptest.NewRequest(http.MethodGet, "/signin/step", nil)
			r.AddCookie(&http.Cookie{Name: flowCookieName, Value: tt.value})
			var f flowState
			ok := j.loadFlow(r, &f)
			if ok != tt.wantOK {
				t.Fatalf("load = %v, want %v", ok, tt.wantOK)
			}
			if ok && (f.State == nil || f.State.Session != worstCaseFlow().State.Session) {
				t.Fatal("round trip lost the Cognito session")
			}
		})
	}
}

// TestKeyRotation: a cookie sealed with the old key still opens after a new key is added first.
func TestKeyRotation(t *testing.T) {
	oldKey, newKey := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{9}, 32)
	old := setCookie(t, newJar(t, false, time.Now, oldKey), flowCookieName, flowState{Username: "kept"})
	rotated := newJar(t, false, time.Now, newKey, oldKey)
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.AddCookie(old)
	var f flowState
	if !rotated.load(r, flowCookieName, &f) || f.Username != "kept" {
		t.Fatalf("old cookie not readable after rotation: %+v", f)
	}
	fresh := setCookie(t, rotated, flowCookieName, flowState{Username: "new"})
	r = httptest.NewRequest(http.MethodGet, "/", nil)
	r.AddCookie(fresh)
	if newJar(t, false, time.Now, newKey).load(r, flowCookieName, &f) == false || f.Username != "new" {
		t.Fatal("new cookies must be sealed with the newest key")
	}
}

// BenchmarkFlowCookie seals and opens the worst-case flow cookie, the work of every sign-in step.
func BenchmarkFlowCookie(b *testing.B) {
	codec, err := cookiecodec.New([][]byte{bytes.Repeat([]byte{1}, 32)}, cookiecodec.Options{MaxAge: 15 * time.Minute})
	if err != nil {
		b.Fatal(err)
	}
	j := NewCookieJar([]securecookie.Codec{codec}, true, 900)
	f := worstCaseFlow()
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		if err := j.saveFlow(rec, f); err != nil {
			b.Fatal(err)
		}
		r := httptest.NewRequest(http.MethodGet, "/signin/step", nil)
		r.AddCookie(rec.Result().Cookies()[0])
		var got flowState
		if !j.loadFlow(r, &got) {
			b.Fatal("cookie did not open")
		}
	}
}
