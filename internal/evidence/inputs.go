package evidence

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// InputsName is files/inputs.json: the digests of the files the proof
// commands ran or booted (Inputs), including ones outside git.
const InputsName = "inputs.json"

// Input is one proof input and its content digest.
type Input struct {
	Path   string `json:"path"`   // relative to the root, slash-separated
	SHA256 string `json:"sha256"` // "" when the file is gone
}

// Inputs is files/inputs.json, sorted by path.
type Inputs struct {
	Files []Input `json:"files"`
}

// HashInput returns the sha256 of the regular file at path, streamed; ""
// with a nil error when there is no such file.
func HashInput(path string) (string, error) {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("hash %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// InputChanges compares the inputs a bundle recorded (inputs.json's
// content; nil: none recorded) with the files under root now and
// returns one line per changed, removed or unreadable file.
func InputChanges(recorded []byte, root string) []string {
	if recorded == nil {
		return nil
	}
	var in Inputs
	if err := json.Unmarshal(recorded, &in); err != nil {
		return []string{fmt.Sprintf("%s cannot be read: %v", InputsName, err)}
	}
	var out []string
	for _, f := range in.Files {
		now, err := HashInput(filepath.Join(root, filepath.FromSlash(f.Path)))
		switch {
		case err != nil:
			out = append(out, fmt.Sprintf("proof input %s cannot be read: %v", f.Path, err))
		case now == f.SHA256:
		case now == "":
			out = append(out, fmt.Sprintf("proof input %s is gone since the proof", f.Path))
		default:
			out = append(out, fmt.Sprintf("proof input %s changed since the proof (sha256 %s, now %s)", f.Path, short(f.SHA256), short(now)))
		}
	}
	return out
}
