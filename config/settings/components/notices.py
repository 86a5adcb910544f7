"""Settings for the notices area."""

from celery.schedules import crontab

from config.env import BASE_DIR, env

# Versioned templates, translation catalogs and the notice rules ([U] timing anchors live there).
NOTICES_CONFIG_DIR = env("MEMBERHUB_NOTICES_CONFIG_DIR", default=str(BASE_DIR / "config" / "notices"))

# Drops of external notices (PDF + manifest) per plan: <inbox>/<PLAN_CODE>/<drop folder>/.
# The beat job imports every drop folder found there (idempotent on each file's checksum).
NOTICES_INBOX_DIR = env("MEMBERHUB_NOTICES_INBOX_DIR", default=str(BASE_DIR / "var" / "notices-inbox"))

NOTICES_BEAT_SCHEDULE = {
    # https://crontab.guru/#*/15_*_*_*_*
    "notices-import-inbox": {"task": "notices.import_inbox", "schedule": crontab(minute="*/15")},
}

# Co-mailing: the documents batch builder groups a member's pieces of one day (card, integrated notice,
# imported plan letter) into one envelope with the notices rule (config/notices/rules.yaml `comailing`).
# This component loads after `cards`, so it sets the pipeline's grouper unless the environment names one.
DOCUMENTS_ENVELOPE_GROUPER = env(
    "DOCUMENTS_ENVELOPE_GROUPER", default="apps.notices.comailing.notice_envelope_grouper"
)
