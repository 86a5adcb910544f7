"""Settings for the cards area and the shared documents pipeline.

Facts tagged [U] in DOMAIN.md live here (configuration, not constants): Medi-Cal Rx routing numbers,
large-print minimum size, whether the MBI is printed."""

from celery.schedules import crontab

from config.env import env

# --- documents pipeline ------------------------------------------------------------------------------
# Lease on a RENDERING row: above the render task's 90 s hard time limit.
DOCUMENTS_RENDER_LEASE_SECONDS = env.int("DOCUMENTS_RENDER_LEASE_SECONDS", default=120)
# A PENDING document untouched this long is re-enqueued by `documents.requeue_stale` (lost message).
DOCUMENTS_REQUEUE_PENDING_AFTER_SECONDS = env.int("DOCUMENTS_REQUEUE_PENDING_AFTER_SECONDS", default=1800)
# Envelope grouping hook for print batches (co-mailing): a callable (pieces) -> list of envelopes.
DOCUMENTS_ENVELOPE_GROUPER = env(
    "DOCUMENTS_ENVELOPE_GROUPER", default="memberhub.documents.batches.one_piece_per_envelope"
)
# Variable-data fast path for cards (WeasyPrint static layer + ReportLab stamping); off = full render.
DOCUMENTS_FAST_PATH = env.bool("DOCUMENTS_FAST_PATH", default=True)

# --- cards ---------------------------------------------------------------------------------------------
CARDS_SHOW_MBI = env.bool("CARDS_SHOW_MBI", default=False)  # [U] DOMAIN §7.4: one plan member id, not the MBI
CARDS_LARGE_PRINT_MIN_PT = env.float(
    "CARDS_LARGE_PRINT_MIN_PT", default=18.0
)  # issue: 18 pt; DHCS: 20-pt Arial
# Medi-Cal Rx (state FFS pharmacy benefit) routing numbers [U: confirm against the DHCS Medi-Cal Rx payer sheet]
CARDS_MEDI_CAL_RX = {
    "bin": env("CARDS_MEDI_CAL_RX_BIN", default="022659"),
    "pcn": env("CARDS_MEDI_CAL_RX_PCN", default="6334225"),
    "group": env("CARDS_MEDI_CAL_RX_GROUP", default="MEDICALRX"),
    "phone": env("CARDS_MEDI_CAL_RX_PHONE", default="1-800-977-2273"),
}
# Card issuer number (10 digits after 80840, NPI-style check digit) per parent organization code.
CARDS_ISSUER_NUMBERS = {"sunrise": "1234567893", "golden-valley": "1245319599"}
CARDS_DEFAULT_ISSUER_NUMBER = env("CARDS_DEFAULT_ISSUER_NUMBER", default="1234567893")
# The QR code opens the member app's card screen (sign-in required). No identifier in the URL.
CARDS_DIGITAL_CARD_URL = env("CARDS_DIGITAL_CARD_URL", default="https://app.memberhub.example/card")
CARDS_MEMBER_SERVICES_HOURS = env("CARDS_MEMBER_SERVICES_HOURS", default="8am-8pm, 7 days")
# "Lost card" replacements a member may request through the API.
CARDS_REPLACEMENT_RATE = env("CARDS_REPLACEMENT_RATE", default="3/day")

CARDS_BEAT_SCHEDULE = {
    # https://crontab.guru/#30_17_*_*_1-5 : close print batches every weekday 17:30 (Pacific)
    "documents-close-print-batches": {
        "task": "documents.close_print_batches",
        "schedule": crontab(minute="30", hour="17", day_of_week="1-5"),
    },
    # https://crontab.guru/#*/5_*_*_*_* : re-enqueue renders/batches lost by a killed worker
    "documents-requeue-stale": {"task": "documents.requeue_stale", "schedule": crontab(minute="*/5")},
    # https://crontab.guru/#15_2_*_*_* : reissue cards whose content changed (PCP, plan year, pair numbers)
    "cards-reissue-scan": {"task": "cards.reissue_scan", "schedule": crontab(minute="15", hour="2")},
}
