package lint

import (
	"fmt"
	"strings"
	"testing"
)

func TestFindPlaceholders(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string // "line:col:text"
	}{
		{"front matter tokens", "---\ntitle: TASK-XXXX Short title\ncreated: YYYY-MM-DD\n# - RFC: TASK-XXXX\n---\n", []string{"2:8:TASK-XXXX", "3:10:YYYY-MM-DD"}},
		{"ellipsis bullets", "## Plan\n\n- …\n  - ...\n1. ...\n2) …\n* `...`\n", []string{"3:3:…", "4:5:...", "5:4:...", "6:4:…", "7:3:`...`"}},
		{"ellipsis inside text is a pattern", "- `/state/apps/...` holds data\n- keep `net: dhcp bound ...`\n- more…\n", nil},
		{"tokens in code spans", "- `cargo test -p <crate>`\n- `<test_name>`\n", []string{"1:18:<crate>", "2:4:<test_name>"}},
		{"comments are guidance", "<!-- fill TASK-XXXX and <crate> -->\n<!--\n- …\n<crate>\n-->\nafter <!-- x --> <crate>\n", []string{"6:18:<crate>"}},
		{"fenced code: tokens yes, ellipsis no", "```sh\ncargo test -p <crate>\n- ...\n```\n- ...\n", []string{"2:15:<crate>", "5:3:..."}},
		{"tilde fence and longer closing", "~~~~\n- …\n~~~~~\n- …\n", []string{"4:3:…"}},
		{"inline triple backticks are not a fence", "```code``` here\n- …\n", []string{"2:3:…"}},
		{"generic angle words are not template tokens", "- run `cargo fuzz run <target>` for each <appId>\n", nil},
		{"filled document", "---\ntitle: TASK-0001 Real\ncreated: 2026-01-02\n---\n## Goal\n\n- Do it.\n", nil},
		{"two tokens on one line", "- TASK-XXXX and TASK-XXXX\n", []string{"1:3:TASK-XXXX", "1:17:TASK-XXXX"}},
		{"CRLF", "- …\r\n", []string{"1:3:…"}},
		{"columns count code points", "- ü <crate>\n", []string{"1:5:<crate>"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, p := range findPlaceholders(splitLines([]byte(tt.src))) {
				got = append(got, fmt.Sprintf("%d:%d:%s", p.line, p.col, p.text))
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestLinkPath(t *testing.T) {
	tests := []struct {
		target, want string // want "" = not checked
	}{
		{"docs/x.md", "docs/x.md"},
		{"`docs/x.md`", "docs/x.md"},
		{"<docs/x.md>", "docs/x.md"},
		{"docs/x.md#section", "docs/x.md"},
		{"docs/x.md?plain=1", "docs/x.md"},
		{"src/main.rs:42", "src/main.rs"},
		{"README.md:1-3", "README.md"},
		{"../README.md", "../README.md"},
		{"/docs/x.md", "/docs/x.md"},
		{"CLAUDE.md", "CLAUDE.md"},
		{"https://example.org/x.md", ""},
		{"mailto:a@b.c", ""},
		{"#anchor", ""},
		{"TASK-0012", ""},
		{"TASK\u20110012", ""},
		{"LICENSE", ""}, // a bare word reads as a label or an id
		{"docs/*.md", ""},
		{"docs/x.md and more", ""},
		{"/state/apps/...", ""},
		{"~/.notes/x.md", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, ok := linkPath(tt.target)
		if ok != (tt.want != "") || got != tt.want {
			t.Errorf("linkPath(%q) = %q, %v; want %q", tt.target, got, ok, tt.want)
		}
	}
}
