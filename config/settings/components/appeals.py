"""Settings for the appeals area (unified grievances and appeals)."""

from celery.schedules import crontab

from config.env import BASE_DIR, env

# The effective-dated rule table (clocks, windows, citations). Compliance signs off on its [U] rules.
APPEALS_RULE_TABLE_PATH = env(
    "MEMBERHUB_APPEALS_RULE_TABLE", default=str(BASE_DIR / "config" / "appeals" / "rules.yaml")
)

# Largest attachment a rep may upload to a case (bytes).
APPEALS_ATTACHMENT_MAX_BYTES = env.int("MEMBERHUB_APPEALS_ATTACHMENT_MAX_BYTES", default=20 * 1024 * 1024)

APPEALS_BEAT_SCHEDULE = {
    # Mark open cases at risk / overdue every 5 minutes: https://crontab.guru/#*/5_*_*_*_*
    "appeals-clock-refresh": {"task": "appeals.clock_refresh", "schedule": crontab(minute="*/5")},
}
