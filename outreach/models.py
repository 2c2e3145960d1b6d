"""Models for outreach."""
