"""Settings for the enrollment area (X12 834 imports, alignment work queue)."""

from config.env import env

ENROLLMENT_834 = {
    # Where California DHCS packs Medi-Cal values in its 834 (DOMAIN.md §5.4, tagged [U]: confirm against the
    # DHCS 5010 834 companion guide). Keys of memberhub.x12.layout.PackedLayout.
    "PACKED_LAYOUT": {
        "separator": ";",
        "cin_qualifier": "0F",
        "case_qualifier": "3H",
        "case_county": (0, 2),
        "case_aid_code": (2, 4),
        "case_number_from": 4,
        "coverage_aid_code_qualifier": "CE",
        "coverage_county_qualifier": "ZX",
    },
    # After MBI/CIN and subscriber id, match a record to a member by last name + first name + birth date when
    # exactly one member without this side's identifier has them (reported as a warning on the run).
    "MATCH_BY_NAME_AND_BIRTH_DATE": env.bool("ENROLLMENT_834_MATCH_BY_NAME_AND_BIRTH_DATE", default=True),
    # How often (records) a running import writes its progress.
    "PROGRESS_EVERY": env.int("ENROLLMENT_834_PROGRESS_EVERY", default=5000),
    # Errors and warnings kept on the run row (every one is also in the 999 / counts).
    "MAX_LISTED_PROBLEMS": env.int("ENROLLMENT_834_MAX_LISTED_PROBLEMS", default=10000),
    # Storage (STORAGES alias) where uploaded 834 files are kept for the worker.
    "STORAGE": "documents",
    "CARD_REASON_NEW_ENROLLMENT": "new_enrollment",
}
