package board

import (
	"testing"

	"github.com/taskproof/taskproof/internal/config"
)

func TestDriftClassifier(t *testing.T) {
	cfg := config.Default()
	classify := DriftClassifier(cfg)
	if classify("Queued") != "" {
		t.Errorf("Queued is classified without [board.vocabulary]: %q", classify("Queued"))
	}
	cfg.Board.Vocabulary = map[string]string{"queued": "Draft"}
	if got, want := DriftClassifier(cfg)("Queued"), DriftClassifier(cfg)("Draft"); got == "" || got != want {
		t.Errorf("Queued mapped to Draft: %q, want %q", got, want)
	}
	if classify("Done") == "" {
		t.Error("Done is not classified")
	}
}
