package testredis

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"sync/atomic"
	"testing"
)

// TestReadyWaitsForTheDataToLoad: a server that names the right process in INFO but still
// answers "-LOADING" (reading its append-only file after a restart) is not ready yet; once PING
// answers PONG it is; a server of another process never is.
func TestReadyWaitsForTheDataToLoad(t *testing.T) {
	var loading atomic.Bool
	loading.Store(true)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				line, err := bufio.NewReader(conn).ReadString('\n')
				if err != nil {
					return
				}
				switch strings.TrimSpace(line) {
				case "INFO server":
					body := "# Server\r\nprocess_id:4242\r\n"
					fmt.Fprintf(conn, "$%d\r\n%s\r\n", len(body), body)
				case "PING":
					if loading.Load() {
						fmt.Fprint(conn, "-LOADING Redis is loading the dataset in memory\r\n")
					} else {
						fmt.Fprint(conn, "+PONG\r\n")
					}
				}
			}()
		}
	}()
	addr := ln.Addr().String()
	if err := ready(addr, 4242); err == nil || !strings.Contains(err.Error(), "LOADING") {
		t.Fatalf("while loading: ready = %v, want the LOADING answer", err)
	}
	loading.Store(false)
	if err := ready(addr, 4242); err != nil {
		t.Fatalf("after loading: ready = %v", err)
	}
	if err := ready(addr, 1); err == nil {
		t.Fatal("a server of another process counted as ready")
	}
}
