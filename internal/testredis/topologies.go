package testredis

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/bridgekeeper/bridgekeeper/internal/testutil"
)

// topologyTimeout bounds how long a cluster or a sentinel set may take to come together.
const topologyTimeout = 30 * time.Second

// redisServer finds redis-server or fails (in CI) or skips the test.
func redisServer(t testing.TB) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		testutil.Missing(t, "redis-server", "apt-get install -y redis-server (or: make deps)")
	}
	return bin
}

// StartCluster runs a Redis Cluster of three masters (no replicas) on 127.0.0.1, each with a
// third of the 16,384 slots, and returns its URL in go-redis's cluster form
// (redis://127.0.0.1:P1?addr=127.0.0.1:P2&addr=127.0.0.1:P3). The cluster is ready (every node
// reports cluster_state:ok) when StartCluster returns.
func StartCluster(t testing.TB) string {
	t.Helper()
	bin := redisServer(t)
	ctx := context.Background()
	ranges := [][2]int{{0, 5460}, {5461, 10922}, {10923, 16383}}
	nodes := make([]*redis.Client, len(ranges))
	addrs := make([]string, len(ranges))
	for i, r := range ranges {
		dir := t.TempDir()
		s := startServer(t, bin, dir, "--cluster-enabled", "yes", "--cluster-config-file", filepath.Join(dir, "nodes.conf"))
		addrs[i] = s.addr
		nodes[i] = redis.NewClient(&redis.Options{Addr: s.addr})
		t.Cleanup(func() { _ = nodes[i].Close() })
		if err := nodes[i].Do(ctx, "CLUSTER", "ADDSLOTSRANGE", r[0], r[1]).Err(); err != nil {
			t.Fatalf("testredis: cluster addslots on %s: %v", s.addr, err)
		}
	}
	for _, a := range addrs[1:] {
		host, port, _ := strings.Cut(a, ":")
		if err := nodes[0].Do(ctx, "CLUSTER", "MEET", host, port).Err(); err != nil {
			t.Fatalf("testredis: cluster meet %s: %v", a, err)
		}
	}
	waitFor(t, "the cluster to be ready", func() bool {
		for _, n := range nodes {
			info, err := n.ClusterInfo(ctx).Result()
			if err != nil || !strings.Contains(info, "cluster_state:ok") || !strings.Contains(info, "cluster_known_nodes:3") {
				return false
			}
		}
		return true
	})
	return "redis://" + addrs[0] + "?addr=" + addrs[1] + "&addr=" + addrs[2]
}

// Sentinel is a master, one replica and one Sentinel watching them, on 127.0.0.1.
type Sentinel struct {
	// URL is the set's URL in go-redis's failover form (redis://127.0.0.1:PORT?master_name=NAME).
	URL string
	// MasterName is the name the Sentinel knows the master by.
	MasterName string

	t        testing.TB
	master   *server
	replica  *server
	sentinel *redis.SentinelClient
}

// StartSentinel runs a master, a replica of it and a Sentinel (quorum 1, a master is down after
// one second) and returns when the replica is in sync and the Sentinel knows both.
func StartSentinel(t testing.TB) *Sentinel {
	t.Helper()
	bin := redisServer(t)
	ctx := context.Background()
	const name = "bk"
	master := startServer(t, bin, t.TempDir())
	replica := startServer(t, bin, t.TempDir(), "--replicaof", strings.Replace(master.addr, ":", " ", 1))
	dir := t.TempDir()
	conf := filepath.Join(dir, "sentinel.conf")
	host, port, _ := strings.Cut(master.addr, ":")
	body := fmt.Sprintf("sentinel monitor %s %s %s 1\nsentinel down-after-milliseconds %s 1000\nsentinel failover-timeout %s 10000\n", name, host, port, name, name)
	if err := os.WriteFile(conf, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	sent := startServer(t, bin, dir, conf, "--sentinel")
	sc := redis.NewSentinelClient(&redis.Options{Addr: sent.addr})
	t.Cleanup(func() { _ = sc.Close() })
	rc := redis.NewClient(&redis.Options{Addr: replica.addr})
	defer rc.Close()
	waitFor(t, "the replica to sync and the Sentinel to see it", func() bool {
		info, err := rc.Info(ctx, "replication").Result()
		if err != nil || !strings.Contains(info, "master_link_status:up") {
			return false
		}
		replicas, err := sc.Replicas(ctx, name).Result()
		return err == nil && len(replicas) == 1
	})
	return &Sentinel{URL: "redis://" + sent.addr + "?master_name=" + name, MasterName: name, t: t, master: master, replica: replica, sentinel: sc}
}

// MasterAddr returns the address the Sentinel currently names as master.
func (s *Sentinel) MasterAddr() string {
	s.t.Helper()
	a, err := s.sentinel.GetMasterAddrByName(context.Background(), s.MasterName).Result()
	if err != nil || len(a) != 2 {
		s.t.Fatalf("testredis: sentinel master address: %v %v", a, err)
	}
	return a[0] + ":" + a[1]
}

// KillMaster kills the master process at once (SIGKILL: no chance to hand anything over) and
// waits until the Sentinel has promoted the replica.
func (s *Sentinel) KillMaster() {
	s.t.Helper()
	old := s.master.addr
	_ = s.master.cmd.Process.Kill() // it may have exited already; the wait below tells
	<-s.master.exited
	waitFor(s.t, "the Sentinel to promote the replica", func() bool { return s.MasterAddr() == s.replica.addr && s.replica.addr != old })
}

// waitFor polls cond until it holds or topologyTimeout passes.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(topologyTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("testredis: timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
