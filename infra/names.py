"""Resource names shared by the CDK app, the local stack and the tests."""

STACK = "Lobby"
TABLE = "lobby"
