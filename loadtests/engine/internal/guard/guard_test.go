package guard

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
)

var errNoSuchHost = errors.New("no such host")

// fakeResolver answers from a table and fails the test on any other name, so a literal that
// should never reach a resolver (or a real lookup) shows up as a failure.
type fakeResolver struct {
	t     *testing.T
	names map[string][]string
}

func (f fakeResolver) LookupIPAddr(_ context.Context, host string) ([]net.IPAddr, error) {
	addrs, ok := f.names[host]
	if !ok {
		f.t.Errorf("unexpected lookup of %q", host)
		return nil, errNoSuchHost
	}
	if addrs == nil {
		return nil, errNoSuchHost
	}
	out := make([]net.IPAddr, 0, len(addrs))
	for _, a := range addrs {
		out = append(out, net.IPAddr{IP: net.ParseIP(a)})
	}
	return out, nil
}

func TestCheck(t *testing.T) {
	names := map[string][]string{
		"localhost":                {"127.0.0.1", "::1"},
		"good.test":                {"127.0.0.1"},
		"evil.example":             {"10.1.2.3"},
		"mixed.example":            {"127.0.0.1", "10.0.0.1"},
		"127.0.0.1.evil.example":   {"10.1.2.3"},
		"mapped.example":           {"::ffff:10.0.0.1"},
		"nxdomain.example":         nil,
		"empty.example":            {},
		"256.0.0.1":                nil, // not an inet_aton address: goes to the resolver
		"4294967296":               nil, // 2^32 overflows: not an address
		"0x":                       nil,
		"127.0.0.1.":               nil,
		"localhost.evil.example":   {"10.1.2.3"},
		"xn--localhost-.example":   nil,
		"LOCALHOST.mixed.example":  {"::1", "2001:db8::1"},
		"only-v6-loopback.example": {"::1"},
	}
	tests := []struct {
		name string
		url  string
		ok   bool
		// wantInErr is a substring the refusal must contain (the host or the address it chose).
		wantInErr string
	}{
		// Loopback, in every spelling a client will dial as loopback.
		{name: "dotted", url: "http://127.0.0.1:8000/v1", ok: true},
		{name: "anywhere in 127/8", url: "http://127.9.9.9", ok: true},
		{name: "https", url: "https://127.0.0.1:8443", ok: true},
		{name: "scheme case", url: "HTTP://127.0.0.1", ok: true},
		{name: "ipv6", url: "http://[::1]:8000", ok: true},
		{name: "ipv6 long form", url: "http://[0:0:0:0:0:0:0:1]/", ok: true},
		{name: "ipv6 zone", url: "http://[::1%25lo]/", ok: true},
		{name: "v4-mapped dotted", url: "http://[::ffff:127.0.0.1]/", ok: true},
		{name: "v4-mapped hex", url: "http://[::ffff:7f00:1]/", ok: true},
		{name: "decimal", url: "http://2130706433/", ok: true},
		{name: "octal", url: "http://0177.0.0.1/", ok: true},
		{name: "hex two parts", url: "http://0x7f.1/", ok: true},
		{name: "hex whole", url: "http://0X7F000001/", ok: true},
		{name: "two parts", url: "http://127.1/", ok: true},
		{name: "three parts", url: "http://127.0.1/", ok: true},
		{name: "localhost resolves to loopback only", url: "http://localhost:8000", ok: true},
		{name: "name resolving to loopback", url: "http://good.test/", ok: true},
		{name: "name resolving to ::1", url: "http://only-v6-loopback.example/", ok: true},
		{name: "userinfo on loopback", url: "http://user:pw@127.0.0.1/", ok: true},
		{name: "fragment hides @", url: "http://127.0.0.1#@10.0.0.1/", ok: true},

		// Refused.
		{name: "userinfo trick", url: "http://localhost:8000@10.1.2.3:8000", wantInErr: "10.1.2.3"},
		{name: "two @", url: "http://127.0.0.1@localhost@10.0.0.1/", wantInErr: "10.0.0.1"},
		{name: "backslash userinfo", url: `http://127.0.0.1:8000\@10.1.2.3`},
		{name: "private", url: "http://10.0.0.5:8000", wantInErr: "10.0.0.5"},
		{name: "decimal remote", url: "http://167772161/", wantInErr: "10.0.0.1"},
		{name: "octal remote", url: "http://012.0.0.1/", wantInErr: "10.0.0.1"},
		{name: "hex remote", url: "http://0xa.1/", wantInErr: "10.0.0.1"},
		{name: "hex whole remote", url: "http://0x0a000001/", wantInErr: "10.0.0.1"},
		{name: "127 as a label", url: "http://127.0.0.1.evil.example/", wantInErr: "10.1.2.3"},
		{name: "localhost as a label", url: "http://localhost.evil.example/", wantInErr: "10.1.2.3"},
		{name: "out of range part", url: "http://256.0.0.1/", wantInErr: "256.0.0.1"},
		{name: "overflow", url: "http://4294967296/", wantInErr: "4294967296"},
		{name: "bare 0x", url: "http://0x/", wantInErr: "0x"},
		{name: "trailing dot", url: "http://127.0.0.1./", wantInErr: "127.0.0.1."},
		{name: "unspecified v4", url: "http://0.0.0.0/", wantInErr: "0.0.0.0"},
		{name: "unspecified v6", url: "http://[::]/", wantInErr: "::"},
		{name: "v4-mapped remote", url: "http://[::ffff:10.0.0.1]/", wantInErr: "10.0.0.1"},
		{name: "v4-mapped remote hex", url: "http://[::ffff:a00:1]/", wantInErr: "10.0.0.1"},
		{name: "v4-compatible is not loopback", url: "http://[::127.0.0.1]/", wantInErr: "::127.0.0.1"},
		{name: "ipv6 remote", url: "http://[2001:db8::1]:8000/", wantInErr: "2001:db8::1"},
		{name: "link-local with zone", url: "http://[fe80::1%25eth0]/", wantInErr: "fe80::1%eth0"},
		{name: "name resolving elsewhere", url: "https://evil.example/v1", wantInErr: "10.1.2.3"},
		{name: "name resolving to a mix", url: "http://mixed.example/", wantInErr: "10.0.0.1"},
		{name: "mix of v6", url: "http://LOCALHOST.mixed.example/", wantInErr: "2001:db8::1"},
		{name: "name resolving to mapped remote", url: "http://mapped.example/", wantInErr: "10.0.0.1"},
		{name: "unresolvable", url: "http://nxdomain.example/", wantInErr: "no such host"},
		{name: "no addresses", url: "http://empty.example/", wantInErr: "empty.example"},
		{name: "ftp", url: "ftp://127.0.0.1/", wantInErr: "ftp"},
		{name: "file", url: "file:///etc/passwd", wantInErr: "file"},
		{name: "ws", url: "ws://127.0.0.1/", wantInErr: "ws"},
		{name: "no scheme", url: "//127.0.0.1/", wantInErr: "scheme"},
		{name: "not a url", url: "not a url"},
		{name: "empty", url: ""},
		{name: "empty host", url: "http:///v1"},
		{name: "port only", url: "http://:8000/"},
		{name: "opaque", url: "http:127.0.0.1"},
		{name: "bad escape", url: "http://%31%32%37.0.0.1/"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Check(context.Background(), tc.url, false, fakeResolver{t: t, names: names})
			if tc.ok {
				if err != nil {
					t.Fatalf("Check(%q) = %v, want nil", tc.url, err)
				}
				return
			}
			if !errors.Is(err, ErrNotLoopback) {
				t.Fatalf("Check(%q) = %v, want an error wrapping ErrNotLoopback", tc.url, err)
			}
			if !strings.Contains(err.Error(), "--allow-remote") {
				t.Errorf("error %q does not mention --allow-remote", err)
			}
			if tc.wantInErr != "" && !strings.Contains(err.Error(), tc.wantInErr) {
				t.Errorf("error %q does not mention %q", err, tc.wantInErr)
			}
		})
	}
}

func TestCheckAllowRemote(t *testing.T) {
	// allowRemote decides before anything is resolved: the fake fails on any lookup.
	for _, u := range []string{"https://evil.example/", "http://10.1.2.3:8000", "ftp://x/"} {
		if err := Check(context.Background(), u, true, fakeResolver{t: t}); err != nil {
			t.Errorf("Check(%q, allowRemote) = %v, want nil", u, err)
		}
	}
}

func TestCheckRedactsPassword(t *testing.T) {
	err := Check(context.Background(), "http://user:hunter2@10.0.0.1/", false, fakeResolver{t: t})
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("error %v: want a refusal without the password", err)
	}
}

func TestParseInetAton(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" when not an address
	}{
		{"127.0.0.1", "127.0.0.1"},
		{"2130706433", "127.0.0.1"},
		{"0177.0.0.1", "127.0.0.1"},
		{"0x7f.1", "127.0.0.1"},
		{"0x7f.0.1", "127.0.0.1"},
		{"127.0x10000", "127.1.0.0"}, // the last part fills 24 bits
		{"127.0x1000000", ""},        // 2^24 does not fit
		{"127.0.0x10000", ""},
		{"1.2.3.4.5", ""},
		{"08.0.0.1", ""}, // 8 is not an octal digit
		{"0.0.0.0", "0.0.0.0"},
		{"00", "0.0.0.0"},
		{"255.255.255.255", "255.255.255.255"},
		{"4294967295", "255.255.255.255"},
		{"4294967296", ""},
		{"1..1", ""},
		{"", ""},
		{"-1", ""},
		{"+1", ""},
		{"1.2.3.4 ", ""},
		{"localhost", ""},
	}
	for _, tc := range tests {
		got, ok := parseInetAton(tc.in)
		switch {
		case tc.want == "" && ok:
			t.Errorf("parseInetAton(%q) = %v, want not an address", tc.in, got)
		case tc.want != "" && (!ok || got.String() != tc.want):
			t.Errorf("parseInetAton(%q) = %v, %v; want %s", tc.in, got, ok, tc.want)
		}
	}
}
