#!/usr/bin/env bash
# Static checks CI runs: ruff (lint + format), mypy, import direction, migrations check, Django deploy check.
set -euo pipefail
cd "$(dirname "$0")/.."
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/memberhub}
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy memberhub apps config
.venv/bin/lint-imports
DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python manage.py makemigrations --check --dry-run
# The deploy check builds the OpenAPI schema, which reads the OAuth scopes table: migrate first.
DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python manage.py migrate --noinput -v 0
DJANGO_SETTINGS_MODULE=config.settings.production DJANGO_SECRET_KEY="$(head -c 48 /dev/urandom | base64)" \
  MEMBERHUB_HASH_KEY=ci DJANGO_ALLOWED_HOSTS=memberhub.example.org \
  .venv/bin/python manage.py check --deploy --fail-level WARNING
