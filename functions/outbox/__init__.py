"""Adapters that hand replies and channel updates to the channel senders."""
