#!/bin/bash
# Runs every test: cmocka unit binaries ($O/tests/test_*) and CLI test
# scripts (tests/cli/*.sh).  CLI scripts print one line per case,
# "ok NAME" or "not ok NAME: why", and exit non-zero if any case failed.
# Ends with the line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
O=${O:-build}
export O BTFTOOL="$PWD/$O/btftool"
passed=0
failed=0
failures=()
logdir=$(mktemp -d)
trap 'rm -rf "$logdir"' EXIT

for t in "$O"/tests/test_*; do
  [ -x "$t" ] || continue
  name=$(basename "$t")
  log="$logdir/$name.log"
  "$t" >"$log" 2>&1
  rc=$?
  p=$(grep -aoE '^\[  PASSED  \] [0-9]+ test' "$log" | grep -oE '[0-9]+' | tail -1)
  f=$(grep -aoE '^\[  FAILED  \] [0-9]+ test' "$log" | grep -oE '[0-9]+' | tail -1)
  p=${p:-0}; f=${f:-0}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  passed=$((passed + p)); failed=$((failed + f))
  printf '%-32s %4d passed %4d failed\n' "$name" "$p" "$f"
  if [ "$f" -ne 0 ]; then failures+=("$name"); cat "$log" | grep -aE 'FAIL|ERROR|error|Assert|Sanitizer' | head -40; fi
done

for s in tests/cli/*.sh; do
  [ -f "$s" ] || continue
  name=$(basename "$s" .sh)
  log="$logdir/$name.log"
  bash "$s" >"$log" 2>&1
  rc=$?
  p=$(grep -acE '^ok ' "$log")
  f=$(grep -acE '^not ok ' "$log")
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "$name: exit $rc" >>"$log"; fi
  passed=$((passed + p)); failed=$((failed + f))
  printf '%-32s %4d passed %4d failed\n' "cli/$name" "$p" "$f"
  if [ "$f" -ne 0 ]; then failures+=("cli/$name"); grep -aE '^not ok|exit' "$log" | head -40; tail -5 "$log"; fi
done

echo
if [ ${#failures[@]} -ne 0 ]; then echo "failing: ${failures[*]}"; fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
