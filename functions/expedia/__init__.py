"""Lobby's Expedia Group adapter: the GraphQL client, its errors and the callback signature.

Importing the package does no work; import the module you need
(``expedia.client``, ``expedia.errors``, ``expedia.signature``).
"""
