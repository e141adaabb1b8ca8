"""Secret tokens for sockets and the API, from the operating system's secure random source."""

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
