"""Real daphne processes and real JavaScript clients, for tests that cross a process boundary."""

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from django.db import connection

from .services import NODE_DIR

ROOT = Path(__file__).resolve().parent.parent


def http_json(
    port: int, method: str, path: str, body: Any = None, token: str | None = None
) -> tuple[int, Any]:
    """One JSON request to a server of the test's, as Chatwoot's clients send it (the token
    as ``api_access_token``): the status and the decoded body, errors included."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["api_access_token"] = token
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=json.dumps(body).encode() if body is not None else None,
        headers=headers,
        method=method,
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_environment(redis_url: str, prefix: str) -> dict[str, str]:
    """The environment of a server process that shares this test's database and Redis."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SQLITE_PATH"}}
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        env["SQLITE_PATH"] = str(db["NAME"])
    else:
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        )
        env.setdefault("SECRET_KEY", "test-server-secret-key-" + "x" * 30)
        env.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    env.update(
        REDIS_URL=redis_url,
        CARBONCHAT_CHANNEL_PREFIX=prefix,
        PYTHONUNBUFFERED="1",
        DJANGO_SETTINGS_MODULE="carbonchat.settings",
    )
    return env


def shared_layer(redis_url: str, prefix: str) -> dict[str, Any]:
    """CHANNEL_LAYERS for the test process, so its broadcasts reach the server processes."""
    return {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [redis_url], "prefix": prefix},
        }
    }


def new_prefix() -> str:
    return f"cctest{uuid.uuid4().hex[:10]}"


class DaphneServer:
    def __init__(self, env: dict[str, str], port: int | None = None) -> None:
        self.env = env
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None
        # Kept open for the process's life and read on failure; not a context manager.
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115
            prefix="daphne-", suffix=".log", delete=False
        )

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/cable"

    def start(self, timeout: float = 20.0) -> "DaphneServer":
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "daphne",
                "-b",
                "127.0.0.1",
                "-p",
                str(self.port),
                "carbonchat.asgi:application",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"daphne exited early:\n{self.output()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), 0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"daphne did not listen within {timeout}s:\n{self.output()}")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15.0) -> int | None:
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else None
        self.process.send_signal(sig)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait(5)

    def output(self, tail: int | None = 5000) -> str:
        """The server's log: its last ``tail`` characters (None: all of it)."""
        self.log.flush()
        text = Path(self.log.name).read_text(errors="replace")
        return text if tail is None else text[-tail:]


class NodeClient:
    """One @rails/actioncable consumer in a Node.js process, driven line by line."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.events: list[dict[str, Any]] = []
        self._seen = 0

    @classmethod
    async def start(cls, node: str, driver: str = "driver.js") -> "NodeClient":
        process = await asyncio.create_subprocess_exec(
            node,
            str(NODE_DIR / driver),
            cwd=NODE_DIR,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        return cls(process)

    async def send(self, **command: Any) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write((json.dumps(command) + "\n").encode())
        await self.process.stdin.drain()

    async def _next_event(self, timeout: float) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = await asyncio.wait_for(self.process.stdout.readline(), timeout)
        if not line:
            raise AssertionError("the Node.js client exited")
        event = json.loads(line)
        self.events.append(event)
        return event

    async def expect(self, timeout: float = 10.0, **match: Any) -> dict[str, Any]:
        """Wait for the next event (after the last one matched) whose keys equal ``match``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            while self._seen < len(self.events):
                event = self.events[self._seen]
                self._seen += 1
                if all(event.get(k) == v for k, v in match.items()):
                    return event
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"no event {match} within {timeout}s; saw {self.events[-8:]}")
            try:
                await self._next_event(remaining)
            except TimeoutError:
                continue

    async def expect_frame(self, timeout: float = 10.0, **match: Any) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            event = await self.expect(max(deadline - loop.time(), 0.01), event="frame")
            frame = event.get("frame") or {}
            if all(frame.get(k) == v for k, v in match.items()):
                return frame

    async def received(self, name: str, timeout: float = 0.5) -> list[Any]:
        """What ``name`` received (presence aside) until ``timeout`` passes with nothing new."""
        try:
            while True:
                await self._next_event(timeout)
        except TimeoutError:
            pass
        return [
            e["data"]
            for e in self.events
            if e.get("event") == "received"
            and e.get("name") == name
            and e["data"].get("event") != "presence.update"
        ]

    async def expect_received(self, name: str, timeout: float = 10.0) -> Any:
        """The next broadcast ``name`` receives, presence updates aside."""
        while True:
            event = await self.expect(timeout, event="received", name=name)
            if event["data"].get("event") != "presence.update":
                return event["data"]

    async def close(self) -> None:
        if self.process.returncode is None:
            if self.process.stdin:
                self.process.stdin.close()
            try:
                await asyncio.wait_for(self.process.wait(), 5)
            except TimeoutError:
                self.process.kill()


class SocketClient:
    """A raw ActionCable client over ``websockets``, for servers in other processes."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection

    @classmethod
    async def connect(cls, url: str, *, max_size: int | None = 1 << 20) -> "SocketClient":
        import websockets

        connection = await websockets.connect(
            url, subprotocols=["actioncable-v1-json"], max_size=max_size
        )
        client = cls(connection)
        assert await client.receive() == {"type": "welcome"}
        return client

    async def send(self, **frame: Any) -> None:
        await self.connection.send(json.dumps(frame))

    async def subscribe(self, params: dict[str, Any]) -> str:
        identifier = json.dumps(params)
        await self.send(command="subscribe", identifier=identifier)
        reply = await self.receive(lambda f: f.get("identifier") == identifier and "type" in f)
        return reply["type"]

    async def receive(self, where=None, timeout: float = 10.0) -> dict[str, Any]:
        async with asyncio.timeout(timeout):
            while True:
                frame = json.loads(await self.connection.recv())
                if frame.get("type") == "ping":
                    continue
                if where is None or where(frame):
                    return frame

    async def close(self) -> None:
        await self.connection.close()


class RoundRobinProxy:
    """A TCP proxy on loopback sending each new connection to the next live backend port.

    Stands in for the load balancer in front of several processes (deploy/nginx.conf).
    """

    def __init__(self, ports: list[int]) -> None:
        self.ports = ports
        self.port = free_port()
        self._next = 0
        self._server: asyncio.AbstractServer | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/cable"

    async def start(self) -> "RoundRobinProxy":
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)
        return self

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for _ in range(len(self.ports)):
            port = self.ports[self._next % len(self.ports)]
            self._next += 1
            try:
                up_reader, up_writer = await asyncio.open_connection("127.0.0.1", port)
                break
            except OSError:
                continue
        else:
            writer.close()
            return

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                dst.close()

        self._writers.update((writer, up_writer))
        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        self._writers.difference_update((writer, up_writer))

    def drop_all(self) -> None:
        """Cut every proxied connection at once, as a network failure would."""
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()


async def anycable_contact_room(client: NodeClient, url: str, session: Any) -> None:
    """Connect an @anycable/web client and subscribe it as ``session``'s contact ("room")."""
    await client.send(op="connect", url=url)
    await client.send(
        op="subscribe",
        name="room",
        channel="RoomChannel",
        params={"pubsub_token": session.pubsub_token},
    )
    await client.expect(event="connected", name="room", timeout=15)


async def send_numbered(session: Any, n: int) -> None:
    """Broadcast message ``n`` of a numbered sequence to ``session``'s stream."""
    from conversations import streams
    from realtime.delivery.broadcast import abroadcast

    await abroadcast(
        [streams.contact_session(session.id)], {"event": "message.created", "data": {"n": n}}
    )


class PrivateRedis:
    """A redis-server of this test's own, so restarting it disturbs nobody else."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if (
                subprocess.run(
                    ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True
                ).stdout.strip()
                == "PONG"
            ):
                return
            time.sleep(0.05)
        raise RuntimeError("private redis-server did not start")

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(5)


def run_bench(server: "DaphneServer", **options: Any) -> tuple[subprocess.CompletedProcess, Any]:
    """``manage.py cable_bench`` against ``server`` (options as ``--name value``; a small run by
    default): the finished process and its JSON report (None when it printed none)."""
    settings = {"sockets": 12, "streams": 2, "rounds": 3, "rate": 5, "settle": 0.5}
    settings.update(options)
    command = [sys.executable, "manage.py", "cable_bench", "--url", server.url]
    for name, value in settings.items():
        command += [f"--{name.replace('_', '-')}", str(value)]
    command += ["--max-seconds", "60"]
    result = subprocess.run(
        command, cwd=ROOT, env=server.env, capture_output=True, text=True, timeout=120
    )
    lines = result.stdout.strip().splitlines()
    report = json.loads(lines[-1]) if result.returncode == 0 and lines else None
    return result, report
