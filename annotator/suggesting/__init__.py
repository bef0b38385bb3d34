"""Suggestions: recommenders that learn from the project's own annotations and propose spans (no Qt, no database)."""
