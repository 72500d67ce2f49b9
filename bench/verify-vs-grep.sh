#!/usr/bin/env bash
# verify-vs-grep.sh: throughput of taskproof's streaming verifier against
# `grep -F -f` and Python line-by-line matching, over one generated console
# log carrying the upstream 660-marker set.
#
# usage: bench/verify-vs-grep.sh [SIZE]      SIZE like 1G (default), 200M
# env:   MANIFEST   proof-manifest v2 tree (default: the open-nexus corpus
#                   proof-manifest-head beside the repository)
#        PY_RE_MAX  bytes the Python regex loop reads (default 32M: at about
#                   1 MB/s it would take a quarter of an hour per GB; its
#                   throughput is measured on that prefix and the full time
#                   is extrapolated, which the output says)
#        KEEP=1     keep the temporary directory
#
# What runs, all over the same file, page cache warm, one process each:
#   ours exact      internal/verify, exact-line mode: 461 ok markers
#                   required, 199 FAIL markers and the default panic
#                   patterns forbidden (the target: >= 1 GB/s on one core);
#                   the 10 upstream markers that end in a space are prefix
#                   markers, since a value follows them on the line
#   ours substring  the same markers as substrings (how upstream matches)
#   grep -F -f      LC_ALL=C grep -c -F -f markers.txt: substring matching
#                   of all 660 literals, GNU grep's multi-pattern search
#   python re       one compiled alternation of all 660 literals
#                   (re.escape'd, longest first), re.search per line, bytes
#                   I/O: substring matching, the way Python harnesses match
#   python set      line.strip() looked up in a set: exact-line matching,
#                   the fastest pure-Python way
#   taskproof verify  the product path: the taskproof binary verifying a log
#                   against the upstream manifest itself (profile full, its
#                   deny-by-default checks on: unexpected and forbidden
#                   markers, undeclared proof-namespace lines, failure-line
#                   warnings, the presence rule), whole process, over a log
#                   of the same size whose markers are the ones full allows;
#                   compared with grep -F -f over that same log, each the
#                   best of PRODUCT_RUNS runs taken in turns (default 3;
#                   PRODUCT_MIN: the lowest ratio accepted, default 3);
#                   its start-up is the same command over the log's
#                   first line
# MB/s is wall-clock; MB/cpu-s divides by the process's user+system CPU
# time, which says more on a shared machine. x_wall and x_cpu are how many
# times faster ours-exact is than the tool (by wall-clock, by CPU time).
# Wall and CPU times are /usr/bin/time's for the whole process (start-up,
# reading the markers, compiling them); the lines the verifier prints
# itself time the streaming alone.
set -euo pipefail

size=${1:-${SIZE:-1G}}
repo=$(cd "$(dirname "$0")/.." && pwd)
manifest=${MANIFEST:-$repo/../shared/corpus/open-nexus/proof-manifest-head}
py_re_max=${PY_RE_MAX:-32M}

if [[ ! -f $manifest/manifest.toml ]]; then
	echo "verify-vs-grep: no manifest.toml in $manifest (set MANIFEST)" >&2
	exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/verify-vs-grep.XXXXXX")
if [[ ${KEEP:-} == 1 ]]; then
	echo "keeping $tmp"
else
	trap 'rm -rf "$tmp"' EXIT
fi

to_bytes() {
	local s=$1
	case $s in
	*G) echo $((${s%G} << 30)) ;;
	*M) echo $((${s%M} << 20)) ;;
	*K) echo $((${s%K} << 10)) ;;
	*) echo "$s" ;;
	esac
}

have_time=0
if [[ -x /usr/bin/time ]] && /usr/bin/time -f '%e' true 2>/dev/null; then
	have_time=1
fi

# run NAME CMD...: runs CMD with stdout to $tmp/NAME.out and records wall,
# user+sys CPU seconds and peak RSS (KiB) in $tmp/NAME.time.
run() {
	local name=$1
	shift
	if ((have_time)); then
		/usr/bin/time -f '%e %U %S %M' -o "$tmp/$name.time" "$@" >"$tmp/$name.out"
	else
		local TIMEFORMAT='%R %U %S 0'
		{ time "$@" >"$tmp/$name.out"; } 2>"$tmp/$name.time"
	fi
}

# keep_fastest NAME: NAME_try becomes NAME when NAME has no run yet or a
# slower one (by wall-clock).
keep_fastest() {
	local name=$1
	if [[ ! -f $tmp/$name.time ]] || awk -v a="$(tail -n 1 "$tmp/${name}_try.time" | cut -d' ' -f1)" -v b="$(tail -n 1 "$tmp/$name.time" | cut -d' ' -f1)" 'BEGIN { exit !(a < b) }'; then
		mv "$tmp/${name}_try.time" "$tmp/$name.time"
		mv "$tmp/${name}_try.out" "$tmp/$name.out"
	fi
}

# fig NAME BYTES: "wall cpu mb_s mb_cpu_s rss_kib"
fig() {
	# The last line: GNU time puts "Command exited with non-zero status"
	# before its figures.
	read -r wall user sys rss < <(tail -n 1 "$tmp/$1.time")
	awk -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" -v b="$2" 'BEGIN {
		c = u + s; if (w <= 0) w = 0.001; if (c <= 0) c = 0.001
		printf "%.2f %.2f %.1f %.1f %d\n", w, c, b / w / 1e6, b / c / 1e6, r }'
}

echo "== building"
(cd "$repo" && go build -o "$tmp/verifybench" ./bench/cmd/verifybench && go build -o "$tmp/taskproof" ./cmd/taskproof)
"$tmp/verifybench" markers "$manifest" >"$tmp/markers.txt"
nmarkers=$(wc -l <"$tmp/markers.txt")
profile=${PROFILE:-full}
# The markers the profile allows or requires, for the product path's log.
"$tmp/taskproof" contract list --contract "$manifest/manifest.toml" --profile "$profile" --format json |
	python3 -c 'import json,sys; d=json.load(sys.stdin); print("\n".join(m["text"] for m in d["required"]+d["allowed"]))' >"$tmp/allowed.txt"

echo "== generating a $size console log with $nmarkers markers"
"$tmp/verifybench" gen -markers "$tmp/markers.txt" -size "$size" -out "$tmp/console.log"
bytes=$(stat -c %s "$tmp/console.log")
lines=$(wc -l <"$tmp/console.log")
cat "$tmp/console.log" >/dev/null # warm the page cache for everyone
echo "   $bytes bytes, $lines lines, $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== ours (exact)"
run ours "$tmp/verifybench" verify -markers "$tmp/markers.txt" -mode exact "$tmp/console.log"
cat "$tmp/ours.out"
echo "== ours (substring)"
run ours_sub "$tmp/verifybench" verify -markers "$tmp/markers.txt" -mode substring "$tmp/console.log"
cat "$tmp/ours_sub.out"
echo "== grep -F -f"
LC_ALL=C run grep grep -c -F -f "$tmp/markers.txt" "$tmp/console.log" || true
echo "   matching lines: $(cat "$tmp/grep.out")"
echo "== python re (first $py_re_max)"
py_bytes=$(to_bytes "$py_re_max")
((py_bytes > bytes)) && py_bytes=$bytes
run py_re python3 "$repo/bench/pymatch.py" re "$tmp/markers.txt" "$tmp/console.log" "$py_bytes"
cat "$tmp/py_re.out"
py_re_done=$(sed -n 's/.*bytes=\([0-9]*\).*/\1/p' "$tmp/py_re.out")
echo "== python set"
run py_set python3 "$repo/bench/pymatch.py" set "$tmp/markers.txt" "$tmp/console.log" "$bytes"
cat "$tmp/py_set.out"

echo "== the product path: taskproof verify --contract $manifest/manifest.toml --profile $profile"
"$tmp/verifybench" gen -markers "$tmp/allowed.txt" -size "$size" -out "$tmp/product.log"
pbytes=$(stat -c %s "$tmp/product.log")
cat "$tmp/product.log" >/dev/null
# Best of PRODUCT_RUNS, the two taken in turns: on a shared machine one
# slow run says more about the neighbours than about either tool.
for ((i = 1; i <= ${PRODUCT_RUNS:-3}; i++)); do
	run product_try "$tmp/taskproof" verify --contract "$manifest/manifest.toml" --profile "$profile" "$tmp/product.log" || true
	keep_fastest product
	LC_ALL=C run grep_product_try grep -c -F -f "$tmp/markers.txt" "$tmp/product.log" || true
	keep_fastest grep_product
done
# Start-up: the same command over the log's first line (contract parse,
# profile resolution, matcher compilation, process start and exit).
head -n 1 "$tmp/product.log" >"$tmp/startup.log"
for ((i = 1; i <= ${PRODUCT_RUNS:-3}; i++)); do
	run startup_try "$tmp/taskproof" verify --contract "$manifest/manifest.toml" --profile "$profile" "$tmp/startup.log" || true
	keep_fastest startup
done
product_load=$(cut -d' ' -f1-3 /proc/loadavg)
cat "$tmp/product.out"
echo "   grep -F -f matching lines: $(cat "$tmp/grep_product.out")"
if ! grep -q '^PASS: ' "$tmp/product.out"; then
	echo "verify-vs-grep: taskproof verify did not pass the product log" >&2
	exit 1
fi

echo
echo "== results over $bytes bytes ($lines lines)"
read -r o_wall o_cpu o_mbs o_mbc o_rss < <(fig ours "$bytes")
printf '%-16s %9s %9s %10s %11s %10s %8s %8s\n' tool wall_s cpu_s MB/s MB/cpu-s rss_KiB x_wall x_cpu
row() {
	local name=$1 label=$2 b=$3 note=${4:-}
	read -r wall cpu mbs mbc rss < <(fig "$name" "$b")
	rw=$(awk -v a="$o_mbs" -v b="$mbs" 'BEGIN { printf "%.1f", a / b }')
	rc=$(awk -v a="$o_mbc" -v b="$mbc" 'BEGIN { printf "%.1f", a / b }')
	printf '%-16s %9s %9s %10s %11s %10s %8s %8s %s\n' "$label" "$wall" "$cpu" "$mbs" "$mbc" "$rss" "$rw" "$rc" "$note"
}
row ours "ours exact" "$bytes"
row ours_sub "ours substring" "$bytes"
row grep "grep -F -f" "$bytes"
note=""
if ((py_re_done < bytes)); then
	note="(measured on the first $py_re_done bytes; full log ~$(awk -v d="$py_re_done" -v b="$bytes" -v w="$(cut -d' ' -f1 "$tmp/py_re.time")" 'BEGIN { printf "%.0f", w * b / d }') s)"
fi
row py_re "python re" "$py_re_done" "$note"
row py_set "python set" "$bytes"
echo
echo "== the product path over $pbytes bytes (ratios to grep -F -f over the same log; load average $product_load)"
printf '%-16s %9s %9s %10s %11s %10s %8s %8s\n' tool wall_s cpu_s MB/s MB/cpu-s rss_KiB x_wall x_cpu
read -r g_wall g_cpu g_mbs g_mbc g_rss < <(fig grep_product "$pbytes")
read -r p_wall p_cpu p_mbs p_mbc p_rss < <(fig product "$pbytes")
pw=$(awk -v a="$p_mbs" -v b="$g_mbs" 'BEGIN { printf "%.1f", a / b }')
pc=$(awk -v a="$p_mbc" -v b="$g_mbc" 'BEGIN { printf "%.1f", a / b }')
printf '%-16s %9s %9s %10s %11s %10s %8s %8s\n' "taskproof verify" "$p_wall" "$p_cpu" "$p_mbs" "$p_mbc" "$p_rss" "$pw" "$pc"
printf '%-16s %9s %9s %10s %11s %10s %8s %8s\n' "grep -F -f" "$g_wall" "$g_cpu" "$g_mbs" "$g_mbc" "$g_rss" "1.0" "1.0"
read -r s_wall s_cpu _ _ s_rss < <(fig startup 1)
echo "start-up (taskproof verify over one line): wall ${s_wall} s, cpu ${s_cpu} s, peak RSS ${s_rss} KiB"
min=${PRODUCT_MIN:-3}
if awk -v r="$pw" -v m="$min" 'BEGIN { exit !(r < m) }'; then
	echo "verify-vs-grep: taskproof verify is ${pw}x grep -F -f by wall-clock, below ${min}x" >&2
	exit 1
fi
echo "ours exact: peak RSS $o_rss KiB for a $bytes-byte log (the verifier's heap does not grow with the log; see TestMemoryBounded)"
