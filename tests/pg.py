"""PostgreSQL for the tests: a fresh database per bot, dropped after the test.

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

import pytest

SERVER = os.environ.get("TRUSTBOT_TEST_POSTGRES_URL", "")
ON_POSTGRES = os.environ.get("TRUSTBOT_TEST_BACKEND", "sqlite") == "postgresql"
REQUIRED = os.environ.get("TRUSTBOT_REQUIRE_POSTGRES") == "1"
# A fixed test key: PostgreSQL needs TRUSTBOT_DATA_KEY (replicas share it).
TEST_KEY = "dGVzdC1rZXktZm9yLXRydXN0Ym90LXRlc3RzLW9ubHk"

created: set[str] = set()


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


async def database_for(key: Path | str) -> str:
    """A database of its own for this key (a bot's db path): created on first use."""
    import asyncpg

    server = need_server()
    name = "t_" + hashlib.sha1(str(key).encode()).hexdigest()[:20]
    if name not in created:
        conn = await asyncpg.connect(server)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        created.add(name)
    return _with_db(server, name)


async def drop_created() -> None:
    if not created:
        return
    import asyncpg

    conn = await asyncpg.connect(SERVER)
    try:
        for name in sorted(created):
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()
    created.clear()


sqlite_only = pytest.mark.skipif(
    ON_POSTGRES, reason="reads SQLite's own files (WAL, pages, a deleted or corrupt file)"
)
