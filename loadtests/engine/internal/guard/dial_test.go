package guard

import (
	"context"
	"errors"
	"net"
	"syscall"
	"testing"
	"time"
)

var errLetThrough = errors.New("test stopped a dial the guard let through")

// refusingDialer dials with Control; should Control ever pass a remote address, the wrapper
// still stops the socket before connect(2), so a broken guard fails the test without sending.
func refusingDialer(t *testing.T, timeout time.Duration) *net.Dialer {
	return &net.Dialer{
		Timeout: timeout,
		Control: func(network, address string, c syscall.RawConn) error {
			if err := Control(network, address, c); err != nil {
				return err
			}
			t.Errorf("Control let %s %s through", network, address)
			return errLetThrough
		},
	}
}

func TestControlRefusesRemote(t *testing.T) {
	tests := []struct{ network, address string }{
		{"tcp", "192.0.2.1:9"}, // TEST-NET-1
		{"tcp4", "10.1.2.3:8000"},
		{"tcp6", "[2001:db8::1]:9"},
		{"tcp", "[::ffff:192.0.2.1]:9"},
		{"udp", "192.0.2.1:53"},
		{"tcp", "0.0.0.0:9"},
	}
	for _, tc := range tests {
		t.Run(tc.network+" "+tc.address, func(t *testing.T) {
			// A timeout long enough that only a refusal before connect can explain a fast error.
			start := time.Now()
			_, err := refusingDialer(t, 2*time.Second).Dial(tc.network, tc.address)
			if !errors.Is(err, ErrNotLoopback) {
				t.Fatalf("dial %s: %v, want an error wrapping ErrNotLoopback", tc.address, err)
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				t.Fatalf("dial %s: %v is a timeout, want a refusal before connect", tc.address, err)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("dial %s took %v, want an immediate refusal", tc.address, d)
			}
		})
	}
}

func TestControlRefusesBeforeConnect(t *testing.T) {
	// With a tiny timeout a real connect to 10.1.2.3 would time out; the guard must answer first.
	d := refusingDialer(t, 100*time.Millisecond)
	_, err := d.DialContext(context.Background(), "tcp", "10.1.2.3:8000")
	if !errors.Is(err, ErrNotLoopback) {
		t.Fatalf("dial: %v, want an error wrapping ErrNotLoopback", err)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("dial: %v, want the guard's refusal, not a timeout", err)
	}
}

func TestControlAllowsLoopback(t *testing.T) {
	for _, network := range []string{"tcp4", "tcp6"} {
		t.Run(network, func(t *testing.T) {
			addr := "127.0.0.1:0"
			if network == "tcp6" {
				addr = "[::1]:0"
			}
			ln, err := net.Listen(network, addr)
			if err != nil {
				t.Skipf("no %s loopback here: %v", network, err)
			}
			defer ln.Close()
			d := net.Dialer{Timeout: 2 * time.Second, Control: Control}
			conn, err := d.Dial(network, ln.Addr().String())
			if err != nil {
				t.Fatalf("dial loopback %s: %v", ln.Addr(), err)
			}
			_ = conn.Close()
		})
	}
}

func TestControlAddresses(t *testing.T) {
	tests := []struct {
		network, address string
		ok               bool
	}{
		{"tcp", "127.0.0.1:80", true},
		{"tcp", "127.255.0.9:80", true},
		{"tcp6", "[::1]:80", true},
		{"tcp6", "[::1%lo]:80", true},
		{"tcp", "[::ffff:127.0.0.1]:80", true},
		{"unix", "/tmp/x.sock", true}, // never leaves the machine
		{"tcp", "[::ffff:10.0.0.1]:80", false},
		{"tcp", "[::]:80", false},
		{"tcp", "localhost:80", false}, // Control only ever sees resolved addresses
		{"tcp", "not-an-address", false},
		{"tcp", "", false},
	}
	for _, tc := range tests {
		err := Control(tc.network, tc.address, nil)
		if tc.ok && err != nil {
			t.Errorf("Control(%s, %q) = %v, want nil", tc.network, tc.address, err)
		}
		if !tc.ok && !errors.Is(err, ErrNotLoopback) {
			t.Errorf("Control(%s, %q) = %v, want an error wrapping ErrNotLoopback", tc.network, tc.address, err)
		}
	}
}
