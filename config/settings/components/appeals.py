"""Settings for the appeals area."""
