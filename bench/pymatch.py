"""Line-by-line marker matching the way Python console harnesses do it.

usage: pymatch.py MODE MARKERS LOG MAX_BYTES
  MODE re:  one compiled alternation of all markers (re.escape'd, longest
            first), re.search on every line: substring semantics, like the
            upstream grep ladder.
  MODE set: the line stripped of CR/LF and spaces, looked up in a set:
            exact-line semantics, the fastest pure-Python way.
Reads the log in binary (no decoding cost), stops after MAX_BYTES, prints
key=value figures.
"""
import re
import sys
import time

mode, mfile, log, max_bytes = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
with open(mfile, "rb") as f:
    markers = [l.rstrip(b"\n") for l in f if l.strip()]

hits = 0
done = 0
start = time.perf_counter()
cpu0 = time.process_time()
with open(log, "rb") as f:
    if mode == "re":
        pat = re.compile(b"|".join(re.escape(m) for m in sorted(markers, key=len, reverse=True)))
        search = pat.search
        for line in f:
            done += len(line)
            if search(line):
                hits += 1
            if done >= max_bytes:
                break
    elif mode == "set":
        known = set(markers)
        for line in f:
            done += len(line)
            if line.strip() in known:
                hits += 1
            if done >= max_bytes:
                break
    else:
        sys.exit("unknown mode " + mode)
wall = time.perf_counter() - start
cpu = time.process_time() - cpu0
print("mode=%s bytes=%d hits=%d wall_s=%.3f cpu_s=%.3f mb_s=%.2f mb_cpu_s=%.2f" % (mode, done, hits, wall, cpu, done / wall / 1e6, done / cpu / 1e6))
