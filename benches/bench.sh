#!/usr/bin/env bash
# minefree benchmark: `make bench` (or `bash benches/bench.sh`). See benches/README.md.
#
# Generates data sets (cached): `minefree synth` at BENCH_SCALES and the independent
# generator ../shared/bench/gen.py at BENCH_GEN_SCALES; runs the whole pipeline on each
# under /usr/bin/time -v and prints a Markdown table of per-stage seconds (from
# run.json), wall time, peak RSS and threads; then the 1-thread / 2-thread comparison;
# then, with BENCH_OLD_BIN, old and new binaries side by side on the same data.
#
# Environment:
#   CARGO_TARGET_DIR   where the release binary is   (default /var/cache/minefree/target)
#   BENCH_DIR          cache of generated data sets  (default /var/cache/minefree/bench)
#   BENCH_SCALES       synth scales to run           (default "1 10 100"; add 1000 for the
#                      global-scale row: ~3 min, ~3 GiB; "none" runs no synth row)
#   BENCH_GEN_SCALES   gen.py scales to run          (default "1 10 100"; "none" skips)
#   BENCH_GEN_PY       the generator                 (default ../shared/bench/gen.py from
#                      the repository root)
#   BENCH_GEN_SEED     gen.py seed                   (default 7)
#   BENCH_THREADS_SCALE  synth scale of the 1-vs-2-thread comparison (default: largest
#                      synth scale up to 100; "none" skips it)
#   BENCH_SEED         synth seed                    (default 42)
#   BENCH_TIMEOUT      give up on a run after this many seconds (default: no limit);
#                      such a run prints "timeout" instead of its figures
#   BENCH_OLD_BIN      an older minefree binary: run it and the new one alternately on
#                      each BENCH_COMPARE data set and print both and the ratio old/new
#   BENCH_COMPARE      data sets of the side-by-side (default: "gen:100" and every synth
#                      scale of 1000 or more in BENCH_SCALES, as "synth:1000")
#   BENCH_ROUNDS       old/new rounds per data set (default 1; the best of the rounds,
#                      per figure, is printed)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${CARGO_TARGET_DIR:-/var/cache/minefree/target}/release/minefree"
BENCH_DIR="${BENCH_DIR:-/var/cache/minefree/bench}"
SCALES="${BENCH_SCALES:-1 10 100}"
[ "$SCALES" = "none" ] && SCALES=""
GEN_SCALES="${BENCH_GEN_SCALES:-1 10 100}"
[ "$GEN_SCALES" = "none" ] && GEN_SCALES=""
GEN_PY="${BENCH_GEN_PY:-$ROOT/../shared/bench/gen.py}"
GEN_SEED="${BENCH_GEN_SEED:-7}"
SEED="${BENCH_SEED:-42}"
TIMEOUT="${BENCH_TIMEOUT:-}"
OLD_BIN="${BENCH_OLD_BIN:-}"
ROUNDS="${BENCH_ROUNDS:-1}"
STAGES=(ingest qa release regions priority progress report)

die() { echo "bench: $*" >&2; exit 1; }

[ -x "$BIN" ] || die "no binary at $BIN; build it first (make build)"
[ -z "$OLD_BIN" ] || [ -x "$OLD_BIN" ] || die "BENCH_OLD_BIN=$OLD_BIN is not an executable"

# the threads scale: the largest synth scale up to 100 unless given
if [ -z "${BENCH_THREADS_SCALE:-}" ]; then
    THREADS_SCALE="$(printf '%s\n' $SCALES | awk '$1 <= 100' | sort -g | tail -n 1)"
    [ -n "$THREADS_SCALE" ] || THREADS_SCALE=none
else
    THREADS_SCALE="$BENCH_THREADS_SCALE"
fi
if [ -n "${BENCH_COMPARE:-}" ]; then
    COMPARE="$BENCH_COMPARE"
else
    COMPARE="gen:100 $(printf '%s\n' $SCALES | awk '$1 >= 1000 { printf "synth:%s ", $1 }')"
fi

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
# private copies of the binaries, so that a rebuild during the benchmark cannot mix builds
cp "$BIN" "$WORK/minefree"
BIN="$WORK/minefree"
if [ -n "$OLD_BIN" ]; then
    cp "$OLD_BIN" "$WORK/minefree-old"
    OLD_BIN="$WORK/minefree-old"
fi

# synth_dataset SCALE -> prints the pipeline path, generating the data set when it is
# missing (or was made with another seed; delete the cache after changing the generator)
synth_dataset() {
    local dir="$BENCH_DIR/scale-$1"
    if [ ! -f "$dir/pipeline.toml" ] || [ ! -f "$dir/synthetic.gpkg" ] ||
        [ "$(cat "$dir/seed" 2>/dev/null)" != "$SEED" ]; then
        echo "bench: generating synth scale $1 (seed $SEED) in $dir" >&2
        rm -rf "$dir.tmp"
        "$BIN" --quiet synth --scale "$1" --seed "$SEED" --out "$dir.tmp" >/dev/null
        echo "$SEED" >"$dir.tmp/seed"
        rm -rf "$dir"
        mv "$dir.tmp" "$dir"
    fi
    echo "$dir/pipeline.toml"
}

# gen.py needs numpy, shapely, pyproj, pyogrio and pyarrow
gen_ready=""
gen_requirements() {
    [ -n "$gen_ready" ] && return 0
    [ -f "$GEN_PY" ] || die "no generator at $GEN_PY (set BENCH_GEN_PY, or BENCH_GEN_SCALES=none)"
    if ! python3 -c 'import numpy, shapely, pyproj, pyogrio, pyarrow' 2>/dev/null; then
        echo "bench: installing gen.py's Python packages with pip" >&2
        python3 -m pip install --quiet numpy shapely pyproj pyogrio pyarrow >&2 ||
            die "cannot install numpy shapely pyproj pyogrio pyarrow"
    fi
    gen_ready=1
}

# gen_dataset SCALE -> prints the pipeline path (synth's pipeline, reading inputs.gpkg)
gen_dataset() {
    local dir="$BENCH_DIR/gen-s$GEN_SEED-x$1"
    if [ ! -f "$dir/pipeline.toml" ] || [ ! -f "$dir/inputs.gpkg" ]; then
        gen_requirements
        echo "bench: generating gen.py scale $1 (seed $GEN_SEED) in $dir" >&2
        rm -rf "$dir.tmp"
        python3 "$GEN_PY" --seed "$GEN_SEED" --scale "$1" --out "$dir.tmp" >/dev/null
        {
            echo "# gen.py data set: python3 gen.py --seed $GEN_SEED --scale $1 (benches/bench.sh)."
            echo "as_of = \"2026-06-30\""
            echo "output = \"out\""
            echo "fail_on = \"never\""
            for layer in hazards releases regions settlements accidents; do
                printf '\n[inputs.%s]\nsource = "inputs.gpkg"\nlayer = "%s"\n' "$layer" "$layer"
            done
            printf '\n[deadlines]\nnational = "2030-04-01"\n'
        } >"$dir.tmp/pipeline.toml"
        rm -rf "$dir"
        mv "$dir.tmp" "$dir"
    fi
    echo "$dir/pipeline.toml"
}

# dataset KIND:SCALE -> the pipeline path
dataset() {
    case "$1" in
    synth:*) synth_dataset "${1#synth:}" ;;
    gen:*) gen_dataset "${1#gen:}" ;;
    *) die "unknown data set '$1' (synth:N or gen:N)" ;;
    esac
}

# run NAME PIPELINE BINARY [minefree global options...] -> leaves
# $WORK/NAME/{out,time.txt}; returns 1 when the run timed out (BENCH_TIMEOUT), 2 when the
# binary rejected the pipeline file (exit status 2: an older binary that does not know a key)
run() {
    local name="$1" pipeline="$2" binary="$3"
    shift 3
    local out="$WORK/$name/out" rc=0
    local limit=()
    [ -n "$TIMEOUT" ] && limit=(timeout "$TIMEOUT")
    rm -rf "$WORK/$name"
    mkdir -p "$WORK/$name"
    echo "bench: running $name${TIMEOUT:+ (timeout ${TIMEOUT}s)}" >&2
    /usr/bin/time -v -o "$WORK/$name/time.txt" "${limit[@]}" \
        "$binary" --quiet "$@" run "$pipeline" --output "$out" \
        >"$WORK/$name/stdout.txt" 2>"$WORK/$name/stderr.txt" || rc=$?
    if [ -n "$TIMEOUT" ] && [ "$rc" -eq 124 ]; then
        echo "bench: $name timed out after ${TIMEOUT}s" >&2
        return 1
    fi
    [ "$rc" -eq 2 ] && return 2
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

finished() { [ -f "$WORK/$1/out/run.json" ]; }

# name KIND:SCALE -> a run name
name_of() { echo "${1/:/-}"; }
# label KIND:SCALE -> "synth | 100"
label() {
    local kind="${1%%:*}"
    [ "$kind" = gen ] && kind="gen.py"
    echo "$kind | ${1#*:}"
}

SETS=()
for s in $SCALES; do SETS+=("synth:$s"); done
for s in $GEN_SCALES; do SETS+=("gen:$s"); done
[ ${#SETS[@]} -gt 0 ] || [ -n "$OLD_BIN" ] || die "nothing to run (BENCH_SCALES and BENCH_GEN_SCALES are none)"

for set in "${SETS[@]}"; do
    pipeline="$(dataset "$set")"
    run "$(name_of "$set")" "$pipeline" "$BIN" || true
done

# columns: the SPEC stages, then any further stage this build reports (first finished run)
EXTRA=()
for set in "${SETS[@]}"; do
    name="$(name_of "$set")"
    if finished "$name"; then
        mapfile -t EXTRA < <(json "$name" '.timings_s | keys_unsorted[]' |
            grep -vxF -e total $(printf -- '-e %s ' "${STAGES[@]}") || true)
        break
    fi
done
cols=("${STAGES[@]}" "${EXTRA[@]}")

# stage_cells NAME -> "| s | s | … |" for the columns
stage_cells() {
    for st in "${cols[@]}"; do
        printf ' %s |' "$(json "$1" ".timings_s[\"$st\"] // \"–\"")"
    done
}

if [ ${#SETS[@]} -gt 0 ]; then
    echo
    echo "Per-stage seconds from run.json (timings_s); wall and peak RSS from /usr/bin/time -v."
    echo
    printf '| data | scale | hazards | releases | settlements |'
    printf ' %s |' "${cols[@]}"
    printf ' total s | wall s | peak RSS MiB | threads |\n'
    printf '|---|---:|---:|---:|---:|'
    printf -- '---:|%.0s' "${cols[@]}"
    printf -- '---:|---:|---:|---:|\n'
    for set in "${SETS[@]}"; do
        name="$(name_of "$set")"
        if finished "$name"; then
            printf '| %s | %s | %s | %s |' "$(label "$set")" "$(features "$name" hazards)" \
                "$(features "$name" releases)" "$(features "$name" settlements)"
            stage_cells "$name"
            printf ' %s | %s | %s | %s |\n' "$(json "$name" '.timings_s.total')" \
                "$(wall "$name")" "$(rss "$name")" "$(json "$name" '.threads')"
        else
            printf '| %s | – | – | – |' "$(label "$set")"
            printf ' – |%.0s' "${cols[@]}"
            printf ' timeout | > %s | %s | – |\n' "$TIMEOUT" "$(rss "$name")"
        fi
    done
fi

if [ "$THREADS_SCALE" != "none" ]; then
    pipeline="$(synth_dataset "$THREADS_SCALE")"
    run "t1" "$pipeline" "$BIN" --threads 1 || true
    run "t2" "$pipeline" "$BIN" --threads 2 || true
    echo
    echo "| synth scale $THREADS_SCALE | total s | wall s | peak RSS MiB | threads |"
    echo "|---|---:|---:|---:|---:|"
    for t in 1 2; do
        if finished "t$t"; then
            echo "| --threads $t | $(json "t$t" '.timings_s.total') | $(wall "t$t") | $(rss "t$t") | $(json "t$t" '.threads') |"
        else
            echo "| --threads $t | timeout | > $TIMEOUT | $(rss "t$t") | $t |"
        fi
    done
    echo
    if finished t1 && finished t2; then
        awk -v a="$(wall t1)" -v b="$(wall t2)" 'BEGIN {
            if (b > 0) printf "1-thread / 2-thread wall-time ratio: %.2f\n", a / b
            else print "1-thread / 2-thread wall-time ratio: n/a (wall time 0)"
        }'
    else
        echo "1-thread / 2-thread wall-time ratio: n/a (a run timed out)"
    fi
fi

[ -n "$OLD_BIN" ] || exit 0

# figures NAME -> one line "stage… total wall rss" (– for a stage the build lacks)
figures() {
    for st in "${cols[@]}"; do printf '%s ' "$(json "$1" ".timings_s[\"$st\"] // \"–\"")"; done
    printf '%s %s %s\n' "$(json "$1" '.timings_s.total')" "$(wall "$1")" "$(rss "$1")"
}

# best FILE -> per column, the smallest figure of the rounds (one line per round)
best() {
    awk '{ for (i = 1; i <= NF; i++) if ($i != "–" && (!(i in m) || $i + 0 < m[i])) m[i] = $i + 0
           n = NF }
         END { for (i = 1; i <= n; i++) printf "%s%s", (i in m ? m[i] : "–"), (i < n ? " " : "\n") }' "$1"
}

# no_scenarios PIPELINE -> a copy without [scenarios.*] tables (for binaries before R12)
no_scenarios() {
    local copy
    copy="$(dirname "$1")/pipeline-no-scenarios.toml"
    awk '/^\[/ { skip = ($0 ~ /^\[scenarios(\.|\])/) } !skip' "$1" >"$copy"
    echo "$copy"
}

echo
echo "Old ($BENCH_OLD_BIN) and new binary, run alternately ($ROUNDS round(s), best of the"
echo "rounds per figure); the ratio is old ÷ new (above 1: the new binary is faster / smaller)."
for set in $COMPARE; do
    pipeline="$(dataset "$set")"
    name="$(name_of "$set")"
    : >"$WORK/$name.old" && : >"$WORK/$name.new"
    note=""
    for round in $(seq 1 "$ROUNDS"); do
        # alternate who goes first, so that neither always runs on a cold cache
        if [ $((round % 2)) -eq 1 ]; then order="old new"; else order="new old"; fi
        for who in $order; do
            if [ "$who" = old ]; then binary="$OLD_BIN"; else binary="$BIN"; fi
            rc=0
            run "$name-$who-$round" "$pipeline" "$binary" || rc=$?
            if [ "$rc" -eq 2 ] && [ -z "$note" ]; then
                # an older binary rejects a newer key (it runs first in round 1, so nothing
                # ran yet): both run the pipeline without it
                grep -q 'scenarios' "$WORK/$name-$who-$round/stderr.txt" ||
                    { cat "$WORK/$name-$who-$round/stderr.txt" >&2; die "$who rejected $pipeline"; }
                pipeline="$(no_scenarios "$pipeline")"
                note=" (without [scenarios]: the old binary does not know them)"
                rc=0
                run "$name-$who-$round" "$pipeline" "$binary" || rc=$?
            fi
            if [ "$rc" -eq 2 ]; then
                cat "$WORK/$name-$who-$round/stderr.txt" >&2
                die "$who rejected $pipeline"
            fi
            if finished "$name-$who-$round"; then
                figures "$name-$who-$round" >>"$WORK/$name.$who"
            fi
        done
    done
    echo
    echo "$(label "$set" | sed 's/ | / scale /')$note:"
    echo
    printf '| binary |'
    printf ' %s |' "${cols[@]}"
    printf ' total s | wall s | peak RSS MiB |\n'
    printf '|---|'
    printf -- '---:|%.0s' "${cols[@]}"
    printf -- '---:|---:|---:|\n'
    for who in old new; do
        if [ -s "$WORK/$name.$who" ]; then
            best "$WORK/$name.$who" | awk -v w="$who" '{ printf "| %s |", w
                for (i = 1; i <= NF; i++) printf " %s |", $i; printf "\n" }'
        else
            echo "| $who | timeout |"
        fi
    done
    if [ -s "$WORK/$name.old" ] && [ -s "$WORK/$name.new" ]; then
        paste -d ' ' <(best "$WORK/$name.old") <(best "$WORK/$name.new") | awk '{
            n = NF / 2; printf "| old/new |"
            for (i = 1; i <= n; i++) {
                a = $i; b = $(i + n)
                if (a == "–" || b == "–" || b + 0 == 0) printf " – |"
                else printf " %.2f |", a / b
            }
            printf "\n" }'
    fi
done
