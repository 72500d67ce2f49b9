package evidence

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// writeKeys writes testKey(label)'s PEM files as dir/NAME.key (perm) and
// dir/NAME.pub, returning the private key path.
func writeKeys(t *testing.T, dir, name, label string, perm os.FileMode) string {
	t.Helper()
	k := testKey(label)
	privPEM, _ := MarshalPrivateKey(k)
	pubPEM, _ := MarshalPublicKey(pubOf(k))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name+".key")
	if err := os.WriteFile(path, privPEM, perm); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, perm); err != nil { // umask-proof
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".pub"), pubPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadSigningKeyOrder(t *testing.T) {
	root := t.TempDir()
	writeKeys(t, filepath.Join(root, ".taskproof"), "signing", "default", 0o600)
	flagKey := writeKeys(t, t.TempDir(), "flag", "flag", 0o600)
	fileKey := writeKeys(t, t.TempDir(), "envfile", "envfile", 0o600)
	envPEM, _ := MarshalPrivateKey(testKey("envtext"))

	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	tests := []struct {
		name       string
		vars       map[string]string
		flag       string
		wantLabel  string
		wantSource string
	}{
		{"default file", nil, "", "default", filepath.Join(root, ".taskproof/signing.key")},
		{"env file", map[string]string{EnvSigningKeyFile: fileKey}, "", "envfile", "$TASKPROOF_SIGNING_KEY_FILE (" + fileKey + ")"},
		{"env text", map[string]string{EnvSigningKey: string(envPEM)}, "", "envtext", "$TASKPROOF_SIGNING_KEY"},
		{"flag beats env", map[string]string{EnvSigningKey: string(envPEM)}, flagKey, "flag", "--key " + flagKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			priv, source, err := LoadSigningKey(env(tt.vars), tt.flag, root)
			if err != nil {
				t.Fatal(err)
			}
			if !priv.Equal(testKey(tt.wantLabel)) {
				t.Errorf("loaded the wrong key (source %s)", source)
			}
			if source != tt.wantSource {
				t.Errorf("source = %q, want %q", source, tt.wantSource)
			}
		})
	}

	_, _, err := LoadSigningKey(env(map[string]string{EnvSigningKey: string(envPEM), EnvSigningKeyFile: fileKey}), "", root)
	if err == nil || !strings.Contains(err.Error(), "set only one") {
		t.Errorf("both variables: err = %v", err)
	}
	_, _, err = LoadSigningKey(env(map[string]string{EnvSigningKey: "not a key"}), "", root)
	if err == nil || !strings.Contains(err.Error(), "$TASKPROOF_SIGNING_KEY: no PEM block found") {
		t.Errorf("bad env text: err = %v", err)
	}
	_, _, err = LoadSigningKey(env(nil), "", t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "run 'taskproof keygen'") || !strings.Contains(err.Error(), ".taskproof/signing.key does not exist") {
		t.Errorf("no key: err = %v", err)
	}
	_, _, err = LoadSigningKey(env(nil), filepath.Join(root, "nope.key"), root)
	if err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("missing --key file: err = %v", err)
	}
	_, _, err = LoadSigningKey(env(nil), filepath.Join(root, ".taskproof/signing.pub"), root)
	if err == nil || !strings.Contains(err.Error(), "this is a public key") {
		t.Errorf("public key as --key: err = %v", err)
	}
}

func TestLoadSigningKeyPermissions(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no POSIX permission bits")
	}
	for _, perm := range []os.FileMode{0o644, 0o640, 0o604, 0o660, 0o602} {
		path := writeKeys(t, t.TempDir(), "k", "A", perm)
		_, _, err := LoadSigningKey(func(string) string { return "" }, path, "")
		if err == nil {
			t.Fatalf("mode %04o: accepted", perm)
		}
		for _, want := range []string{path, "chmod 600 " + path, "readable or writable by others"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("mode %04o: %v; want it to contain %q", perm, err, want)
			}
		}
	}
	for _, perm := range []os.FileMode{0o600, 0o400} {
		path := writeKeys(t, t.TempDir(), "k", "A", perm)
		if _, _, err := LoadSigningKey(func(string) string { return "" }, path, ""); err != nil {
			t.Errorf("mode %04o: %v", perm, err)
		}
	}
}

func TestReadPublicKeyFile(t *testing.T) {
	dir := t.TempDir()
	priv := writeKeys(t, dir, "k", "A", 0o600)
	pub, err := ReadPublicKeyFile(filepath.Join(dir, "k.pub"))
	if err != nil {
		t.Fatal(err)
	}
	if !pub.Equal(pubOf(testKey("A"))) {
		t.Error("wrong public key")
	}
	if _, err := ReadPublicKeyFile(priv); err == nil || !strings.Contains(err.Error(), "public key "+priv+": this is a private key") {
		t.Errorf("private key as public: %v", err)
	}
	if _, err := ReadPublicKeyFile(dir); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("directory: %v", err)
	}
	big := filepath.Join(dir, "big.pub")
	if err := os.WriteFile(big, make([]byte, maxKeyFile+1), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadPublicKeyFile(big); err == nil || !strings.Contains(err.Error(), "not a key file") {
		t.Errorf("big file: %v", err)
	}
}

// TestIgnoreKey: the rule is added once, after any existing rules, and it
// is what real git then ignores (git check-ignore), odd names included.
func TestIgnoreKey(t *testing.T) {
	const header = "# taskproof: the private signing key never goes into version control\n"
	for _, tc := range []struct {
		name, existing, key, want string
		changed                   bool
	}{
		{name: "no file", key: "signing.key", want: header + "/signing.key\n", changed: true},
		{name: "other rules, no final newline", existing: "ledger.db", key: "signing.key", want: "ledger.db\n" + header + "/signing.key\n", changed: true},
		{name: "already listed", existing: "/signing.key\n", key: "signing.key", want: "/signing.key\n"},
		{name: "listed without slash, CRLF", existing: "signing.key\r\n", key: "signing.key", want: "signing.key\r\n"},
		{name: "a different key", existing: "/signing.key\n", key: "ci.key", want: "/signing.key\n" + header + "/ci.key\n", changed: true},
		{name: "special characters", key: "#k[1]*.key", want: header + "/\\#k\\[1]\\*.key\n", changed: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "repo", ".taskproof")
			if tc.existing != "" {
				if err := os.MkdirAll(dir, 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, ".gitignore"), []byte(tc.existing), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			key := filepath.Join(dir, tc.key)
			path, changed, err := IgnoreKey(key)
			if err != nil || path != filepath.Join(dir, ".gitignore") || changed != tc.changed {
				t.Fatalf("IgnoreKey = %s, %v, %v; want changed %v", path, changed, err, tc.changed)
			}
			got, _ := os.ReadFile(path)
			if string(got) != tc.want {
				t.Fatalf(".gitignore = %q, want %q", got, tc.want)
			}
			if _, changed, _ := IgnoreKey(key); changed {
				t.Error("a second call changed the file")
			}
			st, err := os.Stat(dir)
			if err != nil {
				t.Fatal(err)
			}
			if tc.existing == "" && st.Mode().Perm() != 0o700 {
				t.Errorf("created key directory has mode %v, want 0700", st.Mode().Perm())
			}
			if _, err := exec.LookPath("git"); err != nil {
				return
			}
			repo := filepath.Dir(dir)
			git := func(args ...string) *exec.Cmd {
				cmd := exec.Command("git", append([]string{"-C", repo}, args...)...)
				cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
				return cmd
			}
			if out, err := git("init", "-q").CombinedOutput(); err != nil {
				t.Fatalf("git init: %v %s", err, out)
			}
			if err := os.WriteFile(key, []byte("secret"), 0o600); err != nil {
				t.Fatal(err)
			}
			if out, err := git("check-ignore", "-q", filepath.Join(".taskproof", tc.key)).CombinedOutput(); err != nil {
				t.Errorf("git does not ignore %s: %v %s", tc.key, err, out)
			}
			if err := git("check-ignore", "-q", ".taskproof/other.key").Run(); err == nil && !strings.Contains(tc.want, "other") {
				t.Error("the rule ignores other files too")
			}
		})
	}
}

// TestSigningKeyFromPipe: $TASKPROOF_SIGNING_KEY_FILE=/dev/fd/N reads the
// key from a pipe, so it never lands on disk.
func TestSigningKeyFromPipe(t *testing.T) {
	if _, err := os.Stat("/dev/fd"); err != nil {
		t.Skip("no /dev/fd on this system")
	}
	_, priv, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	pem, err := MarshalPrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	go func() { w.Write(pem); w.Close() }()
	path := fmt.Sprintf("/dev/fd/%d", r.Fd())
	got, source, err := LoadSigningKey(func(k string) string {
		if k == EnvSigningKeyFile {
			return path
		}
		return ""
	}, "", t.TempDir())
	if err != nil || !got.Equal(priv) || !strings.Contains(source, path) {
		t.Fatalf("key from %s: %v (source %q)", path, err, source)
	}
}
