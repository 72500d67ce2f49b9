package proofrun

import (
	"os"
	"runtime/debug"
)

// checkGCPercent is the GC target of a command that checks a log: its heap
// is the compiled contract (a few MB, all live until it exits) plus
// buffers of fixed size, so collecting at the runtime's default 4 MB goal
// only repeats the marking of the contract, three or four times during
// start-up alone. At 800 the first collection comes at about 32 MB, and
// the heap stays bounded by nine times the live data.
const checkGCPercent = 800

// LessGC sets the GC target of a command that checks a log
// (checkGCPercent), unless GOGC says otherwise.
func LessGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(checkGCPercent)
	}
}
