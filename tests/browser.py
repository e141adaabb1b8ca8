"""Headless Chromium for page tests: Debian's chromium driven by playwright-core from npm,
through tests/node/browser_driver.mjs. Missing in CI is a failure (tests/services.py)."""

import asyncio
import json
import os
import shutil
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from .services import NODE_DIR, require_node, unavailable

ARTIFACTS = Path(__file__).resolve().parent.parent / "var" / "test-artifacts"


def require_chromium() -> str:
    path = (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )
    if path is None:
        unavailable("Chromium", "apt-get install -y chromium (scripts/test does it as root)")
    if not (NODE_DIR / "node_modules" / "playwright-core").exists():
        unavailable("playwright-core", "run scripts/test, which installs it with npm ci")
    return path


class Browser:
    """One page in headless Chromium; each call waits for the driver's answer."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    @classmethod
    async def start(cls) -> "Browser":
        chromium = require_chromium()
        process = await asyncio.create_subprocess_exec(
            require_node(),
            str(NODE_DIR / "browser_driver.mjs"),
            cwd=NODE_DIR,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            env={**os.environ, "CHROMIUM": chromium},
        )
        return cls(process)

    async def __call__(self, cmd: str, timeout: float = 90.0, **args: Any) -> Any:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write((json.dumps({"cmd": cmd, **args}) + "\n").encode())
        await self.process.stdin.drain()
        line = await asyncio.wait_for(self.process.stdout.readline(), timeout)
        if not line:
            raise AssertionError("the browser driver exited")
        reply = json.loads(line)
        if not reply["ok"]:
            raise AssertionError(f"{cmd} {args}: {reply['error']}\nconsole: {reply['console']}")
        return reply["value"]

    async def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        await self("screenshot", path=str(path))
        return path

    async def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            await asyncio.wait_for(self.process.wait(), 10)
        except TimeoutError:
            self.process.kill()


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class PageServer:
    """Serves a directory over HTTP on 127.0.0.1: a site of its own origin."""

    def __init__(self, directory: Path) -> None:
        handler = partial(QuietHandler, directory=str(directory))
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
