#!/usr/bin/env bash
# All benchmarks; figures go to stdout. Usage: bench/run.sh BUILD_DIR
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
"$here/smtp_intake.sh" "$build" 20000 32 off
"$here/smtp_intake.sh" "$build" 20000 32 on
"$here/api_invites.sh" "$build" 20000 8
"$here/api_invites.sh" "$build" 20000 8 rsa
"$here/replies.sh" "$build" 20000 32
"$here/fanout.sh" "$build" 100000 8
"$here/display.sh" "$build" 3 10
"$here/pages.sh" "$build" 300 10
if [[ -x "$build/bench/pages_render_bench" ]]; then
  "$build/bench/pages_render_bench" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
fi
if [[ -x "$build/bench/intake_bench" ]]; then
  "$build/bench/intake_bench" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
fi
if [[ -x "$build/bench/dkim_bench" ]]; then
  "$build/bench/dkim_bench" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
fi
