#!/usr/bin/env bash
# The README's run command (`make run`): installs and starts the stand-ins, then runs the whole
# system in one process on 127.0.0.1 (API, queue consumers, schedules, docs, mail viewer and the
# web console). Extra arguments go to bazaar-local (--port, --stage, --visibility-timeout, --quiet).
# The stand-ins keep running (and keep their data) after Ctrl-C: `make stop` stops them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# Its "eval ... env" hint is for a shell of your own: this script does it below.
bash local/stack.sh start | { grep -v '^Use it with:' || true; }
eval "$(bash local/stack.sh env)"
exec cargo run --locked -p bazaar-local -- "$@"
