package ledger

import (
	"reflect"
	"testing"
)

// TestGet reads one run back by id with its details, and reports a
// missing id as not found rather than an error.
func TestGet(t *testing.T) {
	l, _ := openTemp(t)
	want := fullRun()
	want.Proofs = []ProofRun{{N: 1, Shared: "0123456789ab", Exec: "0123456789ab-1"}, {N: 2, Shared: "ba9876543210", Exec: "ba9876543210-1", Reused: "ba9876543210-0"}}
	id, err := l.Record(ctx, want)
	if err != nil {
		t.Fatal(err)
	}
	other := fullRun()
	other.TaskID = "TASK-0004"
	if _, err := l.Record(ctx, other); err != nil {
		t.Fatal(err)
	}
	got, ok, err := l.Get(ctx, id)
	if err != nil || !ok {
		t.Fatalf("Get(%d): ok=%v err=%v", id, ok, err)
	}
	want.ID = id
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Get(%d):\n got %+v\nwant %+v", id, got, want)
	}
	if _, ok, err := l.Get(ctx, id+100); ok || err != nil {
		t.Errorf("Get(missing): ok=%v err=%v, want not found and no error", ok, err)
	}
}
