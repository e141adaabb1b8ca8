"""Secret tokens for sockets and the API, from the operating system's secure random source."""

import hashlib
import secrets


def new_pubsub_token() -> str:
    """A socket token: 192 random bits, URL-safe, never derived from anything guessable."""
    return secrets.token_urlsafe(24)


def new_access_token() -> str:
    """An API access token for the ``api_access_token`` header."""
    return secrets.token_urlsafe(32)


def new_inbox_identifier() -> str:
    """The public identifier of an inbox in client API paths."""
    return secrets.token_urlsafe(18)


def new_website_token() -> str:
    """A web-widget inbox's public token: it sits in the site's page, so it is no secret."""
    return secrets.token_urlsafe(18)


def new_hmac_token() -> str:
    """The secret an inbox's owner signs contact identities with (``identifier_hash``)."""
    return secrets.token_urlsafe(24)


def token_digest(token: str) -> str:
    """SHA-256 of a token: what lookups index, so lookup timing says nothing of the token."""
    return hashlib.sha256(token.encode()).hexdigest()
