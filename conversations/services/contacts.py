"""Services that change contacts and their sessions."""

import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from ..models import Account, Contact, ContactInbox, Inbox, Message
from ..signals import contact_merged


@transaction.atomic
def contact_create(*, account: Account, **fields: Any) -> Contact:
    return Contact.objects.create(account=account, **fields)


@transaction.atomic
def contact_update(*, contact: Contact, **fields: Any) -> Contact:
    for name, value in fields.items():
        setattr(contact, name, value)
    contact.save()
    return contact


@transaction.atomic
def contact_delete(*, contact: Contact) -> None:
    contact.delete()


@transaction.atomic
def contact_session_create(
    *,
    contact: Contact,
    inbox: Inbox,
    source_id: str | None = None,
    hmac_verified: bool = False,
) -> ContactInbox:
    fields: dict[str, Any] = {"hmac_verified": hmac_verified}
    if source_id:
        fields["source_id"] = source_id
    return ContactInbox.objects.create(contact=contact, inbox=inbox, **fields)


@transaction.atomic
def contact_merge(*, base: Contact, mergee: Contact) -> Contact:
    """Move the mergee's sessions and conversations to ``base``, then delete the mergee.

    Events: ``conversation.contact_changed`` per moved conversation, ``contact.deleted`` for
    the mergee, ``contact.updated`` for the base when it gained fields it lacked.
    """
    if base.account_id != mergee.account_id or base.pk == mergee.pk:
        raise ValueError("contacts to merge must be two contacts of one account")
    ContactInbox.objects.filter(contact=mergee).update(contact=base)
    Message.objects.filter(sender_contact=mergee).update(sender_contact=base)
    for conversation in mergee.conversations.all():
        conversation.contact = base
        conversation.save()
    inherited = {
        name: getattr(mergee, name)
        for name in ("name", "email", "phone_number", "identifier", "avatar_url")
        if not getattr(base, name) and getattr(mergee, name)
    }
    # The mergee goes first: its email or identifier may move to the base, and both are unique.
    mergee.delete()
    for name, value in inherited.items():
        setattr(base, name, value)
    base.additional_attributes = {**mergee.additional_attributes, **base.additional_attributes}
    base.custom_attributes = {**mergee.custom_attributes, **base.custom_attributes}
    # Saved without post_save: the merge is one change of the base, announced once by
    # contact_merged (contact.updated), whether or not the base gained any field.
    Contact.objects.filter(pk=base.pk).update(
        additional_attributes=base.additional_attributes,
        custom_attributes=base.custom_attributes,
        updated_at=timezone.now(),
        **inherited,
    )
    base.mark_saved()
    contact_merged.send(sender=Contact, base=base)
    return base


# Chatwoot names anonymous visitors like "white-shadow-394" (Haikunator).
ADJECTIVES = (
    "autumn",
    "hidden",
    "bitter",
    "misty",
    "silent",
    "empty",
    "dry",
    "dark",
    "summer",
    "icy",
    "delicate",
    "quiet",
    "white",
    "cool",
    "spring",
    "winter",
    "patient",
    "twilight",
    "dawn",
    "crimson",
    "wispy",
    "weathered",
    "blue",
    "billowing",
    "broken",
    "cold",
)
NOUNS = (
    "waterfall",
    "river",
    "breeze",
    "moon",
    "rain",
    "wind",
    "sea",
    "morning",
    "snow",
    "lake",
    "sunset",
    "pine",
    "shadow",
    "leaf",
    "dawn",
    "glitter",
    "forest",
    "hill",
    "cloud",
    "meadow",
    "sun",
    "glade",
    "bird",
    "brook",
    "butterfly",
    "bush",
    "dew",
    "dust",
    "field",
    "fire",
)


def visitor_name() -> str:
    return f"{secrets.choice(ADJECTIVES)}-{secrets.choice(NOUNS)}-{secrets.randbelow(900) + 100}"


IDENTIFYING = ("name", "email", "phone_number", "identifier", "avatar_url")


@transaction.atomic
def contact_identify(
    *,
    contact: Contact,
    custom_attributes: dict[str, Any] | None = None,
    additional_attributes: dict[str, Any] | None = None,
    **fields: Any,
) -> Contact:
    """What a visitor says about itself (the widget's ``contact`` update and ``set_user``),
    as Chatwoot's ContactIdentifyAction: when another contact of the account already has the
    identifier (or, failing that, the email or phone number, unless its identifier differs),
    this contact is merged into it, so one customer stays one contact. The session keeps its
    own verification: a merged, unverified session still sees only its own conversations.
    Attributes are added to, not replaced."""
    fields = {k: v for k, v in fields.items() if k in IDENTIFYING and v not in (None, "")}
    others = Contact.objects.filter(account_id=contact.account_id).exclude(pk=contact.pk)
    existing = None
    if fields.get("identifier"):
        existing = others.filter(identifier=fields["identifier"]).first()
    for key in ("email", "phone_number"):
        if existing is None and fields.get(key):
            lookup = {"email__iexact": fields[key]} if key == "email" else {key: fields[key]}
            candidate = others.filter(**lookup).first()
            wanted = fields.get("identifier")
            if candidate and not (
                candidate.identifier and wanted and candidate.identifier != wanted
            ):
                existing = candidate
    if existing is not None:
        contact = contact_merge(base=existing, mergee=contact)
        contact.refresh_from_db()
    # Still taken by a third contact: left as it was rather than refused (Chatwoot discards
    # such attributes too); the rest is saved.
    for key in ("email", "identifier", "phone_number"):
        if key in fields:
            lookup = {"email__iexact": fields[key]} if key == "email" else {key: fields[key]}
            if (
                Contact.objects.filter(account_id=contact.account_id, **lookup)
                .exclude(pk=contact.pk)
                .exists()
            ):
                del fields[key]
    changes: dict[str, Any] = dict(fields)
    if custom_attributes:
        changes["custom_attributes"] = {**contact.custom_attributes, **custom_attributes}
    if additional_attributes:
        changes["additional_attributes"] = {
            **contact.additional_attributes,
            **additional_attributes,
        }
    if changes:
        contact = contact_update(contact=contact, **changes)
    return contact
