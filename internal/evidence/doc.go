// Package evidence makes, signs and checks taskproof evidence bundles. It
// works on bytes and streams: only keyfile.go (key files) and
// bundlefile.go (OpenFile) touch the file system.
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
// KeyID(pub), the key id securesystemslib and in-toto derive (see KeyID).
//
// Everything in a bundle except Predicate.Run is a function of the commit
// and the proof's inputs: two proofs of the same commit must yield equal
// files and equal Predicate.WithoutRun(). Callers therefore put anything
// run-specific (start time, duration, host, tool versions) in Run, never in
// a file, and keep files free of timestamps.
//
// # Reading bundles from others
//
// Bundles come from CI artefacts, lanes and pull requests, so the reader
// (ustar.go) accepts exactly the documented format: POSIX ustar headers
// with magic "ustar\x0000", a valid checksum, octal numeric fields, regular
// files (type '0') and directories of files/ (type '5', no data), no link
// names, zero header padding, the two zero blocks of the end-of-archive
// marker and only zero bytes after them. PAX headers (so PAX sparse files
// and long names), GNU headers (long names, sparse files, base-256 sizes),
// links, devices and FIFOs are refused (reason Malformed), naming the
// entry. Size limits (Limits; the evidence table of taskproof.toml: max_bundle_bytes,
// default 256 MiB, and max_entry_bytes, default 64 MiB) are checked before
// data is read: the file's size when it is opened, each entry's declared
// size when its header is read (reason TooLarge); envelope.json and
// statement.json are held to MaxJSONEntryBytes and a bundle to MaxEntries
// entries. The archive is read once as a stream: evidence files are hashed
// while read and not kept, so verifying uses the same memory whatever the
// bundle's size; Bundle.ReadFile reads one file when its content is needed.
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
//	b, err := evidence.OpenFile(path, evidence.LimitsOf(cfg.Evidence)) // os errors, or a *VerifyError
//	v, err := b.Verify(pub, evidence.VerifyOptions{Commit: head})
//	// err: *VerifyError (errors.Is(err, evidence.ErrFileChanged), Problems(err))
//	log, err := v.ReadFile("logs/1.log") // checked against its signed digest
//	reasons := evidence.Staleness(v.Predicate, evidence.Current{Commit: head, ...})
//	// len(reasons) == 0: valid and fresh; Done may be set.
//
// Staleness compares the signed hashes with ones the caller recomputes now
// with the same helpers; Current.Commit "" judges by content alone.
// Bundle.Contents decodes a bundle without checking anything (for display
// only). Verify and Read do the same for a bundle held in memory.
package evidence
