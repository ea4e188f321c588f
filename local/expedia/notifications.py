"""The stand-in's Notification Service: signed callbacks, an outage switch, and what piled up.

Expedia retries a messaging notification every hour for one day, then never again
(docs/expedia.md). The stand-in's reading of that, in simulated time (``POST /sim/clock``):

- A delivery that fails (the callback errs, answers non-2xx, or ``POST /sim/outage`` paused
  callbacks) leaves the notification *undelivered*, listed by ``undeliveredNotifications`` with
  ``error {code, message}``: ``CALLBACK_UNREACHABLE`` (paused, or no answer), ``CALLBACK_FAILED``
  (an HTTP error status).
- Retries happen only when callbacks are up: on resume (``{"callbacks": true}``) and on each move
  of the clock while they are up, every undelivered notification younger than 24 hours (at that
  moment, or at the start of the move: an hourly retry fell inside it) is sent again, oldest first.
  One older than that is *given up*: never sent again, still listed by ``undeliveredNotifications``,
  which is how a partner finds it.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from local.expedia.common import in_range, iso_ms, iso_s, page, parse_iso

RETRY_FOR = timedelta(hours=24)
UNREACHABLE = "CALLBACK_UNREACHABLE"
FAILED = "CALLBACK_FAILED"

# (raw body) -> (HTTP status or None, error text or None)
Send = Callable[[bytes], tuple[int | None, str | None]]


class NotificationService:
    def __init__(self, send: Send, new_id: Callable[[], str], now: Callable[[], datetime]):
        self._send = send
        self._new_id = new_id
        self._now = now
        self._lock = threading.RLock()
        self._seq = 0
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._notifications: dict[str, dict] = {}
            self.callbacks_up = True

    # -- creating and delivering ------------------------------------------------------------

    def new(self, event_type: str, payload: dict) -> dict:
        with self._lock:
            envelope = {"eventType": event_type, "creationDateTime": iso_s(self._now()),
                        "notificationId": self._new_id(), "payload": payload}
            self._seq += 1
            notification = dict(envelope, raw=json.dumps(envelope, ensure_ascii=False,
                                                         separators=(",", ":")).encode("utf-8"),
                                deliveries=[], seq=self._seq, delivered=False, error=None)
            self._notifications[envelope["notificationId"]] = notification
            return notification

    def get(self, notification_id: str) -> dict | None:
        with self._lock:
            return self._notifications.get(notification_id)

    def deliver(self, notification: dict) -> dict:
        """One attempt (outside the lock: the receiver may call the stand-in back)."""
        if not self.callbacks_up:
            status, error = None, "callbacks paused (simulated outage)"
        else:
            status, error = self._send(notification["raw"])
        ok = status is not None and 200 <= status < 300
        delivery = {"attemptedAt": iso_ms(self._now()), "status": status, "ok": ok, "error": error}
        with self._lock:
            notification["deliveries"].append(delivery)
            if ok:
                notification["delivered"], notification["error"] = True, None
            elif not notification["delivered"]:
                notification["error"] = (
                    {"code": FAILED, "message": f"Lobby's callback answered HTTP {status}"} if status is not None
                    else {"code": UNREACHABLE, "message": f"Lobby's callback could not be reached: {error}"})
        return delivery

    # -- outage and retries -------------------------------------------------------------------

    def set_callbacks(self, up: bool) -> dict:
        with self._lock:
            self.callbacks_up = up
        retried = self.retry_due(self._now()) if up else []
        return {"callbacks": up, "retried": retried}

    def retry_due(self, since: datetime) -> list[str]:
        """Sends again what Expedia's hourly retries would have sent since ``since``; returns their ids."""
        if not self.callbacks_up:
            return []
        with self._lock:
            due = [n for n in self._ordered() if not n["delivered"] and n["deliveries"]
                   and since - parse_iso(n["creationDateTime"], "creationDateTime") < RETRY_FOR]
        for notification in due:
            self.deliver(notification)
        return [n["notificationId"] for n in due]

    def given_up(self, notification: dict) -> bool:
        age = self._now() - parse_iso(notification["creationDateTime"], "creationDateTime")
        return not notification["delivered"] and age >= RETRY_FOR

    # -- what Expedia and the simulator list ---------------------------------------------------

    def undelivered_page(self, limit: int | None, cursor: str | None, filters: dict) -> dict:
        """``undeliveredNotifications(limit, cursor, filters: {eventType, creationDateTime})``."""
        event_type = filters.get("eventType")
        window = filters.get("creationDateTime")
        with self._lock:
            matching = [n for n in self._ordered() if not n["delivered"] and n["deliveries"]
                        and (event_type is None or n["eventType"] == event_type)
                        and in_range(n["creationDateTime"], window, "filters.creationDateTime")]
            return page(matching, limit, cursor, key=lambda n: (n["creationDateTime"], n["seq"]),
                        view=_undelivered_view)

    def listing(self) -> list[dict]:
        with self._lock:
            return [self.view(n) for n in self._ordered()]

    def view(self, notification: dict) -> dict:
        return {"notificationId": notification["notificationId"], "eventType": notification["eventType"],
                "creationDateTime": notification["creationDateTime"], "payload": notification["payload"],
                "body": notification["raw"].decode("utf-8"),
                "deliveries": [dict(d) for d in notification["deliveries"]],
                "delivered": notification["delivered"], "error": notification["error"],
                "givenUp": self.given_up(notification)}

    def _ordered(self) -> list[dict]:
        return sorted(self._notifications.values(), key=lambda n: n["seq"])


def _undelivered_view(notification: dict) -> dict:
    envelope = {k: notification[k] for k in ("eventType", "creationDateTime", "notificationId", "payload")}
    return {"notification": envelope, "error": notification["error"]}
