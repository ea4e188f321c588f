"""Teaching the bot its missed questions, replayed on the labelled corpus (bench/teaching.py, on the in-memory store):
what a hotel notices after an admin teaches the top missed-question groups of one half of the corpus.

The figures themselves (the automation rates) are bench/teaching.py's to report, in bench/RESULTS.md; here only what
must hold whatever they are: each taught question is answered from then on with the admin's answer, the list lets
the taught groups go, the held-apart half is automated at least as much as before and nothing that was answered
right is lost, and no guest asking for a person and no spam is answered by a taught entry.
"""

from __future__ import annotations

import pytest

from bench.teaching import (
    DISMISSED,
    LESSONS,
    NEVER_ANSWERED,
    RIGHT,
    TOP,
    fake_inboxes,
    load_rows,
    measure,
    rate,
    split,
)
from bot.normalise import fold


@pytest.fixture(scope="module")
def measured():
    return measure(fake_inboxes())


def test_the_halves_hold_every_row_once_and_the_same_text_on_one_side():
    rows = load_rows()
    teach, held = split(rows)
    assert sorted(r.source for r in teach + held) == sorted(r.source for r in rows)
    folded = {side: {" ".join(fold(r.text).split()) for r in half} for side, half in (("teach", teach), ("held", held))}
    assert folded["teach"].isdisjoint(folded["held"])
    for label in {r.label for r in rows}:  # each label halved (give or take repeated texts)
        assert abs(sum(r.label == label for r in teach) - sum(r.label == label for r in held)) <= 3, label
    assert split(list(reversed(rows))) == (teach, held)  # the split depends on the rows, not their order


def test_the_admin_teaches_the_top_groups_with_the_agents_reply(measured):
    assert len(measured.taught) == TOP
    counts = [g.count for g in measured.groups]
    assert counts == sorted(counts, reverse=True)  # walked most asked first
    skipped = {g.id for g in measured.dismissed}
    walked = [g.id for g in measured.groups[:len(measured.taught) + len(skipped)]]
    assert walked == [g.id for g in measured.groups if g.id in skipped or g.id in {t.group_id for t in measured.taught}]
    entries = {e.id: e for e in measured.knowledge.entries}
    for taught in measured.taught:
        entry = entries[taught.entry_id]
        lesson = LESSONS[taught.question]
        # The agent's reply to the guest shows on the group and is the answer in the group's language; the admin's
        # other languages too.
        reply = lesson.answers.get(taught.language) or next(iter(lesson.answers.values()))
        assert taught.agent_answer == reply
        assert entry.answers[taught.language] == reply
        assert set(lesson.answers) <= set(entry.answers)
        assert entry.questions == (taught.question,)


def test_the_taught_and_dismissed_groups_leave_the_list(measured):
    listed = {g.id for g in measured.listed_after}
    assert listed.isdisjoint({t.group_id for t in measured.taught} | {g.id for g in measured.dismissed})
    assert len(listed) == len(measured.groups) - len(measured.taught) - len(measured.dismissed)


def test_the_next_guest_asking_a_taught_question_gets_the_taught_answer(measured):
    entries = {e.id: e for e in measured.knowledge.entries}
    assert len(measured.asked_again) == len(measured.taught)
    for taught, played in zip(measured.taught, measured.asked_again, strict=True):
        assert played.row.text == taught.question
        assert played.automated, taught.question
        assert played.entry_id == taught.entry_id
        assert played.answer == entries[taught.entry_id].answers[taught.language]


def test_teaching_takes_no_answer_away_from_the_held_apart_half(measured):
    assert rate(measured.after).value >= rate(measured.before).value
    for before, after in zip(measured.before, measured.after, strict=True):
        assert before.row == after.row
        if before.automated:  # what the bot answered before it still answers, with the same entry
            assert after.automated and after.entry_id == before.entry_id, before.row.text
    assert measured.lost() == []


def test_no_guest_asking_for_a_person_and_no_spam_is_answered_by_a_taught_entry(measured):
    taught = {t.entry_id for t in measured.taught}
    for played in [*measured.after, *measured.asked_again]:
        if played.row.label in NEVER_ANSWERED:
            assert played.entry_id not in taught, played.row.text
    answered_before = {p.row.source for p in measured.before if p.automated}
    for played in measured.after:  # and teaching answers none of them the bot did not answer already
        if played.row.label in NEVER_ANSWERED and played.automated:
            assert played.row.source in answered_before, played.row.text
    assert measured.mistakes() == []


def test_the_admins_tables_speak_of_the_corpus_questions():
    """The decisions and the judgements name real corpus rows (a typo would leave a group undecided, an answer
    unjudged)."""
    texts = {r.text for r in load_rows()}
    assert set(LESSONS) <= texts
    assert set(DISMISSED) <= texts
    assert set(RIGHT) <= texts
    assert set(LESSONS).isdisjoint(DISMISSED)
    lessons = {lesson.name for lesson in LESSONS.values()}
    assert set(RIGHT.values()) <= lessons
    for question, lesson in LESSONS.items():  # a group the admin teaches is answered right by its own lesson
        assert RIGHT.get(question) == lesson.name, question
