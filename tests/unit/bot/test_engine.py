"""Behaviour of the default bot that a hotel would notice."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import KeywordBot, detect_language
from bot.engine import ANSWER_THRESHOLD, SPAM_THRESHOLD, analyse, fold, human_request, spam_signals
from bot.samples import sample_knowledge_base
from inbox.bot import (
    Answer,
    GuestText,
    HandOff,
    HandoffReason,
    KnowledgeBase,
    KnowledgeEntry,
    SpamVerdict,
)

SPAM = "Invest in Bitcoin now and double your money!!! https://btc-doubler.io"


def decide(bot, knowledge, text, **fields):
    return bot.decide(GuestText(text=text, **fields), knowledge)


def assert_answer(decision, entry_id):
    assert isinstance(decision, Answer), decision
    assert decision.entry_id == entry_id, decision
    return decision


def assert_handoff(decision, reason):
    assert isinstance(decision, HandOff), decision
    assert decision.reason == reason, decision
    return decision


# -- order of decisions ----------------------------------------------------------------


def test_bot_disabled_hands_off_a_question_it_could_answer(bot, knowledge):
    off = dataclasses.replace(knowledge, enabled=False)
    assert_answer(decide(bot, knowledge, "Is there parking?"), "parking")
    assert_handoff(decide(bot, off, "Is there parking?"), HandoffReason.BOT_DISABLED)


def test_spam_is_spam_even_when_the_bot_is_disabled(bot, knowledge):
    """Documented order: spam first, then the switch (a phishing link is no guest)."""
    off = dataclasses.replace(knowledge, enabled=False)
    assert isinstance(decide(bot, off, SPAM), SpamVerdict)


def test_asking_for_a_person_wins_over_the_switch(bot, knowledge):
    off = dataclasses.replace(knowledge, enabled=False)
    assert_handoff(decide(bot, off, "Can I speak to a person?"), HandoffReason.HUMAN_REQUESTED)


def test_wants_human_wins_over_a_perfect_answer(bot, knowledge):
    assert_answer(decide(bot, knowledge, "What is the wifi password?"), "wifi")
    decision = decide(bot, knowledge, "What is the wifi password?", wants_human=True)
    assert_handoff(decision, HandoffReason.HUMAN_REQUESTED)
    assert decision.details["trigger"] == "wants_human"


@pytest.mark.parametrize(
    "text",
    [
        "I want to talk to someone about parking",
        "Je voudrais parler à quelqu'un pour le parking",
        "Quiero hablar con una persona sobre el aparcamiento",
        "Quero falar com um atendente sobre o estacionamento",
        "Ich möchte mit einem Mitarbeiter über den Parkplatz sprechen",
        "Vorrei parlare con qualcuno del parcheggio",
        "Could someone call me back about parking?",
        "Rappelez-moi pour le parking svp",
    ],
)
def test_a_request_for_a_person_wins_over_answering(bot, knowledge, text):
    decision = assert_handoff(decide(bot, knowledge, text), HandoffReason.HUMAN_REQUESTED)
    assert decision.details["trigger"] == "text"


@pytest.mark.parametrize(
    "text",
    [
        "Bonjour, je m'appelle Julie, le petit-déjeuner est-il inclus ?",  # "my name is", not "call me"
        "Me llamo Carlos, ¿a qué hora es el desayuno?",
        "Can I leave my bags with reception after checkout?",
        "Will someone be at the front desk if we arrive at 2am?",
        "We'd like a room for 2 persons with breakfast",
    ],
)
def test_mentioning_people_is_not_asking_for_one(text):
    assert human_request(text) is None


def test_spam_outranks_a_request_for_a_person(bot, knowledge):
    decision = decide(bot, knowledge, "Talk to our agent about SEO backlinks: www.rank-fast.biz")
    assert isinstance(decision, SpamVerdict)


# -- answers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Le petit-déjeuner est-il compris ?", "fr"),
        ("Is breakfast included in our rate?", "en"),
        ("¿El desayuno está incluido?", "es"),
        ("O café da manhã está incluso?", "pt"),
        ("Ist das Frühstück im Preis inbegriffen?", "de"),
    ],
)
def test_answer_comes_in_the_guests_language(bot, knowledge, entries, text, language):
    decision = assert_answer(decide(bot, knowledge, text), "breakfast")
    assert decision.language == language
    assert decision.text == entries["breakfast"].answers[language]


def test_missing_translation_falls_back_to_the_hotel_default(bot, knowledge, entries):
    assert "it" not in entries["pets"].answers
    decision = assert_answer(decide(bot, knowledge, "Posso portare il mio cane?"), "pets")
    assert knowledge.default_language == "fr"
    assert decision.text == entries["pets"].answers["fr"]
    assert decision.language == "fr"  # the language of the text actually sent


def test_channel_hint_decides_when_the_text_has_no_language(bot, knowledge, entries):
    decision = assert_answer(decide(bot, knowledge, "wifi?", language="de"), "wifi")
    assert decision.text == entries["wifi"].answers["de"]
    decision = assert_answer(decide(bot, knowledge, "wifi?", language="pt-BR"), "wifi")
    assert decision.text == entries["wifi"].answers["pt"]
    # ...but the guest's own words win over the hint.
    decision = assert_answer(decide(bot, knowledge, "¿Cuál es la contraseña del wifi?", language="de"), "wifi")
    assert decision.language == "es"


@pytest.mark.parametrize(
    "text",
    [
        "PETIT DÉJEUNER INCLUS ?",
        "petit dejeuner inclus",
        "FRÜHSTÜCK INKLUSIVE?",
        "fruhstuck inklusive",
        "Fruehstueck?",
        "brekfast included??",
        "breakfst included?",
        "desayuno incluído",
        "frühstücksbuffet am sonntag?",
    ],
)
def test_accents_case_and_typos_do_not_matter(bot, knowledge, text):
    assert_answer(decide(bot, knowledge, text), "breakfast")


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        ("contraseña wifi", "wifi"),
        ("mot de passe du wi-fi ?", "wifi"),
        ("senha do wifi", "wifi"),
        ("WLAN Passwort?", "wifi"),
        ("aparcamiento?", "parking"),
        ("Parkplatz vorhanden?", "parking"),
        ("où se garer ?", "parking"),
        ("Haustiere erlaubt?", "pets"),
        ("cão permitido?", "pets"),
        ("Stornierung kostenlos?", "cancellation"),
        ("navette aéroport ?", "airport_shuttle"),
        ("late check out possible?", "late_checkout"),
        ("check-in anticipado", "early_checkin"),
        ("Gepäckaufbewahrung?", "luggage_storage"),
    ],
)
def test_words_of_all_languages_reach_the_same_entry(bot, knowledge, text, entry):
    assert_answer(decide(bot, knowledge, text), entry)


def test_score_is_a_similarity_above_the_threshold(bot, knowledge):
    decision = assert_answer(decide(bot, knowledge, "What time is check-out?"), "checkout_time")
    assert ANSWER_THRESHOLD <= decision.score <= 1.0


def test_unanswerable_goes_to_the_agents_with_the_best_score(bot, knowledge):
    decision = decide(bot, knowledge, "Is the Orsay museum open on Monday?")
    assert_handoff(decision, HandoffReason.BOT_UNANSWERED)
    assert 0 <= decision.details["best_score"] < ANSWER_THRESHOLD
    assert decision.details["language"] == "en"


def test_a_recommendation_is_not_answered_with_the_hotels_own_restaurant(bot, knowledge):
    assert_answer(decide(bot, knowledge, "Is your restaurant open tonight?"), "restaurant")
    decision = decide(bot, knowledge, "Can you recommend a vegan restaurant nearby?")
    assert_handoff(decision, HandoffReason.BOT_UNANSWERED)
    assert decision.details["best_entry"] == "restaurant"
    assert 0.2 < decision.details["best_score"] < ANSWER_THRESHOLD


@pytest.mark.parametrize(
    "text",
    [
        "Can I smoke in the room?",
        "¿Se puede fumar en las habitaciones?",
        "Do the rooms have a kettle?",
        "Welche Zimmer sind ruhig?",
        "Is the room big?",
        "what time?",
        "How much per night?",
        "Is it free?",
        "Are they allowed?",
    ],
)
def test_a_generic_word_alone_is_no_reason_to_answer(bot, knowledge, text):
    """Sharing only "room" (or "time", "price"...) with an example question is not a match."""
    assert_handoff(decide(bot, knowledge, text), HandoffReason.BOT_UNANSWERED)


def test_on_a_tie_the_first_entry_wins():
    twin_a = KnowledgeEntry(id="a", topic="", questions=("Is there a sauna?",), answers={"en": "A"})
    twin_b = KnowledgeEntry(id="b", topic="", questions=("Is there a sauna?",), answers={"en": "B"})
    bot = KeywordBot()
    assert_answer(bot.decide(GuestText("sauna?"), KnowledgeBase(entries=(twin_a, twin_b))), "a")
    assert_answer(bot.decide(GuestText("sauna?"), KnowledgeBase(entries=(twin_b, twin_a))), "b")


def test_a_breakdown_is_not_answered_with_the_faq(bot, knowledge):
    assert_answer(decide(bot, knowledge, "Le wifi est gratuit ?"), "wifi")
    decision = assert_handoff(decide(bot, knowledge, "Le wifi ne marche pas"), HandoffReason.BOT_UNANSWERED)
    assert decision.details["reported"] == ["problem"]


def test_an_empty_knowledge_base_hands_everything_off(bot):
    decision = assert_handoff(decide(bot, KnowledgeBase(), "What time is check-in?"), HandoffReason.BOT_UNANSWERED)
    assert decision.details["best_score"] == 0.0
    assert decision.details["best_entry"] is None


def test_a_hotels_own_entries_are_matched(bot):
    """Any hotel's knowledge base works, not only the sample; changes are seen at once."""
    sauna = KnowledgeEntry(
        id="sauna",
        topic="Sauna",
        questions=("Do you have a sauna?", "Y a-t-il un sauna ?"),
        answers={"en": "Yes, 9-21."},
    )
    laundry = KnowledgeEntry(
        id="laundry",
        topic="Laundry",
        questions=("Can you wash my clothes?", "Do you have a laundry service?"),
        answers={"en": "Same-day laundry, €5 per item."},
    )
    kb = KnowledgeBase(entries=(sauna,))
    assert_answer(decide(bot, kb, "Is there a sauna in the hotel?"), "sauna")
    assert_handoff(decide(bot, kb, "Do you do laundry?"), HandoffReason.BOT_UNANSWERED)
    kb = KnowledgeBase(entries=(sauna, laundry))
    assert_answer(decide(bot, kb, "Do you do laundry?"), "laundry")


# -- spam ----------------------------------------------------------------------------------


def test_spam_verdict_has_named_reasons(bot, knowledge):
    decision = decide(bot, knowledge, SPAM)
    assert isinstance(decision, SpamVerdict)
    assert decision.score >= SPAM_THRESHOLD
    names = {reason.split(":")[0] for reason in decision.reasons}
    assert {"untrusted_link", "crypto_investment"} <= names


@pytest.mark.parametrize(
    "text",
    [
        "I booked on booking.com/hotel/fr/lumiere.html, can I pay 50€ cash?",
        "free parking?",
        "Call me on +33 6 12 34 56 78 when you can",
        "We're here: https://maps.app.goo.gl/abc123 - where is the entrance?",
        "Found a better price on expedia.fr, 89 €/night, can you match it?",
        "See you soon! Our company: www.acme-consulting.co.uk",  # one unknown link alone
        "Can I pay in bitcoin?",  # one signal alone
        "hello? hello?? anyone???",
    ],
)
def test_real_guests_are_not_spam(bot, knowledge, text):
    assert not isinstance(decide(bot, knowledge, text), SpamVerdict)


def test_a_link_to_the_hotels_own_domain_is_trusted(knowledge):
    text = "Congrats, you have won! See https://www.hotel-lumiere.fr/offers"
    trusted = spam_signals(GuestText(text=text), knowledge.trusted_domains)
    untrusted = spam_signals(GuestText(text=text), ())
    assert not any(r.startswith("untrusted_link") for r in trusted.reasons)
    assert any(r.startswith("untrusted_link") for r in untrusted.reasons)
    assert trusted.score < SPAM_THRESHOLD <= untrusted.score


def test_lookalike_of_a_booking_platform_is_flagged(bot, knowledge):
    decision = decide(bot, knowledge, "Guest complaint: please log in to review https://booking-extranet-verify.com")
    assert isinstance(decision, SpamVerdict)
    assert any(r.startswith("lookalike_domain") for r in decision.reasons)
    assert not any(r.startswith("lookalike") for r in spam_signals(GuestText("https://booking.com/x")).reasons)


def test_repeated_text_from_a_new_sender_is_spam(bot, knowledge):
    text = "Great offer for your property, details at www.partner-deals.co"
    assert not isinstance(decide(bot, knowledge, text, repeat_count=0, sender_is_new=True), SpamVerdict)
    decision = decide(bot, knowledge, text, repeat_count=3, sender_is_new=True)
    assert isinstance(decision, SpamVerdict)
    assert "repeated_by_new_sender" in decision.reasons


def test_a_returning_guest_repeating_a_message_with_a_link_is_not_spam(bot, knowledge):
    text = "Here is our event page https://www.eventbrite.com/e/123 - can you confirm the group rate?"
    assert not isinstance(decide(bot, knowledge, text, repeat_count=4, sender_is_new=False), SpamVerdict)
    assert isinstance(decide(bot, knowledge, text, repeat_count=4, sender_is_new=True), SpamVerdict)


def test_a_returning_guest_repeating_hello_is_not_spam(bot, knowledge):
    assert not isinstance(decide(bot, knowledge, "hello?", repeat_count=5, sender_is_new=False), SpamVerdict)
    # Nor is a new guest who keeps asking the same question while waiting.
    assert not isinstance(decide(bot, knowledge, "hello?", repeat_count=3, sender_is_new=True), SpamVerdict)
    question = "What time can we check in tomorrow please?"
    assert_answer(decide(bot, knowledge, question, repeat_count=6, sender_is_new=True), "checkin_time")


def test_shouting_with_a_link_adds_up(knowledge):
    quiet = spam_signals(GuestText("claim your free usdt at https://usdt-gift.xyz"), knowledge.trusted_domains)
    loud = spam_signals(GuestText("CLAIM YOUR FREE USDT AT HTTPS://USDT-GIFT.XYZ"), knowledge.trusted_domains)
    assert "shouting_with_link" in loud.reasons and "shouting_with_link" not in quiet.reasons
    assert loud.score > quiet.score


# -- language and normalisation ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Bonjour, est-ce que le parking est payant ?", "fr"),
        ("Hello, is the parking free for guests?", "en"),
        ("Hola, ¿el aparcamiento es gratis?", "es"),
        ("Olá, o estacionamento é gratuito?", "pt"),
        ("Hallo, ist der Parkplatz kostenlos?", "de"),
        ("Ciao, il parcheggio è gratuito?", "it"),
        ("Wie lautet das WLAN-Passwort?", "de"),
        ("Qual é a senha do wifi?", "pt"),
    ],
)
def test_detect_language(text, language):
    assert detect_language(text) == language


def test_detect_language_without_evidence_returns_the_default():
    assert detect_language("12345 !!!", default="pt") == "pt"
    assert detect_language("wifi?") == "en"


def test_fold_strips_accents_and_case():
    assert fold("Frühstück À L'HÔTEL ß Œuf") == "fruhstuck a l'hotel ss oeuf"


def test_analysis_maps_words_of_every_language_to_one_concept():
    for text in ("wifi", "wi-fi", "internet", "WLAN"):
        assert "wifi" in analyse(text).concepts, text
    for text in ("contraseña", "mot de passe", "senha", "Passwort", "password"):
        assert "password" in analyse(text).concepts, text
    for text in ("parking", "aparcamiento", "estacionamento", "Parkplatz", "garer"):
        assert "parking" in analyse(text).concepts, text
    for text in ("petit-déjeuner", "desayuno", "café da manhã", "Frühstück", "breakfast"):
        assert "breakfast" in analyse(text).concepts, text
    for text in ("animaux", "mascotas", "animais", "Haustiere", "chien", "dog", "perro", "cão", "Hund"):
        assert "pets" in analyse(text).concepts, text


# -- properties ------------------------------------------------------------------------------

_KNOWLEDGE = sample_knowledge_base()
_ANSWERS = {text for entry in _KNOWLEDGE.entries for text in entry.answers.values()}
_WORDS = sorted(
    {w for e in _KNOWLEDGE.entries for q in e.questions for w in q.split()}
    | {"SEO", "bitcoin", "http://x.xyz", "booking.com", "humain", "rappelez-moi", "€", "!!!", "?", "ß", "ñ"}
)
_guest_texts = st.one_of(
    st.text(min_size=1, max_size=5000),
    st.lists(st.sampled_from(_WORDS), min_size=1, max_size=40).map(" ".join),
)
_messages = st.builds(
    GuestText,
    text=_guest_texts,
    wants_human=st.booleans(),
    sender_is_new=st.booleans(),
    repeat_count=st.integers(min_value=0, max_value=10),
    language=st.one_of(st.none(), st.sampled_from(["fr", "en", "es", "pt", "de", "it", "xx"])),
)
_PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_PROPERTY_SETTINGS
@given(message=_messages, enabled=st.booleans())
def test_never_raises_and_always_decides(message, enabled):
    knowledge = dataclasses.replace(_KNOWLEDGE, enabled=enabled)
    decision = KeywordBot().decide(message, knowledge)
    assert isinstance(decision, (Answer, HandOff, SpamVerdict))
    if isinstance(decision, Answer):
        assert decision.text in _ANSWERS
        assert enabled and not message.wants_human
    if isinstance(decision, HandOff):
        assert isinstance(decision.reason, HandoffReason)
        if message.wants_human:
            assert decision.reason == HandoffReason.HUMAN_REQUESTED
    if isinstance(decision, SpamVerdict):
        assert decision.score >= SPAM_THRESHOLD and decision.reasons


@_PROPERTY_SETTINGS
@given(message=_messages)
def test_is_deterministic(message):
    shared = KeywordBot()
    first = shared.decide(message, _KNOWLEDGE)
    assert shared.decide(message, _KNOWLEDGE) == first
    assert KeywordBot().decide(message, _KNOWLEDGE) == first


@settings(max_examples=60, deadline=None)
@given(text=st.text(min_size=1, max_size=5000))
def test_detect_language_always_names_a_supported_language(text):
    assert detect_language(text) in {"en", "fr", "es", "pt", "de", "it"}
