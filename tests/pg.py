"""PostgreSQL for the tests: an empty database per bot, of its own for the test.

A database costs about a quarter of a second to create, migrate and drop, which over the
end-to-end suite on PostgreSQL was half its time. So a test's databases go back to a pool when
it ends, and the next test gets one emptied (every table but ``schema_version`` truncated,
identities restarted, any connection left over ended): the same as a fresh, migrated database to
the bot. `database_for(..., fresh=True)` still creates a new, unmigrated one, for tests whose
subject is the schema itself (migrations racing, a copy into an empty database).

`TRUSTBOT_TEST_POSTGRES_URL` names a server (any database on it, e.g.
``postgresql://trustbot@127.0.0.1:55432/postgres``); `.ci/run` starts a throwaway cluster and
sets it. Without it, PostgreSQL tests skip with a clear reason; `TRUSTBOT_REQUIRE_POSTGRES=1`
(set by `.ci/run`) turns that skip into a failure. `TRUSTBOT_TEST_BACKEND=postgresql` runs the
end-to-end bots on PostgreSQL instead of SQLite.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import pytest

SERVER = os.environ.get("TRUSTBOT_TEST_POSTGRES_URL", "")
ON_POSTGRES = os.environ.get("TRUSTBOT_TEST_BACKEND", "sqlite") == "postgresql"
REQUIRED = os.environ.get("TRUSTBOT_REQUIRE_POSTGRES") == "1"
# A fixed test key: PostgreSQL needs TRUSTBOT_DATA_KEY (replicas share it).
TEST_KEY = "dGVzdC1rZXktZm9yLXRydXN0Ym90LXRlc3RzLW9ubHk"

created: set[str] = set()  # fresh databases made for this test: dropped after it
_lent: dict[str, str] = {}  # this test's keys -> the pooled databases lent to them
_free: list[str] = []  # pooled databases no test holds: emptied when lent again
_pooled: set[str] = set()  # every pooled database: dropped when the session ends


def need_server() -> str:
    """The server URL, or skip (fail under .ci/run) when there is none."""
    if not SERVER:
        message = "no PostgreSQL server: set TRUSTBOT_TEST_POSTGRES_URL (.ci/run does)"
        if REQUIRED:
            pytest.fail(message)
        pytest.skip(message)
    return SERVER


def _with_db(url: str, name: str) -> str:
    base = url.rsplit("/", 1)[0]
    return f"{base}/{name}"


async def database_for(key: Path | str, *, fresh: bool = False) -> str:
    """A database of its own for this key (a bot's db path), the same one for the same key
    within a test: an emptied one from the pool, or with ``fresh`` a newly created one."""
    server = need_server()
    name = "t_" + hashlib.sha1(str(key).encode()).hexdigest()[:20]
    if fresh:
        if name not in created:
            await _admin(
                f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'
            )
            created.add(name)
        return _with_db(server, name)
    if name not in _lent:
        _lent[name] = await _empty_from_pool()
    return _with_db(server, _lent[name])


async def _admin(*statements: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(SERVER)
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


async def _empty_from_pool() -> str:
    """A pooled database, emptied; a new one when none is free."""
    import asyncpg

    while _free:
        name = _free.pop()
        conn = await asyncpg.connect(_with_db(SERVER, name))
        try:
            reusable = await _emptied(conn)
        finally:
            await conn.close()
        if reusable:
            return name
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _pooled.discard(name)
    name = f"tp_{os.getpid()}_{len(_pooled)}"
    while name in _pooled:
        name += "x"
    await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    _pooled.add(name)
    return name


async def _emptied(conn: Any) -> bool:
    """Empty the database ``conn`` is on (ending any connection left over); False, and left
    as it is, when a test changed its schema."""
    from bot.migrations import LATEST

    await conn.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        " WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    rows = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    tables = [r["tablename"] for r in rows]
    if "schema_version" in tables:
        if await conn.fetchval("SELECT version FROM schema_version") not in (0, LATEST):
            return False
    rest = [f'"{t}"' for t in tables if t != "schema_version"]
    if rest:
        await conn.execute(f"TRUNCATE {', '.join(rest)} RESTART IDENTITY CASCADE")
    return True


async def drop_created() -> None:
    """After a test: its fresh databases are dropped, its pooled ones go back to the pool."""
    _free.extend(_lent.values())
    _lent.clear()
    if created:
        await _admin(*(f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)' for n in sorted(created)))
        created.clear()


async def drop_pool() -> None:
    """When the session ends: every pooled database is dropped."""
    _free.clear()
    if _pooled:
        await _admin(*(f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)' for n in sorted(_pooled)))
        _pooled.clear()


sqlite_only = pytest.mark.skipif(
    ON_POSTGRES, reason="reads SQLite's own files (WAL, pages, a deleted or corrupt file)"
)
