"""Messages with attachments: multipart uploads from agents and contacts, ``attachments`` in
the answer and in the event, the files served safely, and the storage chosen by settings."""

from io import BytesIO

import pytest
from asgiref.sync import sync_to_async
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from conversations.models import Attachment, Message

from . import factories as f
from .test_api_application import client_for, conv_url

FRONTEND = "https://chat.acme.test"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.CARBONCHAT = {**settings.CARBONCHAT, "FRONTEND_URL": FRONTEND}
    return tmp_path / "media"


def png(width=600, height=300, name="photo.png"):
    out = BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def pdf():
    return SimpleUploadedFile("invoice.pdf", b"%PDF-1.4 fake", content_type="application/pdf")


def public_messages_url(world):
    """A conversation of the world's contact in the API inbox (the client API's kind)."""
    session = f.make_session(world.session.contact, world.other_inbox)
    conversation = f.make_conversation(session)
    return (
        f"/public/api/v1/inboxes/{world.other_inbox.identifier}/contacts/{session.source_id}"
        f"/conversations/{conversation.display_id}/messages"
    )


def fetch(client, data_url):
    assert data_url.startswith(FRONTEND + "/media/attachments/")
    response = client.get(data_url.removeprefix(FRONTEND))
    return response, b"".join(response.streaming_content)


async def test_an_agents_files_reach_the_answer_the_event_and_the_contact(world, audience):
    agent = client_for(world.agent)
    response = await sync_to_async(agent.post)(
        conv_url(world, "/messages"),
        {"content": "See attached", "attachments[]": [png(), pdf()], "echo_id": "e-1"},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    image, document = response.json()["attachments"]
    assert (image["file_type"], image["extension"], image["width"], image["height"]) == (
        "image",
        "png",
        600,
        300,
    )
    assert (document["file_type"], document["extension"], document["thumb_url"]) == (
        "file",
        "pdf",
        "",
    )
    assert image["thumb_url"] != image["data_url"]
    assert image["message_id"] == response.json()["id"] == document["message_id"]
    for name in ("contact", "admin"):
        [event] = [await audience.expect([name], "message.created")]
        assert [a["data_url"] for a in event["attachments"]] == [
            image["data_url"],
            document["data_url"],
        ]
    assert event["echo_id"] == "e-1"


def test_files_are_served_inline_for_media_and_as_downloads_otherwise(world):
    agent = client_for(world.agent)
    body = agent.post(
        conv_url(world, "/messages"),
        {"attachments[]": [png(), pdf()]},
        format="multipart",
    ).json()
    assert body["content"] is None  # files alone are a message
    image, document = body["attachments"]
    served, content = fetch(agent, image["data_url"])
    assert served["Content-Type"] == "image/png" and content.startswith(b"\x89PNG")
    assert served["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served["Content-Security-Policy"]
    _, small = fetch(agent, image["thumb_url"])
    assert Image.open(BytesIO(small)).size == (250, 125)
    download, content = fetch(agent, document["data_url"])
    assert content == b"%PDF-1.4 fake"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["Content-Type"] == "application/octet-stream"


def test_script_carrying_files_never_render_as_pages(world):
    svg = SimpleUploadedFile("logo.svg", b"<svg onload='alert(1)'/>", content_type="image/svg+xml")
    html = SimpleUploadedFile("page.html", b"<script>alert(1)</script>", content_type="text/html")
    agent = client_for(world.agent)
    body = agent.post(
        conv_url(world, "/messages"), {"attachments[]": [svg, html]}, format="multipart"
    ).json()
    for attachment in body["attachments"]:
        assert attachment["file_type"] == "file"
        served, _ = fetch(agent, attachment["data_url"])
        assert served["Content-Type"] == "application/octet-stream"
        assert served["Content-Disposition"].startswith("attachment;")
    # A path outside attachments/ is not served, whatever lies in MEDIA_ROOT.
    assert agent.get("/media/../carbonchat/settings.py").status_code == 404
    assert agent.get("/media/other/x/y.png").status_code == 404


def test_a_contact_sends_a_picture_but_not_a_page(world):
    client = client_for(None)
    path = public_messages_url(world)
    sent = client.post(
        path,
        {"content": "my screen", "attachments[]": [png(name="screen.png")]},
        format="multipart",
    )
    assert sent.status_code == 201, sent.json()
    assert sent.json()["attachments"][0]["file_type"] == "image"
    before = Message.objects.count()
    page = SimpleUploadedFile("x.html", b"<script></script>", content_type="text/html")
    refused = client.post(public_messages_url(world), {"attachments[]": [page]}, format="multipart")
    assert refused.status_code == 400 and refused.json()["attributes"] == ["attachments"]
    assert Message.objects.count() == before


def test_limits_are_400s_that_keep_nothing(world, settings, media):
    settings.CARBONCHAT = {**settings.CARBONCHAT, "MAX_ATTACHMENT_BYTES": 1000}
    agent = client_for(world.agent)
    before = (Message.objects.count(), Attachment.objects.count())
    too_big = agent.post(
        conv_url(world, "/messages"), {"content": "x", "attachments[]": [png()]}, format="multipart"
    )
    assert too_big.status_code == 400 and "larger than 1000 bytes" in too_big.json()["message"]
    empty = agent.post(conv_url(world, "/messages"), {"content": "  "}, format="multipart")
    assert empty.status_code == 400 and empty.json()["attributes"] == ["content"]
    assert (Message.objects.count(), Attachment.objects.count()) == before
    assert not (media / "attachments").exists()


def test_deleting_the_message_deletes_its_files(world, media):
    agent = client_for(world.agent)
    body = agent.post(
        conv_url(world, "/messages"), {"attachments[]": [png()]}, format="multipart"
    ).json()
    files = list((media / "attachments").rglob("*.*"))
    assert len(files) == 2  # the image and its thumbnail
    deleted = agent.delete(conv_url(world, f"/messages/{body['id']}"))
    assert deleted.status_code == 200 and "attachments" not in deleted.json()
    assert not any(f.exists() for f in files)
    assert not Attachment.objects.exists()


def test_the_storage_is_the_projects_to_choose(world, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "chat": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "bucket"), "base_url": "https://cdn.test/f/"},
        },
    }
    settings.CARBONCHAT = {**settings.CARBONCHAT, "ATTACHMENT_STORAGE": "chat"}
    body = (
        client_for(world.agent)
        .post(conv_url(world, "/messages"), {"attachments[]": [pdf()]}, format="multipart")
        .json()
    )
    [attachment] = body["attachments"]
    assert attachment["data_url"].startswith("https://cdn.test/f/attachments/")
    assert list((tmp_path / "bucket" / "attachments").rglob("invoice.pdf"))
