"""The update-path benchmark's processes: the Bot API emulator it serves on its own loop (with
a clock for the load generator's share of the CPU), and each bot in a process of its own, read
from /proc (part of ``python -m bench.updates``; see bench/updates.py).
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.emulator import BotAPIEmulator

REPO = Path(__file__).resolve().parent.parent
OUT_DIR = REPO / "bench" / "out"
TOKEN = "123456:bench-token-not-a-real-one"
CLK_TCK = os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------------------------
# The emulator, with a reply clock
# --------------------------------------------------------------------------------------------


class GeneratorClock:
    """CPU the load generator spends in this process (so the emulator's share can be told)."""

    def __init__(self) -> None:
        self.cpu = 0.0


class BenchEmulator(BotAPIEmulator):
    """The emulator, stamping the moment each bot message (or edit) lands in a chat.

    Hooks `_append_transcript`, the single place every sendMessage/edit result is recorded,
    so the stamp is taken when the emulator handles the request, not when a waiter wakes.
    """

    def __init__(self, clock: GeneratorClock, **kwargs: Any) -> None:
        self.jitter = 0.0
        self._jitter_rng = random.Random(5)
        super().__init__(**kwargs)
        self.gen = clock
        self.error_texts: dict[str, int] = {}  # "method: description" -> count
        for key, (name, handler) in list(self._methods.items()):
            if handler is not None:
                self._methods[key] = (name, self._noting_errors(name, handler))
        self.arrivals: dict[int, list[float]] = {}
        self._waiters: dict[int, tuple[int, asyncio.Future[None]]] = {}

    def _noting_errors(self, name: str, handler: Any) -> Any:
        def call(params: Any, files: Any) -> Any:
            try:
                return handler(params, files)
            except Exception as exc:
                text = f"{name}: {getattr(exc, 'description', repr(exc))}"[:120]
                self.error_texts[text] = self.error_texts.get(text, 0) + 1
                raise

        return call

    # The emulator reads `latency` once per request; with jitter each request gets its own
    # delay (base +- jitter), so that answers can overtake each other as on a real network.
    @property
    def latency(self) -> float:
        if self.jitter:
            spread = self._jitter_rng.uniform(-self.jitter, self.jitter)
            return max(0.0, self._base_latency + spread)
        return self._base_latency

    @latency.setter
    def latency(self, value: float) -> None:
        self._base_latency = value

    def _append_transcript(self, chat: Any, snapshot: Any) -> None:
        super()._append_transcript(chat, snapshot)
        now = time.perf_counter()
        c0 = time.thread_time()
        stamps = self.arrivals.get(chat.id)
        if stamps is None:
            stamps = self.arrivals[chat.id] = []
        stamps.append(now)
        waiter = self._waiters.get(chat.id)
        if waiter is not None and len(stamps) >= waiter[0] and not waiter[1].done():
            waiter[1].set_result(None)
        self.gen.cpu += time.thread_time() - c0

    async def until(self, chat_id: int, count: int, timeout: float) -> bool:
        """Wait until the chat holds `count` bot messages; False on timeout."""
        if len(self.arrivals.get(chat_id, ())) >= count:
            return True
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters[chat_id] = (count, future)
        try:
            await asyncio.wait_for(future, timeout)
            return True
        except TimeoutError:
            return False
        finally:
            self._waiters.pop(chat_id, None)


# --------------------------------------------------------------------------------------------
# Bot processes
# --------------------------------------------------------------------------------------------


@dataclass
class BotConfig:
    name: str  # echo-default, echo-c16, trustbot
    kind: str  # "echo" or "trustbot"
    concurrency: int  # echo: 0 = default sequential; trustbot: TRUSTBOT_CONCURRENCY (0: unset)


class BotProcess:
    count = 0  # runs so far, for the log file names

    def __init__(
        self,
        config: BotConfig,
        base_url: str,
        db_path: Path | None,
        key: str,
        root: Path = REPO,
        profile: Path | None = None,
    ) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "TRUSTBOT_"))}
        env["TELEGRAM_BOT_TOKEN"] = TOKEN
        env["TELEGRAM_API_BASE_URL"] = base_url
        if config.kind == "echo":
            argv = [sys.executable, "-m", "bench._updates_echo"]
            env["ECHO_CONCURRENT_UPDATES"] = str(config.concurrency)
        else:
            assert db_path is not None
            # A tree from before the wiring moved (a baseline) has the command line at bot.cli.
            cli = "bot.cli" if (root / "bot" / "cli.py").exists() else "bot.wiring.cli"
            argv = [sys.executable, "-m", cli, "run"]
            if profile is not None:  # development aid: where does trustbot's time go?
                argv[1:1] = ["-m", "cProfile", "-o", str(profile)]
            env["TRUSTBOT_DB_PATH"] = str(db_path)
            env["TRUSTBOT_DATA_KEY"] = key
            # No overall reply cap: Telegram allows about 30 replies a second, and the bot
            # paces itself to that (bot/transport/replies.py); the emulator has no limit, and
            # this bench measures what the bot itself can handle. Per-chat pacing stays on.
            env["TRUSTBOT_REPLY_RATE"] = "0"
            env["TRUSTBOT_LISTEN"] = "127.0.0.1:0"  # several bots may run at once
            if config.concurrency:  # else the product's default
                env["TRUSTBOT_CONCURRENCY"] = str(config.concurrency)
        self.config = config
        BotProcess.count += 1
        self.log_path = OUT_DIR / f"updates-{config.name}-{BotProcess.count:02d}.log"
        self._log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            argv, cwd=root, env=env, stdout=self._log, stderr=subprocess.STDOUT
        )

    def cpu_seconds(self) -> float:
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime

    def thread_cpu_seconds(self) -> tuple[float, float]:
        """(main thread, all other threads): the others are aiosqlite's and PTB's helpers."""
        main = other = 0.0
        for task in Path(f"/proc/{self.proc.pid}/task").iterdir():
            try:
                fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # a thread that just ended
            seconds = (int(fields[11]) + int(fields[12])) / CLK_TCK
            if int(task.name) == self.proc.pid:
                main += seconds
            else:
                other += seconds
        return main, other

    def rss_mb(self, field: str = "VmHWM") -> float:
        """Peak (VmHWM) or current (VmRSS) resident memory of the bot process."""
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def log_errors(self) -> list[str]:
        """ERROR lines the bot logged (handler errors would skew the figures)."""
        self._log.flush()
        text = self.log_path.read_text(errors="replace")
        return [line for line in text.splitlines() if " ERROR " in line]

    def log_tail(self, lines: int = 20) -> str:
        self._log.flush()
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    async def wait_ready(self, emu: BenchEmulator, timeout: float = 90.0) -> float:
        """Seconds until the bot parks its first getUpdates long poll."""
        started = time.perf_counter()
        while time.perf_counter() - started < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"{self.config.name} exited with {self.proc.returncode}:\n{self.log_tail()}"
                )
            try:
                await emu.wait_for_poll(timeout=0.5)
                return time.perf_counter() - started
            except TimeoutError:
                continue
        raise RuntimeError(f"{self.config.name} not polling after {timeout}s:\n{self.log_tail()}")

    async def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            for _ in range(150):
                if self.proc.poll() is not None:
                    break
                await asyncio.sleep(0.1)
            else:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


def remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def snapshot(dest: Path) -> Path:
    """Copy the code the bots run, so edits to the working tree during a run can't mix
    versions inside one benchmark (this repository is shared while it is measured)."""
    for name in ("bot", "handlers", "content", "scheduler", "bench"):
        shutil.copytree(
            REPO / name, dest / name, ignore=shutil.ignore_patterns("__pycache__", "out")
        )
    return dest
