package handlers

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/internal/cookiecodec"
)

// The device cookie keeps the remembered devices of the people who signed in on this browser:
// each one's device key, group key and device password, which prove the browser to Cognito on
// the next sign-in. It is long-lived, sealed with keys derived from cookies.keys (so it rotates
// with them) and holds at most maxRememberedPeople records, newest first.
const (
	deviceCookieName = "bk_device"
	// deviceKeyPurpose separates the device cookie's keys from every other use of cookies.keys.
	deviceKeyPurpose = "bk_device cookie"
	// DeviceCookieMaxAge is how long a browser keeps its devices without signing in.
	DeviceCookieMaxAge = 400 * 24 * time.Hour // browsers cap cookie lifetimes at 400 days
	// maxRememberedPeople is how many people's devices one browser keeps.
	maxRememberedPeople = 5
)

// deviceRecord is one person's device in the cookie.
type deviceRecord struct {
	Username string `json:"u"`
	Key      string `json:"k"`
	GroupKey string `json:"g"`
	Password string `json:"p"`
}

func (d deviceRecord) device() *cognito.Device {
	return &cognito.Device{Key: d.Key, GroupKey: d.GroupKey, Password: d.Password}
}

// DeviceJar reads and writes the device cookie.
type DeviceJar struct {
	codec  *cookiecodec.Codec
	secure bool
}

// NewDeviceJar builds the device cookie's sealer from the configured cookie keys (newest first).
func NewDeviceJar(keys [][]byte, secure bool, now func() time.Time) (*DeviceJar, error) {
	derived, err := cookiecodec.DeriveKeys(keys, deviceKeyPurpose)
	if err != nil {
		return nil, fmt.Errorf("device cookie: %w", err)
	}
	codec, err := cookiecodec.New(derived, cookiecodec.Options{MaxAge: DeviceCookieMaxAge, Now: now})
	if err != nil {
		return nil, fmt.Errorf("device cookie: %w", err)
	}
	return &DeviceJar{codec: codec, secure: secure}, nil
}

func (j *DeviceJar) name() string {
	if j.secure {
		return "__Host-" + deviceCookieName
	}
	return deviceCookieName
}

// records returns the browser's device records, newest first; none when the cookie is absent or
// does not open.
func (j *DeviceJar) records(r *http.Request) []deviceRecord {
	c, err := r.Cookie(j.name())
	if err != nil || c.Value == "" {
		return nil
	}
	var raw []byte
	if err := j.codec.Decode(j.name(), c.Value, &raw); err != nil {
		return nil
	}
	var recs []deviceRecord
	if json.Unmarshal(raw, &recs) != nil || len(recs) > maxRememberedPeople {
		return nil
	}
	return recs
}

// device returns the browser's device for username, or nil.
func (j *DeviceJar) device(r *http.Request, username string) *cognito.Device {
	for _, d := range j.records(r) {
		if d.Username == username {
			if dev := d.device(); dev.Valid() {
				return dev
			}
		}
	}
	return nil
}

// put makes dev username's device on this browser, first in the list.
func (j *DeviceJar) put(w http.ResponseWriter, r *http.Request, username string, dev cognito.Device) error {
	if !dev.Valid() || username == "" || len(username) > cognito.MaxUsername {
		return fmt.Errorf("device cookie: a device or username out of bounds")
	}
	recs := []deviceRecord{{Username: username, Key: dev.Key, GroupKey: dev.GroupKey, Password: dev.Password}}
	for _, d := range j.records(r) {
		if d.Username != username && len(recs) < maxRememberedPeople {
			recs = append(recs, d)
		}
	}
	return j.write(w, recs)
}

// drop removes the device with key from this browser, if it holds it.
func (j *DeviceJar) drop(w http.ResponseWriter, r *http.Request, key string) error {
	recs := j.records(r)
	kept := recs[:0:0]
	for _, d := range recs {
		if d.Key != key {
			kept = append(kept, d)
		}
	}
	if len(kept) == len(recs) {
		return nil
	}
	return j.write(w, kept)
}

func (j *DeviceJar) write(w http.ResponseWriter, recs []deviceRecord) error {
	c := &http.Cookie{Name: j.name(), Path: "/", Secure: j.secure, HttpOnly: true, SameSite: http.SameSiteLaxMode}
	if len(recs) == 0 {
		c.MaxAge = -1
		http.SetCookie(w, c)
		return nil
	}
	raw, err := json.Marshal(recs)
	if err != nil {
		return fmt.Errorf("device cookie: %w", err)
	}
	if c.Value, err = j.codec.Encode(j.name(), raw); err != nil {
		return fmt.Errorf("device cookie: %w", err)
	}
	c.MaxAge = int(DeviceCookieMaxAge.Seconds())
	http.SetCookie(w, c)
	return nil
}
