# SPDX-License-Identifier: BSD-2-Clause
# Shared by the tests/cli scripts (sourced, not run: tests/run.sh runs only
# tests/cli/*.sh).  Runner protocol: one line per case, "ok NAME [# note]"
# or "not ok NAME: why"; a script exits 1 when $nfail > 0.
#   IN_CI   1 when CI=true: a case that cannot run there is a failure
#   ok NAME [NOTE] / nok NAME WHY / skip NAME WHY (a failure in CI)
#   have CMD; ... | oneline (one line, at most $ONELINE_WIDTH characters)
IN_CI=0
[[ ${CI:-} == true ]] && IN_CI=1
nfail=0
ok() { echo "ok $1${2:+ # $2}"; }
nok() { echo "not ok $1: $2"; nfail=$((nfail + 1)); }
skip() {
	if ((IN_CI)); then nok "$1" "$2 (required when CI=true)"; else echo "skip $1: $2"; fi
}
have() { command -v "$1" >/dev/null 2>&1; }
oneline() { tr '\n\t' '  ' | cut -c1-"${ONELINE_WIDTH:-300}"; }
# libbtfx_cc OUT SRC...: a host program against $(dirname $BTFTOOL)/libbtfx.a
# (with the sanitizer runtimes when that library is a sanitizer build);
# compiler messages in OUT.err.
libbtfx_cc() {
	local out=$1 lib syms san=()
	shift
	lib=$(dirname "$BTFTOOL")/libbtfx.a
	syms=$(nm "$lib" 2>/dev/null) # whole: grep -q on the pipe fails under pipefail
	[[ $syms == *" U __asan_"* ]] && san+=(-fsanitize=address)
	[[ $syms == *" U __ubsan_"* ]] && san+=(-fsanitize=undefined)
	cc -O1 "${san[@]}" -I"$(dirname "${BASH_SOURCE[0]}")/../../../include" -o "$out" "$@" "$lib" \
		-lelf -lz -llzma -llz4 -lzstd -lbz2 -lpthread 2>"$out.err"
}
