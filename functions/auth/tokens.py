"""Console agents' Cognito ID tokens, verified with PyJWT against the user pool's key set.

A token passes when its RS256 signature verifies with the pool's key named by its ``kid``,
``iss`` is the pool, ``aud`` is the console's app client, ``token_use`` is ``id`` and it has
not expired (a small leeway absorbs clock skew). The agent's hotels come from the claim
``custom:hotel_ids``.

The key set is fetched with ``requests`` once per warm process. A token naming a key the
set does not hold triggers one refetch (Cognito rotated its keys); when that refetch does
not hold the key either, further unknown keys are refused without fetching for a while, so
tokens with made-up ``kid``s cannot make every request fetch the key set.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import jwt
import requests

from auth.principal import Principal
from inbox.model import Actor, ActorType

ALGORITHM = "RS256"
HOTELS_CLAIM = "custom:hotel_ids"
REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub", "token_use"]
DEFAULT_LEEWAY_SECONDS = 30
DEFAULT_TIMEOUT_SECONDS = 3.0
DEFAULT_REFETCH_COOLDOWN_SECONDS = 10.0


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


class KeySet:
    """A user pool's signing keys, fetched lazily and kept for the life of the process."""

    def __init__(
        self,
        url: str,
        *,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        refetch_cooldown: float = DEFAULT_REFETCH_COOLDOWN_SECONDS,
        session: requests.Session | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        if not url:
            raise ValueError("the key set URL (setting jwks_url) is empty")
        self.url = url
        self._timeout = timeout
        self._cooldown = refetch_cooldown
        self._session = session
        self._clock = clock
        self._keys: jwt.PyJWKSet | None = None
        self._fruitless_fetch_at: float | None = None  # when a fetch last lacked the kid asked for

    def key(self, kid: str) -> jwt.PyJWK | None:
        """The key with this id, or None. An id the cached set lacks makes one refetch,
        unless a fetch lacked the id asked for less than ``refetch_cooldown`` seconds ago."""
        if self._keys is not None:
            found = _find(self._keys, kid)
            if found is not None:
                return found
            if self._fruitless_fetch_at is not None and self._clock() - self._fruitless_fetch_at < self._cooldown:
                return None
        self._fruitless_fetch_at = self._clock()  # also when the fetch fails: no retry storm
        self._keys = self._fetch()
        found = _find(self._keys, kid)
        if found is not None:
            self._fruitless_fetch_at = None
        return found

    def _fetch(self) -> jwt.PyJWKSet:
        if self._session is None:
            self._session = requests.Session()
        try:
            response = self._session.get(self.url, timeout=self._timeout)
            response.raise_for_status()
            document: Any = response.json()
        except (requests.RequestException, ValueError) as error:
            raise KeySetUnavailable(f"cannot fetch the key set: {type(error).__name__}") from error
        if not isinstance(document, dict):
            raise KeySetUnavailable("the key set is not a JSON object")
        try:
            return jwt.PyJWKSet.from_dict(document)
        except jwt.PyJWTError as error:
            raise KeySetUnavailable(f"the key set holds no usable key: {error}") from error


def _find(keys: jwt.PyJWKSet, kid: str) -> jwt.PyJWK | None:
    try:
        return keys[kid]
    except KeyError:
        return None


def hotel_ids_from_claim(value: Any) -> frozenset[str]:
    """``" h1, h2,,"`` -> ``{"h1", "h2"}``: comma-separated, trimmed, empty entries dropped."""
    if value is None:
        return frozenset()
    if not isinstance(value, str):
        raise InvalidToken(f"claim {HOTELS_CLAIM} is not a string")
    return frozenset(part.strip() for part in value.split(",") if part.strip())


class TokenVerifier:
    """Turns a console agent's ID token into a ``Principal``, or raises ``InvalidToken``."""

    def __init__(self, keys: KeySet, issuer: str, audience: str, *, leeway: float = DEFAULT_LEEWAY_SECONDS):
        if not issuer or not audience:
            raise ValueError("the token issuer and audience (settings token_issuer, token_audience) must be set")
        self.keys = keys
        self.issuer = issuer
        self.audience = audience
        self.leeway = leeway

    @classmethod
    def from_settings(cls, settings, **options) -> TokenVerifier:
        """A verifier for ``settings.jwks_url``, ``token_issuer`` and ``token_audience``."""
        return cls(KeySet(settings.jwks_url), settings.token_issuer, settings.token_audience, **options)

    def verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise InvalidToken("not a JWT") from None
        kid = header.get("kid")
        if header.get("alg") != ALGORITHM or not isinstance(kid, str) or not kid:
            raise InvalidToken(f"unexpected token header (alg {header.get('alg')!r})")
        key = self.keys.key(kid)
        if key is None:
            raise InvalidToken(f"no key with kid {kid!r} in the user pool's key set")
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
            )
        except ValueError as error:
            raise InvalidToken(str(error)) from None
