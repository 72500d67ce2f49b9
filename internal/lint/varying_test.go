package lint

import "testing"

func TestVaryingValue(t *testing.T) {
	tests := []struct {
		marker string
		what   string // "" = stable
		value  string
	}{
		// Stable markers.
		{"SELFTEST: ok", "", ""},
		{"SELFTEST: ipc v2 ok", "", ""},
		{"neuron: hart0 boot virt smp=4", "", ""},
		{"virtioblkd: mmio=0x… irq=… sectors=…", "", ""},
		{"neuron: hartX tick n=…", "", ""},
		{"net: dhcp bound 10.0.2.15/24", "", ""},
		{"uart 16550 ready", "", ""},
		{"init: x86_64 up", "", ""},
		{"pkgfs: mounted from virtio-blk ro", "", ""},
		{"timed: audit register ok", "", ""},
		{"rpc: 3 users online", "", ""},
		{"fs: sequence ok", "", ""},
		{"RFC-0005 contract ok", "", ""},
		{"crc 0xbeef ok", "", ""},
		{"boot: stage 1:1 ok", "", ""},
		{"vmo: 4096 bytes mapped", "", ""},
		{"sched: rapid 3 wake", "", ""},

		// Run-varying values.
		{"boot at 12:03:44", "a time of day", "12:03:44"},
		{"boot at 9:05", "a time of day", "9:05"},
		{"up since 2026-01-02T10:11:12Z", "a timestamp", "2026-01-02T10:11"},
		{"built 2026-01-02", "a date", "2026-01-02"},
		{"built 1/2/2026", "a date", "1/2/2026"},
		{"fault at 0xdeadbeef", "a hex address", "0xdeadbeef"},
		{"map 0X80200000 ok", "a hex address", "0X80200000"},
		{"session 123e4567-e89b-12d3-a456-426614174000 ok", "a UUID", "123e4567-e89b-12d3-a456-426614174000"},
		{"selftest done in 12ms", "a duration", "12ms"},
		{"ready after 1.5 s", "", ""}, // a bare "s" needs no space: "1.5 s" is too ambiguous
		{"ready after 1.5 sec", "a duration", "1.5 sec"},
		{"timeout 90s", "a duration", "90s"},
		{"waited 3 ms total", "a duration", "3 ms"},
		{"init: pid=42 started", "a counter", "pid=42"},
		{"sched: tick 17", "a counter", "tick 17"},
		{"uptime: 3", "a counter", "uptime: 3"},
		{"counter 1234567 reached", "a long number", "1234567"},
	}
	for _, tt := range tests {
		what, value, ok := varyingValue(tt.marker)
		if ok != (tt.what != "") || what != tt.what || value != tt.value {
			t.Errorf("varyingValue(%q) = %q, %q, %v; want %q, %q", tt.marker, what, value, ok, tt.what, tt.value)
		}
	}
}
