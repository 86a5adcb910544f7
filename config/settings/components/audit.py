"""Audit trail settings."""

from config.env import env

# A read of member data (view, search, download) that is not part of a write transaction is audited in
# its own one-statement transaction committed with `synchronous_commit = off` (PostgreSQL asynchronous
# commit): the request does not wait for the WAL flush. The row is still written, ordered and crash-safe
# as a whole; only a PostgreSQL server crash in the ~0.6 s before the WAL writer flushes
# (3 x wal_writer_delay) can lose the newest read events. Writes and their audit rows always commit
# durably. Set AUDIT_READ_ASYNC_COMMIT=false to make every read audit wait for the flush too.
AUDIT_READ_ASYNC_COMMIT = env.bool("AUDIT_READ_ASYNC_COMMIT", default=True)
