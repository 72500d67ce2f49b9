package web

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/taskproof/taskproof/internal/harness"
	"github.com/taskproof/taskproof/internal/ledger"
	"github.com/taskproof/taskproof/internal/live"
	"github.com/taskproof/taskproof/internal/verify"
)

// xssTitle is a task title that is markup; every page must show it as text.
const xssTitle = `<img src=x onerror=alert(1)>`

// fixtureFiles is a small repository: a group, a Done task without
// evidence (claimed), a dependency cycle, a dangling id, and a console
// line that closes a script element.
var fixtureFiles = map[string]string{
	"taskproof.toml": "[[groups]]\nname = \"Core <b>\"\ntasks = [\"TASK-0001..TASK-0003\"]\n",
	"tasks/TASK-0001-boot.md": "---\ntitle: TASK-0001 " + xssTitle + "\nstatus: Done\n---\n\n## Context\n\n- x\n\n" +
		"## Stop conditions (Definition of Done)\n\n- **Proof (QEMU)**:\n  - Command(s):\n    - `taskproof run --expect 'boot ok' -- ./boot.sh`\n" +
		"  - Required markers:\n    - `boot ok`\n\n## Touched paths (allowlist)\n\n- `boot.sh`\n",
	"tasks/TASK-0002-net.md":   "---\ntitle: TASK-0002 Network\nstatus: Draft\ndepends-on:\n  - TASK-0001\n  - TASK-0003\n---\n\n## Context\n\n- x\n",
	"tasks/TASK-0003-disk.md":  "---\ntitle: TASK-0003 Disk\nstatus: In Progress\ndepends-on:\n  - TASK-0002\n  - TASK-0099\n---\n\n## Context\n\n- x\n",
	"tasks/TASK-0004-ready.md": "---\ntitle: TASK-0004 Ready to go\nstatus: Draft\ndepends-on:\n  - TASK-0005\n---\n\n## Context\n\n- x\n",
	"tasks/TASK-0005-done.md":  "---\ntitle: TASK-0005 Finished\nstatus: Done\n---\n\n## Context\n\n- x\n",
}

// fixtureConsole is what the recorded run printed.
const fixtureConsole = "firmware \x1b[1mbanner\x1b[0m\r\n</script><script>alert(2)</script>\r\nboot ok\r\nBoot OK!\r\n"

type fixture struct {
	root     string
	liveID   string
	ledgerID int64
}

// newFixture writes the repository, one finished run recorded in the
// ledger with its live record, and returns where it is.
func newFixture(t testing.TB) fixture {
	t.Helper()
	root := t.TempDir()
	for name, data := range fixtureFiles {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	l, err := ledger.Open(ledger.DefaultPath(root))
	if err != nil {
		t.Fatal(err)
	}
	at := int64(120)
	id, err := l.Record(context.Background(), ledger.Run{
		Kind: ledger.KindRun, Command: []string{"./boot.sh"}, Verdict: "PASS",
		StartedAt: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC), DurationMS: 300,
		Markers: []ledger.MarkerOutcome{{Marker: "boot ok", Seen: true, Line: 3, AtMS: &at}},
	})
	l.Close()
	if err != nil {
		t.Fatal(err)
	}
	rec, err := live.Start(root, live.KindRun, "", []string{"./boot.sh"})
	if err != nil {
		t.Fatal(err)
	}
	tap := rec.Step(1, "./boot.sh", []string{"./boot.sh"}, fixtureSpec())
	tap.Console([]byte(fixtureConsole))
	tap.Mark(harness.Mark{Observation: verify.Observation{Marker: "boot ok", Kind: verify.KindOK, Phase: "boot", Line: 3}, At: 120 * time.Millisecond})
	rec.EndStep(1, "PASS", "PASS: 1/1 required markers", nil)
	if err := rec.Finish("PASS", "PASS: 1/1 required markers", id); err != nil {
		t.Fatal(err)
	}
	return fixture{root: root, liveID: rec.ID(), ledgerID: id}
}

func fixtureSpec() *verify.Spec {
	return &verify.Spec{
		Phases:  []string{"boot"},
		Markers: []verify.Marker{{ID: "boot ok", Text: "boot ok", Kind: verify.KindOK, Phase: "boot", Required: true}},
	}
}
