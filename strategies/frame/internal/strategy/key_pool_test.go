package strategy

import (
	"strings"
	"testing"
)

func TestKeyPoolSendsEachRequestWithTheNextKey(t *testing.T) {
	k := &KeyPool{Keys: []string{"a", "b", "c"}}
	s := &fakeSender{}
	for range 4 {
		k.Handle(present, s)
	}
	var keys []string
	for _, a := range s.sent {
		if len(a.req.Set) != 1 || a.req.Set[0].Name != "Authorization" {
			t.Fatalf("sent with %v, want one Authorization header set", a.req.Set)
		}
		keys = append(keys, a.req.Set[0].Value)
	}
	if want := "Bearer a,Bearer b,Bearer c,Bearer a"; strings.Join(keys, ",") != want {
		t.Fatalf("keys %s, want %s", strings.Join(keys, ","), want)
	}
	if len(present.Set) != 0 {
		t.Fatal("the client's request was changed: With must copy")
	}
}
