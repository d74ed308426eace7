#!/usr/bin/env bash
# `make run`: a task worker in the background (so notifications and codes are delivered) and
# the development web server in the foreground. Ctrl+C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
$PY manage.py db_worker --queue-name '*' >> var/worker.log 2>&1 &
worker=$!
# A fake GOV.UK Pay for the demo councils' payments (docs/payments.md); no money is taken.
$PY -m pocketcouncil.payments.fake_pay --port 8010 >> var/fake_pay.log 2>&1 &
fake_pay=$!
# Inbound email (docs/channels.md): an SMTP receiver on 127.0.0.1:8025.
$PY manage.py channels_smtp >> var/channels_smtp.log 2>&1 &
smtp_in=$!
trap 'kill $worker $fake_pay $smtp_in 2>/dev/null || true' EXIT INT TERM
echo "Task worker started (pid $worker, log in var/worker.log)."
echo "Fake GOV.UK Pay started at http://127.0.0.1:8010 (pid $fake_pay, log in var/fake_pay.log)."
echo "Inbound email receiver on 127.0.0.1:8025 (pid $smtp_in, log in var/channels_smtp.log)."
echo "Pocket Council is at http://127.0.0.1:8000 — demo accounts are listed in README.md."
$PY manage.py runserver 127.0.0.1:8000
