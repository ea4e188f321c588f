"""The inbox's use cases of holds: the wake-up at a hold's end, and scheduling or cancelling it.

A mixin of ``Inbox`` (``inbox.service``), whose one write path schedules a hold before storing it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from inbox.errors import Conflict, SchedulingFailed
from inbox.machine import Outcome, ScheduleWakeUp, WakeUp, apply
from inbox.ports import ConversationStore, WakeUpScheduler
from inbox.reports import FigureChanges


class HoldUseCases:
    store: ConversationStore
    scheduler: WakeUpScheduler | None
    clock: Callable[[], datetime]
    retention_days: Callable[[str], int]
    figures: Callable[..., FigureChanges]
    on_transition: Callable[[str], None]
    log: Callable[..., None]

    def wake_up(self, hotel_id: str, conversation_id: str, hold_token: str) -> Outcome:
        """The end of a hold: back to Open, unless the hold is stale (then nothing changes).

        A change that wins the race against the wake-up (a new hold, a reply) is read again:
        the fresh state decides, usually that this wake-up is now stale.
        """
        for attempt in range(self.WAKE_UP_ATTEMPTS):
            before = self.store.get_conversation(hotel_id, conversation_id)
            outcome = apply(before, WakeUp(hold_token, self.clock()))
            if not outcome.changed:
                self.log("wake-up ignored", reason=outcome.ignored, hotel_id=hotel_id,
                         conversation_id=conversation_id)
                return outcome
            try:
                entries = [outcome.activity] if outcome.activity else []
                after = self.store.commit(before, outcome.conversation, entries,
                                          retention_days=self.retention_days(hotel_id),
                                          figures=self.figures(hotel_id, before, outcome.conversation, entries))
            except Conflict:
                if attempt == self.WAKE_UP_ATTEMPTS - 1:
                    raise
                continue
            self.on_transition(outcome.trigger)
            return Outcome(after, outcome.activity, outcome.effects, outcome.trigger)
        raise AssertionError("unreachable")

    WAKE_UP_ATTEMPTS = 3

    def _schedule(self, hotel_id: str, conversation_id: str, hold: ScheduleWakeUp) -> None:
        try:
            assert self.scheduler is not None, "an inbox that holds conversations needs a scheduler"
            self.scheduler.schedule(hotel_id, conversation_id, hold.until, hold.hold_token)
        except Exception as error:
            raise SchedulingFailed("the wake-up could not be scheduled, so the conversation was not put on hold") from error

    def _cancel(self, hotel_id: str, conversation_id: str, hold_token: str) -> None:
        try:
            assert self.scheduler is not None, "an inbox that holds conversations needs a scheduler"
            self.scheduler.cancel(hotel_id, conversation_id, hold_token)
        except Exception as error:  # a stale wake-up changes nothing, so this is safe to leave
            self.log("could not cancel a wake-up", error=str(error), conversation_id=conversation_id)

