package evidence

// Key files for the CLI: reading them (prove signs, evidence verify and
// status set check) and keeping the private one out of version control.

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/taskproof/taskproof/internal/atomicfile"
)

// Default key locations, relative to the repository root.
const (
	DefaultKeyPrefix      = ".taskproof/signing"
	DefaultPrivateKeyFile = DefaultKeyPrefix + ".key"
	DefaultPublicKeyFile  = DefaultKeyPrefix + ".pub"
)

// Environment variables that supply the signing key (for CI).
const (
	EnvSigningKey     = "TASKPROOF_SIGNING_KEY"      // the PEM text itself
	EnvSigningKeyFile = "TASKPROOF_SIGNING_KEY_FILE" // a path to a PEM file
)

// maxKeyFile bounds how much of a key file is read; real ones are < 200 bytes.
const maxKeyFile = 64 << 10

// LoadSigningKey finds and reads the private key to sign evidence with, in
// this order: flagPath (--key FILE) when set; else $TASKPROOF_SIGNING_KEY
// (PEM text); else $TASKPROOF_SIGNING_KEY_FILE; else
// ROOT/.taskproof/signing.key. Setting both variables is an error, as
// the choice would be a guess. source says where the key came from, for
// messages ("--key ci.key", "$TASKPROOF_SIGNING_KEY", a path). File paths
// from the flag or the variable are used as given (relative to the working
// directory). A key file readable or writable by group or others is
// refused, as ssh does; errors never quote key material.
func LoadSigningKey(getenv func(string) string, flagPath, root string) (priv ed25519.PrivateKey, source string, err error) {
	if flagPath != "" {
		priv, err := readPrivateKeyFile(flagPath)
		return priv, "--key " + flagPath, err
	}
	text, file := getenv(EnvSigningKey), getenv(EnvSigningKeyFile)
	switch {
	case text != "" && file != "":
		return nil, "", fmt.Errorf("both $%s and $%s are set; set only one", EnvSigningKey, EnvSigningKeyFile)
	case text != "":
		priv, err := ParsePrivateKey([]byte(text))
		if err != nil {
			return nil, "", fmt.Errorf("$%s: %w", EnvSigningKey, err)
		}
		return priv, "$" + EnvSigningKey, nil
	case file != "":
		priv, err := readPrivateKeyFile(file)
		return priv, "$" + EnvSigningKeyFile + " (" + file + ")", err
	}
	path := filepath.Join(root, DefaultPrivateKeyFile)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, "", fmt.Errorf("no signing key: %s does not exist; run 'taskproof keygen', pass --key FILE, or set $%s (PEM text) or $%s",
			path, EnvSigningKey, EnvSigningKeyFile)
	}
	priv, err = readPrivateKeyFile(path)
	return priv, path, err
}

// readPrivateKeyFile reads and parses a private key file after checking
// that only its owner can read it.
func readPrivateKeyFile(path string) (ed25519.PrivateKey, error) {
	data, mode, err := readKeyFile(path)
	if err != nil {
		return nil, err
	}
	priv, err := ParsePrivateKey(data)
	if err != nil {
		return nil, fmt.Errorf("private key %s: %w", path, err)
	}
	if runtime.GOOS != "windows" && mode.IsRegular() && mode.Perm()&0o077 != 0 {
		return nil, fmt.Errorf("private key %s has permissions %04o, readable or writable by others; only its owner may have access: chmod 600 %s",
			path, mode.Perm(), path)
	}
	return priv, nil
}

// ReadPublicKeyFile reads an ed25519 public key (PKIX PEM) from path.
func ReadPublicKeyFile(path string) (ed25519.PublicKey, error) {
	data, _, err := readKeyFile(path)
	if err != nil {
		return nil, err
	}
	pub, err := ParsePublicKey(data)
	if err != nil {
		return nil, fmt.Errorf("public key %s: %w", path, err)
	}
	return pub, nil
}

// readKeyFile reads a small regular file, returning its mode.
func readKeyFile(path string) ([]byte, fs.FileMode, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, fmt.Errorf("read key: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, 0, fmt.Errorf("read key: %w", err)
	}
	// A pipe is how a key reaches a process without touching the disk
	// ($TASKPROOF_SIGNING_KEY_FILE=/dev/fd/3).
	if !st.Mode().IsRegular() && st.Mode()&fs.ModeNamedPipe == 0 {
		return nil, 0, fmt.Errorf("read key %s: not a regular file or a pipe", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFile+1))
	if err != nil {
		return nil, 0, fmt.Errorf("read key %s: %w", path, err)
	}
	if len(data) > maxKeyFile {
		return nil, 0, fmt.Errorf("read key %s: file is larger than %d KiB; not a key file", path, maxKeyFile>>10)
	}
	return data, st.Mode(), nil
}

// IgnoreKey makes git ignore the private key file at keyPath: it adds the
// rule "/NAME" to the .gitignore in the key's directory (creating the
// directory with mode 0700 and the file when missing), so `git add -A`
// never stages the key. It is idempotent: a .gitignore that already lists
// the key is left alone. It returns the .gitignore's path and whether it
// wrote it. A key git already tracks stays tracked (git rm --cached it).
func IgnoreKey(keyPath string) (ignoreFile string, changed bool, err error) {
	dir, name := filepath.Split(keyPath)
	if dir == "" {
		dir = "."
	}
	ignoreFile = filepath.Join(dir, ".gitignore")
	rule := "/" + gitignoreEscape(name)
	data, err := os.ReadFile(ignoreFile)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return ignoreFile, false, fmt.Errorf("create key directory: %w", err)
		}
	case err != nil:
		return ignoreFile, false, fmt.Errorf("read %s: %w", ignoreFile, err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if l := strings.TrimRight(line, "\r"); l == rule || l == rule[1:] {
			return ignoreFile, false, nil
		}
	}
	var b bytes.Buffer
	b.Write(data)
	if len(data) > 0 && data[len(data)-1] != '\n' {
		b.WriteByte('\n')
	}
	b.WriteString("# taskproof: the private signing key never goes into version control\n")
	b.WriteString(rule + "\n")
	if err := atomicfile.Write(ignoreFile, b.Bytes(), 0o644); err != nil {
		return ignoreFile, false, err
	}
	return ignoreFile, true, nil
}

// gitignoreEscape quotes the characters a .gitignore pattern treats
// specially, so the rule matches the one file name.
func gitignoreEscape(name string) string {
	var b strings.Builder
	for i, c := range name {
		switch {
		case strings.ContainsRune("\\*?[", c), i == 0 && (c == '#' || c == '!'):
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	if strings.HasSuffix(name, " ") {
		return strings.TrimSuffix(b.String(), " ") + "\\ "
	}
	return b.String()
}
