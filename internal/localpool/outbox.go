package localpool

import (
	"context"
	"sync"
	"time"
)

// Message is one SMS or email the pool "sent".
type Message struct {
	To      string    `json:"to"`
	Medium  string    `json:"medium"` // "SMS" or "EMAIL"
	Code    string    `json:"code"`
	Message string    `json:"message"`
	SentAt  time.Time `json:"sent_at"`
}

// Outbox collects the messages the pool sends instead of delivering them.
type Outbox struct {
	mu      sync.Mutex
	msgs    []Message
	changed chan struct{} // closed and replaced on every new message
}

func newOutbox() *Outbox { return &Outbox{changed: make(chan struct{})} }

func (o *Outbox) add(m Message) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.msgs = append(o.msgs, m)
	close(o.changed)
	o.changed = make(chan struct{})
}

// Messages returns every message, newest first.
func (o *Outbox) Messages() []Message {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]Message, len(o.msgs))
	for i, m := range o.msgs {
		out[len(o.msgs)-1-i] = m
	}
	return out
}

// Wait returns the first message to `to` sent after the first `after` messages, waiting for it
// until ctx ends. Pass len(Messages()) taken before the action that sends the message.
func (o *Outbox) Wait(ctx context.Context, to string, after int) (Message, error) {
	for {
		o.mu.Lock()
		for i := after; i < len(o.msgs); i++ {
			if o.msgs[i].To == to {
				m := o.msgs[i]
				o.mu.Unlock()
				return m, nil
			}
		}
		ch := o.changed
		o.mu.Unlock()
		select {
		case <-ctx.Done():
			return Message{}, ctx.Err()
		case <-ch:
		}
	}
}
