#!/usr/bin/env bash
# make demo: set up and run the demo stack (web + Celery workers + beat) in the foreground until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-config.settings.local}
PORT=${PORT:-8000}
PY=.venv/bin/python

$PY manage.py migrate --noinput
$PY manage.py collectstatic --noinput >/dev/null
$PY manage.py demo_setup --members "${DEMO_MEMBERS:-2000}"

pids=()
cleanup() { trap - INT TERM EXIT; kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; echo; echo "demo stopped"; }
trap cleanup INT TERM EXIT

.venv/bin/celery -A config worker -Q default,ingest -n default@%h --concurrency 1 --loglevel INFO &
pids+=($!)
.venv/bin/celery -A config worker -Q render -n render@%h --concurrency 1 --max-tasks-per-child 200 --loglevel INFO &
pids+=($!)
.venv/bin/celery -A config beat --loglevel INFO --schedule var/celerybeat-schedule &
pids+=($!)
DJANGO_DEBUG=${DJANGO_DEBUG:-true} .venv/bin/gunicorn config.wsgi:application --bind 127.0.0.1:"$PORT" --workers 2 \
  --env DJANGO_SETTINGS_MODULE="$DJANGO_SETTINGS_MODULE" --access-logfile - &
pids+=($!)

sleep 2
$PY - <<PY
import json, pathlib
logins = json.loads(pathlib.Path("var/demo-logins.json").read_text())
base = "http://127.0.0.1:$PORT"
print()
print("memberhub demo is running (Ctrl-C to stop)")
print(f"  console      {base}/console/")
print(f"  admin        {base}/admin/")
print(f"  API docs     {base}/api/docs/")
print(f"  FHIR         {base}/fhir/metadata")
print(f"  readiness    {base}/readyz")
print("  logins:")
for name, info in logins.items():
    print(f"    {name:8s} {info['password']:20s} ({info['role']}{', ' + info['organization'] if info.get('organization') else ''})")
PY
wait
