"""Lobby's infrastructure as CDK constructs: one construct per concern, composed by LobbyStack."""
