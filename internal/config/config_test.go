package config

import (
	"strings"
	"testing"
)

func TestParseDefaultsAndOverrides(t *testing.T) {
	c, err := Parse("taskproof.toml", []byte(`
[tasks]
dir = "docs/tasks"

[status.aliases]
Finished = "Done"

[[groups]]
name = "Kernel"
tasks = ["TASK-0001", "TASK-0010..TASK-0011"]
`))
	if err != nil {
		t.Fatal(err)
	}
	if c.Tasks.Dir != "docs/tasks" {
		t.Errorf("dir = %q", c.Tasks.Dir)
	}
	if c.Tasks.Pattern != "TASK-*.md" {
		t.Errorf("pattern default lost: %q", c.Tasks.Pattern)
	}
	if c.Status.Aliases["finished"] != "Done" || c.Status.Aliases["complete"] != "Done" {
		t.Errorf("aliases = %v", c.Status.Aliases)
	}
	if len(c.Groups) != 1 || c.Groups[0].Tasks[1] != "TASK-0010..TASK-0011" {
		t.Errorf("groups = %+v", c.Groups)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"[tasks]\ndir = \n", "taskproof.toml:2:"},
		{"[tasks]\ndirectory = \"x\"\n", "unknown key tasks.directory"},
		{"[status.aliases]\nfoo = \"Nope\"\n", "not in the vocabulary"},
		{"[[groups]]\nname = \"a\"\n[[groups]]\nname = \"a\"\n", "defined twice"},
		{"[hygiene]\ndaemon_paths = [\"src/{a,b\"]\n", "[hygiene] daemon_paths entry \"src/{a,b\" is not a valid glob"},
		{"[hygiene]\nstub_paths = [\"\"]\n", "[hygiene] stub_paths has an empty entry"},
		{"[scope]\nalways_allow = [\"x/[ab\"]\n", "[scope] always_allow entry \"x/[ab\" is not a valid glob"},
		{"[evidence]\nmax_bundle_bytes = 0\n", "[evidence] max_bundle_bytes = 0: expected a byte count from 4096 to 8589934591"},
		{"[evidence]\nmax_entry_bytes = 8589934592\n", "[evidence] max_entry_bytes = 8589934592: expected a byte count"},
		{"[evidence]\nmax_bundle_bytes = 65536\nmax_entry_bytes = 65537\n", "max_entry_bytes (65537) is above max_bundle_bytes (65536)"},
		{"[evidence]\nmax_bundle_bytes = \"1G\"\n", `"evidence.max_bundle_bytes"): incompatible types`},
		{"[evidence]\nmax_bytes = 1\n", "unknown key evidence.max_bytes"},
	} {
		_, err := Parse("taskproof.toml", []byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%q) = %v, want error containing %q", tc.in, err, tc.want)
		}
	}
}

func TestHygieneDefaultsAndOverrides(t *testing.T) {
	c, err := Parse("taskproof.toml", nil)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(c.Hygiene.DaemonPaths, ",") != "**/daemons/**,**/services/**" || strings.Join(c.Hygiene.StubPaths, ",") != "**/stubs/**" {
		t.Errorf("defaults: %+v", c.Hygiene)
	}
	// A default list must not be shared between configs.
	c.Hygiene.DaemonPaths[0] = "changed"
	if Default().Hygiene.DaemonPaths[0] != "**/daemons/**" {
		t.Error("Default shares its daemon_paths slice")
	}
	c, err = Parse("taskproof.toml", []byte("[hygiene]\ndaemon_paths = []\nstub_paths = [\"src/fake/**\", \"**/*_{stub,mock}.rs\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Hygiene.DaemonPaths) != 0 || len(c.Hygiene.StubPaths) != 2 {
		t.Errorf("overrides: %+v", c.Hygiene)
	}
}

func TestEvidenceDefaults(t *testing.T) {
	c, err := Parse("taskproof.toml", nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Evidence.MaxBundleBytes != DefaultMaxBundleBytes || c.Evidence.MaxEntryBytes != DefaultMaxEntryBytes {
		t.Errorf("default limits %+v", c.Evidence)
	}
	c, err = Parse("taskproof.toml", []byte("[evidence]\nmax_entry_bytes = 1048576\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Evidence.MaxBundleBytes != DefaultMaxBundleBytes || c.Evidence.MaxEntryBytes != 1<<20 {
		t.Errorf("limits %+v", c.Evidence)
	}
}
