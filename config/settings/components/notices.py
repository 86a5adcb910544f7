"""Settings for the notices area."""
