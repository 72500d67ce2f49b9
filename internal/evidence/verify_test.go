package evidence

import (
	"archive/tar"
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

// otherBundle is a second bundle by the same key: another task, other files.
func otherBundle(t testing.TB) []byte {
	p := samplePredicate()
	p.TaskID, p.Commit = "TASK-0008", commitB
	return mustBuild(t, []File{{Name: "qemu.log", Data: []byte("boot: ok\npanic: out of memory\n")}}, p, testKey("A"))
}

// TestVerifyTampered produces each failure reason from a real modified
// bundle and checks the reason, the file it names and the message.
func TestVerifyTampered(t *testing.T) {
	key := testKey("A")
	good := mustBuild(t, sampleFiles(), samplePredicate(), key)
	other := otherBundle(t)
	stJSON := entryData(t, good, StatementEntry)

	tests := []struct {
		name   string
		bundle func(t *testing.T) []byte
		pub    ed25519.PublicKey
		opts   VerifyOptions
		want   *VerifyError
		file   string
		msg    string
	}{
		{
			name: "file rewritten inside the tar",
			bundle: func(t *testing.T) []byte {
				return rewrite(t, good, replaceEntry("files/qemu.log", []byte("SeaBIOS (version 1.16)\r\n\x1b[2Jboot: ok\nsched: ready\nall good\n")))
			},
			want: ErrFileChanged, file: "qemu.log", msg: "files/qemu.log was changed after signing",
		},
		{
			name: "byte flipped in place",
			bundle: func(t *testing.T) []byte {
				b := append([]byte(nil), good...)
				i := bytes.Index(b, []byte("SeaBIOS"))
				b[i] = 's' // content bytes are outside the tar header checksum
				return b
			},
			want: ErrFileChanged, file: "qemu.log", msg: "its sha256 is",
		},
		{
			name: "file added",
			bundle: func(t *testing.T) []byte {
				return rewrite(t, good, func(es []tarEntry) []tarEntry {
					h := es[1].hdr
					h.Name = "files/extra.log"
					return append(es, tarEntry{hdr: h, data: []byte("fake proof\n")})
				})
			},
			want: ErrFileAdded, file: "extra.log", msg: "files/extra.log is not in the signed statement",
		},
		{
			name: "file removed",
			bundle: func(t *testing.T) []byte {
				return rewrite(t, good, func(es []tarEntry) []tarEntry {
					var out []tarEntry
					for _, e := range es {
						if e.hdr.Name != "files/markers.jsonl" {
							out = append(out, e)
						}
					}
					return out
				})
			},
			want: ErrFileRemoved, file: "markers.jsonl", msg: "files/markers.jsonl is in the signed statement but missing",
		},
		{
			name: "statement edited",
			bundle: func(t *testing.T) []byte {
				edited := bytes.Replace(stJSON, []byte(`"task_id": "TASK-0007"`), []byte(`"task_id": "TASK-0001"`), 1)
				return rewrite(t, good, replaceEntry(StatementEntry, edited))
			},
			want: ErrStatementChanged, msg: "statement.json differs from the statement signed in envelope.json (first difference at line",
		},
		{
			name: "statement and payload edited together",
			bundle: func(t *testing.T) []byte {
				edited := bytes.Replace(stJSON, []byte(`"verdict": "proven"`), []byte(`"verdict": "failed"`), 1)
				var env Envelope
				if err := json.Unmarshal(entryData(t, good, EnvelopeEntry), &env); err != nil {
					t.Fatal(err)
				}
				env.Payload = base64.StdEncoding.EncodeToString(edited)
				envJSON, _ := marshalJSON(env)
				b := rewrite(t, good, replaceEntry(StatementEntry, edited))
				return rewrite(t, b, replaceEntry(EnvelopeEntry, envJSON))
			},
			want: ErrBadSignature, msg: "does not match the signed payload",
		},
		{
			name:   "signed with another key",
			bundle: func(t *testing.T) []byte { return mustBuild(t, sampleFiles(), samplePredicate(), testKey("B")) },
			want:   ErrWrongKey, msg: "not by the verifying key " + short(KeyID(pubOf(key))),
		},
		{
			name:   "verified with another key",
			bundle: func(t *testing.T) []byte { return good },
			pub:    pubOf(testKey("B")),
			want:   ErrWrongKey, msg: "signed by key " + short(KeyID(pubOf(key))),
		},
		{
			name: "another key's signature under this key's id",
			bundle: func(t *testing.T) []byte {
				forged := mustBuild(t, sampleFiles(), samplePredicate(), testKey("B"))
				var env Envelope
				if err := json.Unmarshal(entryData(t, forged, EnvelopeEntry), &env); err != nil {
					t.Fatal(err)
				}
				env.Signatures[0].KeyID = KeyID(pubOf(key))
				envJSON, _ := marshalJSON(env)
				return rewrite(t, forged, replaceEntry(EnvelopeEntry, envJSON))
			},
			want: ErrBadSignature, msg: "does not match",
		},
		{
			name: "envelope swapped in from another bundle",
			bundle: func(t *testing.T) []byte {
				return rewrite(t, good, replaceEntry(EnvelopeEntry, entryData(t, other, EnvelopeEntry)))
			},
			want: ErrTransplanted, msg: "envelope.json was signed for another bundle (task TASK-0008, commit 89abcdef0123…): its statement does not cover this bundle's files",
		},
		{
			name: "envelope and statement swapped in from another bundle",
			bundle: func(t *testing.T) []byte {
				b := rewrite(t, good, replaceEntry(EnvelopeEntry, entryData(t, other, EnvelopeEntry)))
				return rewrite(t, b, replaceEntry(StatementEntry, entryData(t, other, StatementEntry)))
			},
			want: ErrFileAdded, file: "config.json", msg: "files/config.json is not in the signed statement",
		},
		{
			name:   "another commit",
			bundle: func(t *testing.T) []byte { return good },
			opts:   VerifyOptions{Commit: commitB},
			want:   ErrWrongCommit, msg: "evidence is for commit " + commitA + ", not " + commitB,
		},
		{
			name:   "another commit, abbreviated",
			bundle: func(t *testing.T) []byte { return good },
			opts:   VerifyOptions{Commit: "89abcde"},
			want:   ErrWrongCommit, msg: "not 89abcde",
		},
		{
			name:   "not a tar",
			bundle: func(t *testing.T) []byte { return []byte("hello, I am a bundle\n") },
			want:   ErrMalformed, msg: "malformed bundle: the file is 21 bytes, too short for a tar header",
		},
		{
			name:   "truncated",
			bundle: func(t *testing.T) []byte { return good[:len(good)/2] },
			want:   ErrMalformed, msg: "malformed bundle",
		},
		{
			name:   "empty",
			bundle: func(t *testing.T) []byte { return nil },
			want:   ErrMalformed, msg: "the file is 0 bytes, too short for a tar header",
		},
		{
			name: "no statement",
			bundle: func(t *testing.T) []byte {
				return rewrite(t, good, func(es []tarEntry) []tarEntry { return es[:len(es)-1] })
			},
			want: ErrMalformed, msg: "no statement.json entry",
		},
		{
			name: "duplicate entry shadowing a file",
			bundle: func(t *testing.T) []byte {
				return rewrite(t, good, func(es []tarEntry) []tarEntry {
					return append(es, tarEntry{hdr: es[len(es)-2].hdr, data: []byte("second copy\n")})
				})
			},
			want: ErrMalformed, msg: "appears twice",
		},
		{
			name: "symlink entry",
			bundle: func(t *testing.T) []byte {
				return rewrite(t, good, func(es []tarEntry) []tarEntry {
					return append(es, tarEntry{hdr: tar.Header{Typeflag: tar.TypeSymlink, Name: "files/link", Linkname: "/etc/passwd", ModTime: time.Unix(0, 0)}})
				})
			},
			want: ErrMalformed, msg: `"files/link" (header at byte 10240): is a symbolic link (type '2'); a bundle is a plain ustar archive`,
		},
		{
			name: "entry outside files/",
			bundle: func(t *testing.T) []byte {
				return rewrite(t, good, func(es []tarEntry) []tarEntry {
					h := es[1].hdr
					h.Name = "../../.bashrc"
					return append(es, tarEntry{hdr: h, data: []byte("x")})
				})
			},
			want: ErrMalformed, msg: `entry 7 "../../.bashrc" (header at byte 10240): unexpected name`,
		},
		{
			name: "traversal under files/",
			bundle: func(t *testing.T) []byte {
				return rewrite(t, good, func(es []tarEntry) []tarEntry {
					h := es[1].hdr
					h.Name = "files/../../x"
					return append(es, tarEntry{hdr: h, data: []byte("x")})
				})
			},
			want: ErrMalformed, msg: `contains ".."`,
		},
		{
			name:   "envelope not JSON",
			bundle: func(t *testing.T) []byte { return rewrite(t, good, replaceEntry(EnvelopeEntry, []byte("{"))) },
			want:   ErrMalformed, msg: "envelope.json is not valid JSON",
		},
		{
			name: "payload not base64",
			bundle: func(t *testing.T) []byte {
				return rewrite(t, good, replaceEntry(EnvelopeEntry, []byte(`{"payloadType":"application/vnd.in-toto+json","payload":"%%%","signatures":[]}`)))
			},
			want: ErrMalformed, msg: "payload is not base64",
		},
		{
			name: "no signatures",
			bundle: func(t *testing.T) []byte {
				env := Envelope{PayloadType: PayloadType, Payload: base64.StdEncoding.EncodeToString(stJSON)}
				envJSON, _ := marshalJSON(env)
				return rewrite(t, good, replaceEntry(EnvelopeEntry, envJSON))
			},
			want: ErrBadSignature, msg: "envelope.json carries no signature",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pub := tt.pub
			if pub == nil {
				pub = pubOf(key)
			}
			v, err := Verify(tt.bundle(t), pub, tt.opts)
			if err == nil {
				t.Fatalf("Verify accepted a tampered bundle: %+v", v.Predicate)
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v (%T), want reason %s", err, err, tt.want.Reason)
			}
			var ve *VerifyError
			if !errors.As(err, &ve) {
				t.Fatalf("err %T is not a *VerifyError", err)
			}
			if ve.File != tt.file {
				t.Errorf("File = %q, want %q", ve.File, tt.file)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("message %q does not contain %q", err.Error(), tt.msg)
			}
		})
	}
}

// TestVerifyReportsEveryFile: several tampered files give one joined
// problem each, in name order.
func TestVerifyReportsEveryFile(t *testing.T) {
	key := testKey("A")
	good := mustBuild(t, sampleFiles(), samplePredicate(), key)
	bad := rewrite(t, good, func(es []tarEntry) []tarEntry {
		var out []tarEntry
		for _, e := range es {
			switch e.hdr.Name {
			case "files/config.json":
				e.data = []byte("{}\n")
			case "files/reports/scope.json":
				continue
			}
			out = append(out, e)
		}
		h := out[1].hdr
		h.Name = "files/zz.log"
		return append(out, tarEntry{hdr: h, data: []byte("z")})
	})
	_, err := Verify(bad, pubOf(key), VerifyOptions{})
	var got []string
	for _, p := range Problems(err) {
		got = append(got, string(p.Reason)+" "+p.File)
	}
	want := []string{"file_changed config.json", "file_added zz.log", "file_removed reports/scope.json"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("problems = %q, want %q (err %v)", got, want, err)
	}
	if !errors.Is(err, ErrFileRemoved) || !errors.Is(err, ErrFileAdded) {
		t.Errorf("errors.Is misses a joined reason: %v", err)
	}
}

// TestVerifyAcceptsRepacked: verification is about content, not archive
// layout, so a bundle extracted and repacked with other headers (mtimes,
// owners, directory entries, another order) still verifies.
func TestVerifyAcceptsRepacked(t *testing.T) {
	key := testKey("A")
	good := mustBuild(t, sampleFiles(), samplePredicate(), key)
	repacked := rewrite(t, good, func(es []tarEntry) []tarEntry {
		out := []tarEntry{{hdr: tar.Header{Typeflag: tar.TypeDir, Name: "files/", Mode: 0o755, ModTime: time.Now()}}}
		out = append(out, tarEntry{hdr: tar.Header{Typeflag: tar.TypeDir, Name: "files/reports/", Mode: 0o755, ModTime: time.Now()}})
		for i := len(es) - 1; i >= 0; i-- {
			e := es[i]
			e.hdr.ModTime = time.Now()
			e.hdr.Uname, e.hdr.Uid, e.hdr.Mode = "someone", 1000, 0o600
			e.hdr.Format = tar.FormatUSTAR
			out = append(out, e)
		}
		return out
	})
	if bytes.Equal(repacked, good) {
		t.Fatal("repacking changed nothing; the test proves nothing")
	}
	if _, err := Verify(repacked, pubOf(key), VerifyOptions{Commit: commitA[:7]}); err != nil {
		t.Fatalf("repacked bundle: %v", err)
	}
	// Upper-case abbreviations are the same commit.
	if _, err := Verify(good, pubOf(key), VerifyOptions{Commit: strings.ToUpper(commitA[:12])}); err != nil {
		t.Fatalf("upper-case commit: %v", err)
	}
}

func TestVerifyBadArguments(t *testing.T) {
	good := mustBuild(t, sampleFiles(), samplePredicate(), testKey("A"))
	for _, c := range []string{"012345", "zzzzzzz", commitA + "00000000000000000000000000"} {
		_, err := Verify(good, pubOf(testKey("A")), VerifyOptions{Commit: c})
		if err == nil || Problems(err) != nil || !strings.Contains(err.Error(), "not a hex object id") {
			t.Errorf("commit %q: err = %v, want an argument error", c, err)
		}
	}
	_, err := Verify(good, ed25519.PublicKey{1}, VerifyOptions{})
	if err == nil || Problems(err) != nil {
		t.Errorf("short key: err = %v, want an argument error", err)
	}
}

func TestVerifyErrorIs(t *testing.T) {
	e := verifyErr(FileChanged, "a", "files/a changed")
	if !errors.Is(e, ErrFileChanged) || errors.Is(e, ErrFileAdded) {
		t.Error("Is does not match by reason")
	}
	if errors.Is(ErrFileChanged, e) {
		t.Error("a sentinel matched a specific error")
	}
	if ErrWrongKey.Error() != "evidence: wrong_key" {
		t.Errorf("sentinel message = %q", ErrWrongKey.Error())
	}
}
