#!/usr/bin/env bash
# Builds Lambda bootstraps exactly as `sam build` does, for `make package` and `make bench`.
#
# SAM's Rust builder (BuildMethod rust-cargolambda) runs `cargo lambda build --release
# [--arm64] --bin <Binary>` in each function's CodeUri. cargo-lambda then builds with zig as the
# linker (Lambda's glibc), for an explicit --target, and with a CPU baseline of its own
# (`-C target-cpu=haswell` on x86_64): not the artefact of a plain `cargo build --release`.
# Here each crate is built once with `--bins`: the same package selection, so the same feature
# resolution and the same fingerprints, and sam build afterwards finds every binary fresh; the
# binaries of one crate link side by side on both cores. `make bench` measures these very files.
#
#   local/lambda-build.sh ARCH [CRATE_DIR...]   # ARCH x86_64 | arm64; default: template CodeUris
#
# Needs cargo-lambda on PATH (local/stack.sh install puts it in $STACK_DIR/venv-sam/bin).
# Bootstraps land in $CARGO_TARGET_DIR/lambda/<binary>/bootstrap (or --lambda-dir in
# LAMBDA_BUILD_ARGS); LAMBDA_BUILD_ARGS adds cargo flags, e.g. "--profile thin"; LAMBDA_BUILD_BINS
# builds only those binaries (the same artefacts: the package selection, so the features, is
# the same).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

architecture=${1:?usage: lambda-build.sh x86_64|arm64 [crate dir...]}
shift
case $architecture in
  x86_64) arch_flag=() ;;
  arm64) arch_flag=(--arm64) ;;
  *) echo "lambda-build.sh: unknown architecture $architecture" >&2; exit 2 ;;
esac
crates=("$@")
if ((${#crates[@]} == 0)); then
  mapfile -t crates < <(sed -n 's/^ *CodeUri: *\(functions\/[a-z_-]*\) *$/\1/p' template.yaml | sort -u)
fi
((${#crates[@]} > 0)) || { echo "lambda-build.sh: no CodeUri in template.yaml" >&2; exit 1; }
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
read -r -a extra <<<"${LAMBDA_BUILD_ARGS:-}"
mode=(--release) # cargo refuses --release beside another --profile
[[ " ${extra[*]} " == *" --profile "* ]] && mode=()
for crate in "${crates[@]}"; do
  # LAMBDA_BUILD_BINS (space-separated) narrows the build to those binaries of each crate.
  bins=()
  for bin in ${LAMBDA_BUILD_BINS:-}; do
    grep -q "^name = \"$bin\"" "$crate/Cargo.toml" && bins+=(--bin "$bin")
  done
  if [[ -n ${LAMBDA_BUILD_BINS:-} ]]; then
    ((${#bins[@]} > 0)) || continue
  else
    bins=(--bins)
  fi
  printf '    cargo lambda build %s %s (%s)\n' "$crate" "${bins[*]}" "$architecture"
  (cd -- "$crate" && cargo lambda build "${mode[@]}" "${arch_flag[@]}" "${bins[@]}" --locked "${extra[@]}")
done
