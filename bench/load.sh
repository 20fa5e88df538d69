#!/usr/bin/env bash
# Collector under load from a second process on loopback: responses per second and
# latency percentiles at 1, 10 and 50 concurrent clients, then a check that the SQLite
# table holds every created response exactly once. A benchmark: it prints numbers.
# Usage: bench/load.sh [REQUESTS_PER_LEVEL]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet -p collector --bin collector --example load
dir="$(mktemp -d)"
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
target/release/collector --addr 127.0.0.1:0 --db "$dir/load.sqlite" --dist dist >"$dir/out" 2>/dev/null &
pid=$!
for _ in $(seq 50); do grep -q listening "$dir/out" 2>/dev/null && break; sleep 0.1; done
addr="$(grep -o 'http://[^/]*' "$dir/out" | sed 's|http://||')"
echo "collector at $addr (release build, SQLite WAL, $(nproc) cores shared with the load generator)"
target/release/examples/load "$addr" 1,10,50 "${1:-3000}" | tee "$dir/load.txt"
created="$(awk '/^created/ {print $2}' "$dir/load.txt")"
read -r rows distinct < <(sqlite3 -separator ' ' "$dir/load.sqlite" 'SELECT COUNT(*), COUNT(DISTINCT id) FROM responses')
echo "rows stored: $rows, distinct ids: $distinct, 201 answers: $created"
[ "$rows" = "$created" ] && [ "$distinct" = "$rows" ] && echo "no response lost or duplicated" || { echo "MISMATCH"; exit 1; }
