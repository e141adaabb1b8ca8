"""Attachments: what an upload becomes (its type, size, dimensions and thumbnail), the URLs
clients fetch it at, and serving locally stored files without letting them run as pages.

Whoever has an attachment's URL may fetch it, as with Chatwoot's blob URLs: the dashboard,
the contact's widget and bots all load them directly. The URL holds 144 random bits.
"""

import logging
import mimetypes
from io import BytesIO
from pathlib import PurePath

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_safe
from PIL import Image, UnidentifiedImageError

from .conf import carbonchat_settings
from .models import Attachment
from .models.attachment import attachment_storage

logger = logging.getLogger(__name__)

# What a contact may upload (Chatwoot checks this on its website inboxes): media, or these.
CONTACT_FILE_TYPES = frozenset(
    {
        "text/csv",
        "text/plain",
        "text/rtf",
        "application/json",
        "application/pdf",
        "application/zip",
        "application/x-7z-compressed",
        "application/vnd.rar",
        "application/x-tar",
        "application/msword",
        "application/vnd.ms-excel",
        "application/vnd.ms-powerpoint",
        "application/rtf",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }
)
# Raster images Pillow reads and browsers show; anything else that says image/ (SVG above
# all, which can carry script) is kept as a plain file.
RASTER_IMAGES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
THUMBNAIL_WIDTH = 250
# Pillow's guard against decompression bombs, lowered: no chat image needs more.
MAX_IMAGE_PIXELS = 50_000_000


def content_type_of(upload: UploadedFile) -> str:
    """The type the file's name says, else what the client declared, else octet-stream."""
    guessed, _ = mimetypes.guess_type(upload.name or "")
    declared = (upload.content_type or "").split(";")[0].strip().lower()
    return (guessed or declared or "application/octet-stream")[:255]


def file_type_of(content_type: str) -> str:
    if content_type in RASTER_IMAGES:
        return Attachment.FileType.IMAGE
    if content_type.startswith("audio/"):
        return Attachment.FileType.AUDIO
    if content_type.startswith("video/"):
        return Attachment.FileType.VIDEO
    return Attachment.FileType.FILE


def upload_problem(upload: UploadedFile, *, from_contact: bool) -> str | None:
    """Why ``upload`` is refused, or None."""
    limit = int(carbonchat_settings.MAX_ATTACHMENT_BYTES)
    if upload.size > limit:
        return f"{upload.name}: larger than {limit} bytes."
    if upload.size == 0:
        return f"{upload.name}: the file is empty."
    content_type = content_type_of(upload)
    media = content_type.startswith(("image/", "audio/", "video/"))
    if from_contact and not media and content_type not in CONTACT_FILE_TYPES:
        return f"{upload.name}: files of type {content_type} are not accepted."
    return None


def describe(attachment: Attachment, upload: UploadedFile) -> None:
    """Fill in what the upload is; an image that does not decode is kept as a plain file."""
    content_type = content_type_of(upload)
    attachment.content_type = content_type
    attachment.file_type = file_type_of(content_type)
    attachment.file_size = upload.size
    suffix = PurePath(upload.name or "").suffix.lstrip(".").lower()[:32]
    attachment.extension = suffix or None
    if attachment.file_type == Attachment.FileType.IMAGE:
        image = _open_image(upload)
        if image is None:
            attachment.file_type = Attachment.FileType.FILE
        else:
            attachment.width, attachment.height = image.size
        upload.seek(0)


def save_thumbnail(attachment: Attachment) -> None:
    """A 250-pixel-wide copy beside an image (Chatwoot's ``resize_to_fill: [250, nil]``).
    Without one, ``thumb_url`` is the image itself."""
    if attachment.file_type != Attachment.FileType.IMAGE or not attachment.file:
        return
    with attachment.file.open("rb") as handle:
        image = _open_image(handle)
        if image is None or image.width <= THUMBNAIL_WIDTH:
            return
        height = max(1, round(image.height * THUMBNAIL_WIDTH / image.width))
        try:
            small = image.convert("RGB").resize((THUMBNAIL_WIDTH, height))
        except (OSError, ValueError):
            logger.warning("attachment %s: no thumbnail (the image did not decode)", attachment.pk)
            return
    out = BytesIO()
    small.save(out, format="JPEG", quality=85)
    directory = PurePath(attachment.file.name).parent
    name = attachment.thumbnail.storage.save(
        f"{directory}/thumb_{THUMBNAIL_WIDTH}.jpg", ContentFile(out.getvalue())
    )
    attachment.thumbnail.name = name
    attachment.save(update_fields=["thumbnail"])


def _open_image(handle) -> Image.Image | None:
    try:
        image = Image.open(handle)
        if image.width * image.height > MAX_IMAGE_PIXELS:
            return None
        image.load()
        return image
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None


def absolute(url: str) -> str:
    """A storage URL as clients of another origin can follow it."""
    if url.startswith(("http://", "https://")):
        return url
    return f"{carbonchat_settings.FRONTEND_URL}{url}"


def data_url(attachment: Attachment) -> str:
    return absolute(attachment.file.url) if attachment.file else attachment.external_url


def thumb_url(attachment: Attachment) -> str:
    if attachment.file_type != Attachment.FileType.IMAGE:
        return ""
    if attachment.thumbnail:
        return absolute(attachment.thumbnail.url)
    return data_url(attachment)


@require_safe
def serve(request: HttpRequest, path: str) -> FileResponse:
    """A locally stored attachment. Only what lies under ``attachments/`` is served; media
    are shown inline, everything else is a download; nothing may run script or be sniffed
    into HTML (an uploaded page opened from the dashboard's origin would run as it)."""
    storage = attachment_storage()
    parts = PurePath(path).parts
    if len(parts) != 3 or parts[0] != "attachments" or ".." in parts:
        raise Http404()
    try:
        handle = storage.open(path, "rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404() from None
    content_type, _ = mimetypes.guess_type(parts[-1])
    content_type = content_type or "application/octet-stream"
    inline = content_type in RASTER_IMAGES or content_type.startswith(("audio/", "video/"))
    response = FileResponse(
        handle,
        content_type=content_type if inline else "application/octet-stream",
        as_attachment=not inline,
        filename=parts[-1],
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    response["Cache-Control"] = "private, max-age=86400"
    return response
