"""Settings mode selection and the system checks, in fresh interpreters with real environments."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json, django
from django.conf import settings
django.setup()
from django.core import checks
ids = sorted(m.id for m in checks.run_checks() if m.level >= checks.WARNING)
print(json.dumps({
    "env": settings.CARBONCHAT_ENV,
    "debug": settings.DEBUG,
    "engine": settings.DATABASES["default"]["ENGINE"],
    "layer": settings.CHANNEL_LAYERS["default"]["BACKEND"],
    "hosts": settings.ALLOWED_HOSTS,
    "checks": ids,
}))
"""


def probe(**env: str) -> dict:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "SECRET_KEY",
            "CARBONCHAT_ENV",
            "DEBUG",
            "ALLOWED_HOSTS",
            "WEB_CONCURRENCY",
        }
    }
    clean.update(env, DJANGO_SETTINGS_MODULE="carbonchat.settings")
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=clean,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_no_variables_gives_the_embedded_mode():
    result = probe()
    assert result["env"] == "embedded"
    assert result["debug"] is True
    assert result["engine"] == "django.db.backends.sqlite3"
    assert result["layer"] == "channels.layers.InMemoryChannelLayer"
    assert "127.0.0.1" in result["hosts"]
    assert result["checks"] == []


def test_database_and_redis_urls_give_production():
    result = probe(
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/carbonchat",
        REDIS_URL="redis://127.0.0.1:6379/0",
        SECRET_KEY="s" * 50,
        ALLOWED_HOSTS="chat.example.com",
    )
    assert result["env"] == "production"
    assert result["debug"] is False
    assert result["engine"] == "django.db.backends.postgresql"
    assert result["layer"] == "channels_redis.pubsub.RedisPubSubChannelLayer"
    assert result["hosts"] == ["chat.example.com"]
    assert "carbonchat.E001" not in result["checks"]


def test_production_without_a_secret_key_fails_its_check():
    result = probe(DATABASE_URL="postgres://postgres@127.0.0.1:5432/carbonchat")
    assert "carbonchat.E001" in result["checks"]


def test_several_processes_on_an_in_process_layer_fail_their_check():
    assert "realtime.E005" in probe(WEB_CONCURRENCY="4")["checks"]
    assert (
        "realtime.E005" not in probe(WEB_CONCURRENCY="4", REDIS_URL="redis://127.0.0.1/0")["checks"]
    )
