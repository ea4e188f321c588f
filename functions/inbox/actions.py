"""What a caller may do to a conversation now (``allowed_actions``), read off the transition table.

The console shows its buttons from this list only, so there is no second copy of the table anywhere.
"""

from __future__ import annotations

from typing import Literal

from inbox.machine import ASSIGNABLE, MOVE_ONLY, TRANSITIONS
from inbox.model import Conversation

Caller = Literal["agent", "admin", "partner"]

# The API's action names, and the trigger of the table each one fires.
_TRIGGERS = {"reply": "agent_reply", "resume": "resume", "hold": "hold", "close": "close", "reopen": "reopen",
             "spam": "spam", "not_spam": "not_spam"}
ORDER = ("reply", "note", "resume", "assign", "hold", "close", "reopen", "spam", "not_spam")
# Only the team works the conversation together; partners keep the actions they had.
TEAM_ONLY = frozenset({"note", "resume", "assign"})


def allowed_actions(conversation: Conversation, caller: Caller) -> list[str]:
    """The actions ``caller`` may take on the conversation as it stands, in the console's order."""
    status = conversation.status
    allowed = {name for name, trigger in _TRIGGERS.items() if _offered(trigger, conversation)}
    allowed.add("note")  # a note is allowed in any status
    if status in ASSIGNABLE:
        allowed.add("assign")
    if caller == "partner":
        allowed -= TEAM_ONLY
    return [name for name in ORDER if name in allowed]


def _offered(trigger: str, conversation: Conversation) -> bool:
    row = TRANSITIONS[trigger].get(conversation.status)
    # A row that moves nothing is no action for a trigger whose only effect is the move (resume on Open).
    return row is not None and not (trigger in MOVE_ONLY and row.activity is None)
