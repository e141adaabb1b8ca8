"""Real services the suite needs: Redis, Node.js. Missing in CI is a failure, never a skip."""

import os
import shutil
import socket
from pathlib import Path
from urllib.parse import urlparse

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
NODE_DIR = Path(__file__).parent / "node"


def unavailable(what: str, how: str) -> None:
    """Skip on a developer's machine; fail in CI, where every service must be present."""
    message = f"{what} is not available: {how}"
    if IN_CI:
        pytest.fail(f"CI=true and {message}", pytrace=False)
    pytest.skip(message)


def redis_url() -> str:
    return os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


def require_redis() -> str:
    url = redis_url()
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), 1):
            pass
    except OSError:
        unavailable(
            f"Redis at {parsed.hostname}:{parsed.port}", "start redis-server or set REDIS_URL"
        )
    return url


def require_node() -> str:
    node = shutil.which("node")
    if node is None:
        unavailable("Node.js", "install Node.js 18+ and run scripts/test again")
    if not (NODE_DIR / "node_modules" / "@rails" / "actioncable").exists():
        unavailable("the Node.js clients", "run scripts/test, which installs them with npm ci")
    return node
