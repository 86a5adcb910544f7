"""Settings for the doors area."""
