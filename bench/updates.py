"""Update-path benchmark (issue 6): trustbot against a bare python-telegram-bot echo bot.

The question: when a thousand people answer the same 8:00 check-in, does trustbot move updates
as fast as python-telegram-bot itself can, on this machine, with the Bot API answering at once
and with the ~50 ms a real server sees?

This process runs the Bot API emulator (``bot.emulator.BotAPIEmulator``) *and* the load
generator on one asyncio loop; every bot runs in its own process, configured only through the
environment, so the bot's CPU and memory are its own and the emulator can't steal its loop:

  echo-default   ``bench/_updates_echo.py``, PTB's default (sequential) processing
  echo-cN        the same echo bot with ``concurrent_updates(N)``; N is swept and the best kept
  trustbot       ``python -m bot.wiring.cli run`` on a fresh copy of a database pre-filled with
                 100,000 users and their schedules

The load: 1,000 distinct users, each a closed loop (it sends its next update the moment the
answer to the previous one is complete; all start together, so the first wave is 1,000
updates at once). A quarter of them are new and onboard (/start, age, a consent, Done,
country); a quarter are existing users who check in (/checkin, a mood button, a free-text
note of 30-400 characters that is triaged and, with their journal consent, stored encrypted);
a quarter read (/lesson, Next, Next); a quarter meditate (/meditate, a practice, Next, Next).
The echo bots get exactly the same updates (button presses carry the same callback data).

Measured per run: updates per second from the first injection to the last reply; latency from
injecting an update to the *last* message it produces (p50/p95/p99); the bot's CPU seconds
per update (/proc/<pid>/stat, all threads) and peak resident memory (VmHWM); this process's
CPU, split into the generator's bookkeeping (timed around every injection and reply hook) and
the emulator (the rest). With closed-loop users the latency is mostly queueing: about
users / throughput (Little's law), so compare latencies only between rows with equal users.

Sizing: every configuration first gets a probe (the first 100 users, no update started after
4 s); its throughput sets how many users (at most 1,000, a multiple of 4 so every flow keeps
its share) fit in about 18 s, so a bot that manages 11 updates/s is measured on fewer users
instead of blowing the time budget. The echo bot's concurrency is swept at the added latency
(8/16/32/64, one run each); the best gets two more runs and is also used at latency 0. The
runs of each latency are interleaved (echo default, best echo, trustbot, repeat) so that noise
from other work on the machine spreads over all of them; each figure is the median of the
runs. The bots run from a snapshot of the code taken at start (the tree is shared).

Per-user ordering: after the measured load, trustbot's runs (all at 50 ms, the first at 0 ms)
take up to 200 new users to the time-zone question; each then sends five texts back to back
(UTC+1 ... UTC+5). Every answer names the zone, so the answers must come back in that order.
During this check each Bot API answer takes the base latency +-80% (10-90 ms), so replies
*can* overtake each other; the best echo bot (``concurrent_updates``, no per-user order) gets
the same check once, as a control that the check can fail.

Run from the repository root:  ``python -m bench.updates`` (6-8 minutes on 2 cores);
``--quick`` for a smoke run. Figures and commands are recorded in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import resource
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.emulator import BotAPIEmulator

REPO = Path(__file__).resolve().parent.parent
OUT_DIR = REPO / "bench" / "out"
TOKEN = "123456:bench-token-not-a-real-one"
CLK_TCK = os.sysconf("SC_CLK_TCK")

DB_USERS = 100_000
DB_FIRST_ID = 5_000_001  # pre-filled users; the first ones double as the load's existing users
NEW_FIRST_ID = 100_001  # users who onboard during the load (not in the database)
ORDER_FIRST_ID = 300_001  # users of the ordering check (not in the database)
STEP_TIMEOUT = 60.0  # seconds an update may take before it counts as unanswered

# Callback data exactly as trustbot encodes it (bot/callbacks.py): the echo bots get the same.
AGE_OK = "v1:age:ok"
CONSENT_JOURNAL = "v1:consent:journal"
CONSENT_PROGRESS = "v1:consent:progress"
CONSENT_DONE = "v1:consent:done"
COUNTRY_DE = "v1:country:DE"


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
# The load
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One update a user sends. `expect` is how many messages (new or edited) trustbot
    answers it with; the echo bots always answer with exactly one."""

    kind: str  # "text" or "press"
    payload: str  # the text, or the callback data
    expect: int


@dataclass(frozen=True)
class User:
    uid: int
    flow: str
    steps: tuple[Step, ...]


_NOTE_PARTS = (
    "Work was busy today but I finished the report before lunch.",
    "Had coffee with my sister and we talked about her new flat.",
    "Went for a walk in the park after dinner, the weather was lovely.",
    "A colleague offered to help with the project and this time I said yes.",
    "Slept a bit better last night than the night before.",
    "Cooked pasta and watched an episode of a show with my flatmate.",
    "I was a little nervous before the team meeting but it went fine.",
    "My friend moved our plans to Sunday and I tried not to read too much into it.",
    "Spent the afternoon tidying the kitchen and listening to a podcast.",
    "Called my mum, we mostly talked about her garden and the tomatoes.",
    "The breathing exercise before bed seems to help a bit.",
    "Overall an ordinary day, nothing special to report.",
    "Got some kind feedback from my manager, which was a nice surprise.",
    "Still thinking about what my neighbour said, but I'm giving them the benefit of the doubt.",
    "Read a few chapters of my book on the train home.",
    "The kids were noisy this morning but we made it to school on time.",
    "Bought groceries and finally fixed the squeaky cupboard door.",
    "I told my partner how I felt about the weekend plans and they listened.",
    "Lunch with an old friend from school, we laughed a lot.",
    "Rainy and grey, so I stayed in and sorted out some paperwork.",
    "I noticed the urge to double-check a message and let it pass.",
    "Played football with the neighbours' kids for half an hour.",
    "My brother asked for advice about his job, it felt good to be trusted.",
    "Trying to keep to the routine of going to bed before eleven.",
)


def make_note(rng: random.Random) -> str:
    """An ordinary check-in note of 30-400 characters (lengths skewed short, like real ones)."""
    target = min(400, max(30, int(rng.lognormvariate(4.9, 0.6))))
    parts: list[str] = []
    length = 0
    while length < target:
        part = rng.choice(_NOTE_PARTS)
        parts.append(part)
        length += len(part) + 1
    text = " ".join(parts)
    if len(text) > 400:
        text = text[:400].rsplit(" ", 1)[0]
    return text


def build_users(
    n_users: int, rng: random.Random, meditations: Sequence[str], lessons: Sequence[str]
) -> list[User]:
    """n_users closed-loop users, a quarter per flow (onboard, check-in, lesson, meditate)."""
    l1, l2 = lessons[0], lessons[1]
    users: list[User] = []
    steps: tuple[Step, ...]
    for i in range(n_users):
        flow = ("onboard", "checkin", "lesson", "meditate")[i % 4]
        if flow == "onboard":
            uid = NEW_FIRST_ID + i
            steps = (
                Step("text", "/start", 2),  # welcome, age question
                Step("press", AGE_OK, 1),  # consent choices
                Step("press", CONSENT_JOURNAL, 1),  # the keyboard re-drawn (an edit)
                Step("press", CONSENT_DONE, 1),  # country question
                Step("press", COUNTRY_DE, 2),  # country set, all set
            )
        else:
            uid = DB_FIRST_ID + i
            if flow == "checkin":
                mood = rng.randint(1, 5)
                steps = (
                    Step("text", "/checkin", 1),  # mood keyboard
                    Step("press", f"v1:mood:{mood}:c", 3),  # edited question, thanks, note?
                    Step("text", make_note(rng), 1),  # note saved
                )
            elif flow == "lesson":
                steps = (
                    Step("text", "/lesson", 1),  # the next lesson of the path
                    Step("press", f"v1:lesson:next:{l1}", 1),
                    Step("press", f"v1:lesson:next:{l2}", 1),
                )
            else:
                med = rng.choice(meditations)
                steps = (
                    Step("text", "/meditate", 1),  # the practices
                    Step("press", f"v1:med:start:{med}", 1),  # step 1
                    Step("press", f"v1:med:next:{med}:1", 1),  # step 2 (edited in place)
                    Step("press", f"v1:med:next:{med}:2", 1),  # step 3 (edited in place)
                )
        users.append(User(uid, flow, steps))
    return users


def order_users(n: int) -> list[User]:
    """New users walked to the time-zone question (progress consent only)."""
    prelude = (
        Step("text", "/start", 2),
        Step("press", AGE_OK, 1),
        Step("press", CONSENT_PROGRESS, 1),
        Step("press", CONSENT_DONE, 1),  # "Which time zone are you in?"
    )
    return [User(ORDER_FIRST_ID + i, "order", prelude) for i in range(n)]


BURST = tuple(f"UTC+{k}" for k in range(1, 6))


# --------------------------------------------------------------------------------------------
# The database: 100,000 users through the schema Storage creates
# --------------------------------------------------------------------------------------------

_PLACES = (
    ("DE", "Europe/Berlin"),
    ("US", "America/New_York"),
    ("US", "America/Los_Angeles"),
    ("GB", "Europe/London"),
    ("FR", "Europe/Paris"),
    ("ES", "Europe/Madrid"),
    ("IN", "Asia/Kolkata"),
    ("BR", "America/Sao_Paulo"),
    ("AU", "Australia/Sydney"),
    ("CA", "America/Toronto"),
)


async def build_template_db(path: Path, key_text: str, n_existing_load: int) -> float:
    """Create the schema with `bot.storage.Storage`, then bulk-insert users and schedules.

    Every schedule is due 12-36 hours from now, so no prompt falls due during the benchmark
    (the delivery tick still runs its indexed query every 20 s, as in production).
    Returns the seconds it took.
    """
    from bot.crypto import Sealer, load_or_create_key
    from bot.storage import Storage

    started = time.perf_counter()

    store = await Storage.open(path, Sealer(load_or_create_key(key_text, path)))
    await store.close()
    rng = random.Random(6)
    now = int(time.time())
    users: list[tuple[Any, ...]] = []
    schedules: list[tuple[Any, ...]] = []
    for i in range(DB_USERS):
        uid = DB_FIRST_ID + i
        country, tz = _PLACES[i % len(_PLACES)]
        if i < n_existing_load:
            # The load's existing users: every consent, so moods and notes are stored.
            reminders = progress = journal = True
        else:
            reminders = rng.random() < 0.6
            progress = rng.random() < 0.5
            journal = rng.random() < 0.3
        weekly_day = rng.randint(0, 6) if reminders and progress and rng.random() < 0.3 else None
        users.append(
            (
                uid,
                uid,
                now - rng.randint(86400, 400 * 86400),
                "done",
                int(reminders),
                int(progress),
                int(journal),
                country,
                tz,
                int(rng.random() < 0.05),
                int(rng.random() < 0.02),
                1,
                weekly_day,
                None,
                now + rng.randint(43200, 7 * 86400) if weekly_day is not None else None,
            )
        )
        if reminders:
            hour = rng.choice((7, 8, 8, 8, 9, 12, 18, 20, 21))
            schedules.append(
                (uid, "checkin", f"{hour:02d}:00", 127, now + rng.randint(43200, 129600))
            )
            if rng.random() < 0.2:
                schedules.append(
                    (uid, "meditation", "21:30", 127, now + rng.randint(43200, 129600))
                )
    conn = sqlite3.connect(path)
    try:
        with conn:
            conn.executemany(
                "INSERT INTO users (user_id, chat_id, created_at, onboarding, consent_reminders, "
                "consent_progress, consent_journal, country, tz, paused, blocked, age_ok, "
                "weekly_day, followup_at, weekly_due_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                users,
            )
            conn.executemany(
                "INSERT INTO schedules (user_id, kind, local_time, days, next_due_at) "
                "VALUES (?, ?, ?, ?, ?)",
                schedules,
            )
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return time.perf_counter() - started


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


# --------------------------------------------------------------------------------------------
# One run
# --------------------------------------------------------------------------------------------


@dataclass
class RunResult:
    config: str
    latency_ms: int
    users: int
    updates: int
    answered: int
    capped: bool  # a probe: no step started after the time cap
    wall_s: float
    updates_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    bot_cpu_s: float
    bot_cpu_ms_per_update: float
    bot_cpu_util: float  # fraction of one core during the load
    bot_main_thread_cpu_s: float  # the event loop
    bot_other_threads_cpu_s: float  # aiosqlite's connection threads and the like
    bot_peak_rss_mb: float
    bot_ready_rss_mb: float  # resident memory once polling, before the load
    emu_process_cpu_s: float  # this process: emulator + generator
    generator_cpu_s: float
    emulator_cpu_util: float  # (process - generator) / wall, fraction of one core
    requests: int
    requests_by_method: dict[str, int]
    api_errors: int
    api_errors_by_method: dict[str, int]
    api_error_texts: dict[str, int]
    problems: list[str] = field(default_factory=list)
    startup_s: float = 0.0
    order: dict[str, Any] | None = None


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def keyboard_message(emu: BenchEmulator, uid: int, data: str, is_echo: bool) -> int | None:
    """The message a user presses `data` on: the newest one carrying that button (trustbot),
    or the echo bot's newest message (it draws no keyboards)."""
    messages = emu.messages_to(uid)
    if is_echo:
        return messages[-1].message_id if messages else 1
    for message in reversed(messages):
        for row in (message.reply_markup or {}).get("inline_keyboard", ()):
            for key in row:
                if key.get("callback_data") == data:
                    return message.message_id
    return None


async def drive(
    emu: BenchEmulator,
    user: User,
    is_echo: bool,
    latencies: list[float],
    problems: list[str],
    deadline: float | None = None,
) -> tuple[int, int]:
    """Play one user's steps, each as soon as the previous answer is complete.

    Returns (updates sent, updates answered); with a deadline, no step starts after it."""
    gen = emu.gen
    expected = len(emu.arrivals.get(user.uid, ()))
    sent = answered = 0
    for step in user.steps:
        if deadline is not None and time.perf_counter() > deadline:
            break
        c0 = time.thread_time()
        expected += 1 if is_echo else step.expect
        if step.kind == "text":
            emu.send_message(user.uid, step.payload)
        else:
            message_id = keyboard_message(emu, user.uid, step.payload, is_echo)
            if message_id is None:
                problems.append(f"user {user.uid}: no button {step.payload!r}")
                message_id = 1
            emu.press_button(user.uid, message_id, step.payload)
        injected = time.perf_counter()
        sent += 1
        gen.cpu += time.thread_time() - c0
        ok = await emu.until(user.uid, expected, STEP_TIMEOUT)
        c0 = time.thread_time()
        if ok:
            latencies.append(emu.arrivals[user.uid][expected - 1] - injected)
            answered += 1
        else:
            got = len(emu.arrivals.get(user.uid, ()))
            problems.append(f"user {user.uid} ({user.flow}): {got}/{expected} answers")
            gen.cpu += time.thread_time() - c0
            break  # the rest of this user's flow would only wait for the same failure
        gen.cpu += time.thread_time() - c0
    return sent, answered


async def ordering_check(emu: BenchEmulator, n_users: int, is_echo: bool) -> dict[str, Any]:
    """Users at the time-zone question each send UTC+1 ... UTC+5 at once; the answers name
    the zones (trustbot) or repeat the texts (echo) and must come back in that order."""
    users = order_users(n_users)
    problems: list[str] = []
    await asyncio.gather(*(drive(emu, u, is_echo, [], problems) for u in users))
    before = {u.uid: len(emu.arrivals.get(u.uid, ())) for u in users}
    # Each Bot API answer now takes base +- 80% (10-90 ms at 50 ms): with a fixed delay,
    # concurrent handlers finish in the order they started and reordering could never show.
    emu.jitter = emu.latency * 0.8
    started = time.perf_counter()
    for user in users:  # each user's five back to back: they land in one getUpdates batch
        for text in BURST:
            emu.send_message(user.uid, text)
    done = await asyncio.gather(
        *(emu.until(u.uid, before[u.uid] + len(BURST), STEP_TIMEOUT) for u in users)
    )
    took = time.perf_counter() - started
    emu.jitter = 0.0
    zone = re.compile(r"\(Etc/GMT-(\d)\)")
    in_order = out_of_order = incomplete = 0
    example = ""
    for user, ok in zip(users, done, strict=True):
        replies = emu.messages_to(user.uid)[before[user.uid] :]
        if is_echo:
            seen = [m.text for m in replies]
            want = list(BURST)
        else:
            seen = [(f"UTC+{m[1]}" if (m := zone.search(r.text)) else r.text[:30]) for r in replies]
            want = list(BURST)
        if not ok or len(seen) < len(want):
            incomplete += 1
        elif seen[: len(want)] == want:
            in_order += 1
        else:
            out_of_order += 1
            example = example or f"user {user.uid}: {seen}"
    return {
        "users": n_users,
        "burst": len(BURST),
        "in_order": in_order,
        "out_of_order": out_of_order,
        "incomplete": incomplete,
        "example": example,
        "burst_s": round(took, 2),
        "prelude_problems": len(problems),
    }


def remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


async def run_once(
    config: BotConfig,
    latency: float,
    users: list[User],
    db_template: Path | None,
    workdir: Path,
    key: str,
    order_n: int,
    root: Path = REPO,
    profile: Path | None = None,
    time_cap: float | None = None,
) -> RunResult:
    gen = GeneratorClock()
    emu = BenchEmulator(gen, token=TOKEN)
    await emu.start()
    db_path: Path | None = None
    if config.kind == "trustbot":
        assert db_template is not None
        db_path = workdir / f"trustbot-{time.monotonic_ns()}.sqlite3"
        shutil.copyfile(db_template, db_path)
    # Latency on from the start: the bot's start-up calls see it too, as they would.
    emu.latency = latency
    bot = BotProcess(config, emu.base_url, db_path, key, root, profile)
    result: RunResult | None = None
    try:
        startup = await bot.wait_ready(emu)
        await asyncio.sleep(0.5)  # let start-up work (first scheduler tick) settle
        ready_rss = bot.rss_mb("VmRSS")
        is_echo = config.kind == "echo"
        latencies: list[float] = []
        problems: list[str] = []
        stats0 = emu.stats()
        bot_cpu0 = bot.cpu_seconds()
        threads0 = bot.thread_cpu_seconds()
        ru0 = resource.getrusage(resource.RUSAGE_SELF)
        gen_cpu0 = gen.cpu
        t0 = time.perf_counter()
        deadline = t0 + time_cap if time_cap is not None else None
        counts = await asyncio.gather(
            *(drive(emu, u, is_echo, latencies, problems, deadline) for u in users)
        )
        t_last = max(
            (emu.arrivals[u.uid][-1] for u in users if emu.arrivals.get(u.uid)), default=t0
        )
        t_end = time.perf_counter()
        bot_cpu = bot.cpu_seconds() - bot_cpu0
        threads1 = bot.thread_cpu_seconds()
        ru1 = resource.getrusage(resource.RUSAGE_SELF)
        gen_cpu = gen.cpu - gen_cpu0
        stats1 = emu.stats()
        proc_cpu = (ru1.ru_utime + ru1.ru_stime) - (ru0.ru_utime + ru0.ru_stime)
        n_updates = sum(c[0] for c in counts)
        capped = n_updates < sum(len(u.steps) for u in users)
        wall = max(t_last - t0, 1e-9)
        # Every user's transcript must hold exactly what the script expects: more would mean
        # an unexpected answer (a triage response, an error message) that skews the timing.
        for user in users if not capped else ():
            want = len(user.steps) if is_echo else sum(s.expect for s in user.steps)
            got = len(emu.arrivals.get(user.uid, ()))
            if got != want:
                problems.append(f"user {user.uid} ({user.flow}): {got} messages, expected {want}")
        by_method = {
            k: v - stats0["requests_by_method"].get(k, 0)
            for k, v in stats1["requests_by_method"].items()
            if v - stats0["requests_by_method"].get(k, 0)
        }
        order = await ordering_check(emu, order_n, is_echo) if order_n else None
        errors = bot.log_errors()
        if errors:
            problems.insert(0, f"{len(errors)} ERROR line(s) in the bot's log: {errors[0][:160]}")
        rss = bot.rss_mb()
        result = RunResult(
            config=config.name,
            latency_ms=round(latency * 1000),
            users=len(users),
            updates=n_updates,
            answered=sum(c[1] for c in counts),
            capped=capped,
            wall_s=round(wall, 3),
            updates_per_s=round(sum(c[1] for c in counts) / wall, 1),
            p50_ms=round(percentile(latencies, 0.50) * 1000, 1),
            p95_ms=round(percentile(latencies, 0.95) * 1000, 1),
            p99_ms=round(percentile(latencies, 0.99) * 1000, 1),
            max_ms=round(max(latencies, default=float("nan")) * 1000, 1),
            bot_cpu_s=round(bot_cpu, 3),
            bot_cpu_ms_per_update=round(bot_cpu / n_updates * 1000, 3),
            bot_cpu_util=round(bot_cpu / (t_end - t0), 3),
            bot_main_thread_cpu_s=round(threads1[0] - threads0[0], 3),
            bot_other_threads_cpu_s=round(threads1[1] - threads0[1], 3),
            bot_peak_rss_mb=round(rss, 1),
            bot_ready_rss_mb=round(ready_rss, 1),
            emu_process_cpu_s=round(proc_cpu, 3),
            generator_cpu_s=round(gen_cpu, 3),
            emulator_cpu_util=round((proc_cpu - gen_cpu) / (t_end - t0), 3),
            requests=stats1["requests"] - stats0["requests"],
            requests_by_method=by_method,
            api_errors=stats1["errors"] - stats0["errors"],
            api_error_texts=dict(emu.error_texts),
            api_errors_by_method={
                k: v - stats0["errors_by_method"].get(k, 0)
                for k, v in stats1["errors_by_method"].items()
                if v - stats0["errors_by_method"].get(k, 0)
            },
            problems=problems[:20]
            + ([f"... {len(problems) - 20} more"] if len(problems) > 20 else []),
            startup_s=round(startup, 2),
            order=order,
        )
    except BaseException:
        result = None
        raise
    finally:
        await bot.stop()
        await emu.stop()
        if result is not None and not result.problems:
            bot.log_path.unlink(missing_ok=True)  # keep the logs of runs that need a look
        if db_path is not None:
            remove_db(db_path)
    return result


# --------------------------------------------------------------------------------------------
# Orchestration and report
# --------------------------------------------------------------------------------------------


def median_result(runs: list[RunResult]) -> dict[str, Any]:
    """Median of each figure over the runs (peak memory: the maximum)."""

    def med(name: str) -> float:
        return float(statistics.median(getattr(r, name) for r in runs))

    return {
        "config": runs[0].config,
        "latency_ms": runs[0].latency_ms,
        "runs": len(runs),
        "users": runs[0].users,
        "updates": runs[0].updates,
        "updates_per_s": med("updates_per_s"),
        "updates_per_s_all": [r.updates_per_s for r in runs],
        "p50_ms": med("p50_ms"),
        "p95_ms": med("p95_ms"),
        "p99_ms": med("p99_ms"),
        "bot_cpu_ms_per_update": med("bot_cpu_ms_per_update"),
        "bot_cpu_util": med("bot_cpu_util"),
        "bot_peak_rss_mb": max(r.bot_peak_rss_mb for r in runs),
        "emulator_cpu_util": med("emulator_cpu_util"),
        "generator_cpu_s": med("generator_cpu_s"),
        "generator_cpu_util": round(
            statistics.median(r.generator_cpu_s / r.wall_s for r in runs), 3
        ),
        "emu_process_cpu_s": med("emu_process_cpu_s"),
        "requests_per_update": round(statistics.median(r.requests / r.updates for r in runs), 2),
        "problems": sum(len(r.problems) for r in runs),
    }


def say(text: str) -> None:
    print(text, flush=True)


def table(rows: list[dict[str, Any]]) -> str:
    head = (
        "| latency | bot | users | updates | updates/s (median; runs) | p50 ms | p95 ms | p99 ms "
        "| bot CPU ms/update | bot CPU (cores) | bot peak RSS MB | emulator CPU (cores) "
        "| generator CPU (cores) | API requests/update |"
    )
    lines = [head, "|" + "---|" * 14]
    for r in rows:
        runs = ", ".join(f"{x:.0f}" for x in r["updates_per_s_all"])
        lines.append(
            f"| {r['latency_ms']} ms | {r['config']} | {r['users']} | {r['updates']} "
            f"| **{r['updates_per_s']:.0f}** ({runs}) | {r['p50_ms']:.0f} | {r['p95_ms']:.0f} "
            f"| {r['p99_ms']:.0f} | {r['bot_cpu_ms_per_update']:.2f} | {r['bot_cpu_util']:.2f} "
            f"| {r['bot_peak_rss_mb']:.0f} | {r['emulator_cpu_util']:.2f} "
            f"| {r['generator_cpu_util']:.2f} "
            f"| {r['requests_per_update']:.2f} |"
        )
    return "\n".join(lines)


def snapshot(dest: Path) -> Path:
    """Copy the code the bots run, so edits to the working tree during a run can't mix
    versions inside one benchmark (this repository is shared while it is measured)."""
    for name in ("bot", "handlers", "content", "scheduler", "bench"):
        shutil.copytree(
            REPO / name, dest / name, ignore=shutil.ignore_patterns("__pycache__", "out")
        )
    return dest


def git_state() -> str:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True)
        return done.stdout.strip()

    dirty = git("status", "--porcelain", "--", "bot", "handlers", "content", "scheduler")
    return git("rev-parse", "--short", "HEAD") + (" + uncommitted changes" if dirty else "")


def loadavg() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def machine() -> dict[str, str]:
    import httpx
    import telegram

    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": str(os.cpu_count()),
        "cpu": model,
        "python": sys.version.split()[0],
        "python-telegram-bot": telegram.__version__,
        "httpx": httpx.__version__,
        "loadavg": loadavg(),
        "code": git_state(),
    }


def content_ids() -> tuple[list[str], list[str]]:
    """Meditation ids and the first lessons of the path, from the content trustbot loads."""
    from content.loader import load_library

    library = load_library()
    first = library.next_lesson(set())
    assert first is not None
    second = library.next_in_track(first.id)
    third = library.next_in_track(second.id) if second else None
    assert second is not None and third is not None, "the lesson flow needs three lessons"
    meds = [m.id for m in library.meditations if len(m.steps) >= 4]
    return meds, [first.id, second.id]


def check_notes(users: list[User]) -> int:
    """Every note must triage as ordinary, or trustbot's answer count would differ."""
    from bot.triage import Level, triage

    bad = 0
    for user in users:
        for step in user.steps:
            if step.kind == "text" and not step.payload.startswith("/"):
                if triage(step.payload).level is not Level.NONE:
                    bad += 1
    return bad


PROBE_USERS = 100  # a probe run: the first 100 users (25 per flow) ...
PROBE_CAP_S = 4.0  # ... starting no update after 4 s
MIN_USERS = 40


async def main_async(args: argparse.Namespace, workdir: Path) -> int:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    info = machine()
    say("machine: " + ", ".join(f"{k}={v}" for k, v in info.items()))
    rng = random.Random(2026)
    meds, lessons = content_ids()
    users = build_users(args.users, rng, meds, lessons)
    per_user = sum(len(u.steps) for u in users) / len(users)
    n_notes_bad = check_notes(users)
    if n_notes_bad:
        say(f"WARNING: {n_notes_bad} note(s) are not triaged as ordinary")
    say(
        f"load: up to {len(users)} users, {per_user:.2f} updates each "
        f"({sum(len(u.steps) for u in users)} updates); runs sized to ~{args.run_seconds:.0f} s"
    )

    from bot.crypto import new_key_text

    key = new_key_text()
    if args.trustbot_root is None:
        args.trustbot_root = snapshot(workdir / "src")
    template = workdir / "template.sqlite3"
    took = await build_template_db(template, key, n_existing_load=args.users)
    size_mb = template.stat().st_size / 1e6
    say(f"database: {DB_USERS} users pre-filled in {took:.1f} s ({size_mb:.1f} MB)")

    results: dict[str, list[RunResult]] = {}
    probes: dict[str, float] = {}

    async def run(
        config: BotConfig,
        latency_ms: int,
        n_users: int,
        order_n: int = 0,
        time_cap: float | None = None,
    ) -> RunResult:
        profile = None
        if args.profile and config.kind == "trustbot":
            profile = OUT_DIR / f"updates-trustbot-{latency_ms}ms-{time.monotonic_ns()}.prof"
        result = await run_once(
            config,
            latency_ms / 1000,
            users[:n_users],
            template,
            workdir,
            key,
            order_n,
            args.trustbot_root,
            profile,
            time_cap,
        )
        if time_cap is None:
            results.setdefault(f"{latency_ms}|{config.name}", []).append(result)
        flag = ""
        if result.problems or result.api_errors:
            flag = f"  API errors {result.api_error_texts}, PROBLEMS: {result.problems[:3]}"
        order = ""
        if result.order:
            o = result.order
            order = (
                f" order: {o['in_order']}/{o['users']} in order, {o['out_of_order']} out,"
                f" {o['incomplete']} incomplete"
            )
        kind = "probe" if time_cap is not None else f"{result.users:>4} users"
        say(
            f"  {latency_ms:>3} ms {config.name:<13} {kind:<10} "
            f"{result.updates_per_s:>6.1f} upd/s  "
            f"p50 {result.p50_ms:>6.0f}  p95 {result.p95_ms:>6.0f}  p99 {result.p99_ms:>6.0f} ms  "
            f"cpu {result.bot_cpu_ms_per_update:.2f} ms/upd ({result.bot_cpu_util:.2f} core, "
            f"{result.bot_other_threads_cpu_s / max(result.bot_cpu_s, 1e-9):.0%} off-loop)  "
            f"rss {result.bot_ready_rss_mb:.0f}->{result.bot_peak_rss_mb:.0f} MB  "
            f"emu {result.emulator_cpu_util:.2f} core  [{time.perf_counter() - began:.0f} s]"
            f"{order}{flag}"
        )
        return result

    async def probe(config: BotConfig, latency_ms: int) -> int:
        """How many users this configuration can serve in about `run_seconds`."""
        r = await run(config, latency_ms, PROBE_USERS, time_cap=PROBE_CAP_S)
        probes[f"{latency_ms}|{config.name}"] = r.updates_per_s
        fit = int(r.updates_per_s * args.run_seconds / per_user) // 4 * 4
        return max(MIN_USERS, min(int(args.users), fit))

    def order_size(latency_ms: int, config: BotConfig) -> int:
        ups = probes.get(f"{latency_ms}|{config.name}", 100.0)
        fit = int(ups * args.order_seconds / (len(BURST) + 4))
        return max(20, min(int(args.order_users), fit))

    echo_default = BotConfig("echo-default", "echo", 0)
    trustbot = BotConfig("trustbot", "trustbot", args.trustbot_concurrency or 0)
    from bot.config import Settings

    default = Settings.model_fields["concurrency"].default
    say(f"trustbot: TRUSTBOT_CONCURRENCY={args.trustbot_concurrency or f'unset ({default})'}")
    if args.only_trustbot:  # development: trustbot's figures alone, no comparison
        for latency_ms in args.latencies:
            for _ in range(args.runs):
                await run(trustbot, latency_ms, args.users, args.order_users)
        return 0

    lat = args.latency_ms
    # 1. The echo bot's concurrency, chosen where it matters: with the added latency.
    say(f"echo concurrency sweep at {lat} ms: {args.echo_candidates}")
    sweep: list[tuple[float, BotConfig, int]] = []
    for n in args.echo_candidates:
        cfg = BotConfig(f"echo-c{n}", "echo", n)
        n_users = await probe(cfg, lat)
        r = await run(cfg, lat, n_users)
        sweep.append((r.updates_per_s, cfg, n_users))
    _, best, best_users = max(sweep, key=lambda s: s[0])
    say(f"best echo configuration: {best.name}")

    # 2. Each latency: size every configuration with a probe, then interleave the runs so
    # that noise from other work on the machine spreads over all of them alike.
    for latency_ms in (0, lat):
        say(f"latency {latency_ms} ms")
        plan = [echo_default, best, trustbot]
        sizes: dict[str, int] = {}
        for cfg in plan:
            if latency_ms == lat and cfg is best:
                sizes[cfg.name] = best_users  # its sweep run is run 1
            else:
                sizes[cfg.name] = await probe(cfg, latency_ms)
        for rep in range(args.runs):
            for cfg in plan:
                if latency_ms == lat and cfg is best and rep == 0:
                    continue
                order_n = 0
                if cfg is trustbot and args.order_users and (latency_ms == lat or rep == 0):
                    order_n = order_size(latency_ms, cfg)
                if cfg is best and latency_ms == lat and rep == 1 and args.order_users:
                    # A control: PTB's concurrent_updates promises no per-user order.
                    order_n = order_size(latency_ms, cfg)
                await run(cfg, latency_ms, sizes[cfg.name], order_n)

    def summary(latency_ms: int, name: str) -> dict[str, Any]:
        return median_result(results[f"{latency_ms}|{name}"])

    rows: list[dict[str, Any]] = []
    for latency_ms in (0, lat):
        for name in ("echo-default", best.name, "trustbot"):
            rows.append(summary(latency_ms, name))
    e0 = summary(0, "echo-default")
    t0 = summary(0, "trustbot")
    e50 = summary(lat, "echo-default")
    b50 = summary(lat, best.name)
    t50 = summary(lat, "trustbot")
    orders = [r.order for k in ("0|trustbot", f"{lat}|trustbot") for r in results[k] if r.order]
    ordered_ok = bool(orders) and all(
        o["out_of_order"] == 0 and o["incomplete"] == 0 for o in orders
    )
    cpu_ratio = t0["updates_per_s"] / e0["updates_per_s"]
    lat_ratio = t50["updates_per_s"] / b50["updates_per_s"]
    vs_seq = t50["updates_per_s"] / e50["updates_per_s"]
    rss = max(t0["bot_peak_rss_mb"], t50["bot_peak_rss_mb"])
    total = time.perf_counter() - began

    say("")
    say(table(rows))
    say("")
    say(
        "echo sweep at "
        + f"{lat} ms: "
        + ", ".join(f"{cfg.name} {ups:.0f}/s ({n} users)" for ups, cfg, n in sweep)
    )
    for o in orders:
        say(f"ordering (trustbot): {json.dumps(o)}")
    for r in results[f"{lat}|{best.name}"]:
        if r.order:
            say(f"ordering ({best.name}, control): {json.dumps(r.order)}")
    say("")
    say("targets:")
    say(f"  latency 0: trustbot / echo default = {cpu_ratio:.2f} (target >= 0.8)")
    say(
        f"  latency {lat} ms: trustbot / best echo ({best.name}) = {lat_ratio:.2f} "
        f"(target >= 0.8); trustbot / sequential echo = {vs_seq:.1f}x (target >= 10x); "
        f"per-user order kept: {'yes' if ordered_ok else 'NO'}"
    )
    say(f"  peak RSS with {DB_USERS} users in the database: {rss:.0f} MB (target < 120)")
    say(f"  benchmark wall time: {total:.0f} s (target < 600)")
    info["loadavg_end"] = loadavg()
    say(f"load average: {info['loadavg']} at the start, {info['loadavg_end']} at the end")
    payload = {
        "machine": info,
        "command": " ".join(["python -m bench.updates", *sys.argv[1:]]),
        "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "summary": rows,
        "sweep": [{"config": c.name, "updates_per_s": u, "users": n} for u, c, n in sweep],
        "probes": probes,
        "orders": orders,
        "runs": {k: [asdict(r) for r in v] for k, v in results.items()},
        "wall_s": round(total, 1),
    }
    out = OUT_DIR / "updates.json"
    out.write_text(json.dumps(payload, indent=1))
    say(f"raw results: {out.relative_to(REPO)}")
    say(
        f"cpu_bound_ratio={cpu_ratio:.2f} latency50_updates_per_s={t50['updates_per_s']:.0f} "
        f"latency50_ratio={lat_ratio:.2f} p95_ms={t50['p95_ms']:.0f} rss_mb={rss:.0f}"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.updates", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument(
        "--run-seconds",
        type=float,
        default=18.0,
        help="size each configuration's load (from a probe) to about this long, at most --users",
    )
    parser.add_argument("--order-seconds", type=float, default=8.0)
    parser.add_argument("--echo-candidates", type=int, nargs="+", default=[8, 16, 32, 64])
    parser.add_argument(
        "--trustbot-concurrency", type=int, help="TRUSTBOT_CONCURRENCY (default: leave unset)"
    )
    parser.add_argument("--order-users", type=int, default=200)
    parser.add_argument("--quick", action="store_true", help="smoke run: small load, one run")
    dev = parser.add_argument_group("development")
    dev.add_argument("--only-trustbot", action="store_true", help="run trustbot alone")
    dev.add_argument(
        "--latencies", type=int, nargs="+", default=[0, 50], help="with --only-trustbot"
    )
    dev.add_argument(
        "--trustbot-root",
        help="run the bots from this tree (a patched copy) instead of a snapshot of this one",
    )
    dev.add_argument("--profile", action="store_true", help="cProfile trustbot into bench/out/")
    args = parser.parse_args(argv)
    if args.trustbot_root is not None:
        args.trustbot_root = Path(args.trustbot_root).resolve()
    if args.quick:
        args.users, args.runs, args.order_users, args.run_seconds = 200, 1, 40, 5.0
        args.echo_candidates = [16]
    workdir = Path(tempfile.mkdtemp(prefix="trustbot-bench-updates-"))
    try:
        return asyncio.run(main_async(args, workdir))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
