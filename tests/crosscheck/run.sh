#!/usr/bin/env bash
# Cross-checks the Rust scoring (core/src/scoring) against an independent Python
# implementation: the Rust example writes deterministic pseudo-random responses with
# their score cards and summaries; crosscheck.py recomputes them and must agree to 1e-9.
# Usage: tests/crosscheck/run.sh [responses per definition, default 400]
# Needs: pip install -r tests/crosscheck/requirements.txt
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${CARGO_TARGET_DIR:-target}/crosscheck/fixtures.json"
cargo run -q -p survey-core --example score_fixtures -- "$out" "${1:-400}"
python3 tests/crosscheck/crosscheck.py "$out"
