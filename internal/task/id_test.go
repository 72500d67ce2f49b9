package task

import (
	"reflect"
	"testing"

	"github.com/taskproof/taskproof/internal/config"
)

func TestParseID(t *testing.T) {
	tests := []struct {
		in   string
		want ID
		ok   bool
	}{
		{"TASK-0003", "TASK-0003", true},
		{"TASK-0003B", "TASK-0003B", true},
		{"task-0003b", "TASK-0003B", true},
		{" `TASK-0042` ", "TASK-0042", true},
		{"TASK\u20110005", "TASK-0005", true},
		{"TASK\u20100005", "TASK-0005", true},
		{"TASK\u20130005", "TASK-0005", true},
		{"TASK-12345", "TASK-12345", true},
		{"TASK-123", "TASK-0123", true}, // unpadded: the canonical task
		{"TASK-45b", "TASK-0045B", true},
		{"TASK-00045", "TASK-0045", true},
		{"TASK-", "", false},
		{"TASK-XXXX", "", false},
		{"TASK0003", "", false},
		{"TASK-0003BC", "", false},
		{"TASK-0003-slug", "", false},
		{"", "", false},
		{"TAS", "", false},
	}
	for _, tt := range tests {
		got, ok := ParseID(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseID(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestFindIDs(t *testing.T) {
	tests := []struct {
		in   string
		want []IDRef
	}{
		{"see TASK-0003 and TASK-0003B.", []IDRef{{"TASK-0003", 4}, {"TASK-0003B", 18}}},
		{"phase (TASK\u20110005 / TASK\u20110024)", []IDRef{{"TASK-0005", 7}, {"TASK-0024", 21}}},
		{"TASK-0146/0147", []IDRef{{"TASK-0146", 0}, {"TASK-0147", 10}}},
		{"TASK-0054B/C/D", []IDRef{{"TASK-0054B", 0}, {"TASK-0054C", 11}, {"TASK-0054D", 13}}},
		{"TASK-0003/3B/3C", []IDRef{{"TASK-0003", 0}, {"TASK-0003B", 10}, {"TASK-0003C", 13}}},
		{"tasks/TASK-0003B-dsoftbus.md", []IDRef{{"TASK-0003B", 6}}},
		{"tasks/TASK-0009-persistence.md", []IDRef{{"TASK-0009", 6}}},
		{"TASK-0289/boot", []IDRef{{"TASK-0289", 0}}},
		{"subTASK-0001 TASK-XXXX TASK- task-0003", nil},
		{"TASK-12, TASK-45B and TASK-00045", []IDRef{{"TASK-0012", 0}, {"TASK-0045B", 9}, {"TASK-0045", 22}}},
		{"TASK-146/147", []IDRef{{"TASK-0146", 0}, {"TASK-0147", 9}}},
		{"TODO(TASK-0023B)", []IDRef{{"TASK-0023B", 5}}},
		{"TASK-0003Bx", []IDRef{{"TASK-0003", 0}}},
		{"TASK-", nil},
		{"TASK-0001/", []IDRef{{"TASK-0001", 0}}},
	}
	for _, tt := range tests {
		if got := FindIDs(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("FindIDs(%q) = %v; want %v", tt.in, got, tt.want)
		}
	}
}

func TestCompareNumberSuffix(t *testing.T) {
	ordered := []ID{"TASK-0003", "TASK-0003B", "TASK-0003C", "TASK-0012", "TASK-0100", "TASK-12345", "bogus"}
	for i := range ordered {
		for j := range ordered {
			got := Compare(ordered[i], ordered[j])
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got != want {
				t.Errorf("Compare(%s, %s) = %d; want %d", ordered[i], ordered[j], got, want)
			}
		}
	}
	if n := ID("TASK-0003B").Number(); n != 3 {
		t.Errorf("Number = %d; want 3", n)
	}
	if s := ID("TASK-0003B").Suffix(); s != "B" {
		t.Errorf("Suffix = %q; want B", s)
	}
	if s := ID("TASK-0003").Suffix(); s != "" {
		t.Errorf("Suffix = %q; want empty", s)
	}
	if n := ID("nope").Number(); n != -1 {
		t.Errorf("Number(nope) = %d; want -1", n)
	}
}

func TestClassify(t *testing.T) {
	voc, al := config.DefaultVocabulary, config.DefaultAliases
	tests := []struct {
		raw  string
		want StatusClass
	}{
		{"Draft", "Draft"},
		{"done", "Done"},
		{"DONE", "Done"},
		{"Done ✅ (handshake complete; follow-up → TASK-0004)", "Done"},
		{"✅ Done", "Done"},
		{"**Done**", "Done"},
		{"Done (2026-07-21)", "Done"},
		{"In Progress — phase 2", "In Progress"},
		{"In progress (2026-07-28) — Phases 0-7 done", "In Progress"},
		{"in-progress", "In Progress"},
		{"In Review", "In Review"},
		{"Complete", "Done"},
		{"Completed 2026-01-01", "Done"},
		{"WIP", "In Progress"},
		{"Superseded (replaced by TASK-0241)", "Superseded"},
		{"Deferred (revisit later)", "Deferred"},
		{"Blocked", "Blocked"},
		{"Part 1 Done (reap ordering); Part 2 deferred", ""},
		{"Habitat removed (2026-07-28)", ""},
		{"Doneish", ""},
		{"Drafted", ""},
		{"", ""},
		{"✅", ""},
	}
	for _, tt := range tests {
		if got := Classify(tt.raw, voc, al); got != tt.want {
			t.Errorf("Classify(%q) = %q; want %q", tt.raw, got, tt.want)
		}
	}
	// A custom vocabulary: the longest entry that starts the status wins.
	custom := []string{"Done", "Done Done", "Open"}
	if got := Classify("done done (twice)", custom, nil); got != "Done Done" {
		t.Errorf("longest match: got %q", got)
	}
	// Aliases map to the vocabulary's spelling; keys are lower case.
	if got := Classify("Finished!", custom, map[string]string{"finished": "done"}); got != "Done" {
		t.Errorf("alias: got %q", got)
	}
}
