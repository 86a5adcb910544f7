#!/usr/bin/env bash
# Make sure PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) are up: start the locally installed servers if
# they are down; say clearly what is missing otherwise. Then make sure the database exists.
set -uo pipefail

DB_NAME=${MEMBERHUB_DB_NAME:-memberhub}
PGHOST=127.0.0.1
ok=1

pg_up() { pg_isready -h "$PGHOST" -p 5432 -q 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

if ! command -v pg_isready >/dev/null 2>&1; then
  echo "services: PostgreSQL client tools are not installed (apt-get install postgresql)" >&2
  ok=0
elif ! pg_up; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    version=$(ls /etc/postgresql | sort -n | tail -1)
    echo "services: starting PostgreSQL $version"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null \
      || pg_ctlcluster "$version" main start 2>/dev/null || true
    for _ in $(seq 1 30); do pg_up && break; sleep 1; done
  fi
  if ! pg_up; then
    echo "services: PostgreSQL is not running on $PGHOST:5432 and could not be started (is the server installed? apt-get install postgresql)" >&2
    ok=0
  fi
fi

if ! command -v redis-server >/dev/null 2>&1 && ! redis_up; then
  echo "services: Redis is not installed (apt-get install redis-server)" >&2
  ok=0
elif ! redis_up; then
  echo "services: starting Redis"
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/memberhub.log >/dev/null 2>&1 \
    || redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null 2>&1
  for _ in $(seq 1 20); do redis_up && break; sleep 0.5; done
  redis_up || { echo "services: Redis could not be started on 127.0.0.1:6379" >&2; ok=0; }
fi

[ "$ok" = 1 ] || exit 1

# The database (trust auth as postgres; created once).
if ! psql -h "$PGHOST" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$DB_NAME'" 2>/dev/null | grep -q 1; then
  createdb -h "$PGHOST" -U postgres "$DB_NAME" && echo "services: created database $DB_NAME"
fi
echo "services: PostgreSQL and Redis are up"
