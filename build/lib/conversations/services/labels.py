"""Services that change an account's labels and the labels of its contacts."""

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from ..models import Account, Contact, Label


@transaction.atomic
def label_create(*, account: Account, title: str, **fields: Any) -> Label:
    return Label.objects.create(account=account, title=title, **fields)


@transaction.atomic
def label_update(*, label: Label, **fields: Any) -> Label:
    """A renamed label stays on every conversation and contact that has it."""
    for name, value in fields.items():
        setattr(label, name, value)
    label.save()
    return label


@transaction.atomic
def label_delete(*, label: Label) -> None:
    label.delete()


@transaction.atomic
def contact_labels_set(*, contact: Contact, labels: Iterable[Label]) -> list[str]:
    """Replace the contact's labels; returns the titles."""
    labels = list(labels)
    contact.labels.set(labels)
    return sorted(label.title for label in labels)
