"""The rules by which the bot recognises a request for a person (``bot.lexicon``).

One example per rule and language family, and the look-alikes each rule must leave
alone. The rule sets are measured as a whole in ``test_holdout.py``.
"""

from __future__ import annotations

import dataclasses

import pytest

from bot.engine import human_request, mentions_a_role
from bot.lexicon import PERSON, ROLE, words
from inbox.bot import Answer, GuestText, HandOff, HandoffReason


def decide(bot, knowledge, text):
    return bot.decide(GuestText(text=text), knowledge)


@pytest.mark.parametrize(
    "text",
    [
        # a person near a contact verb
        "Could I chat with your concierge for a minute?",
        "Je voudrais discuter avec votre collègue de l'accueil",
        "Ich will mit Ihrem Chef reden",
        "Quiero hablar con el jefe",
        # German compounds and verb-final transfer
        "Bitte mit dem Nachtmanager verbinden",
        "Können Sie mich an einen Mitarbeiter weiterleiten?",
        # a need verb before the person
        "I need a receptionist right now",
        "Preciso de um funcionário",
        # a person before a help verb, help from a person
        "Is there somebody who could help me?",
        "Hace falta ayuda de recepción",
        # transfer with "me"
        "Passe-moi le gérant",
        "Pásame con el encargado",
        # call me, with words in between
        "Vous pourriez m'appeler ?",
        "Me podrían llamar mañana?",
        "Podem me ligar amanhã?",
        "Könnt ihr mich bitte anrufen",
        # a call back asked for as a thing
        "I'd like a phone call please",
        "Je voudrais un rappel au 06 11 22 33 44",
        # anybody there?
        "Anybody out there?",
        "Il y a quelqu'un ?",
        "Hay alguien?",
        "Tem alguém?",
        "Jemand da?",
        # a person named alone
        "Manager please",
        "receptionist",
        "Humano, por favor",
        # bot questions and complaints
        "Are you a robot?",
        "Is this automated?",
        "Bist du ein Bot?",
        "Esto es una respuesta automática, quiero otra cosa",
        # where is everybody / who is in charge
        "Where is the manager?",
        "Wo sind die Mitarbeiter?",
        "Who's in charge here?",
        # idioms, calling the hotel
        "I want someone of flesh and blood",
        "Puedo llamar al hotel?",
    ],
)
def test_asks_for_a_person(text):
    assert human_request(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Pouvez-vous me rappeler l'heure du check-in ?",  # remind me, not call me back
        "Bonjour, je m'appelle Julie",
        "Me llamo Carlos",
        "I'm calling about the parking",
        "We are 2 persons, is breakfast included?",
        "Le petit-déjeuner coûte combien par personne ?",
        "Wie viel kostet das Frühstück pro Person?",
        "Can I leave my bags with the staff after check-out?",
        "¿Se puede dejar el equipaje con el personal de recepción?",
        "Do the receptionists speak Spanish?",
        "Can I request a wake-up call at 6am?",
        "Is someone at the front desk all night?",
        "Nous arrivons à 1h, il y aura quelqu'un à l'accueil ?",
        "¿Hay alguien en recepción toda la noche?",
        "Ist nachts jemand an der Rezeption?",
        "Est-ce que quelqu'un peut monter des serviettes ?",
        "Is there no coffee machine in the room?",
        "No hay máquina de café en la habitación?",
        "How do I get to reception from the car park?",
        "Pouvez-vous nous conseiller un restaurant ?",
        "Where is the reception?",
    ],
)
def test_does_not_ask_for_a_person(text):
    assert human_request(text) is None, human_request(text)


def test_in_doubt_a_named_role_is_handed_off_rather_than_answered(bot, knowledge):
    assert isinstance(decide(bot, knowledge, "Can I leave my bags after check-out?"), Answer)
    decision = decide(bot, knowledge, "Can I leave my bags with the concierge after check-out?")
    assert isinstance(decision, HandOff) and decision.reason == HandoffReason.HUMAN_REQUESTED
    assert decision.details["trigger"] == "person_mentioned"
    assert decision.details["best_entry"] == "luggage_storage"


@pytest.mark.parametrize(
    "text",
    [
        "My boss booked the room, is breakfast included?",
        "Mi jefe reservó la habitación, ¿el desayuno está incluido?",
        "Ma collègue arrive plus tard, le parking est payant ?",
        "Mein Kollege fragt, ob es einen Fitnessraum gibt",
    ],
)
def test_the_guests_own_people_do_not_stop_an_answer(bot, knowledge, text):
    assert mentions_a_role(text) is None
    assert isinstance(decide(bot, knowledge, text), Answer)


def test_doubt_rule_needs_the_bot_on_and_keeps_the_order(bot, knowledge):
    """A role mention only changes an answer: spam and the switch come first as before."""
    off = dataclasses.replace(knowledge, enabled=False)
    decision = decide(bot, off, "Can I leave my bags with the concierge?")
    assert decision.reason == HandoffReason.BOT_DISABLED
    text = "Dear hotel manager, we offer SEO backlinks to rank your website: www.rank-fast.biz"
    assert not isinstance(decide(bot, knowledge, text), (Answer, HandOff))


def test_roles_are_people():
    persons = set(words(PERSON))
    assert all(role in persons for role in ROLE if " " not in role), sorted(set(ROLE) - persons)
