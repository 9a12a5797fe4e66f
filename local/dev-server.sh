# Sourced by local/fuzz.sh and local/browser.sh: a dev server of their own on a free 127.0.0.1
# port, with a fresh stage, against the running stand-ins (their endpoints exported), stopped
# again (and its local admin's kept password removed) when the script exits.
#
#   start_dev_server PREFIX OUT [bazaar-local options...]
#
# sets DEV_URL, DEV_STAGE, DEV_BIN, DEV_LOG (OUT/server.log), DEV_STACK_DIR, and the credential
# the server printed: DEV_ADMIN_EMAIL and DEV_ADMIN_PASSWORD.

start_dev_server() {
  local prefix=$1 out=$2 port admin_line=
  shift 2
  cargo build --locked --quiet -p bazaar-local
  DEV_BIN=${CARGO_TARGET_DIR:-$PWD/target}/debug/bazaar-local
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  DEV_STAGE=$prefix$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
  DEV_URL=http://127.0.0.1:$port
  DEV_LOG=$out/server.log
  DEV_STACK_DIR=${BAZAAR_STACK_DIR:-$PWD/.stack}
  mkdir -p -- "$out"
  # Its state dir named, so the kept admin password is where this script looks for it.
  BAZAAR_STACK_DIR=$DEV_STACK_DIR "$DEV_BIN" --port "$port" --stage "$DEV_STAGE" "$@" >"$DEV_LOG" 2>&1 &
  DEV_PID=$!
  trap stop_dev_server EXIT
  # The credential is printed last, once everything serves.
  for _ in $(seq 1 240); do
    admin_line=$(grep -m1 '^  local admin ' "$DEV_LOG" || true)
    [[ -n $admin_line ]] && break
    kill -0 "$DEV_PID" 2>/dev/null || break
    sleep 0.5
  done
  if [[ -z $admin_line ]]; then
    tail -n 30 -- "$DEV_LOG" >&2
    printf 'the dev server did not start within 2 minutes (log: %s)\n' "$DEV_LOG" >&2
    return 1
  fi
  # "  local admin  EMAIL / PASSWORD   (kept in FILE)"
  read -r _ _ DEV_ADMIN_EMAIL _ DEV_ADMIN_PASSWORD _ <<<"$admin_line"
}

stop_dev_server() {
  kill "$DEV_PID" 2>/dev/null || true
  wait "$DEV_PID" 2>/dev/null || true
  rm -f -- "$DEV_STACK_DIR/local-admin-$DEV_STAGE.txt"
}
