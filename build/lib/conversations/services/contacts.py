"""Services that change contacts and their sessions."""

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
