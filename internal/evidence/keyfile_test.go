package evidence

import (
	"os"
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
