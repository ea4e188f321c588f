"""The outbound queue's jobs on the wire: ``inbox.service.DeliveryJob`` as JSON, one schema both ways."""

from __future__ import annotations

from pydantic import TypeAdapter

from inbox.ports import DeliveryJob

_JOBS = TypeAdapter(DeliveryJob)


def encode(job: DeliveryJob) -> str:
    return _JOBS.dump_json(job).decode()


def decode(body: str) -> DeliveryJob:
    """The job in a queue message; ``pydantic.ValidationError`` when it is not one."""
    return _JOBS.validate_json(body)
