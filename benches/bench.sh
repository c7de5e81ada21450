#!/usr/bin/env bash
# minefree benchmark: `make bench` (or `bash benches/bench.sh`). See benches/README.md.
#
# Generates synthetic data sets (cached), runs the whole pipeline on each under
# /usr/bin/time -v, and prints a Markdown table of per-stage seconds (from run.json),
# wall time, peak RSS and threads; then the 1-thread / 2-thread comparison.
#
# Environment:
#   CARGO_TARGET_DIR   where the release binary is   (default /var/cache/minefree/target)
#   BENCH_DIR          cache of generated data sets  (default /var/cache/minefree/bench)
#   BENCH_SCALES       scales to run                 (default "1 10 100")
#   BENCH_THREADS_SCALE  scale of the 1-vs-2-thread comparison (default: largest scale;
#                      "none" skips it)
#   BENCH_SEED         generator seed                (default 42)
#   BENCH_TIMEOUT      give up on a run after this many seconds (default: no limit);
#                      such a run prints "timeout" instead of its figures
set -euo pipefail

BIN="${CARGO_TARGET_DIR:-/var/cache/minefree/target}/release/minefree"
BENCH_DIR="${BENCH_DIR:-/var/cache/minefree/bench}"
SCALES="${BENCH_SCALES:-1 10 100}"
SEED="${BENCH_SEED:-42}"
TIMEOUT="${BENCH_TIMEOUT:-}"
LARGEST="$(printf '%s\n' $SCALES | sort -g | tail -n 1)"
THREADS_SCALE="${BENCH_THREADS_SCALE:-$LARGEST}"
STAGES=(ingest qa release regions priority progress report)

die() { echo "bench: $*" >&2; exit 1; }

[ -x "$BIN" ] || die "no binary at $BIN; build it first (make build)"

# /usr/bin/time (GNU time, for -v) and jq (to read run.json)
missing=()
[ -x /usr/bin/time ] || missing+=(time)
command -v jq >/dev/null 2>&1 || missing+=(jq)
if [ ${#missing[@]} -gt 0 ]; then
    echo "bench: installing ${missing[*]}" >&2
    if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null ||
        { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null; } ||
        die "cannot install ${missing[*]}"
fi

mkdir -p "$BENCH_DIR"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/minefree-bench.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
# a private copy of the binary, so that a rebuild during the benchmark cannot mix builds
cp "$BIN" "$WORK/minefree"
BIN="$WORK/minefree"

# dataset SCALE -> prints the pipeline path, generating the data set when it is missing
# (or was made with another seed; delete the cache after changing the generator)
dataset() {
    local dir="$BENCH_DIR/scale-$1"
    if [ ! -f "$dir/pipeline.toml" ] || [ ! -f "$dir/synthetic.gpkg" ] ||
        [ "$(cat "$dir/seed" 2>/dev/null)" != "$SEED" ]; then
        echo "bench: generating scale $1 (seed $SEED) in $dir" >&2
        rm -rf "$dir.tmp"
        "$BIN" --quiet synth --scale "$1" --seed "$SEED" --out "$dir.tmp" >/dev/null
        echo "$SEED" >"$dir.tmp/seed"
        rm -rf "$dir"
        mv "$dir.tmp" "$dir"
    fi
    echo "$dir/pipeline.toml"
}

# run NAME PIPELINE [minefree global options...] -> leaves $WORK/NAME/{out,time.txt};
# returns 1 when the run timed out (BENCH_TIMEOUT)
run() {
    local name="$1" pipeline="$2"
    shift 2
    local out="$WORK/$name/out" rc=0
    local limit=()
    [ -n "$TIMEOUT" ] && limit=(timeout "$TIMEOUT")
    mkdir -p "$WORK/$name"
    echo "bench: running $name${TIMEOUT:+ (timeout ${TIMEOUT}s)}" >&2
    /usr/bin/time -v -o "$WORK/$name/time.txt" "${limit[@]}" \
        "$BIN" --quiet "$@" run "$pipeline" --output "$out" \
        >"$WORK/$name/stdout.txt" 2>"$WORK/$name/stderr.txt" || rc=$?
    if [ -n "$TIMEOUT" ] && [ "$rc" -eq 124 ]; then
        echo "bench: $name timed out after ${TIMEOUT}s" >&2
        return 1
    fi
    # 3 = finished with QA errors under fail_on = "error": the timings are still valid
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then
        cat "$WORK/$name/stderr.txt" >&2
        die "$name: minefree exited with status $rc"
    fi
}

# wall NAME -> seconds (from "Elapsed (wall clock) time (h:mm:ss or m:ss): 1:02.34")
wall() {
    awk '/Elapsed \(wall clock\)/ { n = split($NF, p, ":"); s = 0
        for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s }' "$WORK/$1/time.txt"
}

# rss NAME -> peak resident set size in MiB
rss() {
    sed -n 's/.*Maximum resident set size (kbytes): //p' "$WORK/$1/time.txt" |
        awk '{ printf "%.0f", $1 / 1024 }'
}

# json NAME JQ-FILTER
json() { jq -r "$2" "$WORK/$1/out/run.json"; }

features() { json "$1" "[.inputs[] | select(.layer == \"$2\") | .features_read] | add // 0"; }

# cell NAME JQ-FILTER -> the value, or "timeout" when the run did not finish
cell() {
    if [ -f "$WORK/$1/out/run.json" ]; then json "$1" "$2"; else echo "timeout"; fi
}

done_runs=()
for scale in $SCALES; do
    pipeline="$(dataset "$scale")"
    run "scale-$scale" "$pipeline" || true
    done_runs+=("scale-$scale")
done

# columns: the SPEC stages, then any further stage this build reports (first finished run)
EXTRA=()
for name in "${done_runs[@]}"; do
    if [ -f "$WORK/$name/out/run.json" ]; then
        mapfile -t EXTRA < <(json "$name" '.timings_s | keys_unsorted[]' |
            grep -vxF -e total $(printf -- '-e %s ' "${STAGES[@]}") || true)
        break
    fi
done
cols=("${STAGES[@]}" "${EXTRA[@]}")

echo
echo "Per-stage seconds from run.json (timings_s); wall and peak RSS from /usr/bin/time -v."
echo
printf '| scale | hazards | releases | settlements |'
printf ' %s |' "${cols[@]}"
printf ' total s | wall s | peak RSS MiB | threads |\n'
printf '|---:|---:|---:|---:|'
printf -- '---:|%.0s' "${cols[@]}"
printf -- '---:|---:|---:|---:|\n'
for scale in $SCALES; do
    name="scale-$scale"
    if [ -f "$WORK/$name/out/run.json" ]; then
        printf '| %s | %s | %s | %s |' "$scale" "$(features "$name" hazards)" \
            "$(features "$name" releases)" "$(features "$name" settlements)"
        for st in "${cols[@]}"; do
            printf ' %s |' "$(json "$name" ".timings_s[\"$st\"] // \"–\"")"
        done
        printf ' %s | %s | %s | %s |\n' "$(json "$name" '.timings_s.total')" "$(wall "$name")" \
            "$(rss "$name")" "$(json "$name" '.threads')"
    else
        printf '| %s | – | – | – |' "$scale"
        printf ' – |%.0s' "${cols[@]}"
        printf ' timeout | > %s | %s | – |\n' "$TIMEOUT" "$(rss "$name")"
    fi
done

if [ "$THREADS_SCALE" != "none" ]; then
    pipeline="$(dataset "$THREADS_SCALE")"
    run "t1" "$pipeline" --threads 1 || true
    run "t2" "$pipeline" --threads 2 || true
    echo
    echo "| scale $THREADS_SCALE | total s | wall s | peak RSS MiB | threads |"
    echo "|---|---:|---:|---:|---:|"
    for t in 1 2; do
        if [ -f "$WORK/t$t/out/run.json" ]; then
            echo "| --threads $t | $(json "t$t" '.timings_s.total') | $(wall "t$t") | $(rss "t$t") | $(json "t$t" '.threads') |"
        else
            echo "| --threads $t | timeout | > $TIMEOUT | $(rss "t$t") | $t |"
        fi
    done
    echo
    if [ -f "$WORK/t1/out/run.json" ] && [ -f "$WORK/t2/out/run.json" ]; then
        awk -v a="$(wall t1)" -v b="$(wall t2)" 'BEGIN {
            if (b > 0) printf "1-thread / 2-thread wall-time ratio: %.2f\n", a / b
            else print "1-thread / 2-thread wall-time ratio: n/a (wall time 0)"
        }'
    else
        echo "1-thread / 2-thread wall-time ratio: n/a (a run timed out)"
    fi
fi
