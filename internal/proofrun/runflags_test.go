package proofrun

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestRunFlagsRun: the run a command line describes carries its command,
// times, terminal, exit codes and log budget, and leaves the log file
// and markers to the caller.
func TestRunFlagsRun(t *testing.T) {
	f, err := ParseRunCommand(strings.Fields("--timeout 30s --drain 2s --grace 3s --pty --ok-exit 0,33 --log-max 1MiB --log out.log -- ./qemu.sh -smp 2"))
	if err != nil {
		t.Fatal(err)
	}
	want := Run{Argv: []string{"./qemu.sh", "-smp", "2"}, Timeout: 30 * time.Second, Drain: 2 * time.Second, Grace: 3 * time.Second,
		PTY: true, OKExit: []int{0, 33}, LogMax: 1 << 20}
	if got := f.Run(); !reflect.DeepEqual(got, want) {
		t.Errorf("Run() = %+v, want %+v", got, want)
	}
}
