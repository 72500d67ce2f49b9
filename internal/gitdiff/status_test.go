package gitdiff

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseStatus(t *testing.T) {
	out := strings.Join([]string{
		"# branch.oid 1111111111111111111111111111111111111111",
		"# branch.head feature",
		"# branch.upstream origin/feature",
		"# branch.ab +1 -0",
		"1 .M N... 100644 100644 100644 aaaa aaaa src/mod.rs",
		"1 A. N... 000000 100644 100644 0000 bbbb dir with space/a b.rs",
		"u UU N... 100644 100644 100644 100644 cccc dddd eeee conflict.txt",
		"? new dir/x.rs",
		"",
	}, "\x00")
	st, err := ParseStatus([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	want := &Status{Head: "1111111111111111111111111111111111111111", Branch: "feature",
		Changed:   []string{"src/mod.rs", "dir with space/a b.rs", "conflict.txt"},
		Untracked: []string{"new dir/x.rs"}}
	if !reflect.DeepEqual(st, want) {
		t.Errorf("got %+v\nwant %+v", st, want)
	}

	// Unborn and detached.
	st, err = ParseStatus([]byte("# branch.oid (initial)\x00# branch.head (detached)\x00# branch.upstream origin/gone\x00"))
	if err != nil || !reflect.DeepEqual(st, &Status{}) {
		t.Errorf("unborn: %+v %v", st, err)
	}
	for _, bad := range []string{"1 .M N... short\x00", "X what\x00", "u UU N... 1 2 3\x00"} {
		if _, err := ParseStatus([]byte(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func FuzzParseStatus(f *testing.F) {
	f.Add([]byte("# branch.oid (initial)\x00# branch.head main\x00? a\x00"))
	f.Add([]byte("1 .M N... 100644 100644 100644 aaaa aaaa src/mod.rs\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := ParseStatus(data)
		if err == nil && st == nil {
			t.Fatal("nil status without an error")
		}
	})
}
