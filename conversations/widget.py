"""The website widget's credentials: the signed session token (``X-Auth-Token``) and the
HMAC that proves a visitor's identity.

The token carries the contact session's ``source_id`` and inbox, signed with the project's
SECRET_KEY by Django's signing (no hand-rolled crypto) and dated, so it expires after
``CARBONCHAT["WIDGET_TOKEN_DAYS"]`` (Chatwoot: 180 days). It is the visitor's own credential:
readable by whoever holds it, useless for another inbox, and never put in a payload or a log.
"""

import hashlib
import hmac
from datetime import timedelta

from django.core import signing

from .conf import carbonchat_settings
from .models import ContactInbox, Inbox

SALT = "carbonchat.widget.session"


class InvalidToken(Exception):
    """Forged, expired, for another inbox, or for a session that no longer exists."""


def session_token(session: ContactInbox) -> str:
    return signing.dumps({"source_id": session.source_id, "inbox_id": session.inbox_id}, salt=SALT)


def session_from_token(token: str, *, inbox: Inbox) -> ContactInbox:
    max_age = timedelta(days=float(carbonchat_settings.WIDGET_TOKEN_DAYS))
    try:
        claims = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.BadSignature:  # SignatureExpired is one
        raise InvalidToken() from None
    if not isinstance(claims, dict) or claims.get("inbox_id") != inbox.pk:
        raise InvalidToken()
    session = (
        ContactInbox.objects.select_related("contact", "inbox")
        .filter(inbox=inbox, source_id=str(claims.get("source_id")))
        .first()
    )
    if session is None:
        raise InvalidToken()
    return session


def identifier_hash(inbox: Inbox, identifier: str) -> str:
    """What the site's server computes for a signed-in visitor: HMAC-SHA256 of the identifier
    with the inbox's ``hmac_token``, in hex (Chatwoot's ``identifier_hash``)."""
    return hmac.new(inbox.hmac_token.encode(), identifier.encode(), hashlib.sha256).hexdigest()


def identity_proven(inbox: Inbox, identifier: str, claimed_hash: str) -> bool:
    return hmac.compare_digest(identifier_hash(inbox, identifier), claimed_hash or "")


def widget_snippet(inbox: Inbox) -> str:
    """The ``<script>`` a site owner pastes into its pages (the embeddable widget)."""
    base = carbonchat_settings.FRONTEND_URL
    return (
        f'<script type="module" src="{base}/static/carbonchat/widget.js" '
        f'data-website-token="{inbox.website_token}"></script>'
    )
