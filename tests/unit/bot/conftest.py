"""Fixtures of the bot tests: the sample hotel, the engine and the labelled corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine import KeywordBot
from bot.evaluate import evaluate
from bot.samples import sample_knowledge_base
from inbox.bot import KnowledgeBase

CORPUS = Path(__file__).with_name("corpus.jsonl")


@pytest.fixture(scope="session")
def knowledge() -> KnowledgeBase:
    """The sample hotel's knowledge base (default language French, bot on)."""
    return sample_knowledge_base()


@pytest.fixture(scope="session")
def bot() -> KeywordBot:
    return KeywordBot()


@pytest.fixture(scope="session")
def entries(knowledge):
    """The sample entries by id."""
    return {entry.id: entry for entry in knowledge.entries}


@pytest.fixture(scope="session")
def corpus_path() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def figures(corpus_path):
    """The engine's figures on the whole corpus, computed once."""
    return evaluate(corpus_path)
