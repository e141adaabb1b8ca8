"""The shipped benchmark runs against a real server and reports what it measured."""

import subprocess
import sys

import pytest

from .live import ROOT, run_bench

pytestmark = [pytest.mark.server, pytest.mark.redis]


@pytest.mark.parametrize("via", ["rest", "model"])
def test_cable_bench_reports_every_delivery(world, live_server_factory, via):
    server = live_server_factory()
    result, report = run_bench(server, via=via, server_pid=server.process.pid)
    assert result.returncode == 0, result.stderr[-2000:]
    assert report["subscribed"] == 12 and report["failed"] == 0
    assert report["events"] == 6
    assert report["deliveries"] == report["deliveries_expected"] == 36
    assert report["lost"] == 0 and report["duplicates"] == 0
    assert report["latency_ms"]["p50"] > 0
    assert report["server_rss_kib"]["before"] > 0
    # CPU clock ticks are 10 ms: a run this small may round to zero, but it is measured.
    assert report["server_cpu"]["ms_per_subscribe"] is not None
    assert report["server_cpu"]["us_per_delivery"] is not None
    assert len(report["last_socket_ms_by_round"]) == 3
    assert "fan-out latency" in result.stdout  # the readable table precedes the JSON line


def test_cable_bench_refuses_remote_targets():
    result = subprocess.run(
        [sys.executable, "manage.py", "cable_bench", "--url", "ws://10.1.2.3:8000/cable"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "not a loopback address" in result.stderr
