package scaffold

import (
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/config"
)

// TestConfigFileMeansDefaults parses what `init` writes: it must mean
// exactly what having no taskproof.toml means.
func TestConfigFileMeansDefaults(t *testing.T) {
	got, err := config.Parse(config.FileName, ConfigFile())
	if err != nil {
		t.Fatalf("the generated file does not parse: %v\n%s", err, ConfigFile())
	}
	want := config.Default()
	// An empty list written as [] and a nil default mean the same.
	norm := func(c *config.Config) {
		for _, p := range []*[]string{&c.Hygiene.DaemonPaths, &c.Hygiene.StubPaths, &c.Scope.AlwaysAllow, &c.Proof.Canonical, &c.Proof.Inputs} {
			if len(*p) == 0 {
				*p = nil
			}
		}
		if len(c.Groups) == 0 {
			c.Groups = nil
		}
	}
	norm(got)
	norm(want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parsed config differs from config.Default():\n got %+v\nwant %+v", got, want)
	}
}

// TestConfigFileDocumentsEveryKey walks the config types' toml tags and
// expects each key in the file, set or (groups) shown in the example.
func TestConfigFileDocumentsEveryKey(t *testing.T) {
	text := string(ConfigFile())
	var walk func(prefix string, typ reflect.Type)
	walk = func(prefix string, typ reflect.Type) {
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			key := strings.Split(f.Tag.Get("toml"), ",")[0]
			if key == "" {
				continue
			}
			ft := f.Type
			if ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct {
				if !strings.Contains(text, "[["+key+"]]") {
					t.Errorf("no [[%s]] example", key)
				}
				walk("# ", ft.Elem())
				continue
			}
			if ft.Kind() == reflect.Struct {
				if !strings.Contains(text, "\n["+key+"]\n") {
					t.Errorf("no [%s] table", key)
				}
				walk("", ft)
				continue
			}
			if ft.Kind() == reflect.Map {
				continue // checked below: [status.aliases]
			}
			re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(prefix+key) + ` = `)
			if !re.MatchString(text) {
				t.Errorf("key %q is not in the file", key)
			}
		}
	}
	walk("", reflect.TypeOf(config.Config{}))
	if !strings.Contains(text, "\n[status.aliases]\n") {
		t.Error("no [status.aliases] table")
	}
	if !strings.Contains(text, "TASK-0010..TASK-0019") {
		t.Error("the range syntax is not shown")
	}
	// Every line is a comment, blank, a table header or a key = value.
	line := regexp.MustCompile(`^(#.*|\[[a-z.]+\]|[a-z_-]+ = .+)?$`)
	for i, l := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if !line.MatchString(l) {
			t.Errorf("line %d is neither comment nor setting: %q", i+1, l)
		}
	}
}

func TestTOMLQuoting(t *testing.T) {
	for in, want := range map[string]string{
		`plain`:   `"plain"`,
		`a"b\c`:   `"a\"b\\c"`,
		"tab\tnl": `"tab\u0009nl"`,
	} {
		if got := tomlString(in); got != want {
			t.Errorf("tomlString(%q) = %s, want %s", in, got, want)
		}
	}
	if got := tomlKey("in-progress"); got != "in-progress" {
		t.Errorf("tomlKey bare = %s", got)
	}
	if got := tomlKey("in review"); got != `"in review"` {
		t.Errorf("tomlKey quoted = %s", got)
	}
}
