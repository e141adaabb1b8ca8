"""
``cable_bench``: open N sockets on a running server, drive events through the real pipeline, and
report subscribe rate, fan-out latency, loss and memory per socket.

    python manage.py cable_bench --sockets 5000 --streams 1 --rounds 50 --rate 2 --via rest

``--via rest`` posts agent replies to the server's REST API (works in every mode);
``--via model`` creates the messages in this process (needs the server's Redis channel layer);
``--via broadcast`` sends through ``realtime.delivery.broadcast`` only (fan-out without the domain).
Bounded in time (``--max-seconds``) and count; loopback servers only unless ``--allow-remote``.
"""

import asyncio
import gc
import ipaddress
import json
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

from channels.db import DatabaseSyncToAsync
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from conversations import streams as stream_names
from conversations.management.commands._bench_world import BenchWorld, bench_world
from conversations.models import Conversation, Message
from conversations.services.messages import message_create
from realtime.delivery.broadcast import abroadcast
from realtime.loadgen.report import cpu_seconds, json_line, rss_kib, summarize, table
from realtime.loadgen.swarm import (
    Observations,
    Socket,
    drive,
    open_all,
    presence_settled,
)

PADDING = "x" * 200  # brings a message.created payload to about 0.8 KB


def _find_server_pid(port: int) -> int | None:
    """The daphne process serving ``port`` on this machine, by its command line."""
    import os

    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                argv = cmdline.read().split(b"\0")
        except OSError:
            continue
        if any(b"daphne" in a for a in argv) and str(port).encode() in argv:
            return int(entry)
    return None


class Command(BaseCommand):
    help = "Benchmark /cable fan-out against a running server."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--url", default="ws://127.0.0.1:8000/cable")
        parser.add_argument("--sockets", type=int, default=1000)
        parser.add_argument("--streams", type=int, default=1)
        parser.add_argument(
            "--rounds",
            type=int,
            default=50,
            help="event rounds; each round sends one event per stream",
        )
        parser.add_argument("--rate", type=float, default=2.0, help="rounds per second")
        parser.add_argument("--via", choices=["rest", "model", "broadcast"], default="rest")
        parser.add_argument(
            "--server-pid",
            type=int,
            action="append",
            default=None,
            help="server process(es) whose memory to read (found if omitted)",
        )
        parser.add_argument(
            "--url2",
            default=None,
            help="a second server: sockets alternate between --url and --url2",
        )
        parser.add_argument("--concurrency", type=int, default=200)
        parser.add_argument(
            "--settle",
            type=float,
            default=2.0,
            help="seconds to wait before measuring, after the presence push that follows "
            "the subscribes",
        )
        parser.add_argument(
            "--max-presence-wait",
            type=float,
            default=45.0,
            help="longest wait for that presence push (the server coalesces up to 30 s)",
        )
        parser.add_argument(
            "--spread",
            action="store_true",
            help="space a round's events evenly across the round instead of all at once",
        )
        parser.add_argument("--max-seconds", type=float, default=600)
        parser.add_argument("--allow-remote", action="store_true")
        parser.add_argument("--json-only", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        urls = [options["url"]] + ([options["url2"]] if options["url2"] else [])
        for url in urls:
            self._check_target(url, options["allow_remote"])
        if options["via"] != "rest":
            backend = settings.CHANNEL_LAYERS["default"]["BACKEND"]
            if "InMemory" in backend:
                raise CommandError(
                    f"--via {options['via']} needs the server's channel layer: "
                    "set REDIS_URL as the server has it, or use --via rest."
                )
        if options["sockets"] < options["streams"] or options["streams"] < 1:
            raise CommandError("--sockets must be at least --streams, and --streams at least 1.")
        try:
            result = asyncio.run(asyncio.wait_for(self.run(urls, options), options["max_seconds"]))
        except TimeoutError:
            raise CommandError(f"gave up after --max-seconds {options['max_seconds']}") from None
        if not options["json_only"]:
            self.stdout.write("\n" + table(result))
        self.stdout.write(json_line(result))

    def _check_target(self, url: str, allow_remote: bool) -> None:
        host = urlparse(url).hostname or ""
        if allow_remote or host == "localhost":
            return
        try:
            if ipaddress.ip_address(host).is_loopback:
                return
        except ValueError:
            pass
        raise CommandError(f"{host} is not a loopback address (use --allow-remote to insist).")

    def progress(self, label: str) -> Any:
        """A progress bar on a terminal; a line per quarter otherwise (logs stay readable)."""
        quiet, tty = self._quiet, sys.stderr.isatty()
        last = {"step": -1}

        def show(done: int, total: int) -> None:
            if quiet:
                return
            width = 30
            step = int(width * done / max(total, 1)) if tty else 4 * done // max(total, 1)
            if step == last["step"] and done < total:
                return
            last["step"] = step
            if tty:
                bar = "#" * step + "." * (width - step)
                sys.stderr.write(f"\r  {label:<12} [{bar}] {done}/{total}")
                if done >= total:
                    sys.stderr.write("\n")
            else:
                sys.stderr.write(f"  {label:<12} {done}/{total}\n")
            sys.stderr.flush()

        return show

    async def run(self, urls: list[str], options: dict[str, Any]) -> dict[str, Any]:
        self._quiet = options["json_only"]
        run = uuid.uuid4().hex[:8]
        world: BenchWorld = await DatabaseSyncToAsync(bench_world, thread_sensitive=False)(
            sockets=options["sockets"], streams=options["streams"], run=run
        )
        pids = options["server_pid"] or [
            pid for pid in (_find_server_pid(urlparse(u).port or 80) for u in urls) if pid
        ]
        seen = Observations()
        sockets = []
        for n, (index, identifier) in enumerate(
            (i, ident) for i, s in enumerate(world.streams) for ident in s.identifiers
        ):
            sockets.append(Socket(urls[n % len(urls)], identifier, index, run, seen))
        memory_before = _total(rss_kib, pids)

        cpu_start = _total(cpu_seconds, pids)
        seen.subscribe_started = time.time()
        await open_all(
            sockets, concurrency=options["concurrency"], progress=self.progress("subscribing")
        )
        seen.subscribe_finished = time.time()
        cpu_subscribed = _total(cpu_seconds, pids)
        # The load generator's own GC pauses would show up as fan-out latency: its sockets
        # live for the whole run, so they are frozen out of collections.
        gc.collect()
        gc.freeze()
        # Presence pushes for changes made during subscribing ended before this: only later
        # ones count (half a second of slack for the last subscribes' own changes).
        presence_wait = await presence_settled(
            sockets,
            since=seen.subscribe_finished - 0.5,
            timeout=options["max_presence_wait"] if options["rounds"] else 0.0,
        )
        await asyncio.sleep(options["settle"])
        memory_after = _total(rss_kib, pids)

        cpu_events_start: float | None = None
        generator_start = (time.process_time(), time.monotonic())
        if options["rounds"]:  # --rounds 0: subscribe rate and memory only
            trigger = self._trigger(options["via"], world, urls[0], run)
            # One unmeasured round first: the first event pays one-time costs (imports, the first
            # query plan, the first message on each channel-layer subscription).
            warmup = Observations()
            await drive(
                rounds=1,
                rate=options["rate"],
                streams=len(world.streams),
                seen=warmup,
                trigger=self._trigger(options["via"], world, urls[0], run + "w"),
                progress=lambda done, total: None,
            )
            await asyncio.sleep(1.0)
            cpu_events_start = _total(cpu_seconds, pids)
            generator_start = (time.process_time(), time.monotonic())
            await drive(
                rounds=options["rounds"],
                rate=options["rate"],
                streams=len(world.streams),
                seen=seen,
                trigger=trigger,
                progress=self.progress("events"),
                spread=options["spread"],
            )
        expected = {n: len(s.identifiers) for n, s in enumerate(world.streams)}
        await self._wait_for_deliveries(seen, expected, timeout=10.0)
        cpu_end = _total(cpu_seconds, pids)
        # The generator shares the machine: if it was busy all the time, it (not the server)
        # set the pace, and the latencies are an upper bound on the server's.
        generator_busy = (
            (time.process_time() - generator_start[0])
            / max(time.monotonic() - generator_start[1], 1e-9)
            if options["rounds"]
            else None
        )
        for socket in sockets:
            socket.close()
        config = {k: options[k] for k in ("sockets", "streams", "rounds", "rate", "via", "spread")}
        config["servers"] = len(urls)
        return summarize(
            seen,
            expected_per_event=expected,
            rounds=options["rounds"],
            sockets=len(sockets),
            memory_before=memory_before,
            memory_after=memory_after,
            server_cpu={
                "subscribing": _difference(cpu_subscribed, cpu_start),
                "events": _difference(cpu_end, cpu_events_start),
            },
            generator_busy=generator_busy,
            presence_wait=presence_wait,
            config=config,
        )

    async def _wait_for_deliveries(
        self, seen: Observations, expected: dict[int, int], timeout: float
    ) -> None:
        deadline = time.monotonic() + timeout
        want = sum(expected[stream] for (_, stream) in seen.sent_at)
        while time.monotonic() < deadline:
            if sum(len(v) for v in seen.deliveries.values()) >= want:
                return
            await asyncio.sleep(0.05)

    def _trigger(self, via: str, world: BenchWorld, url: str, run: str):
        parsed = urlparse(url)
        scheme = "https" if parsed.scheme == "wss" else "http"
        base = f"{scheme}://{parsed.netloc}/api/v1/accounts/{world.account_id}/conversations"

        def content(round_no: int, stream: int) -> str:
            return f"bench-{run}-{round_no}-{stream} {PADDING}"

        if via == "rest":

            def post(round_no: int, stream: int) -> None:
                target = world.streams[stream]
                request = urllib.request.Request(
                    f"{base}/{target.display_id}/messages",
                    method="POST",
                    data=json.dumps({"content": content(round_no, stream)}).encode(),
                    headers={
                        "Content-Type": "application/json",
                        "api-access-token": world.admin_token,
                    },
                )
                with urllib.request.urlopen(request, timeout=30) as response:
                    response.read()

            async def by_rest(round_no: int, stream: int) -> None:
                await asyncio.get_running_loop().run_in_executor(None, post, round_no, stream)

            return by_rest

        if via == "model":

            def create(round_no: int, stream: int) -> None:
                conversation = Conversation.objects.get(pk=world.streams[stream].conversation_id)
                message_create(
                    conversation=conversation,
                    content=content(round_no, stream),
                    message_type=Message.MessageType.OUTGOING,
                )

            creator = DatabaseSyncToAsync(create, thread_sensitive=False)

            async def by_model(round_no: int, stream: int) -> None:
                await creator(round_no, stream)

            return by_model

        async def by_broadcast(round_no: int, stream: int) -> None:
            target = world.streams[stream]
            await abroadcast(
                [
                    stream_names.inbox_agents(target.inbox_id),
                    stream_names.contact_session(target.contact_inbox_id),
                ],
                {
                    "event": "message.created",
                    "data": {
                        "id": round_no,
                        "content": content(round_no, stream),
                        "account_id": world.account_id,
                        "inbox_id": target.inbox_id,
                        "conversation_id": target.display_id,
                        "message_type": 1,
                    },
                },
            )

        return by_broadcast


def _total(read: Callable[[int], float | int | None], pids: list[int]) -> float | None:
    """The sum of ``read(pid)`` over the servers; None if any cannot be read."""
    values = [read(pid) for pid in pids]
    if not values or any(v is None for v in values):
        return None
    return sum(values)  # type: ignore[arg-type]


def _difference(after: float | None, before: float | None) -> float | None:
    return None if after is None or before is None else after - before
