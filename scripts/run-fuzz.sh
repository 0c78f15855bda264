#!/usr/bin/env bash
# Runs every libFuzzer target for a bounded time, seeded with the shared corpus (read in
# place) and our own fixtures. Usage: scripts/run-fuzz.sh BUILD_DIR SECONDS_PER_TARGET
set -euo pipefail
build=${1:?build dir}
seconds=${2:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
work="$build/fuzz-work"
mkdir -p "$work"

seeds=()
[[ -d "$root/../shared/corpus" ]] && seeds+=("$root/../shared/corpus"/*/)
[[ -d "$root/tests/fixtures" ]] && seeds+=("$root/tests/fixtures")

status=0
for target in "$build"/fuzz/*_fuzz; do
  name=$(basename "$target")
  mkdir -p "$work/$name"
  echo "fuzz: $name for ${seconds}s"
  # New inputs go to $work/$name (first directory); the seed folders are only read.
  if ! "$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
       -artifact_prefix="$work/$name-" "$work/$name" "${seeds[@]}" >"$work/$name.log" 2>&1; then
    echo "fuzz: $name FAILED — the crashing input is in $work/$name-*; log:"
    tail -n 60 "$work/$name.log"
    status=1
  else
    grep -E "stat::number_of_executed_units|cov:" "$work/$name.log" | tail -n 2 || true
  fi
done
exit $status
