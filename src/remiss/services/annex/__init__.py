"""Gathering the store's answers into the annex and publishing it."""
