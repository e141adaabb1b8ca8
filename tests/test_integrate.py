"""
docs/integrate.md, followed by a Django developer with a project of their own: the wheel is
built and installed into a fresh virtualenv, ``django-admin startproject`` makes the host,
whose user model is its own (``people.Person``, logging in by ``handle``), the page's snippets
are applied as written, and the result is migrated, served with daphne and driven with the
stock ``@rails/actioncable`` client and the REST API.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .live import free_port, http_json
from .services import require_node

pytestmark = [pytest.mark.server, pytest.mark.node]

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "integrate.md"

PEOPLE_MODELS = """
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models


class PersonManager(BaseUserManager):
    def create_user(self, handle, password=None, **extra):
        person = self.model(handle=handle, **extra)
        person.set_password(password)
        person.save()
        return person

    def create_superuser(self, handle, password=None, **extra):
        return self.create_user(handle, password, is_staff=True, is_superuser=True, **extra)


class Person(AbstractBaseUser, PermissionsMixin):
    handle = models.CharField(max_length=40, unique=True)
    full_name = models.CharField(max_length=100, blank=True)
    is_staff = models.BooleanField(default=False)
    objects = PersonManager()
    USERNAME_FIELD = "handle"

    def get_full_name(self):
        return self.full_name
"""

PEOPLE_ADMIN = """
from django.contrib import admin

from .models import Person

admin.site.register(Person)
"""

# What the host's own code does once it is set up: a user of its own, made an agent of an
# account with an API inbox; printed for the test as JSON.
SETUP = """
import json
from conversations.models import Account, AccountUser, Inbox, InboxMember
from people.models import Person

ada = Person.objects.create_user("ada", "s3cret-pass", full_name="Ada Lovelace")
account = Account.objects.create(name="Host Co")
inbox = Inbox.objects.create(account=account, name="API", channel_type="Channel::Api")
AccountUser.objects.create(account=account, user=ada, role="agent")
InboxMember.objects.create(inbox=inbox, user=ada)
ada.refresh_from_db()
print(json.dumps({
    "user_id": ada.pk, "account_id": account.id, "inbox": inbox.identifier,
    "pubsub_token": ada.agent.pubsub_token, "access_token": ada.agent.access_token,
    "name": ada.agent.name,
}))
"""

ADMIN_PAGE = """
from django.test import Client
from people.models import Person

client = Client()
client.force_login(Person.objects.create_superuser("root", "pw"))
page = client.get("/admin/", HTTP_HOST="localhost").content.decode()
print([name for name in ("People", "Persons", "Conversations", "Agents") if name not in page])
"""


def snippet(title: str) -> str:
    """The code block of docs/integrate.md whose first line is ``# <title>``."""
    blocks = re.findall(r"```(?:python|sh)\n(.*?)```", GUIDE.read_text(), flags=re.S)
    for block in blocks:
        if block.startswith(f"# {title}"):
            return block
    raise AssertionError(f"docs/integrate.md has no block titled {title!r}")


def run(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: int = 600) -> str:
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def call(port: int, method: str, path: str, body=None, token: str | None = None):
    status, data = http_json(port, method, path, body, token)
    assert status < 400, (status, data)
    return data


@pytest.fixture(scope="module")
def host(tmp_path_factory):
    """A fresh project with its own user model and CarbonChat from the wheel, migrated."""
    work = tmp_path_factory.mktemp("integrate")
    # setuptools reuses build/lib: a module deleted from the tree would still ship.
    shutil.rmtree(ROOT / "build", ignore_errors=True)
    run(sys.executable, "-m", "build", "--wheel", "--outdir", str(work / "dist"), ".", cwd=ROOT)
    [wheel] = (work / "dist").glob("carbonchat-*.whl")
    run(sys.executable, "-m", "venv", str(work / "venv"), cwd=work)
    bin_ = work / "venv" / "bin"
    run(
        str(bin_ / "pip"), "install", "--quiet", "--disable-pip-version-check", str(wheel), cwd=work
    )
    project = work / "host"
    project.mkdir()
    run(str(bin_ / "django-admin"), "startproject", "host", str(project), cwd=work)
    people = project / "people"
    people.mkdir()
    (people / "__init__.py").write_text("")
    (people / "models.py").write_text(PEOPLE_MODELS)
    (people / "admin.py").write_text(PEOPLE_ADMIN)
    settings = project / "host" / "settings.py"
    settings.write_text(
        settings.read_text()
        + '\nINSTALLED_APPS += ["people"]\nAUTH_USER_MODEL = "people.Person"\n'
        + snippet("settings.py")
    )
    urls = project / "host" / "urls.py"
    urls.write_text(urls.read_text() + "\n" + snippet("urls.py"))
    asgi = project / "host" / "asgi.py"
    asgi.write_text(asgi.read_text() + "\n" + snippet("asgi.py"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "DATABASE"))}
    env["DJANGO_SETTINGS_MODULE"] = "host.settings"
    python = str(bin_ / "python")
    run(python, "manage.py", "makemigrations", "people", cwd=project, env=env)
    run(python, "manage.py", "migrate", "--noinput", cwd=project, env=env)
    checks = run(python, "manage.py", "check", cwd=project, env=env)
    assert "no issues" in checks, checks
    # The last line: Django's shell may say first how many models it imported.
    out = run(python, "manage.py", "shell", "-c", SETUP, cwd=project, env=env)
    world = json.loads(out.strip().splitlines()[-1])
    return {"project": project, "python": python, "bin": bin_, "env": env, "world": world}


def test_the_wheel_carries_every_subpackage(host):
    script = (
        "import django; django.setup(); "
        "import conversations.models, conversations.migrations, conversations.api, "
        "conversations.services, conversations.events, realtime.presence, "
        "realtime.delivery.history, "
        "conversations.management.commands.seed_demo; print('ok')"
    )
    out = run(host["python"], "-c", script, cwd=host["project"], env=host["env"])
    assert out.strip() == "ok"


def test_the_admin_lists_carbonchats_models_beside_the_hosts(host):
    out = run(
        host["python"], "manage.py", "shell", "-c", ADMIN_PAGE, cwd=host["project"], env=host["env"]
    )
    assert out.strip().splitlines()[-1] == "[]"  # none of them missing


async def test_a_host_user_is_an_agent_who_hears_a_contacts_message(host, node_client):
    require_node()
    world = host["world"]
    port = free_port()
    server = subprocess.Popen(
        [str(host["bin"] / "daphne"), "-b", "127.0.0.1", "-p", str(port), "host.asgi:application"],
        cwd=host["project"],
        env=host["env"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                call(
                    port,
                    "GET",
                    f"/api/v1/accounts/{world['account_id']}/conversations",
                    token=world["access_token"],
                )
                break
            except OSError:
                assert time.monotonic() < deadline, "daphne did not serve the host"
                time.sleep(0.1)
        client = await node_client()
        await client.send(op="connect", url=f"ws://127.0.0.1:{port}/cable")
        agent = {
            "channel": "RoomChannel",
            "pubsub_token": world["pubsub_token"],
            "account_id": world["account_id"],
            "user_id": world["user_id"],
        }
        await client.send(op="subscribe", name="agent", params=agent)
        await client.expect(event="connected", name="agent")

        root = f"/public/api/v1/inboxes/{world['inbox']}"
        contact = call(port, "POST", f"{root}/contacts", {"name": "Visitor"})
        conversations = f"{root}/contacts/{contact['source_id']}/conversations"
        conversation = call(port, "POST", conversations, {})
        call(port, "POST", f"{conversations}/{conversation['id']}/messages", {"content": "Hi!"})
        while True:
            event = await client.expect(event="received", name="agent")
            if event["data"]["event"] == "message.created":
                break
        data = event["data"]["data"]
        assert data["content"] == "Hi!" and data["sender_type"] == "Contact"
        # The agent answers through the API, as the host's user, with its own name.
        reply = call(
            port,
            "POST",
            f"/api/v1/accounts/{world['account_id']}/conversations/{conversation['id']}/messages",
            {"content": "Hello from the host"},
            world["access_token"],
        )
        assert reply["sender"] == {
            **reply["sender"],
            "id": world["user_id"],
            "name": "Ada Lovelace",
        }
    finally:
        server.terminate()
        server.wait(10)
