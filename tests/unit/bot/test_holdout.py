"""The bot's figures on sets written independently of its corpus: recall of requests for a person.

``holdout.jsonl`` (``"set": "independent"``, 253 messages in fr/en/es/pt/de) was written
from the knowledge-base ids alone, before reading the engine or ``corpus.jsonl``. The
engine as it was then scored on it (run once, ``python -m bot.evaluate``):

    human recall 0.814 (92/113), human requests answered by the bot 1,
    spam precision 1.000 (17 flagged), spam recall 0.680, kb right 0.950,
    unanswerable handed off 0.950, real_with_link flagged spam 0.

The hand-off rules were then generalised (``bot.lexicon``), which makes the holdout a
seen set. To keep measuring generalisation, ``probes.jsonl`` holds three more sets of
fresh phrasings, each written *before* being run and scored once as it stood (first
run, then the rules were extended to the families of phrasings they missed):

    probe1 (after the first rules):  human recall 0.862 (56/65), kept by the bot 2, kb 15/19
    probe2 (after the second round): human recall 0.659 (29/44), kept by the bot 3, kb 13/13
    probe3 (after the third round):  human recall 0.892 (33/37), kept by the bot 2, kb 22/23

So on phrasings nobody has tuned for, expect roughly 0.85-0.9 recall rather than the
1.0 these seen sets now show; the misses mostly go to the agents anyway as
BOT_UNANSWERED. Run with ``-s`` to see the tables.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bot.evaluate import LABELS, evaluate, load_corpus, main, markdown_table

HERE = Path(__file__).parent
HOLDOUT = HERE / "holdout.jsonl"
PROBES = HERE / "probes.jsonl"


def _explain(figures, label):
    return "\n".join(f"{f['text']!r}: expected {f['expected']}, got {f['got']}" for f in figures["failures"][label])


@pytest.fixture(scope="module")
def holdout():
    return evaluate(HOLDOUT)


@pytest.fixture(scope="module")
def probes():
    return evaluate(PROBES)


def test_prints_the_figures(holdout, probes):
    print("\n### holdout.jsonl\n" + markdown_table(holdout) + "\n\n### probes.jsonl\n" + markdown_table(probes))


def test_holdout_is_big_varied_independent_and_well_formed(knowledge):
    rows = load_corpus(HOLDOUT)
    assert len(rows) >= 240
    assert {r["set"] for r in rows} == {"independent"}
    labels = Counter(r["label"] for r in rows)
    assert set(labels) == set(LABELS)
    assert labels["human"] >= 100 and labels["kb"] >= 55 and labels["unanswerable"] >= 35
    assert labels["spam"] >= 20 and labels["real_with_link"] >= 15
    languages = Counter(r["language"] for r in rows)
    assert set(languages) == {"fr", "en", "es", "pt", "de"}
    assert max(languages.values()) - min(languages.values()) <= 0.1 * len(rows), languages
    assert {r["entry"] for r in rows if r["label"] == "kb"} <= {e.id for e in knowledge.entries}
    texts = [r["text"] for r in rows]
    assert len(texts) == len(set(texts)), "no duplicated message"


def test_holdout_and_probes_are_not_the_corpus(corpus_path):
    """Written without reading the corpus, the holdout still shares 3 short, common
    Portuguese requests with it word for word ("Quero falar com uma pessoa"); kept as
    written, since the "before" figures were measured on them."""
    corpus = {r["text"].casefold() for r in load_corpus(corpus_path)}
    for path in (HOLDOUT, PROBES):
        rows = load_corpus(path)
        shared = [r["text"] for r in rows if r["text"].casefold() in corpus]
        assert len(shared) <= 0.02 * len(rows), (path.name, shared)


# -- holdout targets ---------------------------------------------------------------------


def test_holdout_requests_for_a_person_are_handed_off(holdout):
    assert holdout["human_recall"] >= 0.95, _explain(holdout, "human")


def test_holdout_requests_for_a_person_are_almost_never_answered(holdout):
    assert holdout["human_kept_by_bot"] <= 1, _explain(holdout, "human")


def test_holdout_spam_precision(holdout):
    assert holdout["spam_flagged"] > 0
    assert holdout["spam_precision"] >= 0.98


def test_holdout_knowledge_base_questions_get_the_right_answer(holdout):
    assert holdout["kb_accuracy"] >= 0.85, _explain(holdout, "kb")


def test_holdout_real_guests_with_links_are_never_spam(holdout):
    assert holdout["real_flagged_spam"] == 0, _explain(holdout, "real_with_link")


# -- probes (fresh phrasings, see the module docstring) -------------------------------------


def test_probes_requests_for_a_person_are_handed_off(probes):
    assert probes["human_recall"] >= 0.95, _explain(probes, "human")
    assert probes["human_kept_by_bot"] <= 1, _explain(probes, "human")


def test_probes_mentioning_people_does_not_cost_the_answers(probes):
    """The probes' kb questions name people on purpose ("my boss booked", "2 persons")."""
    assert probes["kb_accuracy"] >= 0.85, _explain(probes, "kb")


# -- the command line ------------------------------------------------------------------------


def test_command_line_prints_one_table_per_file(capsys, corpus_path):
    assert main([str(corpus_path), str(HOLDOUT)]) == 0
    out = capsys.readouterr().out
    assert out.count("| figure | value | target |") == 2
    assert f"### {corpus_path}" in out and f"### {HOLDOUT}" in out
    assert out.index(f"### {corpus_path}") < out.index(f"### {HOLDOUT}")
