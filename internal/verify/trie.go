package verify

// prefixTrie finds every prefix marker whose text starts a segment with one
// walk along the segment. The root dispatches on the first byte through a
// table; deeper nodes keep their few edges in a small sorted list.
type prefixTrie struct {
	root  [256]int32 // first byte -> node, 0 when none
	nodes []trieNode // nodes[0] is unused (0 means "no node")
}

type trieNode struct {
	labels   []byte
	children []int32
	markers  []int32 // markers whose text ends here, ascending
}

func newPrefixTrie() *prefixTrie {
	return &prefixTrie{nodes: make([]trieNode, 1)}
}

func (t *prefixTrie) add(text string, marker int32) {
	n := t.root[text[0]]
	if n == 0 {
		n = int32(len(t.nodes))
		t.nodes = append(t.nodes, trieNode{})
		t.root[text[0]] = n
	}
	for i := 1; i < len(text); i++ {
		c := text[i]
		next := t.child(n, c)
		if next == 0 {
			next = int32(len(t.nodes))
			t.nodes = append(t.nodes, trieNode{})
			nd := &t.nodes[n]
			k := 0
			for k < len(nd.labels) && nd.labels[k] < c {
				k++
			}
			nd.labels = append(nd.labels, 0)
			nd.children = append(nd.children, 0)
			copy(nd.labels[k+1:], nd.labels[k:])
			copy(nd.children[k+1:], nd.children[k:])
			nd.labels[k] = c
			nd.children[k] = next
		}
		n = next
	}
	t.nodes[n].markers = append(t.nodes[n].markers, marker)
}

func (t *prefixTrie) child(n int32, c byte) int32 {
	nd := &t.nodes[n]
	for k, l := range nd.labels {
		if l == c {
			return nd.children[k]
		}
		if l > c {
			break
		}
	}
	return 0
}

// walk appends to out every marker whose text is a prefix of s.
func (t *prefixTrie) walk(s []byte, out []int32) []int32 {
	if len(s) == 0 {
		return out
	}
	n := t.root[s[0]]
	for i := 1; n != 0; i++ {
		out = append(out, t.nodes[n].markers...)
		if i >= len(s) {
			return out
		}
		n = t.child(n, s[i])
	}
	return out
}

// walkBack appends to out every marker whose reversed text the trie holds
// and that ends s: a trie built from reversed texts walked from the end
// of the segment finds the texts that are suffixes of it.
func (t *prefixTrie) walkBack(s []byte, out []int32) []int32 {
	if len(s) == 0 {
		return out
	}
	n := t.root[s[len(s)-1]]
	for i := len(s) - 2; n != 0; i-- {
		out = append(out, t.nodes[n].markers...)
		if i < 0 {
			return out
		}
		n = t.child(n, s[i])
	}
	return out
}
