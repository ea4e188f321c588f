"""How long a hotel keeps its guests' data (``retention_days``), and when each item expires.

Every item of a conversation carries an expiry (DynamoDB's TTL in the store): a message, an activity
entry, a guard or a mention ``retention_days`` after its own time; the conversation itself
``retention_days`` after it last changed, so it is renewed as long as it lives. The contact and the
conversation's search entries go with the guest's last conversation (``inbox.expiry``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

RETENTION_DAYS_MIN = 30
RETENTION_DAYS_MAX = 3650
RETENTION_DAYS_DEFAULT = 730


def expiry(at: datetime, retention_days: int) -> datetime:
    """When something that happened ``at`` is no longer kept."""
    return at + timedelta(days=retention_days)


def check_retention_days(days: int) -> int:
    """``days`` if it is a retention Lobby accepts (30 to 3,650), else ``ValueError``."""
    if isinstance(days, bool) or not isinstance(days, int) or not RETENTION_DAYS_MIN <= days <= RETENTION_DAYS_MAX:
        raise ValueError(f"retention_days is {RETENTION_DAYS_MIN} to {RETENTION_DAYS_MAX} days")
    return days


# How long a file is kept by the storage's own rules (S3 lifecycle), in tiers: a file is tagged with the smallest
# tier at least its hotel's retention (a rule per tier expires it; the expiry deletes it with its message before).
# infra/names.py ATTACHMENTS_RETENTION_TIERS are the same (a lifecycle rule each); the last is RETENTION_DAYS_MAX.
RETENTION_TIERS = (30, 60, 90, 180, 365, 730, 1095, 1825, 3650)


def retention_tier(retention_days: int) -> int:
    """The smallest of ``RETENTION_TIERS`` at least ``retention_days`` (the longest for anything beyond it)."""
    return next((tier for tier in RETENTION_TIERS if tier >= retention_days), RETENTION_TIERS[-1])
