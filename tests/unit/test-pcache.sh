#!/bin/bash
# test-pcache.sh XLAT - the persistent translation cache end to end
# (src/exec/pcache.c): a warm run loads what a cold run stored and prints
# the same; --tcache=verify finds every stored block equal to a fresh
# translation (x87/SSE programs too); a damaged or truncated file is
# ignored and replaced; an unusable directory or --tcache=off runs without
# a cache; the default directory is $XDG_CACHE_HOME/xlat, else
# $HOME/.cache/xlat.  Ends with "N passed, N failed".
XLAT=${1:?usage: test-pcache.sh path/to/xlat-i386}
ROOT=${XLAT_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
G=$ROOT/o/guest
T=$(mktemp -d "${TMPDIR:-/tmp}/test-pcache.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
unset XLAT_TCACHE XLAT_TCACHE_DIR
PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); }
bad() { FAIL=$((FAIL + 1)); echo "FAIL: $*"; }
expect() { if eval "$1"; then ok; else bad "$2"; fi; }

# stat_of NAME LOG: the number after the -d stats line NAME
stat_of() { grep -E "^  $1 " "$2" | head -n 1 | awk '{print $NF}'; }

# run DIR PROG [OPTIONS...]: stdout to $T/out, -d stats log to $T/log
run() {
    local dir=$1 prog=$2
    shift 2
    (cd "$T" && XLAT_TCACHE_DIR=$dir "$XLAT" "$@" -d stats -D "$T/log" "$prog" >"$T/out" 2>"$T/err")
}

for p in test-smc test-x87 test-sse-int test-pcache-differ; do
    [ -x "$G/$p" ] || { bad "$G/$p not built"; continue; }
    d=$T/c-$p
    (cd "$T" && "$G/$p" >"$T/native" 2>/dev/null)
    run "$d" "$G/$p"
    expect 'cmp -s "$T/out" "$T/native"' "$p cold: output differs from native"
    cold=$(stat_of "blocks translated" "$T/log")
    run "$d" "$G/$p"
    expect 'cmp -s "$T/out" "$T/native"' "$p warm: output differs from native"
    loaded=$(grep -E '^  blocks loaded' "$T/log" | awk '{print $3}')
    warm=$(stat_of "blocks translated" "$T/log")
    expect '[ "${loaded:-0}" -gt 0 ] && [ "${warm:-0}" -lt "${cold:-0}" ]' \
        "$p warm: loaded ${loaded:-?} blocks, translated ${warm:-?} (cold ${cold:-?})"
    run "$d" "$G/$p" --tcache=verify
    expect 'cmp -s "$T/out" "$T/native"' "$p verify: output differs from native"
    expect '! grep -q "differs" "$T/err" && grep -qE "verified +[1-9][0-9]* same, 0 differ" "$T/log"' \
        "$p verify: $(grep -E 'verified|differs' "$T/log" "$T/err" | head -n 3)"
done

# a damaged file: a flipped byte in a record, then a truncated file
p=test-smc
d=$T/damage
(cd "$T" && "$G/$p" >"$T/native" 2>/dev/null)
run "$d" "$G/$p"
f=$(ls "$d"/*.xpc 2>/dev/null | head -n 1)
expect '[ -f "$f" ]' "no cache file in $d"
if [ -f "$f" ]; then
    size=$(stat -c %s "$f")
    printf '\xff\xff\xff\xff' | dd of="$f" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
    run "$d" "$G/$p"
    expect 'cmp -s "$T/out" "$T/native"' "damaged record: output differs"
    expect 'grep -qE "stored not used .*bad [1-9]" "$T/log"' "damaged record not counted as bad"
    truncate -s $((size / 3)) "$f"
    run "$d" "$G/$p"
    expect 'cmp -s "$T/out" "$T/native"' "truncated file: output differs"
    expect 'grep -q "bad file" "$T/log"' "truncated file not reported"
    run "$d" "$G/$p"
    expect 'grep -qE "translation cache file: file" "$T/log"' "truncated file not replaced"
fi

# no usable directory: a path under a regular file
: >"$T/plainfile"
run "$T/plainfile/sub" "$G/$p"
expect 'cmp -s "$T/out" "$T/native" && grep -q "file: off" "$T/log"' "unusable directory"
# --tcache=off writes nothing
run "$T/off" "$G/$p" --tcache=off
expect '[ ! -e "$T/off" ] || [ -z "$(ls -A "$T/off")" ]' "--tcache=off wrote a file"
# the default directory
mkdir -p "$T/home"
(cd "$T" && env -u XDG_CACHE_HOME HOME="$T/home" "$XLAT" "$G/$p" >/dev/null 2>&1)
expect 'ls "$T"/home/.cache/xlat/*.xpc >/dev/null 2>&1' "no file under \$HOME/.cache/xlat"
mkdir -p "$T/xdg"
(cd "$T" && XDG_CACHE_HOME="$T/xdg" "$XLAT" "$G/$p" >/dev/null 2>&1)
expect 'ls "$T"/xdg/xlat/*.xpc >/dev/null 2>&1' "no file under \$XDG_CACHE_HOME/xlat"

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
