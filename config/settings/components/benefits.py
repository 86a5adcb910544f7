"""Settings for the benefits area."""
