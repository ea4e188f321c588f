"""An entry a hotel adds about one thing answers that thing only: not its neighbours in the room, the shops, the
sights or a group's booking (bench/teaching.py found the hairdryer entry answering the kettle and the safe while each
was one "amenity"). The wordings here are not the corpus's."""

from __future__ import annotations

import pytest

from bot.engine import KeywordBot
from bot.samples import sample_knowledge_base
from inbox.bot import Answer, KnowledgeBase, KnowledgeEntry
from inbox.bot import GuestText as Text

TAUGHT = {
    "hairdryer": "Is there a hairdryer in the room?",
    "invoice": "Can I have an invoice in my company's name?",
    "orsay": "Is the Musée d'Orsay open on Mondays?",
    "pharmacy": "Is there a pharmacy nearby?",
}


def _with(name: str) -> KnowledgeBase:
    sample = sample_knowledge_base()
    entry = KnowledgeEntry(f"missed-{name}", TAUGHT[name], (TAUGHT[name],), {"en": f"About the {name}."})
    return KnowledgeBase(entries=(*sample.entries, entry), default_language=sample.default_language,
                         trusted_domains=sample.trusted_domains)


def _answer(knowledge: KnowledgeBase, text: str) -> str | None:
    decision = KeywordBot().decide(Text(text), knowledge)
    return decision.entry_id if isinstance(decision, Answer) else None


@pytest.mark.parametrize(("name", "asked"), [
    ("hairdryer", "do the bedrooms come with a hair dryer"),
    ("hairdryer", "Hay secador de pelo en la habitación?"),
    ("invoice", "please make the invoice out to my employer"),
    ("orsay", "is orsay open monday"),
    ("pharmacy", "any pharmacy close by?"),
])
def test_the_taught_entry_answers_its_own_question_in_other_words(name, asked):
    assert _answer(_with(name), asked) == f"missed-{name}"


@pytest.mark.parametrize(("name", "asked"), [
    ("hairdryer", "Is there a kettle in the room?"),
    ("hairdryer", "Do the rooms have a safe?"),
    ("hairdryer", "Could we get an iron in our room?"),
    ("invoice", "What discount do you give a group of 20 for a wedding?"),
    ("invoice", "Can you send us a quote for a seminar?"),
    ("orsay", "Where can I buy tickets for the PSG match?"),
    ("orsay", "Is the Eiffel Tower lit tonight?"),
    ("pharmacy", "Is there a cash machine nearby?"),
    ("pharmacy", "Where can I buy a SIM card around here?"),
])
def test_the_taught_entry_leaves_its_neighbours_to_the_team(name, asked):
    assert _answer(_with(name), asked) is None
