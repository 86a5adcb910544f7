"""Settings for the directory area."""

from config.env import env

# Public directory search: throttle per client (None/empty disables it, e.g. for benchmarks).
DIRECTORY_SEARCH_THROTTLE_RATE = env("DIRECTORY_SEARCH_THROTTLE_RATE", default="600/min") or None
DIRECTORY_DEFAULT_RADIUS_MILES = env.float("DIRECTORY_DEFAULT_RADIUS_MILES", default=10.0)
DIRECTORY_MAX_RADIUS_MILES = env.float("DIRECTORY_MAX_RADIUS_MILES", default=100.0)
DIRECTORY_PAGE_SIZE = env.int("DIRECTORY_PAGE_SIZE", default=20)
DIRECTORY_MAX_PAGE_SIZE = env.int("DIRECTORY_MAX_PAGE_SIZE", default=100)
# pg_trgm word-similarity threshold for the typo-tolerant name search (0..1; lower = more tolerant).
DIRECTORY_NAME_SIMILARITY = env.float("DIRECTORY_NAME_SIMILARITY", default=0.45)
DIRECTORY_FHIR_PAGE_SIZE = env.int("DIRECTORY_FHIR_PAGE_SIZE", default=50)
