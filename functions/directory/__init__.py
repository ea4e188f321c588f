"""Adapters that say who works for a hotel (``inbox.ports.AgentDirectory``): the console's Cognito user pool."""
