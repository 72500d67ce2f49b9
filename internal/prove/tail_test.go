package prove

import (
	"math/rand"
	"reflect"
	"strings"
	"testing"
)

// wholeTextTail is how the evidence section took a log's tail before it streamed:
// the whole log in memory, cleaned, split, trimmed. It is the oracle for
// tailLines on lines within mdMaxLine.
func wholeTextTail(data string, n int) []string {
	lines := strings.Split(strings.TrimRight(cleanConsole(data), "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return lines
}

// TestTailLines: streaming the tail gives what cleaning the whole log
// gave, on hand-picked and random console output.
func TestTailLines(t *testing.T) {
	inputs := []string{
		"", "\n", "\n\n\n", "one", "one\n", "a\nb\nc\n", "a\n\n\nb\n\n",
		"SeaBIOS\r\n\x1b[2J\x1b[0;1mboot: ok\x1b[0m\r\nsched: ready  \t\n\x1b[0m\n\r\n",
		"bad \xff utf8\nnul \x00 byte\n\x7f\n", "tail without newline\nlast",
		strings.Repeat("line\n", 1000),
	}
	rng := rand.New(rand.NewSource(1))
	alphabet := []byte("ab \t\r\n\n\n\x1b[0m;\x00\xff\xe2\x80\xa6")
	for range 500 {
		b := make([]byte, rng.Intn(200))
		for i := range b {
			b[i] = alphabet[rng.Intn(len(alphabet))]
		}
		inputs = append(inputs, string(b))
	}
	for _, in := range inputs {
		for _, n := range []int{1, 3, 20} {
			got, err := tailLines(strings.NewReader(in), n)
			if err != nil {
				t.Fatal(err)
			}
			if want := wholeTextTail(in, n); !reflect.DeepEqual(got, want) {
				t.Fatalf("tailLines(%q, %d) = %q, want %q", in, n, got, want)
			}
		}
	}
}

// TestTailLinesLongLine: a line longer than mdMaxLine (a log of one 1 MB
// line, as a hostile bundle may carry) is cut and marked, and the lines
// around it are intact.
func TestTailLinesLongLine(t *testing.T) {
	in := "before\n" + strings.Repeat("x", 1<<20) + "\nafter\n"
	got, err := tailLines(strings.NewReader(in), 5)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"before", strings.Repeat("x", mdMaxLine) + "…", "after"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %d lines: %.40q…", len(got), got)
	}
}
