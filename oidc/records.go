package oidc

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bridgekeeper/bridgekeeper/identity"
	"github.com/bridgekeeper/bridgekeeper/internal/awsjson"
)

// The provider's records (store records, sealed cookie and form values) are JSON, written and
// read without reflection. The writing is json.Marshal's, byte for byte, and the reading is
// json.Unmarshal's, value for value (TestRecordsEncodeAsJSONMarshal, TestRecordsDecodeAsJSONUnmarshal,
// FuzzRecordDecode): a Redis store is shared by instances of different versions during a
// deploy, so what one writes, the others read as they always did.

// A record is a value the provider stores or seals as JSON.
type record interface {
	// appendJSON appends the record as json.Marshal writes it; false (b unchanged) when it
	// cannot do so in place, and json.Marshal must (a claims object that is not compact JSON).
	appendJSON(b []byte) ([]byte, bool)
}

// A recordDecoder is a record's pointer, which decodes JSON into the record as json.Unmarshal
// does (decodeRecord).
type recordDecoder interface {
	decodeJSON(raw []byte) error
}

// decodeRecord decodes the JSON object raw into v as json.Unmarshal(raw, v) does. It reads raw
// in place when every member is one of v's (by its exact name, listed in names) with a value of
// its type — a string, an integer, a boolean, an array of strings, the claims — or null, or a member of
// another name that json.Unmarshal ignores too (an ASCII name that is none of names in any
// case); for anything else (another spelling of a name, a fraction, malformed JSON),
// json.Unmarshal decodes raw into v as v was before.
func decodeRecord[T any](raw []byte, v *T, names []string, member func(*T, *awsjson.Reader, []byte) (known, ok bool)) error {
	saved := *v
	if readRecord(raw, v, names, member) {
		return nil
	}
	*v = saved
	return json.Unmarshal(raw, v)
}

// readRecord is decodeRecord's reading in place; false when raw needs json.Unmarshal (v may
// then hold some of raw's values).
func readRecord[T any](raw []byte, v *T, names []string, member func(*T, *awsjson.Reader, []byte) (known, ok bool)) bool {
	r := awsjson.NewReader(raw)
	if !r.Object() {
		return false
	}
	for {
		name, ok := r.Key()
		if !ok {
			break
		}
		known, ok := member(v, &r, name)
		switch {
		case known && !ok:
			return false
		case !known && (!ignored(name, names) || !r.Skip()):
			return false
		}
	}
	return r.Done()
}

// ignored reports whether json.Unmarshal ignores a member called name in a struct whose
// members are names: an ASCII name that matches none of them, even without regard to case
// (json.Unmarshal takes a name that differs from a field's only in case for that field, and
// folds some non-ASCII letters into ASCII ones, K for "K": those are left to it).
func ignored(name []byte, names []string) bool {
	for _, c := range name {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	for _, n := range names {
		if strings.EqualFold(string(name), n) {
			return false
		}
	}
	return true
}

// Each reader takes null as json.Unmarshal does: it leaves a string, number or boolean as it
// was and sets a slice to nil.

// readString reads a string value into dst.
func readString(r *awsjson.Reader, dst *string) bool {
	if r.Null() {
		return true
	}
	s, ok := r.String()
	if ok {
		*dst = s
	}
	return ok
}

// readStrings reads an array of strings into dst (an empty array as an empty slice, not nil,
// as json.Unmarshal leaves it).
func readStrings(r *awsjson.Reader, dst *[]string) bool {
	if r.Null() {
		*dst = nil
		return true
	}
	if !r.Array() {
		return false
	}
	out := []string{}
	for r.Elem() {
		s, ok := r.String()
		if !ok {
			return false
		}
		out = append(out, s)
	}
	*dst = out
	return true // at the array's end, or failed: the document's Done tells
}

// readInt64 reads an integer value into dst.
func readInt64(r *awsjson.Reader, dst *int64) bool {
	if r.Null() {
		return true
	}
	n, ok := r.Int64()
	if ok {
		*dst = n
	}
	return ok
}

// readBool reads true or false into dst.
func readBool(r *awsjson.Reader, dst *bool) bool {
	v, ok := r.Raw()
	switch {
	case !ok:
		return false
	case string(v) == "null":
	case string(v) == "true":
		*dst = true
	case string(v) == "false":
		*dst = false
	default:
		return false
	}
	return true
}

// readIdentity reads a member of an identity.Identity embedded in a record.
func readIdentity(id *identity.Identity, r *awsjson.Reader, name []byte) (known, ok bool) {
	switch string(name) {
	case "sub":
		return true, readString(r, &id.Subject)
	case "usr":
		return true, readString(r, &id.Username)
	case "cl":
		v, ok := r.Raw()
		return true, ok && id.Claims.UnmarshalJSON(v) == nil
	case "at":
		return true, readInt64(r, &id.AuthTime)
	case "amr":
		return true, readStrings(r, &id.AMR)
	}
	return false, false
}

// identityNames are the JSON names of identity.Identity's members.
var identityNames = []string{"sub", "usr", "cl", "at", "amr"}

// recordWriter writes one JSON object member by member, as json.Marshal writes a struct's
// fields: names are the callers' constants (plain ASCII, nothing to escape).
type recordWriter struct {
	b     []byte
	start int // where the object starts in b
}

// newRecordWriter starts an object at the end of b.
func newRecordWriter(b []byte) recordWriter {
	return recordWriter{b: append(b, '{'), start: len(b)}
}

// name starts member name.
func (w *recordWriter) name(name string) {
	if len(w.b) > w.start+1 {
		w.b = append(w.b, ',')
	}
	w.b = append(w.b, '"')
	w.b = append(w.b, name...)
	w.b = append(w.b, '"', ':')
}

// str writes a string member; omitEmpty leaves out "" (the field's omitempty).
func (w *recordWriter) str(name, v string, omitEmpty bool) {
	if omitEmpty && v == "" {
		return
	}
	w.name(name)
	w.b = appendMarshaledString(w.b, v)
}

// strs writes a member that is a list of strings; omitEmpty leaves out an empty list, and
// without it a nil list is null.
func (w *recordWriter) strs(name string, v []string, omitEmpty bool) {
	if omitEmpty && len(v) == 0 {
		return
	}
	w.name(name)
	if v == nil {
		w.b = append(w.b, "null"...)
		return
	}
	w.b = append(w.b, '[')
	for i, s := range v {
		if i > 0 {
			w.b = append(w.b, ',')
		}
		w.b = appendMarshaledString(w.b, s)
	}
	w.b = append(w.b, ']')
}

// int writes an integer member; omitEmpty leaves out 0.
func (w *recordWriter) int(name string, v int64, omitEmpty bool) {
	if omitEmpty && v == 0 {
		return
	}
	w.name(name)
	w.b = strconv.AppendInt(w.b, v, 10)
}

// bool writes a boolean member; omitEmpty leaves out false.
func (w *recordWriter) bool(name string, v, omitEmpty bool) {
	if omitEmpty && !v {
		return
	}
	w.name(name)
	w.b = strconv.AppendBool(w.b, v)
}

// identity writes the members of an embedded identity.Identity; false when its claims are not
// compact JSON.
func (w *recordWriter) identity(id *identity.Identity) bool {
	w.str("sub", id.Subject, false)
	w.str("usr", id.Username, true)
	if len(id.Claims) > 0 {
		w.name("cl")
		var ok bool
		if w.b, ok = appendMarshaledClaims(w.b, id.Claims); !ok {
			return false
		}
	}
	w.int("at", id.AuthTime, false)
	w.strs("amr", id.AMR, true)
	return true
}

// end closes the object and returns everything written.
func (w *recordWriter) end() []byte { return append(w.b, '}') }

// appendMarshaledClaims appends the claims as json.Marshal writes the output of their
// MarshalJSON: compacted, with <, >, & and U+2028, U+2029 escaped as json.HTMLEscape escapes
// them (in compact JSON they can only be inside strings). False when c is not compact JSON
// (json.Marshal compacts it or fails).
func appendMarshaledClaims(b []byte, c identity.Claims) ([]byte, bool) {
	r := awsjson.NewReader(c)
	if !r.Skip() || !r.Done() || r.Spaced() {
		return b, false
	}
	const hex = "0123456789abcdef"
	start := 0
	for i := 0; i < len(c); i++ {
		switch x := c[i]; {
		case x == '<' || x == '>' || x == '&':
			b = append(b, c[start:i]...)
			b = append(b, '\\', 'u', '0', '0', hex[x>>4], hex[x&0xf])
			start = i + 1
		case x == 0xe2 && i+2 < len(c) && c[i+1] == 0x80 && c[i+2]&^1 == 0xa8: // U+2028, U+2029
			b = append(b, c[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[c[i+2]&0xf])
			i += 2
			start = i + 1
		}
	}
	return append(b, c[start:]...), true
}

// The records' encodings: the fields in their struct's order, an embedded struct's in its
// place, omitempty as their tags say.

func (c codeRecord) appendJSON(b []byte) ([]byte, bool) {
	w := newRecordWriter(b)
	w.str("cid", c.ClientID, false)
	w.bool("rd", c.Redeemed, true)
	w.str("gid", c.GrantID, true)
	w.str("ru", c.RedirectURI, true)
	w.strs("sc", c.Scopes, true)
	w.str("n", c.Nonce, true)
	w.str("cc", c.Challenge, true)
	w.strs("cu", c.ClaimsUI, true)
	w.strs("ci", c.ClaimsID, true)
	w.str("sid", c.SessionID, true)
	if !w.identity(&c.Identity) {
		return b, false
	}
	w.bool("up", c.Upstream, true)
	w.int("exp", c.Expires, false)
	return w.end(), true
}

var codeRecordNames = append([]string{"cid", "rd", "gid", "ru", "sc", "n", "cc", "cu", "ci", "sid", "up", "exp"}, identityNames...)

func (c *codeRecord) decodeJSON(raw []byte) error {
	return decodeRecord(raw, c, codeRecordNames, (*codeRecord).member)
}

func (c *codeRecord) member(r *awsjson.Reader, name []byte) (known, ok bool) {
	switch string(name) {
	case "ru":
		return true, readString(r, &c.RedirectURI)
	case "sc":
		return true, readStrings(r, &c.Scopes)
	case "n":
		return true, readString(r, &c.Nonce)
	case "cc":
		return true, readString(r, &c.Challenge)
	case "cu":
		return true, readStrings(r, &c.ClaimsUI)
	case "ci":
		return true, readStrings(r, &c.ClaimsID)
	case "sid":
		return true, readString(r, &c.SessionID)
	case "up":
		return true, readBool(r, &c.Upstream)
	case "exp":
		return true, readInt64(r, &c.Expires)
	}
	if known, ok := c.codeMarker.member(r, name); known {
		return known, ok
	}
	return readIdentity(&c.Identity, r, name)
}

// codeMarker is only decoded (from a code record, whose other members it skips).
var codeMarkerNames = []string{"cid", "rd", "gid"}

func (m *codeMarker) decodeJSON(raw []byte) error {
	return decodeRecord(raw, m, codeMarkerNames, (*codeMarker).member)
}

func (m *codeMarker) member(r *awsjson.Reader, name []byte) (known, ok bool) {
	switch string(name) {
	case "cid":
		return true, readString(r, &m.ClientID)
	case "rd":
		return true, readBool(r, &m.Redeemed)
	case "gid":
		return true, readString(r, &m.GrantID)
	}
	return false, false
}

func (g grantRecord) appendJSON(b []byte) ([]byte, bool) {
	w := newRecordWriter(b)
	w.str("cid", g.ClientID, false)
	if !w.identity(&g.Identity) {
		return b, false
	}
	w.str("sid", g.SessionID, false)
	w.strs("sc", g.Scopes, false)
	w.strs("cu", g.ClaimsUI, true)
	w.strs("ci", g.ClaimsID, true)
	w.bool("up", g.Upstream, true)
	w.int("c", g.Created, false)
	w.bool("off", g.Offline, true)
	w.str("rh", g.RefreshHash, true)
	w.int("re", g.RefreshExpires, true)
	w.strs("ro", g.RotatedHashes, true)
	return w.end(), true
}

var grantRecordNames = append([]string{"cid", "sid", "sc", "cu", "ci", "up", "c", "off", "rh", "re", "ro"}, identityNames...)

func (g *grantRecord) decodeJSON(raw []byte) error {
	return decodeRecord(raw, g, grantRecordNames, (*grantRecord).member)
}

func (g *grantRecord) member(r *awsjson.Reader, name []byte) (known, ok bool) {
	switch string(name) {
	case "cid":
		return true, readString(r, &g.ClientID)
	case "sid":
		return true, readString(r, &g.SessionID)
	case "sc":
		return true, readStrings(r, &g.Scopes)
	case "cu":
		return true, readStrings(r, &g.ClaimsUI)
	case "ci":
		return true, readStrings(r, &g.ClaimsID)
	case "up":
		return true, readBool(r, &g.Upstream)
	case "c":
		return true, readInt64(r, &g.Created)
	case "off":
		return true, readBool(r, &g.Offline)
	case "rh":
		return true, readString(r, &g.RefreshHash)
	case "re":
		return true, readInt64(r, &g.RefreshExpires)
	case "ro":
		return true, readStrings(r, &g.RotatedHashes)
	}
	return readIdentity(&g.Identity, r, name)
}

func (s sessionRecord) appendJSON(b []byte) ([]byte, bool) {
	w := newRecordWriter(b)
	if !w.identity(&s.Identity) {
		return b, false
	}
	w.bool("up", s.Upstream, true)
	w.int("c", s.Created, false)
	w.int("e", s.Expires, false)
	w.str("k", s.KeyHash, false)
	return w.end(), true
}

var sessionRecordNames = append([]string{"up", "c", "e", "k"}, identityNames...)

func (s *sessionRecord) decodeJSON(raw []byte) error {
	return decodeRecord(raw, s, sessionRecordNames, (*sessionRecord).member)
}

func (s *sessionRecord) member(r *awsjson.Reader, name []byte) (known, ok bool) {
	switch string(name) {
	case "up":
		return true, readBool(r, &s.Upstream)
	case "c":
		return true, readInt64(r, &s.Created)
	case "e":
		return true, readInt64(r, &s.Expires)
	case "k":
		return true, readString(r, &s.KeyHash)
	}
	return readIdentity(&s.Identity, r, name)
}

func (u upstreamRecord) appendJSON(b []byte) ([]byte, bool) {
	w := newRecordWriter(b)
	w.str("t", u.Token, false)
	return w.end(), true
}

var upstreamRecordNames = []string{"t"}

func (u *upstreamRecord) decodeJSON(raw []byte) error {
	return decodeRecord(raw, u, upstreamRecordNames, (*upstreamRecord).member)
}

func (u *upstreamRecord) member(r *awsjson.Reader, name []byte) (known, ok bool) {
	if string(name) == "t" {
		return true, readString(r, &u.Token)
	}
	return false, false
}

func (c ssoCookie) appendJSON(b []byte) ([]byte, bool) {
	w := newRecordWriter(b)
	w.str("i", c.ID, false)
	w.str("k", c.Key, false)
	w.str("s", c.Subject, false)
	w.int("t", c.AuthTime, false)
	return w.end(), true
}

var ssoCookieNames = []string{"i", "k", "s", "t"}

func (c *ssoCookie) decodeJSON(raw []byte) error {
	return decodeRecord(raw, c, ssoCookieNames, (*ssoCookie).member)
}

func (c *ssoCookie) member(r *awsjson.Reader, name []byte) (known, ok bool) {
	switch string(name) {
	case "i":
		return true, readString(r, &c.ID)
	case "k":
		return true, readString(r, &c.Key)
	case "s":
		return true, readString(r, &c.Subject)
	case "t":
		return true, readInt64(r, &c.AuthTime)
	}
	return false, false
}

func (c logoutConfirm) appendJSON(b []byte) ([]byte, bool) {
	w := newRecordWriter(b)
	w.str("s", c.SID, false)
	w.int("e", c.Exp, false)
	return w.end(), true
}

var logoutConfirmNames = []string{"s", "e"}

func (c *logoutConfirm) decodeJSON(raw []byte) error {
	return decodeRecord(raw, c, logoutConfirmNames, (*logoutConfirm).member)
}

func (c *logoutConfirm) member(r *awsjson.Reader, name []byte) (known, ok bool) {
	switch string(name) {
	case "s":
		return true, readString(r, &c.SID)
	case "e":
		return true, readInt64(r, &c.Exp)
	}
	return false, false
}

// AppendJSON appends the request as json.Marshal writes it: the parked form the web layer
// keeps in a cookie while the person signs in.
func (a AuthRequest) AppendJSON(b []byte) []byte {
	b, _ = a.appendJSON(b)
	return b
}

// DecodeJSON decodes a parked request as json.Unmarshal does.
func (a *AuthRequest) DecodeJSON(raw []byte) error { return a.decodeJSON(raw) }

func (a AuthRequest) appendJSON(b []byte) ([]byte, bool) {
	w := newRecordWriter(b)
	w.str("c", a.ClientID, false)
	w.str("r", a.RedirectURI, false)
	w.strs("s", a.Scopes, false)
	w.str("st", a.State, true)
	w.str("n", a.Nonce, true)
	w.str("cc", a.CodeChallenge, true)
	w.strs("p", a.Prompt, true)
	if a.MaxAge != nil {
		w.int("ma", *a.MaxAge, false)
	}
	w.str("lh", a.LoginHint, true)
	w.strs("ul", a.UILocales, true)
	w.str("hs", a.HintSubject, true)
	w.strs("uc", a.UserinfoClaims, true)
	w.strs("ic", a.IDTokenClaims, true)
	w.int("t", a.RequestedAt, false)
	return w.end(), true
}

var authRequestNames = []string{"c", "r", "s", "st", "n", "cc", "p", "ma", "lh", "ul", "hs", "uc", "ic", "t"}

func (a *AuthRequest) decodeJSON(raw []byte) error {
	return decodeRecord(raw, a, authRequestNames, (*AuthRequest).member)
}

func (a *AuthRequest) member(r *awsjson.Reader, name []byte) (known, ok bool) {
	switch string(name) {
	case "c":
		return true, readString(r, &a.ClientID)
	case "r":
		return true, readString(r, &a.RedirectURI)
	case "s":
		return true, readStrings(r, &a.Scopes)
	case "st":
		return true, readString(r, &a.State)
	case "n":
		return true, readString(r, &a.Nonce)
	case "cc":
		return true, readString(r, &a.CodeChallenge)
	case "p":
		return true, readStrings(r, &a.Prompt)
	case "ma": // null sets nil, as json.Unmarshal; a number is a new int64 (json.Unmarshal would write
		// it through a pointer already there: the same value, and a failed reading changes nothing)
		if r.Null() {
			a.MaxAge = nil
			return true, true
		}
		n, ok := r.Int64()
		if ok {
			a.MaxAge = &n
		}
		return true, ok
	case "lh":
		return true, readString(r, &a.LoginHint)
	case "ul":
		return true, readStrings(r, &a.UILocales)
	case "hs":
		return true, readString(r, &a.HintSubject)
	case "uc":
		return true, readStrings(r, &a.UserinfoClaims)
	case "ic":
		return true, readStrings(r, &a.IDTokenClaims)
	case "t":
		return true, readInt64(r, &a.RequestedAt)
	}
	return false, false
}
