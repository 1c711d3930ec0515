package oidc

import (
	"bytes"
	"encoding/json"
	"sync"
)

// maxKeptScratch is the largest buffer a scratch keeps when put back; a larger one (a record
// or answer far beyond the usual few KB) is left to the collector.
const maxKeptScratch = 64 << 10

// buffers hands out scratch buffers for bytes that are copied elsewhere before the buffer is
// put back: a record the store keeps a copy of, a token payload the signer encodes, an answer
// the web layer holds. json.Marshal returns a fresh copy of its output on every call, which is
// garbage as soon as it has been copied.
type buffers struct{ pool sync.Pool }

// scratch is one set of reusable buffers.
type scratch struct {
	json bytes.Buffer
	enc  *json.Encoder // writes into json
	// raw is free for any bytes (a payload, a token); keep what it grew to by storing it back.
	raw []byte
}

func newBuffers() *buffers {
	b := &buffers{}
	b.pool.New = func() any {
		s := &scratch{}
		s.enc = json.NewEncoder(&s.json)
		return s
	}
	return b
}

// get takes a scratch; give it back with put once nothing refers to its bytes.
func (b *buffers) get() *scratch { return b.pool.Get().(*scratch) }

// put gives s back for reuse.
func (b *buffers) put(s *scratch) {
	if s.json.Cap() > maxKeptScratch || cap(s.raw) > maxKeptScratch {
		return
	}
	s.raw = s.raw[:0]
	b.pool.Put(s)
}

// marshal is json.Marshal into s: the same bytes, valid until s is used again or put back.
func (s *scratch) marshal(v any) ([]byte, error) {
	s.json.Reset()
	if err := s.enc.Encode(v); err != nil { // Marshal's encoding (HTML escaped), then "\n"
		return nil, err
	}
	out := s.json.Bytes()
	return out[:len(out)-1], nil
}

// encode is v's JSON (json.Marshal's bytes) in s, written by v itself when it can; valid until
// s is used again or put back.
func (s *scratch) encode(v record) ([]byte, error) {
	if b, ok := v.appendJSON(s.raw[:0]); ok {
		s.raw = b
		return b, nil
	}
	return s.marshal(v)
}
