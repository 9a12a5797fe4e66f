#!/usr/bin/env bash
# The README's test command (`make test`): everything CI checks, from a fresh clone.
#   1. installs (pinned) and starts the stand-ins on test ports, stopped again on exit;
#   2. cargo fmt --check, clippy -D warnings; on template.yaml cfn-lint, sam validate --lint and
#      checkov (0 failed checks; every skip is written on its resource with its reason);
#   3. every test of the workspace (unit tests, and integration tests over real HTTP against
#      DynamoDB Local and moto);
#   4. schema fuzzing: schemathesis against a local stack's /openapi.json (local/fuzz.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Test stand-ins run on their own ports so a running dev stack (`make run`) is left alone.
export BAZAAR_DYNAMODB_PORT=${BAZAAR_TEST_DYNAMODB_PORT:-8100}
export BAZAAR_MOTO_PORT=${BAZAAR_TEST_MOTO_PORT:-5100}

step() { printf '\n==> %s\n' "$*"; }

step "stand-ins: install and start (DynamoDB Local :$BAZAAR_DYNAMODB_PORT, moto :$BAZAAR_MOTO_PORT)"
was_running=$(bash local/stack.sh status >/dev/null 2>&1 && echo yes || echo no)
bash local/stack.sh start
if [[ $was_running == no ]]; then
  trap 'bash local/stack.sh stop >/dev/null 2>&1 || true' EXIT
fi
eval "$(bash local/stack.sh env)"
STACK_DIR=${BAZAAR_STACK_DIR:-$PWD/.stack}

step "cargo fmt --check"
cargo fmt --all -- --check

step "cfn-lint template.yaml"
"$STACK_DIR/venv/bin/cfn-lint" template.yaml

step "sam validate --lint"
SAM_CLI_TELEMETRY=0 "$STACK_DIR/venv-sam/bin/sam" validate --lint --region us-east-1

step "checkov template.yaml"
# --skip-download: nothing is fetched from the vendor's platform; the checks are in the package.
"$STACK_DIR/venv-checkov/bin/checkov" --file template.yaml --framework cloudformation \
  --skip-download --compact --quiet

step "cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo test"
cargo test --workspace --locked

step "schema fuzzing (schemathesis)"
bash local/fuzz.sh

step "browser test: the web console in headless Chromium (local/browser.sh)"
browser_started=$SECONDS
bash local/browser.sh
printf 'browser test took %s s\n' "$((SECONDS - browser_started))"
