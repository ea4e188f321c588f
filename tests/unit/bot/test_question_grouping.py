"""The key that groups missed questions (``bot.grouping``, the engine's ``question_key``): similar wordings of a
question share it, other questions and other languages do not; nothing to group gives None; and the key does not
move with case, spacing, punctuation or word order (hypothesis, on the corpus's own questions)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.engine import KeywordBot
from bot.grouping import question_key
from inbox.bot import Answer, GuestText, KnowledgeBase, KnowledgeEntry

CORPUS = Path(__file__).with_name("corpus.jsonl")
QUESTIONS = [row["text"] for row in map(json.loads, CORPUS.read_text(encoding="utf-8").splitlines())
             if row["label"] in ("kb", "unanswerable")]


@pytest.mark.parametrize(("language", "one", "other"), [
    ("en", "Do you have a gym?", "gym - do you have one??"),
    ("en", "Do you have a gym?", "DO YOU HAVE A GYM"),
    ("en", "Is there parking?", "Where can I park?"),
    ("en", "Can I check in early?", "early check-in, possible?"),
    ("en", "Do you have a gym?", "do you have gyms"),  # a plural
    ("fr", "A quelle heure est le petit déjeuner ?", "le petit-déjeuner, à quelle heure ?"),
    ("fr", "Avez-vous une salle de sport ?", "une salle de sport, vous avez ?"),
    ("de", "Wann gibt es Frühstück?", "Frühstück, wann gibt es das?"),
    ("de", "Wann gibt es Frühstück?", "wann gibt es Fruehstueck"),  # without umlauts
])
def test_similar_wordings_share_a_key(language, one, other):
    assert question_key(one, language) is not None
    assert question_key(one, language) == question_key(other, language)


@pytest.mark.parametrize(("one", "other"), [
    ("Do you have a gym?", "Do you have a pool?"),
    ("Is breakfast included?", "What time is breakfast?"),
    ("Can I check in early?", "Can I check out late?"),
    ("Is there parking?", "Is there a spa?"),
    ("Can I bring my dog?", "Can I bring my bike?"),
])
def test_different_questions_have_different_keys(one, other):
    assert question_key(one, "en") != question_key(other, "en")


def test_the_same_words_in_two_languages_are_two_groups():
    assert question_key("spa?", "en") != question_key("spa?", "fr")
    assert question_key("Wifi?", "pt-BR") == question_key("wifi", "PT")  # a channel's code, read as the bot does
    assert question_key("Wifi?", None).startswith("und:")


@pytest.mark.parametrize("text", ["", "   ", "Hello!", "bonjour", "12 34 2026", "?!", "a b c"])
def test_nothing_to_group(text):
    """Greetings, numbers or nothing: no key."""
    assert question_key(text, "en") is None


@pytest.mark.parametrize(("report", "question"), [("The shower is broken", "Is there a shower?"),
                                                  ("The wifi does not work", "Do you have wifi?"),
                                                  ("I lost my wallet", "Wallet?")])
def test_a_breakdown_or_a_lost_item_is_grouped_apart_from_a_question_on_its_topic(report, question):
    assert question_key(report, "en") is not None
    assert question_key(report, "en") != question_key(question, "en")
    assert question_key(report.upper() + "!!", "en") == question_key(report, "en")


def test_the_engine_gives_the_grouping_key():
    assert KeywordBot().question_key("Do you have a gym?", "en") == question_key("Do you have a gym?", "en")


def test_a_question_taught_in_its_own_words_is_answered_in_another_wording_of_its_group():
    bot = KeywordBot()
    entry = KnowledgeEntry("missed-en-1", "Do you have a gym?", ("Do you have a gym?",), {"en": "Floor 2."})
    knowledge = KnowledgeBase(entries=(entry,))

    decision = bot.decide(GuestText("gym - do you have one??"), knowledge)

    assert isinstance(decision, Answer) and decision.text == "Floor 2."


_SEPARATORS = st.sampled_from([" ", "  ", ", ", "! ", "? ", " - ", "... ", "\n", "\t", " ; "])


@st.composite
def _rewordings(draw):
    """A corpus question, and the same words shuffled, re-cased and punctuated otherwise."""
    text = draw(st.sampled_from(QUESTIONS))
    words = text.split()
    shuffled = draw(st.permutations(words))
    cased = [draw(st.sampled_from([w, w.upper(), w.lower(), w.capitalize()])) for w in shuffled]
    seps = [draw(_SEPARATORS) for _ in cased]
    lead, tail = draw(st.sampled_from(["", " ", "¿", "\""])), draw(st.sampled_from(["", "?", "!!", " :)", "."]))
    return text, lead + "".join(w + s for w, s in zip(cased, seps, strict=True)) + tail


@settings(max_examples=300, deadline=None)
@given(_rewordings(), st.sampled_from(["en", "fr", "de", None]))
def test_the_key_ignores_case_spacing_punctuation_and_word_order(pair, language):
    text, reworded = pair
    assert question_key(reworded, language) == question_key(text, language)
