"""Adapters that wake held conversations."""
