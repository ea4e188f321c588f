"""Knowledge-base matching: the entry whose example questions are closest to a message.

Each example question (and the entry's topic) is read by ``analyse`` into features --
concepts and the words the concepts do not cover -- weighted by how specific they are
to one entry (inverse entry frequency). A message is scored against every question by
cosine similarity; the engine answers only above its threshold (``bot.engine``).
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass

from bot.normalise import Analysis, analyse
from inbox.bot import KnowledgeBase, KnowledgeEntry

_WORD_WEIGHT = 0.6  # a plain word counts less than a concept
_UNKNOWN_WORD_WEIGHT = 0.5  # a message word no entry uses
_UNKNOWN_CONCEPT_FACTOR = 1.5  # a concept no entry uses, relative to the rarest entry concept
# Concepts that qualify a topic rather than name one ("is it free", "what time", "the
# room"). A match needs at least one shared feature that is not a modifier: "can I
# smoke in the room?" shares only "room" with "when is the room available?", which is
# no reason to answer with the check-in time.
_MODIFIERS = frozenset(
    "#" + c for c in ("room", "time", "price", "included", "booking", "night", "allowed", "policy", "open", "stay")
)


@dataclass(frozen=True)
class Index:
    """Example questions of a knowledge base, as weighted feature vectors."""

    questions: tuple[tuple[int, dict[str, float], float], ...]  # entry position, weights, norm
    weights: dict[str, float]  # feature -> weight (specificity)
    max_weight: float


def _feature_weight(feature: str, idf: float) -> float:
    return idf if feature.startswith("#") else idf * _WORD_WEIGHT


def _build_index(entries: tuple[tuple[str, str, tuple[str, ...]], ...]) -> Index:
    per_entry: list[list[frozenset[str]]] = []
    for _id, topic, questions in entries:
        texts = [*questions, topic] if topic else list(questions)
        per_entry.append([analyse(q).features for q in texts if q])
    n = max(len(entries), 1)
    df: dict[str, int] = {}
    for features_list in per_entry:
        for feature in set().union(*features_list) if features_list else ():
            df[feature] = df.get(feature, 0) + 1
    weights = {f: _feature_weight(f, 1.0 + math.log(n / count)) for f, count in df.items()}
    vectors: list[tuple[int, dict[str, float], float]] = []
    for position, features_list in enumerate(per_entry):
        for features in features_list:
            vector = {f: weights[f] for f in features}
            norm = math.sqrt(sum(w * w for w in vector.values()))
            if norm > 0:
                vectors.append((position, vector, norm))
    return Index(tuple(vectors), weights, 1.0 + math.log(n))


class IndexCache:
    """A small LRU of indexed knowledge bases, keyed by their questions' content."""

    def __init__(self, size: int = 32) -> None:
        self._size = size
        self._items: OrderedDict[tuple, Index] = OrderedDict()

    def get(self, knowledge: KnowledgeBase) -> Index:
        key = tuple((e.id, e.topic, tuple(e.questions)) for e in knowledge.entries)
        index = self._items.get(key)
        if index is None:
            index = _build_index(key)
            self._items[key] = index
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        else:
            self._items.move_to_end(key)
        return index


@dataclass(frozen=True)
class Match:
    """The best entry for a message and its similarity (0..1)."""

    entry: KnowledgeEntry | None
    score: float


def _message_weight(feature: str, index: Index) -> float:
    weight = index.weights.get(feature)
    if weight is not None:
        return weight
    # Unknown to every entry: a concept the engine understands (museum, wedding) is
    # as specific as the rarest entry concept; a plain unknown word counts little, so
    # that a long, chatty question still finds its entry.
    if feature.startswith("#"):
        return index.max_weight * _UNKNOWN_CONCEPT_FACTOR
    return _UNKNOWN_WORD_WEIGHT


def best_match(analysis: Analysis, knowledge: KnowledgeBase, index: Index) -> Match:
    """The entry whose closest example question is most similar to the message."""
    features = analysis.features
    if not features or not index.questions:
        return Match(None, 0.0)
    m_weights = {f: _message_weight(f, index) for f in features}
    m_norm = math.sqrt(sum(w * w for w in m_weights.values()))
    best_position, best_score = -1, 0.0
    for position, vector, norm in index.questions:
        shared = [f for f in vector if f in m_weights]
        if not shared or all(f in _MODIFIERS for f in shared):
            continue
        dot = sum(m_weights[f] * vector[f] for f in shared)
        score = dot / (m_norm * norm)
        # Strictly greater: on a tie the earlier entry wins, so the result is stable.
        if score > best_score + 1e-12:
            best_position, best_score = position, score
    if best_position < 0:
        return Match(None, 0.0)
    return Match(knowledge.entries[best_position], best_score)
