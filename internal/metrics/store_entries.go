package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
)

// entryCounter is a store that can count its entries: the memory store.
type entryCounter interface {
	// Len reclaims expired entries and returns how many are left.
	Len() int
}

// StoreEntries exports bridgekeeper_store_entries, the entries s holds at each scrape (string
// keys plus set and ordered-set members, the figure a memory store's max_keys caps), when s can
// count them; it reports whether it did. A Redis store has its own figures (INFO keyspace).
// Reading the count first reclaims the store's expired entries, so it is what live state holds.
// Call it once per Metrics, with the store itself rather than the instrumented wrapper.
func (m *Metrics) StoreEntries(s any) bool {
	c, ok := s.(entryCounter)
	if !ok {
		return false
	}
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Namespace: namespace, Name: "store_entries",
		Help: "Entries in the memory store (string keys plus set and ordered-set members), expired ones reclaimed first.",
	}, func() float64 { return float64(c.Len()) }))
	return true
}
