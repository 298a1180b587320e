"""Issue 12: /healthz follows PostgreSQL itself: 200 while it answers, 503 with the reason when
the server stops, 200 again when it is back. The test runs a PostgreSQL of its own (the same
binaries .ci/run uses), so stopping it disturbs no other test. (Needs PostgreSQL: tests/pg.py.)"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from bot.emulator import BotAPIEmulator
from tests import pg
from tests.conftest import FakeClock, start_bot, stop_bot
from tests.e2e.test_replicas import _free_port


class Cluster:
    """A throwaway PostgreSQL in a directory of its own, run as a non-root user."""

    def __init__(self) -> None:
        found = shutil.which("initdb") or next(
            iter(sorted(map(str, Path("/usr/lib/postgresql").glob("*/bin/initdb")))), None
        )
        if found is None:
            pytest.fail("PostgreSQL's binaries are missing though a server is configured")
        self.bin = Path(found).parent
        self.home = Path(tempfile.mkdtemp(prefix="trustbot-pg-"))  # outside pytest's 0700 tree
        if os.geteuid() == 0:
            shutil.chown(self.home, "postgres")
        self.port = _free_port()
        self.url = f"postgresql://trustbot@127.0.0.1:{self.port}/postgres"
        self._run("initdb", "-D", str(self.home / "data"), "-A", "trust", "-U", "trustbot")

    def _run(self, tool: str, *args: str) -> None:
        cmd = [str(self.bin / tool), *args]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.home} -c listen_addresses=127.0.0.1"
        data, log = str(self.home / "data"), str(self.home / "log")
        self._run("pg_ctl", "-D", data, "-l", log, "-w", "-o", options, "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.home / "data"), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass  # already stopped
        shutil.rmtree(self.home, ignore_errors=True)


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    pg.need_server()
    own = Cluster()
    own.start()
    try:
        yield own
    finally:
        own.remove()


async def test_healthz_turns_503_when_postgresql_stops_and_200_when_it_is_back(
    emulator: BotAPIEmulator, clock: FakeClock, tmp_path: Path, cluster: Cluster
) -> None:
    port = _free_port()
    env = {"TRUSTBOT_DATABASE_URL": cluster.url, "TRUSTBOT_DATA_KEY": pg.TEST_KEY}
    bot = await start_bot(
        emulator, clock, tmp_path / "unused.sqlite3", TRUSTBOT_LISTEN=f"127.0.0.1:{port}", **env
    )
    health = f"http://127.0.0.1:{port}/healthz"
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(health) as r:
                assert r.status == 200
            await asyncio.to_thread(cluster.stop)
            async with http.get(health) as r:
                assert r.status == 503 and "database unavailable" in await r.text()
            sos = await bot.say(95, "/sos")  # crisis help never depends on the database
            assert "112" in sos[0].text or "988" in sos[0].text
            await asyncio.to_thread(cluster.start)
            status = 0
            for _ in range(50):  # the pool reconnects on its next use
                async with http.get(health) as r:
                    status = r.status
                if status == 200:
                    break
                await asyncio.sleep(0.1)
            assert status == 200
    finally:
        await stop_bot(bot)
