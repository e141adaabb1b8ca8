"""Attachments: saved with their message, their files removed when the message is deleted."""

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from .. import attachments
from ..models import Attachment, Message


def attachment_create(*, message: Message, upload: UploadedFile) -> Attachment:
    """``upload`` stored and described (type, size, dimensions) with a thumbnail for images.
    Call inside the message's transaction, so its event carries the attachment."""
    attachment = Attachment(account_id=message.account_id, message=message)
    attachments.describe(attachment, upload)
    attachment.file.save(upload.name or "file", upload, save=False)
    # Should the transaction roll back, the stored file stays behind, unreferenced (Django has
    # no rollback hook); its name is random, so nobody can reach it.
    attachment.save()
    attachments.save_thumbnail(attachment)
    return attachment


def attachments_delete(*, message: Message) -> None:
    """The message's attachments, their files once the deletion commits."""
    names = []
    for attachment in message.attachments.all():
        names.extend(f for f in (attachment.file, attachment.thumbnail) if f)
    message.attachments.all().delete()

    def remove_files() -> None:
        for field in names:
            field.storage.delete(field.name)

    transaction.on_commit(remove_files)
