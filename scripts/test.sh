#!/usr/bin/env bash
# make test: the whole suite against the real PostgreSQL and Redis.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE=config.settings.test
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/memberhub}
.venv/bin/python -m playwright --version >/dev/null 2>&1 || true
status=0
.venv/bin/pytest --create-db -q -p no:cacheprovider "$@" || status=$?
if [ "$status" = 5 ]; then
  echo "test: no tests were collected" >&2
fi
exit "$status"
