"""Domain errors: what can go wrong with a request, independent of how it is transported."""

from __future__ import annotations


class DomainError(Exception):
    """Base class for every error the inbox core or its adapters raise on purpose."""


class InvalidInput(DomainError):
    """The request is well formed but breaks a rule (e.g. a hold too far ahead)."""


class TooLarge(DomainError):
    """What was sent cannot be stored: it exceeds a size limit that the message states (413)."""


class NotFound(DomainError):
    """The conversation (or other item) does not exist in this hotel."""


class TransitionNotAllowed(DomainError):
    """The event is not allowed from the conversation's current status."""

    def __init__(self, event: str, status: str):
        super().__init__(f"cannot {event.replace('_', ' ')} a conversation that is {status}")
        self.event = event
        self.status = status


class Conflict(DomainError):
    """Another writer changed the conversation first; the caller may reload and try again."""

    def __init__(self, status: str | None, message: str = "the conversation was changed by someone else", *,
                 assignee: dict[str, str] | None = None, assignee_known: bool = False):
        super().__init__(message)
        self.status = status
        # An assignment that lost a race says who holds the conversation now ({"id", "name"} or None).
        self.assignee = assignee
        self.assignee_known = assignee_known


class Duplicate(DomainError):
    """The same external message was handed in before; nothing changes the second time."""

    def __init__(self, conversation_id: str, message_id: str):
        super().__init__("message already stored")
        self.conversation_id = conversation_id
        self.message_id = message_id


class SchedulingFailed(DomainError):
    """The wake-up could not be scheduled, so the hold did not happen (503)."""
