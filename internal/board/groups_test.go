package board

import (
	"slices"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/task"
)

func TestParseItem(t *testing.T) {
	tests := []struct {
		in       string
		from, to task.ID
		err      string
	}{
		{"TASK-0003", "TASK-0003", "TASK-0003", ""},
		{" `TASK-0003B` ", "TASK-0003B", "TASK-0003B", ""},
		{"TASK-0010..TASK-0011", "TASK-0010", "TASK-0011", ""},
		{"`TASK-0010`..`TASK-0011`", "TASK-0010", "TASK-0011", ""},
		{"TASK-0010 .. TASK-0011B", "TASK-0010", "TASK-0011B", ""},
		{"TASK\u20110005", "TASK-0005", "TASK-0005", ""},
		{"TASK-1xy", "", "", "not a task id"},
		{"TASK-12", "TASK-0012", "TASK-0012", ""},
		{"TASK-0010..", "", "", "not a task id"},
		{"0010..0011", "", "", "not a task id"},
		{"TASK-0011..TASK-0010", "", "", "runs backwards; write TASK-0010..TASK-0011"},
		{"", "", "", "not a task id"},
	}
	for _, tc := range tests {
		it, err := ParseItem(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseItem(%q) error = %v, want one containing %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || it.From != tc.from || it.To != tc.to {
			t.Errorf("ParseItem(%q) = %v, %v; want %s..%s", tc.in, it, err, tc.from, tc.to)
		}
	}
}

func TestItemContains(t *testing.T) {
	tests := []struct {
		item string
		id   task.ID
		want bool
	}{
		{"TASK-0010..TASK-0011", "TASK-0010", true},
		{"TASK-0010..TASK-0011", "TASK-0011", true},
		// A plain upper endpoint stands for its whole number: the upstream
		// board's Windowing group needs TASK-0055D inside TASK-0054..TASK-0055.
		{"TASK-0010..TASK-0011", "TASK-0011B", true},
		{"TASK-0010..TASK-0011", "TASK-0010C", true},
		{"TASK-0010..TASK-0011", "TASK-0009B", false},
		{"TASK-0010..TASK-0011", "TASK-0012", false},
		// Suffixed endpoints are exact.
		{"TASK-0010B..TASK-0011", "TASK-0010", false},
		{"TASK-0010B..TASK-0011", "TASK-0010B", true},
		{"TASK-0010B..TASK-0011", "TASK-0010C", true},
		{"TASK-0010..TASK-0011B", "TASK-0011B", true},
		{"TASK-0010..TASK-0011B", "TASK-0011C", false},
		// A single id is itself only.
		{"TASK-0011", "TASK-0011B", false},
		{"TASK-0011", "TASK-0011", true},
	}
	for _, tc := range tests {
		it, err := ParseItem(tc.item)
		if err != nil {
			t.Fatal(err)
		}
		if got := it.Contains(tc.id); got != tc.want {
			t.Errorf("%s contains %s = %v, want %v", tc.item, tc.id, got, tc.want)
		}
	}
}

func TestParseTasksText(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"`TASK-0001`, `TASK-0010`..`TASK-0011`, `TASK-0011B`", []string{"TASK-0001", "TASK-0010..TASK-0011", "TASK-0011B"}},
		{"TASK-0001..TASK-0003 and TASK-0007", []string{"TASK-0001..TASK-0003", "TASK-0007"}},
		// Prose between two ids is not a range.
		{"`TASK-0001` (see notes) `TASK-0003`", []string{"TASK-0001", "TASK-0003"}},
		// A dangling range operator keeps the id.
		{"`TASK-0004`..", []string{"TASK-0004"}},
		{"— none yet", nil},
		{"`TASK\u20110005`..`TASK\u20110006`", []string{"TASK-0005..TASK-0006"}},
		// Range spellings of later boards: digits-only upper ends, dashes,
		// words, open ends, unpadded ids.
		{"`TASK-0010`..`0012`, TASK-0020–TASK-0022", []string{"TASK-0010..TASK-0012", "TASK-0020..TASK-0022"}},
		{"TASK-0030 to 0031B, TASK-0040+", []string{"TASK-0030..TASK-0031B", "TASK-0040..TASK-99999999"}},
		{"`TASK-0001` + `TASK-0002`, TASK-0003 +TASK-0004", []string{"TASK-0001", "TASK-0002", "TASK-0003", "TASK-0004"}},
		{"TASK-12..15, TASK-0008B", []string{"TASK-0012..TASK-0015", "TASK-0008B"}},
		{"`TASK-0011`..`TASK-0010`", []string{"TASK-0011..TASK-0010"}}, // backwards: kept, contains nothing
	}
	for _, tc := range tests {
		var got []string
		for _, it := range ParseTasksText(tc.in) {
			got = append(got, it.String())
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("ParseTasksText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestExpand(t *testing.T) {
	existing := []task.ID{"TASK-0012", "TASK-0010", "TASK-0011B", "TASK-0011", "TASK-0020", "TASK-0009"}
	items := ParseTasksText("`TASK-0020`, `TASK-0010`..`TASK-0011`, `TASK-0011B`, `TASK-0099`, `TASK-0030`..`TASK-0040`, `TASK-0099`")
	members, missing := Expand(items, existing)
	want := []task.ID{"TASK-0020", "TASK-0010", "TASK-0011", "TASK-0011B"}
	if !slices.Equal(members, want) {
		t.Errorf("members = %v, want %v", members, want)
	}
	if !slices.Equal(missing, []task.ID{"TASK-0099"}) {
		t.Errorf("missing = %v, want [TASK-0099]", missing)
	}
}

func TestPercent(t *testing.T) {
	tests := []struct{ done, total, want int }{
		{1, 8, 12}, // 12.5 -> 12 (even)
		{3, 8, 38}, // 37.5 -> 38 (even)
		{5, 8, 62}, // 62.5 -> 62
		{7, 8, 88}, // 87.5 -> 88
		{1, 200, 0},
		{3, 200, 2},
		{14, 34, 41},
		{15, 34, 44},
		{1, 21, 5},
		{1, 3, 33},
		{2, 3, 67},
		{0, 0, 0},
		{5, 5, 100},
	}
	for _, tc := range tests {
		if got := Percent(tc.done, tc.total); got != tc.want {
			t.Errorf("Percent(%d, %d) = %d, want %d", tc.done, tc.total, got, tc.want)
		}
	}
}

func FuzzParseTasksText(f *testing.F) {
	f.Add("`TASK-0001`, `TASK-0010`..`TASK-0011`, `TASK-0011B`")
	f.Add("TASK-0146/0147 .. TASK\u20110150")
	f.Add("`TASK-0010`..`TASK-0009`..`TASK-0011`")
	f.Add("TASK-")
	f.Add("`TASK-0010`..`0012`, TASK-0020–TASK-0022, TASK-0030 to 31, TASK-0040+")
	f.Fuzz(func(t *testing.T, s string) {
		items := ParseTasksText(s)
		existing := []task.ID{"TASK-0001", "TASK-0010", "TASK-0011B"}
		members, _ := Expand(items, existing)
		seen := map[task.ID]bool{}
		for _, id := range members {
			if seen[id] {
				t.Fatalf("duplicate member %s", id)
			}
			seen[id] = true
		}
		for _, it := range items {
			if _, err := ParseItem(it.String()); err != nil && task.Compare(it.From, it.To) <= 0 {
				t.Fatalf("item %v from text does not round-trip: %v", it, err)
			}
		}
	})
}

func FuzzParseItem(f *testing.F) {
	f.Add("TASK-0010..TASK-0011")
	f.Add("TASK-0003B")
	f.Add("`TASK-0010`..`TASK-0011`")
	f.Fuzz(func(t *testing.T, s string) {
		it, err := ParseItem(s)
		if err != nil {
			return
		}
		again, err := ParseItem(it.String())
		if err != nil || again != it {
			t.Fatalf("ParseItem(%q) = %v does not round-trip: %v, %v", s, it, again, err)
		}
		if !it.Contains(it.From) || !it.Contains(it.To) {
			t.Fatalf("%v does not contain its endpoints", it)
		}
	})
}
