"""Signed, expiring sign-in tokens: what the browser's cookie holds so that a refresh or a
second tab stays signed in.

A token is ``<payload>.<signature>``, both base64url without padding: the payload is the
JSON of :class:`SessionToken` (user name, role, expiry in Unix seconds, a fingerprint of the
user's record and a random token id), the signature HMAC-SHA256 of the payload under the
server's secret. It is signed, not encrypted, so it holds nothing secret: the fingerprint
is itself an HMAC under the secret of the user's name, role and password hash, so it tells
a reader nothing about the hash, and any change to the role or the password (or the
removal of the user) makes every earlier token of that user unusable.

Pure functions only: the secret and the list of revoked token ids are read and written by
:mod:`security.signin_store`; the clock is a parameter.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import hmac
import json
import secrets
from collections.abc import Container, Mapping

from core.errors import TokenError
from security.users import User

#: Shortest secret accepted, in bytes (256 bits).
MIN_SECRET_BYTES = 32

#: Longest token read, in characters (a real one is about 250).
MAX_TOKEN_CHARS = 2048

_SIGN_DOMAIN = b"precision-session-v1\x00"
_PRINT_DOMAIN = b"precision-user-v1\x00"


@dataclasses.dataclass(frozen=True)
class SessionToken:
    """What a sign-in token says.

    Attributes
    ----------
    username : str
        The user signed in (a key of the users file).
    role : str
        The role the user had when signing in.
    expires : int
        When the token stops being accepted, in Unix seconds (UTC).
    fingerprint : str
        :func:`user_fingerprint` of the user's record at sign-in (hex).
    token_id : str
        Random id of this sign-in (hex, 128 bits); sign-out revokes it.
    """

    username: str
    role: str
    expires: int
    fingerprint: str
    token_id: str


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(payload: str, secret: bytes) -> str:
    return _b64(hmac.new(secret, _SIGN_DOMAIN + payload.encode("ascii"), hashlib.sha256).digest())


def _check_secret(secret: bytes) -> None:
    if len(secret) < MIN_SECRET_BYTES:
        raise TokenError(f"the signing secret is shorter than {MIN_SECRET_BYTES} bytes")


def user_fingerprint(user: User, secret: bytes) -> str:
    """A keyed fingerprint of what a token vouches for: name, role and password hash.

    Parameters
    ----------
    user : User
        The user's record in the users file.
    secret : bytes
        The server's signing secret.

    Returns
    -------
    str
        32 hex digits; different as soon as the role or the password hash changes.
    """
    record = "\x00".join((user.username, user.role, user.password_hash)).encode("utf-8")
    return hmac.new(secret, _PRINT_DOMAIN + record, hashlib.sha256).hexdigest()[:32]


def issue_token(user: User, secret: bytes, now: float, lifetime_s: float, token_id: str | None = None) -> str:
    """A signed token for ``user``, valid for ``lifetime_s`` seconds from ``now``.

    Parameters
    ----------
    user : User
        The user who has just signed in.
    secret : bytes
        The server's signing secret (at least :data:`MIN_SECRET_BYTES`).
    now : float
        The time, in Unix seconds.
    lifetime_s : float
        How long the token is accepted, in seconds (positive).
    token_id : str, optional
        The sign-in's id; a fresh random one by default.

    Returns
    -------
    str
        ``<payload>.<signature>``, safe as a cookie value.

    Raises
    ------
    TokenError
        The secret is too short or the lifetime not positive.
    """
    _check_secret(secret)
    if not lifetime_s > 0:
        raise TokenError(f"a token's lifetime must be positive, not {lifetime_s}")
    token = SessionToken(
        username=user.username,
        role=user.role,
        expires=int(now + lifetime_s),
        fingerprint=user_fingerprint(user, secret),
        token_id=token_id or secrets.token_hex(16),
    )
    payload = _b64(json.dumps(dataclasses.asdict(token), separators=(",", ":"), sort_keys=True).encode("utf-8"))
    return f"{payload}.{_signature(payload, secret)}"


def read_token(text: str, secret: bytes, now: float) -> SessionToken:
    """The claims of a token whose signature is right and which has not expired.

    Parameters
    ----------
    text : str
        The cookie's value.
    secret : bytes
        The server's signing secret.
    now : float
        The time, in Unix seconds.

    Raises
    ------
    TokenError
        Malformed, wrongly signed (tampered with, or signed under another secret), or expired.
    """
    _check_secret(secret)
    if not text or len(text) > MAX_TOKEN_CHARS or not text.isascii() or text.count(".") != 1:
        raise TokenError("not a sign-in token")
    payload, signature = text.split(".")
    if not hmac.compare_digest(signature.encode("ascii"), _signature(payload, secret).encode("ascii")):
        raise TokenError("bad signature")
    try:
        claims = json.loads(_unb64(payload))
        token = SessionToken(**claims)
    except (binascii.Error, ValueError, TypeError) as exc:  # signed by us, so only a format change gets here
        raise TokenError(f"unreadable payload: {exc}") from exc
    if not isinstance(token.expires, int) or not isinstance(token.username, str):
        raise TokenError("unreadable payload: wrong types")
    if now >= token.expires:
        raise TokenError("expired")
    return token


def user_of_token(
    text: str, secret: bytes, now: float, users: Mapping[str, User], revoked: Container[str]
) -> tuple[User, SessionToken]:
    """The user a token signs in, checked against the users file as it is now.

    Parameters
    ----------
    text : str
        The cookie's value.
    secret : bytes
        The server's signing secret.
    now : float
        The time, in Unix seconds.
    users : Mapping of str to User
        The users file now (:func:`security.users.read_users`).
    revoked : Container of str
        Token ids ended by a sign-out (:func:`security.signin_store.revoked_ids`).

    Returns
    -------
    (User, SessionToken)
        The user's current record and the token's claims.

    Raises
    ------
    TokenError
        The token is not valid (see :func:`read_token`), was revoked, its user is gone, or
        the user's role or password changed since it was issued.
    """
    token = read_token(text, secret, now)
    if token.token_id in revoked:
        raise TokenError("signed out")
    user = users.get(token.username)
    if user is None:
        raise TokenError("no such user now")
    if not hmac.compare_digest(token.fingerprint, user_fingerprint(user, secret)) or user.role != token.role:
        raise TokenError("the user's role or password changed")
    return user, token
