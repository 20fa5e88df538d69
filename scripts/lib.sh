# Shared by the scripts: paths, logging, and how to invoke cargo for wasm32.
# Sourced, not run.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WASM_TARGET=wasm32-unknown-unknown
# Where setup records which wasm toolchain this machine uses (rustup or debian).
WASM_MODE_FILE="$ROOT/target/.wasm-toolchain"
WASM_TARGET_DIR="$ROOT/target/wasm"
# wasm-opt's flags for the release wasm, shared by scripts/build and `scripts/size --why`
# (which adds -g to keep the function names), so the report measures what ships.
# --converge: repeat -Oz until it stops shrinking (about 0.6% less gzip);
# --low-memory-unused: Rust never places data in the first 1 KiB, so constant
# offsets can be folded into loads and stores (about 1%).
# --one-caller-inline-max-function-size=15: by default binaryen inlines every function
# that has one caller, however big, into it; the resulting giant functions (20 KB and
# more, hundreds of locals, two-byte local indices) compress badly. Inlining only small
# ones is about 1% more raw bytes but about 10% less gzip.
WASM_OPT_FLAGS=(-Oz --converge --low-memory-unused --one-caller-inline-max-function-size=15
  --enable-bulk-memory --enable-nontrapping-float-to-int
  --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# The wasm-bindgen version the widget is locked to; the CLI must match it exactly.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' "$ROOT/Cargo.lock"
}

# Runs cargo for the wasm32 target with the toolchain setup chose:
#   rustup: the ordinary stable toolchain with the downloaded target;
#   debian: Debian's rustc-web with std built from source (see shared/toolchain.md).
wasm_cargo() {
  local mode
  mode="$(cat "$WASM_MODE_FILE" 2>/dev/null || true)"
  local sub="$1"; shift
  case "$mode" in
    rustup)
      if [ -n "${WASM_IMMEDIATE_ABORT:-}" ] && rustup component list --installed 2>/dev/null | grep -q '^rust-src'; then
        # Same as the Debian path: std from source (rust-src), so panics can abort
        # without their formatting code; and without the file/line/column of every
        # panic site, which an immediate abort never shows. std's `optimize_for_size`
        # picks its smaller algorithms (sorting, integer formatting, float parsing):
        # the same results, less code.
        RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR="$WASM_TARGET_DIR" \
        RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none" \
          cargo "$sub" --target "$WASM_TARGET" -Z build-std=std,panic_abort \
            -Z build-std-features=optimize_for_size "$@"
      else
        CARGO_TARGET_DIR="$WASM_TARGET_DIR" cargo "$sub" --target "$WASM_TARGET" "$@"
      fi ;;
    debian)
      # With std built from source, release builds can also drop all panic
      # formatting: rustc 1.96 made that the `immediate-abort` panic strategy (the old
      # `-Z build-std-features=panic_immediate_abort` is now a compile error).
      RUSTC_BOOTSTRAP=1 \
      CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld \
      CARGO_TARGET_DIR="$WASM_TARGET_DIR" \
      RUSTFLAGS="${WASM_IMMEDIATE_ABORT:+-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none}" \
        cargo +debian "$sub" --target "$WASM_TARGET" \
          -Z build-std=std,panic_abort${WASM_EXTRA_STD:+,$WASM_EXTRA_STD} \
          ${WASM_IMMEDIATE_ABORT:+-Z build-std-features=optimize_for_size} "$@" ;;
    *) die "no wasm toolchain recorded; run scripts/setup first" ;;
  esac
}
