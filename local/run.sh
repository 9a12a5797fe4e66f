#!/usr/bin/env bash
# The README's run command (`make run`): installs and starts the stand-ins, then runs the whole
# system in one process on 127.0.0.1 (API, queue consumers, schedules, docs and a mail viewer).
# Extra arguments go to bazaar-local (--port, --stage, --visibility-timeout).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash local/stack.sh start
eval "$(bash local/stack.sh env)"
exec cargo run --locked -p bazaar-local -- "$@"
