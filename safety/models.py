"""Models for safety."""
