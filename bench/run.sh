#!/usr/bin/env bash
# make bench: builds every Lambda binary of the workspace and the baseline as `sam build` does
# (local/lambda-build.sh, release profile), starts the stand-ins on ports of its own, and runs the harness (bench/src), which
# provisions a fresh stage from template.yaml and measures each binary through a Lambda Runtime
# API emulator. Report: target/bench/report.md and report.json (see README, "Benchmarks").
#
# Environment:
#   BAZAAR_BENCH_PROFILE   cargo profile of the measured binaries (default release)
#   BAZAAR_DYNAMODB_PORT / BAZAAR_MOTO_PORT   stand-in ports (default 8400 / 5400)
#   BAZAAR_BENCH_ONLY      build and measure only these binaries (comma-separated), e.g.
#                          system,events,bookings,bonds; the baseline always
#   BAZAAR_BENCH_REBUILD=0 skip timing the rebuild of one function after a one-line change
# Arguments are passed to the harness (bazaar-bench --help), e.g. --runs 20 --warm 500.
set -euo pipefail

REPO=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
PROFILE=${BAZAAR_BENCH_PROFILE:-release}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$REPO/target}
export BAZAAR_DYNAMODB_PORT=${BAZAAR_DYNAMODB_PORT:-8400}
export BAZAAR_MOTO_PORT=${BAZAAR_MOTO_PORT:-5400}
OUT=$REPO/target/bench
mkdir -p "$OUT"

# The deploy artefacts themselves: local/lambda-build.sh builds each crate as `sam build` does
# (cargo lambda, zig, its CPU baseline), so `make package` and `make bench` share one build and
# the bench measures what would be shipped. The baseline is built the same way, in its own crate.
STACK_DIR=${BAZAAR_STACK_DIR:-$REPO/.stack}
bash local/stack.sh install
export PATH="$STACK_DIR/venv-sam/bin:$PATH"
lambda_dir=$CARGO_TARGET_DIR/lambda
if [[ $PROFILE != release ]]; then
  lambda_dir=$CARGO_TARGET_DIR/lambda-$PROFILE
  export LAMBDA_BUILD_ARGS="--profile $PROFILE --lambda-dir $lambda_dir"
fi
crate_of() { # the function crate that declares binary $1
  grep -l "^name = \"$1\"" functions/*/Cargo.toml | head -n 1 | xargs -r dirname || true
}
crates=() # none: lambda-build.sh builds every CodeUri of template.yaml
rebuilt=system
if [[ -n ${BAZAAR_BENCH_ONLY:-} ]]; then
  for bin in ${BAZAAR_BENCH_ONLY//,/ }; do
    crate=$(crate_of "$bin")
    [[ -n $crate ]] || { echo "bench: no crate declares a binary $bin" >&2; exit 2; }
    [[ " ${crates[*]} " == *" $crate "* ]] || crates+=("$crate")
  done
  rebuilt=${BAZAAR_BENCH_ONLY%%,*}
  export LAMBDA_BUILD_BINS="baseline ${BAZAAR_BENCH_ONLY//,/ }"
  set -- --only "$BAZAAR_BENCH_ONLY" "$@"
fi
build() {
  bash local/lambda-build.sh x86_64 bench/baseline
  bash local/lambda-build.sh x86_64 "${crates[@]}"
}

start=$SECONDS
build
build_secs=$((SECONDS - start))
rebuild_secs=""
if [[ ${BAZAAR_BENCH_REBUILD:-1} == 1 ]]; then
  # A one-line change to one function (cargo's fingerprint is the file's mtime: touching it
  # recompiles that crate as an edit would) and the relink of its crate's binaries.
  touch "$(ls functions/*/src/"${rebuilt//-/_}".rs | head -n 1)"
  start=$SECONDS
  LAMBDA_BUILD_BINS=${LAMBDA_BUILD_BINS:+$rebuilt} bash local/lambda-build.sh x86_64 "$(crate_of "$rebuilt")"
  rebuild_secs=$((SECONDS - start))
fi
cargo build --locked -p bazaar-bench

bash local/stack.sh start
trap 'bash local/stack.sh stop' EXIT
eval "$(bash local/stack.sh env)"

machine="$(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1), $(free -g | awk '/Mem:/ {print $2}') GB, $(uname -sr), load $(cut -d' ' -f1 /proc/loadavg) at start"
"$CARGO_TARGET_DIR/debug/bazaar-bench" --lambda-dir "$lambda_dir" --profile "$PROFILE" \
  --machine "$machine" --out "$OUT" \
  --build "build this run: ${build_secs} s; rebuild of \`$rebuilt\` after a one-line change: ${rebuild_secs:-?} s" "$@"
