"""A stand-in for Expedia Group's Lodging Supply API (messaging) and Notification Service.

``ExpediaStandIn`` serves the OAuth token endpoint, the GraphQL endpoint (executed with
graphql-core against Expedia's real schema, ``schema.graphqls``), the attachment service under
``/files`` and a simulator API under ``/sim`` (traveler messages and files, outage, clock, faults);
``python -m local.expedia`` runs it or drives its simulator.
"""

from local.expedia.standin import ExpediaStandIn, create_app

__all__ = ["ExpediaStandIn", "create_app"]
