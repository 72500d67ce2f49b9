// Package evidence makes, signs and checks taskproof evidence bundles. It
// works on bytes: only keyfile.go touches the file system (key files).
//
// # Bundle format (v1)
//
// A bundle is one plain ustar archive (no PAX or GNU extensions) holding
//
//	envelope.json   DSSE envelope: payloadType application/vnd.in-toto+json,
//	                payload = base64(statement.json), signatures [{keyid, sig}]
//	files/NAME ...  the evidence files (raw logs, marker trace, reports,
//	                test results, scope report, resolved configuration)
//	statement.json  in-toto Statement v1, byte-identical to the signed payload
//
// Entries are sorted by name, regular files only (no directory entries),
// mode 0644, uid and gid 0, empty owner names, mtime 0 (1970-01-01). The
// JSON files are two-space indented with a trailing newline and fields in
// struct order, so the same inputs give the same bytes.
//
// The statement's subjects are the files/ entries, by entry name
// ("files/qemu.log") with their sha256 digests, sorted by name; its
// predicateType is https://taskproof.dev/evidence/v1 and its predicate is
// a Predicate (task id, commit, contract hash, allowlist hash, Stop
// conditions hash, overall verdict, per-item verdicts, and a run object).
// The signature is ed25519 over DSSE's PAE(payloadType, payload); keyid is
// KeyID(pub), the hex SHA-256 of the public key's PKIX DER.
//
// Everything in a bundle except Predicate.Run is a function of the commit
// and the proof's inputs: two proofs of the same commit must yield equal
// files and equal Predicate.WithoutRun(). Callers therefore put anything
// run-specific (start time, duration, host, tool versions) in Run, never in
// a file, and keep files free of timestamps.
//
// # API for prove
//
//	priv, source, err := evidence.LoadSigningKey(env.getenv, keyFlag, root)
//	pred := evidence.Predicate{
//		TaskID: id, Commit: head, ContractHash: contract.Hash(),
//		AllowlistHash:      evidence.HashAllowlistedContent(allowlisted),
//		StopConditionsHash: evidence.HashText(stopConditionsSectionText),
//		Verdict: evidence.Proven, Items: items, Run: evidence.Run{...},
//	}
//	bundle, err := evidence.Build(files, pred, priv) // then atomicfile.Write
//
// Build validates file names (CheckName: relative, printable ASCII, no ".."
// or duplicates) and the predicate (Predicate.Validate: full commit id,
// known kinds and verdicts, overall verdict agreeing with the items).
//
// # API for verify, status set and the board
//
//	pub, err := evidence.ReadPublicKeyFile(filepath.Join(root, evidence.DefaultPublicKeyFile))
//	v, err := evidence.Verify(bundle, pub, evidence.VerifyOptions{Commit: head})
//	// err: *VerifyError (errors.Is(err, evidence.ErrFileChanged), Problems(err))
//	reasons := evidence.Staleness(v.Predicate, evidence.Current{Commit: head, ...})
//	// len(reasons) == 0: valid and fresh; Done may be set.
//
// Staleness compares the signed hashes with ones the caller recomputes now
// with the same helpers; Current.Commit "" judges by content alone. Read
// parses a bundle without checking anything (for display only).
package evidence
