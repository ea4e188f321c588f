"""How a hotel's knowledge base is stored: zlib-compressed JSON in one binary attribute.

It stays on the hotel's item, so the bot's hotel read is still one GetItem; compressed, a
realistic knowledge base (200 entries in 6 languages, about 600 KB of JSON) takes a fraction
of DynamoDB's 400 KB item limit. What does not fit is refused before anything is written.
"""

from __future__ import annotations

import json
import zlib
from typing import Any

from inbox.bot import KnowledgeBase, KnowledgeEntry
from inbox.errors import TooLarge

# DynamoDB's item limit is 400 KB (names and values); the rest of the hotel's item is well under 1 KB.
MAX_KNOWLEDGE_KB = 350


def knowledge_json(knowledge: KnowledgeBase) -> dict[str, Any]:
    return {
        "default_language": knowledge.default_language,
        "trusted_domains": list(knowledge.trusted_domains),
        "entries": [{"id": e.id, "topic": e.topic, "questions": list(e.questions), "answers": dict(e.answers)}
                    for e in knowledge.entries],
    }


def pack_knowledge(knowledge: KnowledgeBase) -> bytes:
    """The knowledge base as stored; ``TooLarge`` when it cannot fit on the hotel's item."""
    text = json.dumps(knowledge_json(knowledge), ensure_ascii=False, separators=(",", ":"))
    packed = zlib.compress(text.encode(), level=9)
    if len(packed) > MAX_KNOWLEDGE_KB * 1024:
        raise TooLarge(f"the knowledge base takes {len(packed) // 1024} KB once compressed "
                       f"({len(text.encode()) // 1024} KB of JSON); at most {MAX_KNOWLEDGE_KB} KB compressed "
                       f"can be stored: remove entries or shorten answers")
    return packed


def unpack_knowledge(packed: bytes | None, legacy: dict[str, Any] | None = None) -> KnowledgeBase:
    """The stored knowledge base (``legacy``: the plain JSON attribute written before compression)."""
    try:
        data = json.loads(zlib.decompress(packed)) if packed else legacy
    except zlib.error as error:
        raise ValueError(f"not a compressed knowledge base: {error}") from None
    if not data:
        return KnowledgeBase()
    return KnowledgeBase(
        default_language=data.get("default_language", "en"),
        trusted_domains=tuple(data.get("trusted_domains", ())),
        entries=tuple(KnowledgeEntry(e["id"], e["topic"], tuple(e["questions"]), dict(e["answers"]))
                      for e in data.get("entries", ())),
    )
