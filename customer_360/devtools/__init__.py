"""Developer tools outside the runtime path."""
