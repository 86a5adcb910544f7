"""Settings for the enrollment area."""
