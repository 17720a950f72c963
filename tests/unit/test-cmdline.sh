#!/bin/sh
# test-cmdline.sh - the command line of xlat-i386 (given as $1): help and
# version output, -d help, -cpu help, and the one-line errors with their exit
# statuses (1 for bad options and non-ELF files, 127 for a missing program).
# Ends with "N passed, N failed"; exits non-zero on any failure.
XLAT=${1:?usage: tests/unit/test-cmdline.sh path/to/xlat-i386}
TMP=${TMPDIR:-/tmp}/xlat-cmdline.$$
mkdir -p "$TMP"
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0

# check NAME EXPECTED_RC GREP_PATTERN [STREAM] -- COMMAND...
# Runs COMMAND, checks its exit status and that PATTERN (grep -E) is found
# in stdout (STREAM=out) or stderr (STREAM=err).
check() {
    name=$1 want_rc=$2 pattern=$3 stream=$4
    shift 5
    "$@" > "$TMP/out" 2> "$TMP/err"
    rc=$?
    if [ "$rc" != "$want_rc" ]; then
        echo "FAIL $name: exit $rc, expected $want_rc"
        sed 's/^/    /' "$TMP/err" | head -5
        fail=$((fail + 1))
    elif ! grep -Eq -- "$pattern" "$TMP/$stream"; then
        echo "FAIL $name: no /$pattern/ in std$stream"
        sed 's/^/    /' "$TMP/$stream" | head -5
        fail=$((fail + 1))
    else
        pass=$((pass + 1))
    fi
}

# stderr must be exactly one line (the error message)
one_line() {
    name=$1
    n=$(wc -l < "$TMP/err")
    if [ "$n" = 1 ]; then
        pass=$((pass + 1))
    else
        echo "FAIL $name: $n lines on stderr, expected 1"
        fail=$((fail + 1))
    fi
}

check version 0 '^xlat-i386 version [0-9]+\.[0-9]+\.[0-9]+$' out -- "$XLAT" --version
check version1 0 '^xlat-i386 version ' out -- "$XLAT" -version
check help 0 '^usage: xlat-i386 ' out -- "$XLAT" -h
check help-env 0 'XLAT_BACKEND' out -- "$XLAT" --help
check help-opts 0 '-strace' out -- "$XLAT" -help
check d-help 0 '^in_asm ' out -- "$XLAT" -d help
check d-help-all 0 '^out_asm .*' out -- "$XLAT" -d help
check cpu-help 0 '.' out -- "$XLAT" -cpu help
check bad-option 1 '^xlat-i386: .*-bogus' err -- "$XLAT" -bogus /bin/true
one_line bad-option
check bad-log-item 1 '^xlat-i386: .*nosuchitem' err -- "$XLAT" -d in_asm,nosuchitem /bin/true
check bad-backend 1 '^xlat-i386: .*backend' err -- "$XLAT" --backend=nope /bin/true
check bad-backend-env 1 '^xlat-i386: .*backend' err -- env XLAT_BACKEND=nope "$XLAT" /bin/true
check bad-size 1 '^xlat-i386: .*stack size' err -- "$XLAT" -s 12q /bin/true
check help-tb-size 0 'tb-size' out -- "$XLAT" -help
check tb-size-too-small 1 '^xlat-i386: .*translation cache size' err -- "$XLAT" --tb-size=32k /bin/true
check tb-size-too-big 1 '^xlat-i386: .*translation cache size' err -- "$XLAT" -tb-size 2g /bin/true
check tb-size-env 1 '^xlat-i386: .*translation cache size' err -- env XLAT_TB_SIZE=9x "$XLAT" /bin/true
check no-arg 1 '^xlat-i386: .*-L' err -- "$XLAT" -L
check no-program 1 '^xlat-i386: ' err -- "$XLAT"
check missing 127 "^xlat-i386: $TMP/nonexistent: " err -- "$XLAT" "$TMP/nonexistent"
one_line missing

printf '#!/bin/sh\necho hi\n' > "$TMP/script.sh"
chmod +x "$TMP/script.sh"
check not-elf 1 "^xlat-i386: $TMP/script.sh: .+" err -- "$XLAT" "$TMP/script.sh"
one_line not-elf
# options stop at the program: its own options are not ours
check stop-at-program 127 "^xlat-i386: $TMP/nonexistent: " err -- "$XLAT" "$TMP/nonexistent" -bogus

# -d in_asm of a block that cannot be fetched (a jump to unmapped memory)
# logs what it can and the guest dies of SIGSEGV (139), not xlat of an
# internal error (134)
GUEST=$(cd "$(dirname "$0")/../.." && pwd)/o/guest/test-fault-jump-unmapped
if [ -x "$GUEST" ]; then
    check in-asm-unmapped 139 'cannot fetch' err -- "$XLAT" -d in_asm "$GUEST"
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
