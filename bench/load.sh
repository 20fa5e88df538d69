#!/usr/bin/env bash
# The collector under load from a second process on loopback (a benchmark: it prints
# numbers and tables; it fails only if something breaks, e.g. an acknowledged response
# is missing or stored twice).
#
#   1. posts at 1, 10, 50 and 200 keep-alive clients: SQLite with one collector,
#      PostgreSQL with one, and PostgreSQL with two collectors on two ports sharing the
#      database, the clients spreading new posts and replays of acknowledged ids (20%)
#      over both; after each, every acknowledged id is checked to be stored exactly once;
#   2. 1, 100, 1000 and 5000 idle keep-alive connections held open while one ordinary
#      client posts (its latency), the collector run with --client-timeout-ms 120000 so
#      the idle connections are not closed under the measurement (the default, 10 s,
#      closes them: that is the defence against idle connections, not measured here).
#
# The shipped build (`--profile server`), its default limits, logs to a file. Starts and
# stops its own PostgreSQL (scripts/pg) and collectors. About 3-5 minutes.
# Usage: bench/load.sh [REQUESTS_PER_LEVEL]   (default 4000)
#        BENCH_BASELINE_BIN=old/collector bench/load.sh   also measures an older build
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-4000}"
cargo build --profile server --quiet -p collector --bin collector --example load
bin=target/server/collector
load=target/server/examples/load
dir="$(mktemp -d /tmp/bench-load.XXXXXX)"
# Its own directory: PostgreSQL runs as the postgres user, who cannot enter $dir (0700).
pgdir="$(mktemp -d /tmp/bench-pg.XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  scripts/pg stop "$pgdir" >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
admin="$(scripts/pg start "$pgdir")"

# start NAME DB [ARGS...]: a collector on a free port; sets $addr and $pid.
start() {
  local name="$1" db="$2"
  shift 2
  # Every client posts from 127.0.0.1: the posting limits (through the environment,
  # which an older baseline binary ignores) must not be what is measured.
  COLLECTOR_POST_RATE_PER_ADDRESS=1000000 COLLECTOR_POST_BURST_PER_ADDRESS=1000000 \
    "$bin" --addr 127.0.0.1:0 --db "$db" --dist dist "$@" >"$dir/$name.out" 2>"$dir/$name.log" &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 100); do grep -q listening "$dir/$name.out" 2>/dev/null && break; sleep 0.1; done
  addr="$(grep -o 'http://[^/]*' "$dir/$name.out" | sed 's|http://||')"
  [ -n "$addr" ] || { echo "collector $name did not start:"; cat "$dir/$name.log"; exit 1; }
}
# stop PID: SIGTERM, and it must exit 0. Forgotten once reaped, so the cleanup never
# signals a pid the system may have given to another process since.
stop() {
  kill -TERM "$1"
  local status=0
  wait "$1" || status=$?
  local keep=() p
  for p in "${pids[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
  pids=("${keep[@]}")
  [ "$status" = 0 ] || [ "${2:-}" = "any" ] || { echo "collector $1 exited with $status after SIGTERM"; exit 1; }
}
# post ARGS...: one `load post` run; its table rows now, its check line at the end.
post() {
  "$load" post "$@" >"$dir/run.txt" || { cat "$dir/run.txt"; exit 1; }
  grep '^|' "$dir/run.txt"
  checks+=("$(grep '^check' "$dir/run.txt")")
}
pgdb() {
  psql "$admin" -qc "CREATE DATABASE $1" >/dev/null
  echo "${admin%/*}/$1"
}

echo "load: $n requests per level; $(nproc) cores shared by the collectors, PostgreSQL and the load generator; $(date -u +%Y-%m-%d); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| setup | clients | answered | resp/s | p50 ms | p99 ms | max ms | errors | replays | RSS MB |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
checks=()

# BENCH_BASELINE_BIN=path/to/an/older/collector: the same SQLite run against it first,
# for a comparison measured on the same machine at the same time.
if [ -n "${BENCH_BASELINE_BIN:-}" ]; then
  realbin="$bin"; bin="$BENCH_BASELINE_BIN"
  start baseline "$dir/baseline.sqlite"
  post --addrs "$addr" --pids "$pid" --requests "$n" --label "baseline, SQLite, 1 process" \
    --verify "sqlite:$dir/baseline.sqlite"
  stop "$pid" any  # an older build may not exit 0 on SIGTERM
  bin="$realbin"
fi

start sqlite "$dir/one.sqlite"
post --addrs "$addr" --pids "$pid" --requests "$n" --label "SQLite, 1 process" \
  --verify "sqlite:$dir/one.sqlite"
stop "$pid"

url="$(pgdb bench_one)"
start pg "$url"
post --addrs "$addr" --pids "$pid" --requests "$n" --label "PostgreSQL, 1 process" \
  --verify "postgres:$url"
stop "$pid"

url="$(pgdb bench_two)"
start pg_a "$url"; a="$addr"; pa="$pid"
start pg_b "$url"; b="$addr"; pb="$pid"
post --addrs "$a,$b" --pids "$pa,$pb" --requests "$n" --replay 20 \
  --label "PostgreSQL, 2 processes, 20% replays" --verify "postgres:$url"
stop "$pa"; stop "$pb"

echo
for c in "${checks[@]}"; do echo "$c"; done
echo
echo "| idle connections held | held still answering | resp/s (1 client) | p50 ms | p99 ms | max ms | errors | RSS MB |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
start idle "$dir/idle.sqlite" --client-timeout-ms 120000
"$load" idle --addrs "$addr" --pids "$pid" --held 1,100,1000,5000 --requests 2000
stop "$pid"
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
