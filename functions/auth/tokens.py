"""Console agents' Cognito ID tokens, verified with PyJWT against the user pool's key set.

A token passes when its RS256 signature verifies with the pool's key named by its ``kid``,
``iss`` is the pool, ``aud`` is the console's app client, ``token_use`` is ``id`` and it has
not expired (a small leeway absorbs clock skew). The agent's hotels come from the claim
``custom:hotel_ids``, its role from ``custom:role`` (``admin`` or ``agent``; none is ``agent``).

The key set is fetched by PyJWT's ``PyJWKClient`` and kept for ``lifespan`` seconds (then
fetched again). A ``kid`` the cached set lacks makes one refetch (Cognito rotated its keys),
but at most one per ``cooldown`` seconds after a successful fetch: tokens with made-up
``kid``s cannot make every request fetch the key set. (PyJWKClient starts the cooldown at
every successful fetch and not at a failed one, so while the key set is unreachable each
unknown ``kid`` makes one attempt, bounded by ``timeout``.)
"""

from __future__ import annotations

from typing import Any

import jwt
from jwt import PyJWKClient, PyJWKClientConnectionError, PyJWKClientError, PyJWKSetError

from auth.principal import AGENT_ROLE, ROLES, Principal
from inbox.model import Actor, ActorType

ALGORITHM = "RS256"
HOTELS_CLAIM = "custom:hotel_ids"
ROLE_CLAIM = "custom:role"
DEFAULT_ROLE = AGENT_ROLE
REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub", "token_use"]


class InvalidToken(Exception):
    """The token is not a valid, current ID token of the pool's console client (401)."""


class KeySetUnavailable(Exception):
    """The pool's key set could not be fetched or read: a fault on our side, not the caller's."""


def jwks_url(region: str, user_pool_id: str, endpoint_url: str | None = None) -> str:
    """Where a user pool publishes its key set: AWS's address, or moto's under ``endpoint_url``."""
    if endpoint_url:
        return f"{endpoint_url.rstrip('/')}/{user_pool_id}/.well-known/jwks.json"
    return f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}/.well-known/jwks.json"


def issuer(region: str, user_pool_id: str) -> str:
    """The ``iss`` of a user pool's tokens (moto signs with this AWS form too)."""
    return f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}"


def key_set(url: str, *, lifespan: float, cooldown: float, timeout: float) -> PyJWKClient:
    """The user pool's key set client (built once per warm process by the composition root)."""
    if not url:
        raise ValueError("the key set URL (setting jwks_url) is empty")
    return PyJWKClient(url, cache_jwk_set=True, lifespan=lifespan, cooldown_duration=cooldown, timeout=timeout)


def signing_key(keys: PyJWKClient, kid: str) -> jwt.PyJWK:
    """The key named ``kid``: ``InvalidToken`` when the key set does not hold it,
    ``KeySetUnavailable`` when the key set cannot be fetched or read."""
    try:
        known = keys.get_signing_keys()  # the cached set, or a fetch once its lifespan is over
    except (PyJWKClientError, PyJWKSetError) as error:  # unreachable, not JSON, or no usable key
        raise KeySetUnavailable(f"cannot fetch the key set: {type(error).__name__}: {error}") from error
    found = keys.match_kid(known, kid)
    if found is not None:
        return found
    try:
        return keys.get_signing_key(kid)  # one refetch for the unknown kid, unless within the cooldown
    except (PyJWKClientConnectionError, PyJWKSetError) as error:
        raise KeySetUnavailable(f"cannot fetch the key set: {type(error).__name__}: {error}") from error
    except PyJWKClientError:
        raise InvalidToken(f"no key with kid {kid!r} in the user pool's key set") from None


def hotel_ids_from_claim(value: Any) -> frozenset[str]:
    """``" h1, h2,,"`` -> ``{"h1", "h2"}``: comma-separated, trimmed, empty entries dropped."""
    if value is None:
        return frozenset()
    if not isinstance(value, str):
        raise InvalidToken(f"claim {HOTELS_CLAIM} is not a string")
    return frozenset(part.strip() for part in value.split(",") if part.strip())


def role_from_claim(value: Any) -> str:
    """``admin`` or ``agent``; no claim is ``agent``, and so is a value Lobby does not know
    (least privilege: a mistyped role never grants more)."""
    return value if isinstance(value, str) and value in ROLES else DEFAULT_ROLE


class TokenVerifier:
    """Turns a console agent's ID token into a ``Principal``, or raises ``InvalidToken``."""

    def __init__(self, keys: PyJWKClient, issuer: str, audience: str, *, leeway: float = 30.0):
        if not issuer or not audience:
            raise ValueError("the token issuer and audience (settings token_issuer, token_audience) must be set")
        self.keys = keys
        self.issuer = issuer
        self.audience = audience
        self.leeway = leeway

    @classmethod
    def from_settings(cls, settings) -> TokenVerifier:
        """A verifier for ``settings.jwks_url``, ``token_issuer`` and ``token_audience``, with the
        key set's lifespan, refetch cooldown and timeout and the clock leeway from ``settings``."""
        keys = key_set(settings.jwks_url, lifespan=settings.jwks_lifespan_seconds,
                       cooldown=settings.jwks_refresh_cooldown_seconds, timeout=settings.jwks_timeout_seconds)
        return cls(keys, settings.token_issuer, settings.token_audience, leeway=settings.token_leeway_seconds)

    def verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise InvalidToken("not a JWT") from None
        kid = header.get("kid")
        if header.get("alg") != ALGORITHM or not isinstance(kid, str) or not kid:
            raise InvalidToken(f"unexpected token header (alg {header.get('alg')!r})")
        key = signing_key(self.keys, kid)
        try:
            claims = jwt.decode(
                token, key, algorithms=[ALGORITHM], audience=self.audience, issuer=self.issuer,
                leeway=self.leeway, options={"require": REQUIRED_CLAIMS},
            )
        except jwt.PyJWTError as error:
            raise InvalidToken(f"{type(error).__name__}: {error}") from None
        if claims["token_use"] != "id":
            raise InvalidToken(f"token_use is {claims['token_use']!r}, not 'id'")
        subject = claims["sub"]
        if not isinstance(subject, str) or not subject:
            raise InvalidToken("the token has no subject")
        name = claims.get("name") or claims.get("email")
        try:
            return Principal(
                Actor(ActorType.AGENT, subject, name if isinstance(name, str) else None),
                hotel_ids_from_claim(claims.get(HOTELS_CLAIM)),
                role=role_from_claim(claims.get(ROLE_CLAIM)),
            )
        except ValueError as error:
            raise InvalidToken(str(error)) from None
