"""Models for activities."""
