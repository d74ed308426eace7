#!/bin/sh
# One image, four roles. docs/operating.md explains each.
set -eu
role="${1:-web}"
case "$role" in
  web)
    exec gunicorn pocketcouncil.wsgi --bind 0.0.0.0:8000 \
      --workers "${WEB_CONCURRENCY:-4}" --timeout 30 --graceful-timeout 25 \
      --max-requests 2000 --max-requests-jitter 200 --access-logfile - ;;
  worker)
    if [ "${TASKS_BACKEND:-database}" = "rq" ]; then
      exec python manage.py rqworker default --with-scheduler --job-class django_tasks_rq.Job
    fi
    exec python manage.py db_worker --queue-name '*' ;;
  scheduler)
    exec python manage.py scheduler ;;
  migrate)
    exec python manage.py migrate --noinput ;;
  *)
    exec "$@" ;;
esac
