"""Figures from a benchmark run: a readable table and one JSON line."""

import json
import os
import platform
from typing import Any

from realtime.loadgen.swarm import Observations


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def rss_kib(pid: int | None) -> int | None:
    if pid is None:
        return None
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def cpu_seconds(pid: int | None) -> float | None:
    """User plus system CPU time the process has used so far, from ``/proc``."""
    if pid is None:
        return None
    try:
        with open(f"/proc/{pid}/stat") as stat:
            # The command name (field 2) may hold spaces; fields after its ")" are fixed.
            fields = stat.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine() -> dict[str, Any]:
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0, 0, 0)
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "load_1m": round(load[0], 2),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def summarize(
    seen: Observations,
    *,
    expected_per_event: dict[int, int],
    rounds: int,
    sockets: int,
    memory_before: int | None,
    memory_after: int | None,
    server_cpu: dict[str, float | None],
    generator_busy: float | None,
    presence_wait: float | None = None,
    config: dict[str, Any],
) -> dict[str, Any]:
    """``server_cpu``: the servers' CPU seconds spent subscribing and driving events."""
    latencies: list[float] = []
    last_socket: list[float] = []
    slowest: list[tuple[float, int, float]] = []  # (ms to last socket, round, seconds in)
    first_sent = min(seen.sent_at.values(), default=0.0)
    expected = 0
    for (round_no, stream), t0 in seen.sent_at.items():
        expected += expected_per_event[stream]
        times = seen.deliveries.get((round_no, stream), [])
        latencies.extend((t - t0) * 1000 for t in times)
        if times:
            last_socket.append((max(times) - t0) * 1000)
            slowest.append((last_socket[-1], round_no, t0 - first_sent))
    delivered = len(latencies)
    subscribe_seconds = max(seen.subscribe_finished - seen.subscribe_started, 1e-9)
    per_socket = None
    if memory_before is not None and memory_after is not None and seen.subscribed:
        per_socket = round((memory_after - memory_before) / seen.subscribed, 1)
    return {
        "config": config,
        "sockets": sockets,
        "subscribed": seen.subscribed,
        "rejected": seen.rejected,
        "failed": seen.failed,
        "subscribes_per_s": round(seen.subscribed / subscribe_seconds, 1),
        "events": len(seen.sent_at),
        "deliveries_expected": expected,
        "deliveries": delivered,
        "lost": expected - delivered,
        "duplicates": seen.duplicates,
        "broadcast_frames": seen.broadcast_frames,
        "latency_ms": {
            "p50": _rounded(percentile(latencies, 50)),
            "p95": _rounded(percentile(latencies, 95)),
            "p99": _rounded(percentile(latencies, 99)),
            "max": round(max(latencies), 1) if latencies else None,
        },
        "last_socket_ms": {
            "p50": _rounded(percentile(last_socket, 50)),
            "p99": _rounded(percentile(last_socket, 99)),
            "max": round(max(last_socket), 1) if last_socket else None,
        },
        # The slowest socket of each round, in order: periodic stalls show as a pattern.
        "last_socket_ms_by_round": _by_round(slowest, rounds),
        "slowest_events": [
            {"round": r, "at_s": round(at, 2), "last_socket_ms": round(ms, 1)}
            for ms, r, at in sorted(slowest, reverse=True)[:3]
        ],
        "server_rss_kib": {
            "before": memory_before,
            "after": memory_after,
            "per_socket": per_socket,
        },
        "server_cpu": {
            "ms_per_subscribe": _per(server_cpu.get("subscribing"), seen.subscribed, 1000),
            "us_per_delivery": _per(server_cpu.get("events"), delivered, 1_000_000),
        },
        # Seconds waited after subscribing for the presence push that follows (not measured).
        "presence_wait_s": None if presence_wait is None else round(presence_wait, 1),
        # CPU time of the generator over wall time while events were driven (1.0: one core).
        "generator_busy": None if generator_busy is None else round(generator_busy, 2),
        "machine": machine(),
    }


def _by_round(slowest: list[tuple[float, int, float]], rounds: int) -> list[float | None]:
    worst: dict[int, float] = {}
    for ms, round_no, _ in slowest:
        worst[round_no] = max(ms, worst.get(round_no, 0.0))
    return [round(worst[r]) if r in worst else None for r in range(rounds)]


def _percent(share: float | None) -> str:
    return "-" if share is None else f"{round(100 * share)} %"


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _per(seconds: float | None, count: int, unit: int) -> float | None:
    return round(seconds * unit / count, 1) if seconds is not None and count else None


def table(result: dict[str, Any]) -> str:
    lat, last, mem = result["latency_ms"], result["last_socket_ms"], result["server_rss_kib"]
    rows = [
        (
            "sockets subscribed",
            f"{result['subscribed']} / {result['sockets']}"
            f" (rejected {result['rejected']}, failed {result['failed']})",
        ),
        ("subscribes per second", f"{result['subscribes_per_s']}"),
        ("events", f"{result['events']}"),
        (
            "deliveries",
            f"{result['deliveries']} / {result['deliveries_expected']}"
            f" (lost {result['lost']}, duplicates {result['duplicates']})",
        ),
        (
            "fan-out latency p50 / p95 / p99 / max",
            f"{lat['p50']} / {lat['p95']} / {lat['p99']} / {lat['max']} ms",
        ),
        (
            "time to last socket p50 / p99 / max",
            f"{last['p50']} / {last['p99']} / {last['max']} ms",
        ),
        (
            "server memory per socket",
            f"{mem['per_socket']} KiB" if mem["per_socket"] is not None else "unknown (no pid)",
        ),
        (
            "server CPU per subscribe / delivery",
            f"{result['server_cpu']['ms_per_subscribe']} ms"
            f" / {result['server_cpu']['us_per_delivery']} µs",
        ),
        ("load generator busy (events)", _percent(result["generator_busy"])),
        (
            "machine",
            f"{result['machine']['cores']} cores, {result['machine']['cpu']}, "
            f"load {result['machine']['load_1m']}",
        ),
    ]
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"  {name:<{width}}  {value}" for name, value in rows)


def json_line(result: dict[str, Any]) -> str:
    return json.dumps(result, separators=(",", ":"))
