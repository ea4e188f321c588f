"""Missed questions on fakes: what the bot could not answer lands in its group (only a ``bot_unanswered``
handoff), counted, newest first, with the agent's first reply as its answer; an admin teaches the bot from a
group (the next guest asking it gets the bot's answer, within the 30 s hotel cache elsewhere) or dismisses it;
refusals write nothing; erasing the guest takes their words out of the group."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from fakes import T0, FakeBot, world
from inbox_team_helpers import guest_writes

from inbox.audit import BOT_UPDATED, MISSED_DISMISSED, AuditTarget
from inbox.bot import (
    ANSWER_MAX_LENGTH,
    BotDecision,
    GuestText,
    HandOff,
    HandoffReason,
    KnowledgeBase,
    KnowledgeEntry,
    SpamVerdict,
)
from inbox.errors import Conflict, InvalidInput, NotFound
from inbox.inbound import GuestProfile, InboundMessage
from inbox.model import Actor, ActorType, Status
from inbox.service import Inbox

ADMIN = Actor(ActorType.AGENT, "sub-bruno", "Bruno Émile")
AGENT = Actor(ActorType.AGENT, "sub-ana", "Ana Lima")
GYM = "Do you have a gym?"
GYM_AGAIN = "gym... do YOU have  a GYM?!"  # the same words, other order, case, spacing and punctuation
POOL = "Is there a pool?"
GYM_ANSWER = "Yes, on the 2nd floor, open 6:00 to 22:00."


@dataclass
class ScriptedBot(FakeBot):
    """The fake bot, but a person is asked for on "person", spam on "casino", the bot switched off on "off"."""

    seen: list[GuestText] = field(default_factory=list)

    def decide(self, message: GuestText, knowledge: KnowledgeBase) -> BotDecision:
        text = message.text.lower()
        if "person" in text:
            return HandOff(HandoffReason.HUMAN_REQUESTED)
        if "casino" in text:
            return SpamVerdict(2.0, ("seo",))
        if "off" in text:
            return HandOff(HandoffReason.BOT_DISABLED)
        return super().decide(message, knowledge)


def listed(w, limit=25):
    return w.inbox.missed_questions("h1", limit, None).items


def ask(w, text, thread, minutes=0, n=1):
    return guest_writes(w, text, thread=thread, n=n, minutes=minutes,
                        guest=GuestProfile(f"g-{thread}", f"Guest {thread}"))


def test_only_a_question_the_bot_could_not_answer_lands_in_the_list():
    w = world()
    w.inbox.bot = ScriptedBot()
    ask(w, "Is breakfast served early?", "t-answered")  # answered by the bot
    ask(w, "A person please, about the gym", "t-person")  # a person asked for
    ask(w, "casino gym bonus", "t-spam")
    ask(w, "gym (bot off)", "t-off")
    missed = ask(w, GYM, "t-missed")
    ask(w, "And a pool?", "t-missed", minutes=1, n=2)  # the conversation is open now: the agents' business

    (group,) = listed(w)
    assert (group.question, group.count, group.conversation_id, group.answer) == (GYM, 1, missed, None)
    assert w.store.conversations[("h1", missed)].missed_group == group.id
    handoff = next(a for a in w.store.activities if a.conversation_id == missed and a.type == "handed_off")
    assert handoff.details["missed_group"] == group.id  # what an erase reads
    for other in ("t-answered", "t-person", "t-spam", "t-off"):
        conversation = next(c for c in w.store.conversations.values() if c.external_conversation_id == other)
        assert conversation.missed_group is None


def test_similar_wordings_count_in_one_group_newest_wording_and_newest_group_first():
    w = world()
    first = ask(w, GYM, "t-1")
    w.clock.advance(minutes=5)
    second = ask(w, GYM_AGAIN, "t-2")
    w.clock.advance(minutes=5)
    ask(w, POOL, "t-3")

    pool, gym = listed(w)
    assert (pool.question, pool.count) == (POOL, 1)
    assert (gym.question, gym.count, gym.conversation_id) == (GYM_AGAIN, 2, second)
    assert gym.last_asked_at == T0 + timedelta(minutes=5) and pool.last_asked_at == T0 + timedelta(minutes=10)
    assert w.store.conversations[("h1", first)].missed_group == gym.id
    assert w.inbox.missed_questions("h1", 1, None).items == [pool]  # a page


def test_a_duplicate_delivery_of_the_guest_message_counts_once():
    w = world()
    m = InboundMessage("h1", "webchat", "t-1", "m-1", GYM, T0, GuestProfile("g-1", "Inès"))
    w.inbox.receive(m)
    assert w.inbox.receive(m).duplicate

    (group,) = listed(w)
    assert group.count == 1


def test_the_question_is_kept_with_card_numbers_masked():
    w = world()
    ask(w, "Do you have a gym? my card 4111 1111 1111 1111", "t-1")

    (group,) = listed(w)
    assert "4111" not in group.question and "gym" in group.question


def test_the_agents_first_reply_is_the_groups_answer():
    w = world()
    conversation = ask(w, GYM, "t-1")
    group_id = listed(w)[0].id

    w.inbox.reply("h1", conversation, AGENT, GYM_ANSWER)
    w.inbox.reply("h1", conversation, AGENT, "Anything else?")  # not the answer to the question

    (group,) = listed(w)
    assert (group.answer.text, group.answer.agent, group.answer.conversation_id) == (GYM_ANSWER, "Ana Lima",
                                                                                      conversation)
    assert w.store.conversations[("h1", conversation)].missed_group is None
    assert group.id == group_id


def test_teaching_a_group_answers_the_next_guest_who_asks_it():
    w = world()
    conversation = ask(w, GYM, "t-1")
    w.inbox.reply("h1", conversation, AGENT, GYM_ANSWER)
    (group,) = listed(w)

    entry = w.inbox.teach("h1", group.id, ADMIN, {"en": GYM_ANSWER, "fr": "Oui, au 2e étage."})

    assert entry == KnowledgeEntry(f"missed-{group.id}", GYM, (GYM,), {"en": GYM_ANSWER, "fr": "Oui, au 2e étage."})
    assert w.store.hotels["h1"].knowledge.entries == (entry,)
    (audited,) = w.audit.of("h1")
    assert (audited.action, audited.target, audited.actor) == (BOT_UPDATED, AuditTarget("bot", "h1"), ADMIN)
    assert listed(w) == []  # taught: off the list

    w.clock.advance(minutes=1)
    received = w.inbox.receive(InboundMessage("h1", "webchat", "t-2", "m-1", GYM_AGAIN, w.clock(),
                                              GuestProfile("g-2", "Noor")))
    assert received.conversation.status is Status.BOT
    assert [m.text for m in w.store.all_messages("h1", received.conversation_id)] == [GYM_AGAIN, GYM_ANSWER]
    assert listed(w) == []


def test_another_warm_process_answers_within_its_30_second_cache():
    w = world()
    ask(w, GYM, "t-1")
    other = Inbox(w.store, bot=FakeBot(), audit=w.audit, clock=w.clock)  # another function, its own hotel cache
    assert other.receive(InboundMessage("h1", "webchat", "t-2", "m-1", GYM, w.clock(),
                                        GuestProfile("g-2", "Noor"))).conversation.status is Status.OPEN
    group_id = listed(w)[0].id

    w.inbox.teach("h1", group_id, ADMIN, {"en": GYM_ANSWER})
    w.clock.advance(seconds=20)
    assert other.receive(InboundMessage("h1", "webchat", "t-3", "m-1", GYM, w.clock(),
                                        GuestProfile("g-3", "Lou"))).conversation.status is Status.OPEN
    w.clock.advance(seconds=11)
    assert other.receive(InboundMessage("h1", "webchat", "t-4", "m-1", GYM, w.clock(),
                                        GuestProfile("g-4", "Sam"))).conversation.status is Status.BOT


def test_the_admin_edits_the_answer_topic_and_questions():
    w = world()
    ask(w, GYM, "t-1")
    (group,) = listed(w)

    entry = w.inbox.teach("h1", group.id, ADMIN, {"en": "  Floor 2.  "}, topic="Gym",
                          questions=["Is there a gym?", "Fitness room?"])

    assert (entry.topic, entry.questions, entry.answers) == ("Gym", ("Is there a gym?", "Fitness room?"),
                                                             {"en": "Floor 2."})


def test_teaching_twice_is_refused_until_the_bot_misses_the_question_again_then_it_replaces_the_entry():
    w = world()
    ask(w, GYM, "t-1")
    (group,) = listed(w)
    w.inbox.teach("h1", group.id, ADMIN, {"en": GYM_ANSWER}, questions=["gym opening hours"])

    with pytest.raises(Conflict):
        w.inbox.teach("h1", group.id, ADMIN, {"en": "Other"})
    assert len(w.audit.of("h1")) == 1

    w.clock.advance(minutes=1)
    ask(w, GYM, "t-2")  # the taught questions did not cover this wording: missed again
    (again,) = listed(w)
    assert (again.id, again.count, again.taught_entry_id) == (group.id, 2, f"missed-{group.id}")
    w.inbox.teach("h1", group.id, ADMIN, {"en": "Floor 2."})

    (entry,) = w.store.hotels["h1"].knowledge.entries
    assert (entry.id, entry.questions, entry.answers) == (f"missed-{group.id}", (GYM,), {"en": "Floor 2."})


def test_teaching_keeps_the_other_entries():
    w = world()
    wifi = KnowledgeEntry("wifi", "wifi", ("wifi?",), {"en": "On your key card."})
    w.inbox.update_bot("h1", ADMIN, True, KnowledgeBase(entries=(wifi,), default_language="fr"))
    ask(w, GYM, "t-1")

    entry = w.inbox.teach("h1", listed(w)[0].id, ADMIN, {"en": GYM_ANSWER})

    knowledge = w.store.hotels["h1"].knowledge
    assert (knowledge.entries, knowledge.default_language) == ((wifi, entry), "fr")


def test_dismissing_takes_a_group_off_the_list_until_it_is_asked_again():
    w = world()
    ask(w, GYM, "t-1")
    ask(w, POOL, "t-2", minutes=1)
    gym = next(g for g in listed(w) if g.question == GYM)

    w.inbox.dismiss_missed("h1", gym.id, ADMIN)
    w.inbox.dismiss_missed("h1", gym.id, ADMIN)  # off the list already: nothing more

    assert [g.question for g in listed(w)] == [POOL]
    (audited,) = w.audit.of("h1")
    assert (audited.action, audited.target, audited.details) == (
        MISSED_DISMISSED, AuditTarget("missed_question", gym.id), {"language": "und", "count": 1})
    assert w.store.hotels["h1"].knowledge.entries == ()

    w.clock.advance(minutes=2)
    ask(w, GYM_AGAIN, "t-3")
    assert [(g.question, g.count) for g in listed(w)] == [(GYM_AGAIN, 2), (POOL, 1)]


@pytest.mark.parametrize("group_id", ["und-0123456789abcdef", "not a group", "../etc"])
def test_an_unknown_group_is_not_found_and_nothing_is_written(group_id):
    w = world()
    ask(w, GYM, "t-1")
    writes = list(w.store.writes)

    with pytest.raises(NotFound):
        w.inbox.teach("h1", group_id, ADMIN, {"en": GYM_ANSWER})
    with pytest.raises(NotFound):
        w.inbox.dismiss_missed("h1", group_id, ADMIN)
    with pytest.raises(NotFound):  # another hotel's group is not this hotel's
        w.inbox.teach("h2", listed(w)[0].id, ADMIN, {"en": GYM_ANSWER})

    assert w.store.writes == writes and w.audit.entries == []


@pytest.mark.parametrize(("answers", "extra"), [
    ({}, {}),
    ({"en": "   "}, {}),
    ({"english": "Yes"}, {}),
    ({"EN": "Yes"}, {}),
    ({"en": "x" * (ANSWER_MAX_LENGTH + 1)}, {}),
    ({"en": "Yes"}, {"topic": ""}),
    ({"en": "Yes"}, {"topic": "t" * 101}),
    ({"en": "Yes"}, {"questions": []}),
    ({"en": "Yes"}, {"questions": [" "]}),
    ({"en": "Yes"}, {"questions": ["q" * 501]}),
    ({"en": "Yes"}, {"questions": ["q"] * 51}),
])
def test_answers_beyond_the_knowledge_bases_limits_are_refused_and_nothing_is_written(answers, extra):
    w = world()
    ask(w, GYM, "t-1")
    (group,) = listed(w)

    with pytest.raises(InvalidInput):
        w.inbox.teach("h1", group.id, ADMIN, answers, **extra)

    assert w.store.hotels["h1"].knowledge.entries == () and w.audit.entries == []
    assert listed(w) == [group]


def test_a_full_knowledge_base_is_refused():
    w = world()
    full = tuple(KnowledgeEntry(f"e{n}", "t", ("q",), {"en": "a"}) for n in range(200))
    w.inbox.update_bot("h1", ADMIN, True, KnowledgeBase(entries=full))
    ask(w, GYM, "t-1")

    with pytest.raises(InvalidInput, match="200"):
        w.inbox.teach("h1", listed(w)[0].id, ADMIN, {"en": GYM_ANSWER})
    assert len(w.store.hotels["h1"].knowledge.entries) == 200


def test_erasing_the_guest_takes_their_words_out_of_the_group():
    w = world()
    other = ask(w, GYM, "t-other")
    w.inbox.reply("h1", other, AGENT, GYM_ANSWER)
    guest = GuestProfile("g-erased", "Camille Durand")
    w.clock.advance(minutes=1)
    asked = w.inbox.receive(InboundMessage("h1", "webchat", "t-erased", "m-1", "Do you have a GYM", w.clock(),
                                           guest)).conversation_id
    w.inbox.reply("h1", asked, AGENT, "Yes Camille, floor 2.")
    w.clock.advance(minutes=1)
    w.inbox.receive(InboundMessage("h1", "webchat", "t-erased-2", "m-1", "Camille here: is there a sauna?",
                                   w.clock(), guest))
    sauna, gym = listed(w)
    assert (gym.count, gym.conversation_id, gym.answer.text) == (2, asked, "Yes Camille, floor 2.")

    w.inbox.erase_guest("h1", w.store.conversations[("h1", asked)].contact_id, ADMIN)

    left = w.store.get_missed("h1", gym.id)
    assert (left.count, left.question, left.conversation_id, left.answer, left.listed) == (2, "", None, None, False)
    assert w.store.get_missed("h1", sauna.id).question == ""
    assert "Camille" not in repr(w.store.missed)
    assert listed(w) == []  # off the list until a guest asks again
    w.clock.advance(minutes=1)
    ask(w, GYM, "t-later")
    assert [(g.question, g.count) for g in listed(w)] == [(GYM, 3)]


def test_an_erase_leaves_a_group_whose_newest_wording_and_answer_came_from_another_guest():
    w = world()
    guest = GuestProfile("g-erased", "Camille Durand")
    asked = w.inbox.receive(InboundMessage("h1", "webchat", "t-erased", "m-1", GYM, w.clock(), guest)).conversation_id
    w.clock.advance(minutes=1)
    other = ask(w, GYM_AGAIN, "t-other")
    w.inbox.reply("h1", other, AGENT, GYM_ANSWER)

    w.inbox.erase_guest("h1", w.store.conversations[("h1", asked)].contact_id, ADMIN)

    (gym,) = listed(w)
    assert (gym.question, gym.count, gym.conversation_id, gym.answer.text) == (GYM_AGAIN, 2, other, GYM_ANSWER)


def test_a_group_whose_words_were_erased_is_taught_only_with_its_topic_and_questions_given():
    w = world()
    guest = GuestProfile("g-erased", "Camille Durand")
    asked = w.inbox.receive(InboundMessage("h1", "webchat", "t-erased", "m-1", GYM, w.clock(), guest)).conversation_id
    (group,) = listed(w)
    w.inbox.erase_guest("h1", w.store.conversations[("h1", asked)].contact_id, ADMIN)

    with pytest.raises(InvalidInput, match="erased"):
        w.inbox.teach("h1", group.id, ADMIN, {"en": GYM_ANSWER})
    assert w.store.hotels["h1"].knowledge.entries == ()

    entry = w.inbox.teach("h1", group.id, ADMIN, {"en": GYM_ANSWER}, topic="Gym", questions=["Is there a gym?"])
    assert (entry.topic, entry.questions) == ("Gym", ("Is there a gym?",))


def test_an_agents_reply_during_the_erase_is_taken_out_too():
    w = world()
    guest = GuestProfile("g-erased", "Camille Durand")
    asked = w.inbox.receive(InboundMessage("h1", "webchat", "t-erased", "m-1", GYM, w.clock(), guest)).conversation_id
    (group,) = listed(w)
    # The agent's reply lands between the erase's reading of the conversation and its deletion.
    w.store.before_next_erase = lambda: w.inbox.reply("h1", asked, AGENT, "Yes Camille, floor 2.")

    w.inbox.erase_guest("h1", w.store.conversations[("h1", asked)].contact_id, ADMIN)

    left = w.store.get_missed("h1", group.id)
    assert (left.question, left.answer) == ("", None)
    assert "Camille" not in repr(w.store.missed)


def test_a_breakdown_is_listed_but_teaching_it_is_refused_since_the_bot_would_still_hand_it_over():
    from bot.engine import KeywordBot

    w = world()
    w.inbox.bot = KeywordBot()
    ask(w, "The shower in our room is leaking", "t-leak")
    ask(w, "Do you rent bicycles to ride along the river?", "t-bikes")
    leak, bikes = sorted(listed(w), key=lambda g: g.question.startswith("Do"))
    assert leak.question == "The shower in our room is leaking" and bikes.count == 1
    entries_before = w.store.hotels["h1"].knowledge.entries

    with pytest.raises(InvalidInput, match="dismiss it instead"):
        w.inbox.teach("h1", leak.id, ADMIN, {"en": "We are sending someone up."})
    assert w.store.hotels["h1"].knowledge.entries == entries_before  # nothing written
    assert leak.id in [g.id for g in listed(w)]  # still there, for the admin to dismiss

    taught = w.inbox.teach("h1", bikes.id, ADMIN, {"en": "Yes, 15 EUR a day at the desk."})
    assert taught in w.store.hotels["h1"].knowledge.entries
    answered = ask(w, "Do you rent bicycles to ride along the river?", "t-bikes-2")
    assert w.store.conversations[("h1", answered)].status is Status.BOT  # the next guest gets the bot's answer
