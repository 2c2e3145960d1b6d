"""Models for directory."""
