#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Replays the fuzz corpora fuzz/corpus/<harness>/ through the replay builds
# $O/fuzz-regress/<harness> (the harness fuzz/fuzz_<harness>.c with
# fuzz/regress.c for a main, built by `make tests` with the normal compiler
# and, in build-san, ASan+UBSan): every seed and regression input must pass
# the harness's invariants.  One line per harness, "ok NAME" or
# "not ok NAME: why".
#
# Inputs named open-F<n>-* reproduce an open finding (docs/robustness.md)
# in code owned elsewhere: they are replayed one by one and reported as
# "ok ... # TODO" whether they still fail or not; drop the "open-" prefix
# when the finding is fixed, so that they become strict regressions.
set -uo pipefail
cd "$(dirname "$0")/../.."
O=${O:-build}
fail=0

for d in fuzz/corpus/*/; do
	h=$(basename "$d")
	bin=$O/fuzz-regress/$h
	if [ ! -x "$bin" ]; then
		echo "not ok fuzz_regress/$h: $bin is not built (make tests)"
		fail=1
		continue
	fi
	files=()
	open=()
	for f in "$d"*; do
		[ -f "$f" ] || continue
		case $(basename "$f") in
		open-*) open+=("$f") ;;
		*) files+=("$f") ;;
		esac
	done
	log=$(mktemp)
	if [ ${#files[@]} -eq 0 ] || timeout 600 "$bin" "${files[@]}" >"$log" 2>&1; then
		echo "ok fuzz_regress/$h (${#files[@]} inputs)"
	else
		rc=$?
		input=$(grep -a '^replay ' "$log" | tail -1 | cut -d' ' -f2-)
		why=$(grep -a -m1 -E 'invariant failed|ERROR: AddressSanitizer|runtime error|LeakSanitizer|Segmentation' "$log")
		[ $rc -eq 124 ] && why="timed out"
		echo "not ok fuzz_regress/$h: ${input:-?}: ${why:-exit $rc}"
		grep -a -A3 'invariant failed' "$log" | head -4
		fail=1
	fi
	rm -f "$log"
	for f in "${open[@]}"; do
		n=$(basename "$f")
		id=${n#open-}
		id=${id%%-*}
		if timeout 5 "$bin" "$f" >/dev/null 2>&1; then
			echo "ok fuzz_regress/$h/$n # TODO open finding $id: does not fail in this build"
		else
			echo "ok fuzz_regress/$h/$n # TODO open finding $id: still fails"
		fi
	done
done
exit $fail
