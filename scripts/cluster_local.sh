#!/usr/bin/env bash
# The production topology as processes on this machine, without containers (docs/operating.md):
# two web processes under gunicorn, two RQ workers, the scheduler, on the PostgreSQL and Redis
# already running here.
#
#   scripts/cluster_local.sh start      # migrate, load the demo once, start everything
#   scripts/cluster_local.sh status
#   scripts/cluster_local.sh stop
#
# Settings (environment): CLUSTER_DB (default pc_cluster), PGHOST/PGPORT/PGUSER (127.0.0.1,
# 5432, postgres), CLUSTER_REDIS (redis://127.0.0.1:6379/12), CLUSTER_PORTS ("8101 8102").
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=$ROOT/.venv/bin/python
RUN=$ROOT/var/cluster
mkdir -p "$RUN"
DB=${CLUSTER_DB:-pc_cluster}
PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
REDIS=${CLUSTER_REDIS:-redis://127.0.0.1:6379/12}
PORTS=${CLUSTER_PORTS:-"8101 8102"}

export POCKETCOUNCIL_ENV=development
export DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$DB" DATABASE_CONN_MAX_AGE=60
export REDIS_URL="$REDIS" CACHE_URL="$REDIS" TASKS_BACKEND=rq LOG_FORMAT=json
export POCKETCOUNCIL_VAR_DIR="$RUN/var" NOTIFY_SMS_BACKEND=${NOTIFY_SMS_BACKEND:-console}
export EMAIL_BACKEND=${EMAIL_BACKEND:-django.core.mail.backends.filebased.EmailBackend}
export OPEN311_ALLOW_PRIVATE_URLS=true

start_one() {  # name, command...
  local name=$1; shift
  if [ -f "$RUN/$name.pid" ] && kill -0 "$(cat "$RUN/$name.pid")" 2>/dev/null; then
    echo "$name already running (pid $(cat "$RUN/$name.pid"))"; return
  fi
  setsid "$@" >>"$RUN/$name.log" 2>&1 < /dev/null &
  echo $! >"$RUN/$name.pid"
  echo "started $name (pid $!)"
}

web() {  # port
  start_one "web-$1" "$ROOT/.venv/bin/gunicorn" pocketcouncil.wsgi --chdir "$ROOT" \
    --bind "127.0.0.1:$1" --workers "${WEB_WORKERS:-2}" --timeout 30 --graceful-timeout 20
}
worker() { start_one "worker-$1" "$PY" manage.py rqworker default --with-scheduler \
  --job-class django_tasks_rq.Job --name "local-worker-$1-$$"; }
scheduler() { start_one scheduler "$PY" manage.py scheduler; }

case "${1:-start}" in
  start)
    if ! psql -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -lqt | cut -d'|' -f1 | grep -qw "$DB"; then
      createdb -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" "$DB"
    fi
    "$PY" manage.py migrate --noinput -v 0
    if [ ! -f "$RUN/demo-loaded" ]; then
      "$PY" manage.py load_demo >/dev/null && touch "$RUN/demo-loaded"
    fi
    "$PY" manage.py collectstatic --noinput -v 0
    for port in $PORTS; do web "$port"; done
    worker 1; worker 2; scheduler
    for port in $PORTS; do
      for _ in $(seq 60); do
        curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.5
      done
      curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null && echo "web on $port ready"
    done ;;
  stop)
    for pidfile in "$RUN"/*.pid; do
      [ -e "$pidfile" ] || continue
      pid=$(cat "$pidfile")
      # Each process was started in its own session: stop it and its children by group.
      kill -TERM -- "-$pid" 2>/dev/null || true
      rm -f "$pidfile"; echo "stopped $(basename "$pidfile" .pid)"
    done ;;
  status)
    for pidfile in "$RUN"/*.pid; do
      [ -e "$pidfile" ] || continue
      if kill -0 "$(cat "$pidfile")" 2>/dev/null; then s=running; else s=dead; fi
      echo "$(basename "$pidfile" .pid): $s (pid $(cat "$pidfile"))"
    done ;;
  restart-one)  # for fault tests: restart-one web-8101 | worker-1 | scheduler
    name=$2
    case "$name" in
      web-*) web "${name#web-}" ;; worker-*) worker "${name#worker-}" ;; scheduler) scheduler ;;
    esac ;;
  *) echo "usage: $0 start|stop|status|restart-one NAME" >&2; exit 2 ;;
esac
