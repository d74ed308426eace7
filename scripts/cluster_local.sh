#!/usr/bin/env bash
# The production topology as processes on this machine, without containers (docs/operating.md,
# "A cluster on one machine"): two web processes under gunicorn, two RQ workers, the scheduler
# and a Redis server of its own, on the PostgreSQL server here (started if it is installed and
# not running).
#
#   scripts/cluster_local.sh start          # migrate, load the demo once, start everything
#   scripts/cluster_local.sh status
#   scripts/cluster_local.sh stop
#   scripts/cluster_local.sh manage ARGS... # manage.py with the cluster's settings
#   scripts/cluster_local.sh kill NAME      # SIGKILL one process (web-8101, worker-1, redis...)
#   scripts/cluster_local.sh restart-one NAME
#
# Settings (environment): CLUSTER_DB (default pc_cluster), PGHOST/PGPORT/PGUSER (127.0.0.1,
# 5432, postgres), CLUSTER_PORTS ("8101 8102"), CLUSTER_REDIS_PORT (6390; the script's own
# redis-server), or CLUSTER_REDIS=redis://... to use a Redis already running instead,
# CLUSTER_RUN_DIR (var/cluster: logs, pid files, the mail folder), WEB_WORKERS (2) and
# WEB_THREADS (1) per web process, SCHEDULER_EVERY (10 seconds between the scheduler's turns).
# Anything else in the environment (NOTIFY_*, OPEN311_* ...) reaches every process.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=$ROOT/.venv/bin/python
RUN=${CLUSTER_RUN_DIR:-$ROOT/var/cluster}
mkdir -p "$RUN"
DB=${CLUSTER_DB:-pc_cluster}
PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
REDIS_PORT=${CLUSTER_REDIS_PORT:-6390}
REDIS=${CLUSTER_REDIS:-redis://127.0.0.1:$REDIS_PORT/0}
PORTS=${CLUSTER_PORTS:-"8101 8102"}

export POCKETCOUNCIL_ENV=${POCKETCOUNCIL_ENV:-development}
export DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$DB" DATABASE_CONN_MAX_AGE=60
export REDIS_URL="$REDIS" CACHE_URL="$REDIS" TASKS_BACKEND=rq LOG_FORMAT=json
export POCKETCOUNCIL_VAR_DIR="$RUN/var" NOTIFY_SMS_BACKEND=${NOTIFY_SMS_BACKEND:-console}
export EMAIL_BACKEND=${EMAIL_BACKEND:-django.core.mail.backends.filebased.EmailBackend}
export OPEN311_ALLOW_PRIVATE_URLS=true ALLOWED_HOSTS=${ALLOWED_HOSTS:-127.0.0.1,localhost}

alive() { [ -f "$RUN/$1.pid" ] && kill -0 "$(cat "$RUN/$1.pid")" 2>/dev/null; }

start_one() {  # name, command...
  local name=$1; shift
  if alive "$name"; then
    echo "$name already running (pid $(cat "$RUN/$name.pid"))"; return
  fi
  setsid "$@" >>"$RUN/$name.log" 2>&1 < /dev/null &
  echo $! >"$RUN/$name.pid"
  echo "started $name (pid $!)"
}

own_redis() { [ -z "${CLUSTER_REDIS:-}" ]; }

redis() {
  own_redis || return 0
  command -v redis-server >/dev/null || { echo "redis-server is not installed" >&2; exit 1; }
  # Nothing is persisted: a restart loses every queued job, which is what the fault test wants
  # to survive (the database rows are the truth; the scheduler's sweeps find lost work).
  start_one redis redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save "" \
    --appendonly no --dir "$RUN"
  for _ in $(seq 50); do
    "$PY" -c "import redis,sys; redis.Redis.from_url(sys.argv[1]).ping()" "$REDIS" \
      >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "Redis did not start: see $RUN/redis.log" >&2; exit 1
}

web() {  # port
  start_one "web-$1" "$ROOT/.venv/bin/gunicorn" pocketcouncil.wsgi --chdir "$ROOT" \
    --bind "127.0.0.1:$1" --workers "${WEB_WORKERS:-2}" --threads "${WEB_THREADS:-1}" \
    --timeout 30 --graceful-timeout 20
}
worker() { start_one "worker-$1" "$PY" manage.py rqworker default --with-scheduler \
  --job-class django_tasks_rq.Job --name "local-worker-$1-$$-$RANDOM"; }
scheduler() { start_one scheduler "$PY" manage.py scheduler --every "${SCHEDULER_EVERY:-10}"; }

wait_ready() {  # port
  for _ in $(seq 120); do
    curl -fsS "http://127.0.0.1:$1/readyz" >/dev/null 2>&1 && { echo "web on $1 ready"; return; }
    sleep 0.5
  done
  echo "web on $1 is not ready: see $RUN/web-$1.log" >&2; exit 1
}

postgres() {
  if ! pg_isready -q -h "$PGHOST" -p "$PGPORT" && command -v pg_ctlcluster >/dev/null; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
    sleep 2
  fi
  pg_isready -q -h "$PGHOST" -p "$PGPORT" || {
    echo "PostgreSQL is not running on $PGHOST:$PGPORT" >&2; exit 1; }
}

stop_one() {  # name, signal
  local pidfile=$RUN/$1.pid
  [ -e "$pidfile" ] || return 0
  # Each process was started in its own session: stop it and its children by group.
  kill "-$2" -- "-$(cat "$pidfile")" 2>/dev/null || true
  rm -f "$pidfile"; echo "stopped $1 ($2)"
}

case "${1:-start}" in
  start)
    postgres
    if ! psql -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -lqt | cut -d'|' -f1 | grep -qw "$DB"; then
      createdb -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" "$DB"
    fi
    redis
    "$PY" manage.py migrate --noinput -v 0
    if [ ! -f "$RUN/demo-loaded-$DB" ]; then
      "$PY" manage.py load_demo >/dev/null && touch "$RUN/demo-loaded-$DB"
    fi
    [ -n "${STATIC_ROOT:-}" ] || "$PY" manage.py collectstatic --noinput -v 0
    for port in $PORTS; do web "$port"; done
    worker 1; worker 2; scheduler
    for port in $PORTS; do wait_ready "$port"; done ;;
  stop)
    for pidfile in "$RUN"/*.pid; do
      [ -e "$pidfile" ] || continue
      name=$(basename "$pidfile" .pid)
      [ "$name" = redis ] || stop_one "$name" TERM
    done
    stop_one redis TERM ;;
  status)
    for pidfile in "$RUN"/*.pid; do
      [ -e "$pidfile" ] || continue
      name=$(basename "$pidfile" .pid)
      if alive "$name"; then s=running; else s=dead; fi
      echo "$name: $s (pid $(cat "$pidfile"))"
    done ;;
  manage)
    shift; exec "$PY" manage.py "$@" ;;
  kill)  # for fault drills: no clean shutdown
    stop_one "$2" KILL ;;
  restart-one)  # restart-one web-8101 | worker-1 | scheduler | redis
    name=$2
    alive "$name" && stop_one "$name" TERM && sleep 1
    case "$name" in
      web-*) web "${name#web-}"; wait_ready "${name#web-}" ;;
      worker-*) worker "${name#worker-}" ;;
      scheduler) scheduler ;;
      redis) redis ;;
      *) echo "no process called $name" >&2; exit 2 ;;
    esac ;;
  *) echo "usage: $0 start|stop|status|manage ARGS|kill NAME|restart-one NAME" >&2; exit 2 ;;
esac
