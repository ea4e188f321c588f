"""Adapters that keep attachment bytes (S3)."""
