# shellcheck shell=bash
# Shared code of the comparison benchmarks in tools/bench (sourced, not run).
#
# measure NAME -- COMMAND...   runs COMMAND under /usr/bin/time -v, records wall
#                              seconds, CPU seconds (user + system), max RSS and
#                              exit status as a result row
# drop_caches                  drops the page cache when permitted (cold runs)
# pair ROW REFERENCE           compares ROW with REFERENCE in a "@pair" column
# print_table TITLE=REF...     prints the rows as a markdown table, with one ratio
#                              column per REF: a row name, or @pair

BENCH_TOOLS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_TOOLS/../.." && pwd)
BENCH_DIR=${BENCH_DIR:-/var/tmp/brick-bench}
BRICK_BIN_DIR=${BRICK_BIN_DIR:-$REPO/.build/release}

CACHE_STATE=""
# shellcheck disable=SC2034 # read by the scripts that source this file
LAST_OUTPUT=""  # the first 4 KB of the last measured command's stdout
ROW_NAMES=()
ROW_WALL=()
ROW_CPU=()
ROW_RSS=()
ROW_BYTES=()
ROW_NOTE=()
declare -A ROW_PAIR=()

log() {
    printf '%s: %s\n' "$(basename "$0")" "$*" >&2
}

die() {
    log "$*"
    exit 1
}

# Drops the page cache so that the next run reads from disk. Remembers whether it
# could, for the report ("cold" or "warm cache").
drop_caches() {
    sync
    if [[ -w /proc/sys/vm/drop_caches ]] && echo 3 >/proc/sys/vm/drop_caches 2>/dev/null; then
        CACHE_STATE=${CACHE_STATE:-cold (page cache dropped before each cold run)}
    else
        CACHE_STATE="warm cache (could not drop the page cache)"
    fi
}

# measure NAME BYTES -- COMMAND...: BYTES is the payload for the MB/s column (0: none).
measure() {
    local name=$1 bytes=$2
    shift 2
    [[ $1 == "--" ]] && shift
    local out status start end wall rss
    out=$(mktemp)
    log "run: $name"
    start=$(date +%s.%N)
    set +e
    /usr/bin/time -v -o "$out" "$@" >"$out.stdout" 2>"$out.stderr"
    status=$?
    set -e
    end=$(date +%s.%N)
    wall=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f", e - s }')
    rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$out")
    ROW_NAMES+=("$name")
    ROW_WALL+=("$wall")
    ROW_CPU+=("$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.2f", s }' "$out")")
    ROW_RSS+=("${rss:-?}")
    ROW_BYTES+=("$bytes")
    if ((status != 0)); then
        ROW_NOTE+=("FAILED (exit $status)")
        log "$name failed with exit $status; its output:"
        tail -n 20 "$out.stdout" "$out.stderr" >&2 || true
    else
        ROW_NOTE+=("")
    fi
    # shellcheck disable=SC2034
    LAST_OUTPUT=$(head -c 4096 "$out.stdout")
    rm -f "$out" "$out.stdout" "$out.stderr"
    return 0
}

# A row that was not run, with the reason.
skip_row() {
    ROW_NAMES+=("$1")
    ROW_WALL+=("-")
    ROW_CPU+=("-")
    ROW_RSS+=("-")
    ROW_BYTES+=(0)
    ROW_NOTE+=("skipped: $2")
}

pair() {
    ROW_PAIR[$1]=$2
}

row_wall() {
    local name=$1 i
    for i in "${!ROW_NAMES[@]}"; do
        if [[ ${ROW_NAMES[$i]} == "$name" && -z ${ROW_NOTE[$i]} ]]; then
            printf '%s\n' "${ROW_WALL[$i]}"
            return 0
        fi
    done
    return 1
}

# print_table "COLUMN TITLE=ROW NAME" ...: one ratio column per reference row
# ("COLUMN TITLE=@pair": each row against the row pair() gave it).
print_table() {
    local refs=("$@") header="| Run | Wall (s) | CPU (s) | MB/s | Max RSS (MB) |" rule="|---|---:|---:|---:|---:|"
    local ref title
    for ref in "${refs[@]}"; do
        title=${ref%%=*}
        header+=" $title |"
        rule+="---:|"
    done
    header+=" Note |"
    rule+="---|"
    printf '%s\n%s\n' "$header" "$rule"
    local i line mbs ref_wall
    for i in "${!ROW_NAMES[@]}"; do
        mbs="-"
        if [[ ${ROW_BYTES[$i]} != 0 && ${ROW_WALL[$i]} != "-" && -z ${ROW_NOTE[$i]} ]]; then
            mbs=$(awk -v b="${ROW_BYTES[$i]}" -v w="${ROW_WALL[$i]}" 'BEGIN { if (w > 0) printf "%.0f", b / 1e6 / w; else print "-" }')
        fi
        line="| ${ROW_NAMES[$i]} | ${ROW_WALL[$i]} | ${ROW_CPU[$i]} | $mbs | ${ROW_RSS[$i]} |"
        for ref in "${refs[@]}"; do
            local target=${ref#*=}
            if [[ $target == "@pair" ]]; then
                target=${ROW_PAIR[${ROW_NAMES[$i]}]:-}
            fi
            if [[ -z ${ROW_NOTE[$i]} && -n $target ]] && ref_wall=$(row_wall "$target"); then
                line+=" $(awk -v a="${ROW_WALL[$i]}" -v b="$ref_wall" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }') |"
            else
                line+=" - |"
            fi
        done
        line+=" ${ROW_NOTE[$i]} |"
        printf '%s\n' "$line"
    done
}

# The cached corpus of N messages in F folders: generated once into BENCH_DIR.
# Prints its path; its total message bytes are in "$path.bytes".
ensure_corpus() {
    local n=$1 folders=$2 seed=1
    local corpus="$BENCH_DIR/corpus-n$n-f$folders-s$seed"
    if [[ ! -f $corpus.done ]]; then
        rm -rf "$corpus" "$corpus.bytes"
        log "generating $n messages in $folders folders into $corpus"
        python3 "$BENCH_TOOLS/gen-corpus.py" "$corpus" --messages "$n" --folders "$folders" --seed "$seed" >&2
        find "$corpus" -type f \( -path '*/cur/*' -o -path '*/new/*' \) -printf '%s\n' |
            awk '{ s += $1 } END { printf "%d\n", s }' >"$corpus.bytes"
        touch "$corpus.done"
    fi
    printf '%s\n' "$corpus"
}

# The Brick executable NAME if built (release), else nothing and status 1.
brick_bin() {
    local bin="$BRICK_BIN_DIR/$1"
    [[ -x $bin ]] || return 1
    printf '%s\n' "$bin"
}

# Tries a release build of Brick's executables once, quietly; failure is reported, not fatal.
build_brick() {
    if [[ -n ${BRICK_NO_BUILD:-} ]]; then
        return 0
    fi
    local swift
    swift=$(command -v swift || true)
    [[ -z $swift && -x /opt/swift/usr/bin/swift ]] && swift=/opt/swift/usr/bin/swift
    if [[ -z $swift ]]; then
        log "swift not found: using Brick executables already built in $BRICK_BIN_DIR, if any"
        return 0
    fi
    log "building Brick (swift build -c release)"
    if ! (cd "$REPO" && "$swift" build -c release >"$BENCH_DIR/build.log" 2>&1); then
        log "release build failed (see $BENCH_DIR/build.log): Brick rows use what is already built, if anything"
    fi
}

print_environment() {
    local corpus=$1
    printf -- '- Date: %s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
    printf -- '- Machine: %s, %s CPUs, %s MB RAM\n' "$(uname -m)" "$(nproc)" \
        "$(awk '/MemTotal/ { printf "%d", $2 / 1024 }' /proc/meminfo)"
    printf -- '- CPU: %s\n' "$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
    printf -- '- Corpus: %s messages, %.1f MB (tools/bench/gen-corpus.py, seed 1)\n' \
        "$(find "$corpus" -type f \( -path '*/cur/*' -o -path '*/new/*' \) | wc -l)" \
        "$(awk '{ printf "%.1f", $1 / 1e6 }' "$corpus.bytes")"
    printf -- '- Page cache: %s\n' "${CACHE_STATE:-not dropped}"
    printf -- '- Brick: %s\n' "$(git -C "$REPO" describe --always --dirty 2>/dev/null || echo unknown)"
}
