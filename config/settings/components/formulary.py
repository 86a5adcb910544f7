"""Settings for the formulary area."""
