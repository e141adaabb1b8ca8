"""Files and other things a message carries (Chatwoot's attachments)."""

import secrets
from pathlib import PurePath

from django.core.files.storage import Storage, storages
from django.db import models
from django.utils import timezone
from django.utils.text import get_valid_filename

from .account import Account
from .message import Message


def configured_storage() -> Storage:
    """The STORAGES entry named by ``CARBONCHAT["ATTACHMENT_STORAGE"]``, as configured now."""
    from ..conf import carbonchat_settings

    return storages[carbonchat_settings.ATTACHMENT_STORAGE]


class AttachmentStorage(Storage):
    """Hands every call to :func:`configured_storage`. A FileField resolves its storage once,
    when models load; through this, a project (or a test) can repoint attachments at S3 or
    elsewhere by settings alone, whenever it likes."""

    def save(self, name, content, max_length=None):
        return configured_storage().save(name, content, max_length=max_length)

    def open(self, name, mode="rb"):
        return configured_storage().open(name, mode)

    def generate_filename(self, filename):
        return configured_storage().generate_filename(filename)

    def get_available_name(self, name, max_length=None):
        return configured_storage().get_available_name(name, max_length=max_length)

    def delete(self, name):
        return configured_storage().delete(name)

    def exists(self, name):
        return configured_storage().exists(name)

    def size(self, name):
        return configured_storage().size(name)

    def url(self, name):
        return configured_storage().url(name)

    def path(self, name):
        return configured_storage().path(name)


def attachment_storage() -> Storage:
    return AttachmentStorage()


def attachment_path(attachment: "Attachment", filename: str) -> str:
    """``attachments/<random>/<name>``: unguessable, as Chatwoot's signed blob URLs are, since
    whoever has the URL may fetch the file (the contact's page, the dashboard, a bot)."""
    name = get_valid_filename(PurePath(filename).name)[-100:] or "file"
    return f"attachments/{secrets.token_urlsafe(18)}/{name}"


class Attachment(models.Model):
    class FileType(models.TextChoices):
        IMAGE = "image", "Image"
        AUDIO = "audio", "Audio"
        VIDEO = "video", "Video"
        FILE = "file", "File"
        LOCATION = "location", "Location"
        FALLBACK = "fallback", "Fallback"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file_type = models.CharField(max_length=16, choices=FileType.choices, default=FileType.FILE)
    file = models.FileField(
        storage=attachment_storage, upload_to=attachment_path, max_length=512, blank=True
    )
    # A 250-pixel-wide copy of an image (Chatwoot's thumb_url), beside the file.
    thumbnail = models.FileField(storage=attachment_storage, max_length=512, blank=True)
    content_type = models.CharField(max_length=255, blank=True)
    extension = models.CharField(max_length=32, blank=True, null=True)
    file_size = models.BigIntegerField(default=0)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    external_url = models.URLField(max_length=2048, blank=True)
    fallback_title = models.CharField(max_length=255, blank=True, null=True)
    coordinates_lat = models.FloatField(default=0.0)
    coordinates_long = models.FloatField(default=0.0)
    meta = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return PurePath(self.file.name).name if self.file else self.get_file_type_display()
