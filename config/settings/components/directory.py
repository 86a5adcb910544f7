"""Settings for the directory area."""
