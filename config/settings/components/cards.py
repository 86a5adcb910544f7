"""Settings for the cards area."""
