"""Composition root: settings, observability and the adapters wired for a handler.

The only package that reads ``os.environ``; handlers ask it for ready-made services.
"""
