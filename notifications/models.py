"""Models for notifications."""
