"""The Expedia adapters only translate Expedia's shapes and call ``Inbox``: none reaches the store,
an AWS SDK or the inbox's own ports behind its back (the issue: "the ingest and the sender call only Inbox")."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

import expedia.backfill
import expedia.ingest
import expedia.sender

ADAPTERS = (expedia.ingest, expedia.sender, expedia.backfill)
FORBIDDEN_IMPORTS = ("store", "boto3", "botocore", "pynamodb", "storage", "wiring")
# What the inbox holds: a channel adapter going through one of these would bypass the use cases.
INBOX_INTERNALS = {"store", "files", "health", "outbox", "scheduler", "bot"}


def _tree(module) -> ast.Module:
    return ast.parse(Path(inspect.getfile(module)).read_text())


@pytest.mark.parametrize("module", ADAPTERS, ids=lambda m: m.__name__)
def test_a_channel_adapter_imports_no_store_and_no_aws_sdk(module):
    imported = set()
    for node in ast.walk(_tree(module)):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert not imported & set(FORBIDDEN_IMPORTS), f"{module.__name__} imports {imported & set(FORBIDDEN_IMPORTS)}"


@pytest.mark.parametrize("module", ADAPTERS, ids=lambda m: m.__name__)
def test_a_channel_adapter_never_reaches_behind_the_inbox(module):
    """No ``self.inbox.store``, ``inbox.files`` ...: every effect is a use case of the inbox."""
    behind = [f"line {node.lineno}: .inbox.{node.attr}" for node in ast.walk(_tree(module))
              if isinstance(node, ast.Attribute) and node.attr in INBOX_INTERNALS
              and isinstance(node.value, ast.Attribute) and node.value.attr == "inbox"]
    behind += [f"line {node.lineno}: inbox.{node.attr}" for node in ast.walk(_tree(module))
               if isinstance(node, ast.Attribute) and node.attr in INBOX_INTERNALS
               and isinstance(node.value, ast.Name) and node.value.id == "inbox"]
    assert not behind, f"{module.__name__} goes around the inbox's use cases: {behind}"


@pytest.mark.parametrize("adapter", [expedia.ingest.ExpediaIngest, expedia.sender.ExpediaSender,
                                     expedia.backfill.ExpediaBackfill], ids=lambda c: c.__name__)
def test_a_channel_adapter_is_built_from_the_inbox_and_the_client_only(adapter):
    parameters = [name for name, p in inspect.signature(adapter.__init__).parameters.items()
                  if name != "self" and p.kind is not p.KEYWORD_ONLY]
    assert parameters == ["inbox", "client"]
