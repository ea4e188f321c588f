"""Sections of bench/RESULTS.md that a bench script of its own writes (real time, teaching): each is found by its
heading and replaced whole, and bench/bench.py keeps them when it rewrites the rest of the file."""

from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def _bounds(text: str, heading: str) -> tuple[int, int] | None:
    start = text.find(f"\n{heading}\n")
    if start < 0:
        return None
    following = text.find("\n## ", start + len(heading) + 2)
    return start + 1, following + 1 if following >= 0 else len(text)


def section_of(text: str, heading: str) -> str | None:
    """The section under ``heading`` (a ``## `` line) of a RESULTS.md text, up to the next ``## `` heading."""
    bounds = _bounds(text, heading)
    return text[bounds[0]:bounds[1]].rstrip() + "\n" if bounds else None


def write_section(heading: str, lines: list[str], results: Path = RESULTS) -> None:
    """Replaces (or appends) the section under ``heading`` of ``results``; the rest of the file is kept."""
    text = results.read_text(encoding="utf-8") if results.exists() else "# Bench results\n"
    section = "\n".join(lines).rstrip() + "\n"
    bounds = _bounds(text, heading)
    if bounds is None:
        text = text.rstrip() + "\n\n" + section
    else:
        rest = text[bounds[1]:]
        text = text[:bounds[0]] + section + ("\n" + rest if rest else "")
    results.write_text(text, encoding="utf-8")
