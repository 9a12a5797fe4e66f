#!/usr/bin/env bash
# The README's package command (`make package`): proves the deploy build on this machine.
#   1. installs the pinned deploy tools (local/stack.sh install: SAM CLI, cargo-lambda with zig);
#   2. sam validate --lint;
#   3. sam build of every function, or of the logical ids in FUNCTIONS, for ARCHITECTURE
#      (default x86_64, this machine; the template's default and the deploy target is arm64);
#   4. zips each built bootstrap as Lambda would receive it and prints the sizes.
#
#   make package                                     # every function: release, fat LTO (long)
#   make package FUNCTIONS="SystemFunction MailerFunction"
#   make package ARCHITECTURE=arm64                  # the deploy target (adds rustup's aarch64 std)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n==> %s\n' "$*"; }

architecture=${ARCHITECTURE:-x86_64}
functions=${FUNCTIONS:-}
region=${AWS_REGION:-${AWS_DEFAULT_REGION:-us-east-1}}
case $architecture in
  x86_64) ;;
  arm64)
    # zig links for aarch64 here; Rust needs the target's standard library (rustup's own
    # distribution, the toolchain's source, not a package registry).
    if ! rustup target list --installed | grep -qx aarch64-unknown-linux-gnu; then
      step "rustup target add aarch64-unknown-linux-gnu"
      rustup target add aarch64-unknown-linux-gnu
    fi
    ;;
  *) echo "make package: ARCHITECTURE is x86_64 or arm64, not $architecture" >&2; exit 2 ;;
esac

step "deploy tools: install (pinned, local/requirements-sam.txt)"
bash local/stack.sh install
STACK_DIR=${BAZAAR_STACK_DIR:-$PWD/.stack}
export PATH="$STACK_DIR/venv-sam/bin:$PATH"
export SAM_CLI_TELEMETRY=0
# One cargo target dir for every function. SAM's Rust builder (rust-cargolambda) builds in the
# source tree (CodeUri: the function's crate) with `cargo lambda build --release --bin <Binary>`
# and copies <target dir>/lambda/<Binary>/bootstrap, the target dir read from `cargo metadata`,
# which honours CARGO_TARGET_DIR: each function's build reuses everything the previous ones
# compiled. --no-cached: SAM's own cache hashes only the CodeUri folder and would miss a change
# in shared/; cargo's incremental build is the cache.
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}

step "sam validate --lint"
sam validate --lint --region "$region"

out=.aws-sam/package
rm -rf -- "$out"
mkdir -p -- "$out"
build() { # build [LOGICAL_ID]: sam build of one function (or all), then zip what was built
  sam build "$@" --no-cached --region "$region" --parameter-overrides "Architecture=$architecture"
  local dir id
  for dir in .aws-sam/build/*/; do
    id=$(basename -- "$dir")
    [[ -f $dir/bootstrap ]] || continue
    if [[ $# -eq 0 || $id == "$1" ]]; then
      "$STACK_DIR/venv-sam/bin/python" - "$dir/bootstrap" "$out/$id.zip" <<'PY'
import sys, zipfile
source, target = sys.argv[1:3]
with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
    info = zipfile.ZipInfo("bootstrap")
    info.external_attr = 0o755 << 16  # executable, as Lambda needs it
    info.compress_type = zipfile.ZIP_DEFLATED
    with open(source, "rb") as binary:
        archive.writestr(info, binary.read())
PY
    fi
  done
}

started=$SECONDS
if [[ -z $functions ]]; then
  # Every crate first, the way sam build will ask for it (local/lambda-build.sh): each crate's
  # binaries link side by side on both cores, and sam build then finds them all fresh.
  step "cargo lambda build (every crate, $architecture, CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
  bash local/lambda-build.sh "$architecture"
  step "sam build (every function, $architecture)"
  build
else
  for id in $functions; do
    step "sam build $id ($architecture, CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
    build "$id"
  done
fi

step "bootstrap sizes ($architecture, built in $((SECONDS - started)) s)"
printf '%-30s %12s %12s\n' function bootstrap zipped
shopt -s nullglob
zips=("$out"/*.zip)
((${#zips[@]} > 0)) || { echo "nothing was built" >&2; exit 1; }
for zip in "${zips[@]}"; do
  id=$(basename -- "$zip" .zip)
  printf '%-30s %12s %12s\n' "$id" \
    "$(numfmt --to=iec-i --suffix=B "$(stat -c %s ".aws-sam/build/$id/bootstrap")")" \
    "$(numfmt --to=iec-i --suffix=B "$(stat -c %s "$zip")")"
done
echo "zips in $out; deploy with: sam deploy (the template's Architecture defaults to arm64)"
