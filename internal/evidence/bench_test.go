package evidence

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"testing"
)

// benchBundle is a signed bundle with an 8 MiB console log (the default
// prove log budget) beside the sample files.
func benchBundle(b *testing.B) ([]byte, []byte) {
	b.Helper()
	var log bytes.Buffer
	for i := 0; log.Len() < 8<<20; i++ {
		fmt.Fprintf(&log, "[%8d.000000] guest: line %d\n", i, i)
	}
	files := append(sampleFiles(), File{Name: "logs/1.log", Data: log.Bytes()})
	return mustBuild(b, files, samplePredicate(), testKey("A")), log.Bytes()
}

// BenchmarkVerify8MiB: Verify reads the archive once as a stream, hashing
// each entry as it passes.
func BenchmarkVerify8MiB(b *testing.B) {
	bundle, _ := benchBundle(b)
	pub := pubOf(testKey("A"))
	b.SetBytes(int64(len(bundle)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Verify(bundle, pub, VerifyOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkArchiveTarReadAll8MiB is the baseline: how the reader worked
// before, archive/tar with each entry read whole (io.ReadAll) and hashed,
// without the signature check Verify adds on top.
func BenchmarkArchiveTarReadAll8MiB(b *testing.B) {
	bundle, _ := benchBundle(b)
	b.SetBytes(int64(len(bundle)))
	b.ReportAllocs()
	for b.Loop() {
		tr := tar.NewReader(bytes.NewReader(bundle))
		for {
			_, err := tr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			data, err := io.ReadAll(tr)
			if err != nil {
				b.Fatal(err)
			}
			sha256.Sum256(data)
		}
		sha256.Sum256(bundle)
	}
}
