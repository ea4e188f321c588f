"""LobbyStack: composes the constructs of each concern."""

from __future__ import annotations

from aws_cdk import Stack
from constructs import Construct

from infra import names
from infra.data import Data


class LobbyStack(Stack):
    def __init__(self, scope: Construct, id: str = names.STACK, **kwargs):
        super().__init__(scope, id, **kwargs)
        self.data = Data(self, "Data", table_name=names.TABLE)
