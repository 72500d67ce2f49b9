package contract

import (
	"fmt"
	"testing"
)

// Includes are read and decoded ahead of their turn, on every core; an
// error must still be the one a load in order meets first, whatever
// finishes decoding first.
func TestIncludeErrorsKeepTheirTurn(t *testing.T) {
	const root = "[meta]\nschema_version = \"2\"\ndefault_profile = \"full\"\n[include]\n"
	many := map[string]string{"contract.toml": root + "markers = \"m/*.toml\"\n"}
	for i := range 40 {
		body := fmt.Sprintf("[marker.\"m%02d ok\"]\nphase = \"a\"\n", i)
		switch i {
		case 17:
			body += "[marker.\"bad\"]\nphase = 3\n"
		case 30:
			body += "[marker.\"m30\n" // invalid TOML, but later in order
		}
		many[fmt.Sprintf("m/%02d.toml", i)] = body
	}
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{
			name:  "manifest phases file before a markers glob that matches nothing",
			files: map[string]string{"contract.toml": root + "phases = \"p.toml\"\nmarkers = \"m/*.toml\"\n", "p.toml": "[profile.full]\n"},
			want:  `p.toml:1: p.toml: unknown key "profile"; expected one of: phase`,
		},
		{
			name:  "manifest marker error before a later file's invalid TOML",
			files: map[string]string{"contract.toml": root + "markers = \"m/*.toml\"\n", "m/a.toml": "[marker.\"x ok\"]\nphase = \"a\"\nemit_when = { profil = \"full\" }\n", "m/b.toml": "[marker.\"y\n"},
			want:  `m/a.toml:1: [marker."x ok"] emit_when: unknown key "profil"; expected one of: profile`,
		},
		{
			name:  "manifest invalid TOML before a later file's marker error",
			files: map[string]string{"contract.toml": root + "markers = \"m/*.toml\"\n", "m/a.toml": "[marker.\"y\n", "m/b.toml": "[marker.\"x ok\"]\nphase = 3\n"},
			want:  "m/a.toml:1: invalid TOML: strings cannot contain newlines",
		},
		{
			name:  "manifest markers before a profiles key of the wrong type",
			files: map[string]string{"contract.toml": root + "markers = \"m/*.toml\"\nprofiles = 3\n", "m/a.toml": "[marker.\"x ok\"]\nphase = []\n"},
			want:  "m/a.toml:2: [marker.\"x ok\"]: phase must be a string, got an array",
		},
		{
			name:  "manifest marker error in the 18th of 40 files",
			files: many,
			want:  "m/17.toml:4: [marker.\"bad\"]: phase must be a string, got an integer",
		},
		{
			name:  "native include error before a later glob that matches nothing",
			files: map[string]string{"contract.toml": "[contract]\nversion = 1\ninclude = [\"a/*.toml\", \"b/*.toml\"]\n", "a/x.toml": "[[marker]]\ntext = \"x\"\nmin = \"1\"\n"},
			want:  "a/x.toml:3: [[marker]] #1: min must be an integer, got a string",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 20 { // the decoding order varies from run to run
				_, err := Load(mapFS(tt.files), "contract.toml")
				if err == nil || err.Error() != tt.want {
					t.Fatalf("error\n got: %v\nwant: %s", err, tt.want)
				}
			}
		})
	}
}
