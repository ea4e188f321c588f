"""``@Name`` mentions in a note: which of the hotel's agents a note's text names."""

from __future__ import annotations

import re
from collections.abc import Sequence

from inbox.errors import InvalidInput
from inbox.model import Agent
from inbox.search import normalize

TOKEN = re.compile(r"(?<!\w)@(\w[\w.'-]*)")
_WORD = re.compile(r"\w")  # "@Anabela" is not "@Ana" followed by more text
_TRAILING = ".'-"
NAME_WINDOW = 200  # characters after an "@" compared with the agents' names  # "@ana." ends a sentence: the dot is not part of the name


def mentioned(text: str, agents: Sequence[Agent]) -> list[Agent]:
    """The agents ``text`` mentions, in order, each once.

    A token matches the start of an agent's name, case- and accent-insensitively: ``@Ana Lima`` (the
    longest whole name written after the ``@`` wins, so it never picks ``Ana``), or ``@ana`` alone (the
    agent whose name starts with it). ``InvalidInput`` for a token that names no agent, or several.
    """
    found: dict[str, Agent] = {}
    by_length = sorted(agents, key=lambda a: len(normalize(a.name)), reverse=True)
    for match in TOKEN.finditer(text):
        # Only the next few words can hold a name (this keeps a note full of "@" cheap to read).
        rest = normalize(text[match.start(1):match.start(1) + NAME_WINDOW])
        agent = _named(rest, normalize(match.group(1).rstrip(_TRAILING)), by_length)
        found.setdefault(agent.id, agent)
    return list(found.values())


def _named(rest: str, token: str, agents: Sequence[Agent]) -> Agent:
    for agent in agents:  # a whole name written out, longest first
        name = normalize(agent.name)
        if name and rest.startswith(name) and not _WORD.match(rest, len(name)):
            return agent
    candidates = [a for a in agents if token and normalize(a.name).startswith(token)]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise InvalidInput(f"@{token} is not an agent of this hotel")
    names = ", ".join(sorted(a.name for a in candidates))
    raise InvalidInput(f"@{token} could be any of {names}: write more of the name")
