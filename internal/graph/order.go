package graph

import (
	"strings"

	"github.com/taskproof/taskproof/internal/task"
)

// idOrder is task.Compare with each id's number and suffix worked out once:
// sorting the edges of a large repository compares the same ids many times.
type idOrder map[task.ID]idKey

type idKey struct {
	num    int // -1 when malformed
	suffix string
}

func (o idOrder) key(id task.ID) idKey {
	k, ok := o[id]
	if !ok {
		k = idKey{id.Number(), id.Suffix()}
		o[id] = k
	}
	return k
}

// cmp orders like task.Compare: by number, then suffix; malformed ids last,
// by their text.
func (o idOrder) cmp(a, b task.ID) int {
	ka, kb := o.key(a), o.key(b)
	switch {
	case ka.num < 0 && kb.num < 0:
		return strings.Compare(string(a), string(b))
	case ka.num < 0:
		return 1
	case kb.num < 0:
		return -1
	case ka.num != kb.num:
		if ka.num < kb.num {
			return -1
		}
		return 1
	}
	if c := strings.Compare(ka.suffix, kb.suffix); c != 0 {
		return c
	}
	return strings.Compare(string(a), string(b))
}
