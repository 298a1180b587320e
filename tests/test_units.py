"""Unit tests for the plain modules: callback data, configuration, storage, ordering, logs."""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import sqlite3
from pathlib import Path

import pytest

from bot.callbacks import Callback, encode, parse
from bot.config import ConfigError, load_settings
from bot.crypto import KeyError_, Sealer, load_or_create_key
from bot.migrations import LATEST, MIGRATIONS
from bot.storage import Storage
from bot.transport.ordering import PerUserUpdateProcessor
from bot.wiring.logs import RedactTokens
from handlers.registry import features


# ------------------------------------------------------------------ callbacks
@pytest.fixture(autouse=True)
def _actions_defined() -> None:
    """The callback actions are defined by the handler modules as they register (run alone,
    this module would otherwise see none)."""
    features()


def test_callback_round_trip() -> None:
    data = encode("lesson", "next", "awareness-2")
    assert data == "v1:lesson:next:awareness-2"
    assert parse(data) == Callback("lesson", ("next", "awareness-2"))


@pytest.mark.parametrize(
    "data",
    [None, "", "v0:mood:3", "v1:nope:1", "v1:mood", "v1:mood:1:2:3", "v1:mood:<script>", "x" * 65],
)
def test_forged_or_stale_callback_data_is_rejected(data: str | None) -> None:
    assert parse(data) is None


def test_encode_refuses_data_over_64_bytes() -> None:
    with pytest.raises(ValueError):
        encode("med", "next", "a" * 40, "b" * 20)
    with pytest.raises(ValueError):
        encode("unknown")


# ------------------------------------------------------------------ configuration
def test_settings_defaults_and_base_url_normalised() -> None:
    s = load_settings(_env_file=None, TELEGRAM_API_BASE_URL="http://127.0.0.1:8081/")
    assert s.api_base_url == "http://127.0.0.1:8081/bot"
    assert s.file_base_url == "http://127.0.0.1:8081/file/bot"
    assert s.db_path == Path("data/trustbot.sqlite3") and s.token is None


@pytest.mark.parametrize(
    ("env", "name"),
    [
        ({"TRUSTBOT_ADMIN_IDS": "12,abc"}, "TRUSTBOT_ADMIN_IDS"),
        ({"TRUSTBOT_LOG_LEVEL": "LOUD"}, "TRUSTBOT_LOG_LEVEL"),
        ({"TELEGRAM_BOT_TOKEN": "not-a-token"}, "TELEGRAM_BOT_TOKEN"),
        ({"TELEGRAM_API_BASE_URL": "ftp://x"}, "TELEGRAM_API_BASE_URL"),
        ({"TRUSTBOT_JOURNAL_DAYS": "0"}, "TRUSTBOT_JOURNAL_DAYS"),
    ],
)
def test_bad_settings_give_one_clear_line(env: dict[str, str], name: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(_env_file=None, **env)
    message = str(info.value)
    assert name in message and "\n" not in message and "Traceback" not in message


def test_admin_ids_parse() -> None:
    assert load_settings(_env_file=None, TRUSTBOT_ADMIN_IDS="1, 2;3").admin_ids == {1, 2, 3}


def test_learned_crisis_is_on_unless_the_operator_turns_it_off() -> None:
    assert load_settings(_env_file=None).learned_crisis is True
    assert load_settings(_env_file=None, TRUSTBOT_LEARNED_CRISIS="0").learned_crisis is False
    with pytest.raises(ConfigError, match="TRUSTBOT_LEARNED_CRISIS"):
        load_settings(_env_file=None, TRUSTBOT_LEARNED_CRISIS="perhaps")


def test_cli_reports_bad_config_without_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.wiring.cli import main

    monkeypatch.setenv("TRUSTBOT_LOG_LEVEL", "LOUD")
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "TRUSTBOT_LOG_LEVEL" in err and "Traceback" not in err


# ------------------------------------------------------------------ crypto
def test_sealed_text_is_bound_to_its_user() -> None:
    sealer = Sealer(secrets.token_bytes(32))
    blob = sealer.seal(1, "a private thought")
    assert b"private" not in blob
    assert sealer.open(1, blob) == "a private thought"
    with pytest.raises(KeyError_):
        sealer.open(2, blob)


def test_key_file_created_0600_and_reused(tmp_path: Path) -> None:
    db = tmp_path / "x" / "db.sqlite3"
    key = load_or_create_key(None, db)
    path = tmp_path / "x" / "trustbot.key"
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert load_or_create_key(None, db) == key


# ------------------------------------------------------------------ storage
async def test_database_is_created_0600_in_wal_mode(tmp_path: Path) -> None:
    store = await Storage.open(tmp_path / "db.sqlite3", Sealer(secrets.token_bytes(32)))
    try:
        assert oct(os.stat(tmp_path / "db.sqlite3").st_mode & 0o777) == "0o600"
        mode = sqlite3.connect(tmp_path / "db.sqlite3").execute("PRAGMA journal_mode").fetchone()
        assert mode[0] == "wal"
        assert await store.schema_version() == LATEST
    finally:
        await store.close()


async def test_migrations_upgrade_a_first_version_database_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript(MIGRATIONS[0])
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO users (user_id, chat_id, created_at, onboarding, consent_progress, country) "
        "VALUES (5, 5, 100, 'done', 1, 'GB')"
    )
    conn.execute(
        "INSERT INTO checkins (user_id, at, local_date, mood) VALUES (5, 100, '2026-01-01', 4)"
    )
    conn.commit()
    conn.close()
    store = await Storage.open(path, Sealer(secrets.token_bytes(32)))
    try:
        assert await store.schema_version() == LATEST
        user = await store.get_user(5)
        assert user is not None and user.country == "GB" and user.consent_progress
        assert user.blocked is False and user.age_ok is None
        assert await store.recent_moods(5) == (4,)
        await store.upsert_schedule(5, "checkin", "08:00", 127, 1000)
        assert len(await store.schedules(5)) == 1
    finally:
        await store.close()


async def test_switching_a_consent_off_deletes_its_data(tmp_path: Path) -> None:
    store = await Storage.open(tmp_path / "db.sqlite3", Sealer(secrets.token_bytes(32)))
    try:
        await store.ensure_user(1, 1, 0)
        for name in ("progress", "journal"):
            await store.set_consent(1, name, True)
        await store.record_checkin(1, 3, 10, "2026-01-01")
        await store.mark_lesson_done(1, "intro-1", 10)
        await store.add_journal(1, "checkin", "text", 10)
        assert await store.set_consent(1, "progress", False) == 2
        assert await store.recent_moods(1) == () and await store.lessons_done(1) == {}
        assert len(await store.journal(1)) == 1
        assert await store.set_consent(1, "journal", False) == 1
        assert await store.journal(1) == []
    finally:
        await store.close()


async def test_two_claimers_never_take_the_same_schedule(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    key = secrets.token_bytes(32)
    a = await Storage.open(path, Sealer(key))
    b = await Storage.open(path, Sealer(key))
    try:
        for uid in range(50):
            await a.ensure_user(uid, uid, 0)
            await a.upsert_schedule(uid, "checkin", "08:00", 127, 100)
        got_a, got_b = await asyncio.gather(a.claim_due(200, 30, "a"), b.claim_due(200, 30, "b"))
        ids_a = {d.user_id for d in got_a}
        ids_b = {d.user_id for d in got_b}
        assert not ids_a & ids_b and len(ids_a | ids_b) == 50
    finally:
        await a.close()
        await b.close()


# ------------------------------------------------------------------ per-user ordering
async def test_per_user_processor_keeps_each_users_order_and_runs_users_in_parallel() -> None:
    from telegram import Chat, Message, Update, User

    processor = PerUserUpdateProcessor(8)
    seen: dict[int, list[int]] = {}
    running = 0
    peak = 0

    def update(uid: int, n: int) -> Update:
        user = User(uid, "A", False)
        msg = Message(n, None, Chat(uid, "private"), from_user=user, text=str(n))  # type: ignore[arg-type]
        return Update(n, message=msg)

    async def work(uid: int, n: int, delay: float) -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(delay)
        seen.setdefault(uid, []).append(n)
        running -= 1

    tasks = []
    for n in range(40):
        uid = n % 4
        # Early messages of each user are slower, so a naive pool would reorder them.
        tasks.append(
            asyncio.create_task(
                processor.process_update(update(uid, n), work(uid, n, 0.02 if n < 8 else 0.0))
            )
        )
    await asyncio.gather(*tasks)
    for uid, order in seen.items():
        assert order == sorted(order), f"user {uid} out of order: {order}"
    assert peak > 1  # different users really ran in parallel
    assert processor.busy_users == 0


# ------------------------------------------------------------------ logs
def test_token_is_redacted_from_log_records() -> None:
    record = logging.LogRecord(
        "httpx",
        logging.INFO,
        __file__,
        1,
        "POST %s",
        ("https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/getMe",),
        None,
    )
    RedactTokens().filter(record)
    assert "AAHdqTcv" not in record.getMessage() and "[token]" in record.getMessage()


def test_split_text_keeps_every_character_and_respects_the_limit() -> None:
    from handlers.common import split_text

    text = ("A paragraph of words. " * 40 + "\n\n") * 12 + "🙂" * 3000
    parts = split_text(text)
    assert all(len(p.encode("utf-16-le")) // 2 <= 4096 for p in parts)
    assert "".join(parts).replace("\n", "").replace(" ", "") == text.replace("\n", "").replace(
        " ", ""
    )
    assert split_text("short") == ["short"]


async def test_a_read_after_a_write_sees_the_write(tmp_path: Path) -> None:
    """A half-read cursor used to keep the reader on an old snapshot (found under load)."""
    store = await Storage.open(tmp_path / "db.sqlite3", Sealer(secrets.token_bytes(32)))
    try:
        await store.ensure_user(1, 1, 0)
        for value in (True, False, True):
            before = await store.get_user(1)
            assert before is not None
            await store.set_consent(1, "progress", value)
            after = await store.get_user(1)
            assert after is not None and after.consent_progress is value
    finally:
        await store.close()


async def test_a_fault_inside_a_write_is_storage_unavailable_not_a_crash(tmp_path: Path) -> None:
    """Errors inside a transaction's body (a disk fault, a read-only or damaged file) used to
    escape as sqlite3 errors, past the bot's "can't reach my memory" handling."""
    from bot.storage import StorageUnavailable

    path = tmp_path / "db.sqlite3"
    store = await Storage.open(path, Sealer(secrets.token_bytes(32)))
    try:
        await store.ensure_user(1, 1, 0)
        other = sqlite3.connect(path)
        other.execute("ALTER TABLE users RENAME TO users_damaged")
        other.commit()
        with pytest.raises(StorageUnavailable):
            await store.update_user(1, paused=1)
        other.execute("ALTER TABLE users_damaged RENAME TO users")
        other.commit()
        other.close()
        await store.update_user(1, paused=1)  # the writer recovered: no transaction left open
        user = await store.get_user(1)
        assert user is not None and user.paused
    finally:
        await store.close()


def test_migration_scripts_are_cut_into_whole_statements() -> None:
    from bot.storage import sql_statements

    script = """
    CREATE TABLE notes (body TEXT DEFAULT 'a; b');
    CREATE TRIGGER t AFTER INSERT ON notes BEGIN
        UPDATE notes SET body = body || ';'; -- a comment; with a semicolon
    END;
    """
    statements = sql_statements(script)
    assert len(statements) == 2 and statements[1].startswith("CREATE TRIGGER")
    with pytest.raises(ValueError):
        sql_statements("CREATE TABLE broken (x")
    for version in MIGRATIONS:
        assert sql_statements(version)


def test_env_example_lists_every_setting() -> None:
    from bot.config import Settings

    example = (Path(__file__).parent.parent / "deploy" / ".env.example").read_text()
    names = {field.alias for field in Settings.model_fields.values() if field.alias}
    assert names and all(name in example for name in names), sorted(
        n for n in names if n not in example
    )
