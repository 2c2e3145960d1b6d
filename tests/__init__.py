"""Test helpers shared by every app's tests (not tests themselves)."""
