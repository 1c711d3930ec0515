package handlers

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/internal/cookiecodec"
	"github.com/bridgekeeper/bridgekeeper/internal/testutil"
)

func newDeviceJar(t *testing.T, secure bool, now func() time.Time, keys ...[]byte) *DeviceJar {
	t.Helper()
	if len(keys) == 0 {
		keys = [][]byte{bytes.Repeat([]byte{1}, 32)}
	}
	j, err := NewDeviceJar(keys, secure, now)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// browser carries the device cookie from one response to the next request.
type browser struct{ cookie *http.Cookie }

func (b *browser) request() *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/signin", nil)
	if b.cookie != nil {
		r.AddCookie(b.cookie)
	}
	return r
}

func (b *browser) keep(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	cs := rec.Result().Cookies()
	if len(cs) != 1 {
		t.Fatalf("%d cookies set", len(cs))
	}
	b.cookie = cs[0]
	if b.cookie.MaxAge < 0 {
		b.cookie = nil
	}
}

func (b *browser) put(t *testing.T, j *DeviceJar, username string, dev cognito.Device) {
	t.Helper()
	rec := httptest.NewRecorder()
	if err := j.put(rec, b.request(), username, dev); err != nil {
		t.Fatal(err)
	}
	b.keep(t, rec)
}

func worstDevice(i int) cognito.Device {
	return cognito.Device{
		Key:      fmt.Sprintf("%d", i) + strings.Repeat("k", cognito.MaxDeviceKey-1),
		GroupKey: strings.Repeat("g", cognito.MaxDeviceGroupKey),
		Password: strings.Repeat("p", cognito.MaxDevicePassword),
	}
}

// TestDeviceCookieWorstCaseFits fills the cookie with five people at every bound and checks that
// the Set-Cookie header stays within what browsers keep (4,096 bytes for name, value and
// attributes).
func TestDeviceCookieWorstCaseFits(t *testing.T) {
	j := newDeviceJar(t, true, nil)
	var b browser
	for i := range maxRememberedPeople {
		b.put(t, j, fmt.Sprintf("%d", i)+strings.Repeat("u", cognito.MaxUsername-1), worstDevice(i))
	}
	rec := httptest.NewRecorder()
	if err := j.write(rec, j.records(b.request())); err != nil {
		t.Fatal(err)
	}
	header := rec.Header().Get("Set-Cookie")
	if len(j.records(b.request())) != maxRememberedPeople {
		t.Fatalf("%d records kept", len(j.records(b.request())))
	}
	if len(header) > 4096 {
		t.Fatalf("the worst-case device cookie is %d bytes, over 4,096", len(header))
	}
	t.Logf("worst-case Set-Cookie: %d bytes", len(header))
	if !strings.HasPrefix(header, "__Host-bk_device=") || !strings.Contains(header, "HttpOnly") || !strings.Contains(header, "Secure") || !strings.Contains(header, "SameSite=Lax") || strings.Contains(header, "Domain=") {
		t.Fatalf("cookie attributes: %s", header)
	}
}

// TestDeviceCookieRecords checks the list: newest first, one record per person, at most five, a
// forgotten device dropped, and unusable cookies read as none.
func TestDeviceCookieRecords(t *testing.T) {
	clock := testutil.NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	j := newDeviceJar(t, false, clock.Now)
	var b browser
	for i := range 7 {
		b.put(t, j, fmt.Sprintf("user%d", i), worstDevice(i))
	}
	recs := j.records(b.request())
	if len(recs) != maxRememberedPeople || recs[0].Username != "user6" || recs[4].Username != "user2" {
		t.Fatalf("records %v", recs)
	}
	b.put(t, j, "user3", worstDevice(9))
	recs = j.records(b.request())
	if len(recs) != maxRememberedPeople || recs[0].Username != "user3" || recs[0].Key != worstDevice(9).Key {
		t.Fatalf("after signing user3 in again: %v", recs)
	}
	if d := j.device(b.request(), "user3"); d == nil || *d != worstDevice(9) {
		t.Fatalf("device(user3) = %+v", d)
	}
	if j.device(b.request(), "user0") != nil {
		t.Fatal("the oldest person was not dropped")
	}

	rec := httptest.NewRecorder()
	if err := j.drop(rec, b.request(), worstDevice(9).Key); err != nil {
		t.Fatal(err)
	}
	b.keep(t, rec)
	if j.device(b.request(), "user3") != nil || len(j.records(b.request())) != maxRememberedPeople-1 {
		t.Fatal("drop kept the device")
	}

	if err := j.put(httptest.NewRecorder(), b.request(), "x", cognito.Device{Key: "k"}); err == nil {
		t.Fatal("an incomplete device was stored")
	}

	good := *b.cookie
	for _, tt := range []struct {
		name    string
		mutate  func(c *http.Cookie)
		advance time.Duration
	}{
		{"tampered", func(c *http.Cookie) { c.Value = string(c.Value[0]^1) + c.Value[1:] }, 0},
		{"truncated", func(c *http.Cookie) { c.Value = c.Value[:len(c.Value)/2] }, 0},
		{"expired", func(*http.Cookie) {}, DeviceCookieMaxAge + time.Minute},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := good
			tt.mutate(&c)
			clock.Advance(tt.advance)
			defer clock.Advance(-tt.advance)
			if recs := j.records((&browser{cookie: &c}).request()); recs != nil {
				t.Fatalf("records %v", recs)
			}
		})
	}
}

// TestDeviceCookieKeys: the cookie follows cookies.keys' rotation, and its keys are not the
// flow cookie's.
func TestDeviceCookieKeys(t *testing.T) {
	oldKey, newKey := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	var b browser
	b.put(t, newDeviceJar(t, false, nil, oldKey), "ana", worstDevice(1))
	if newDeviceJar(t, false, nil, newKey, oldKey).device(b.request(), "ana") == nil {
		t.Fatal("a rotated key list does not open the cookie the old key sealed")
	}
	if newDeviceJar(t, false, nil, newKey).device(b.request(), "ana") != nil {
		t.Fatal("a cookie opens without its key")
	}
	// A codec over the configured key itself (what seals the flow cookie) does not open it.
	plain, err := cookiecodec.New([][]byte{oldKey}, cookiecodec.Options{MaxAge: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	var raw []byte
	if err := plain.Decode(deviceCookieName, b.cookie.Value, &raw); err == nil {
		t.Fatal("the configured key itself opens the device cookie")
	}
}
