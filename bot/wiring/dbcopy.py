"""``trustbot db copy --from URL --to URL``: move an instance to another database without loss.

Typically from the SQLite file to PostgreSQL when an organisation outgrows one process. Rows
are copied as they are: journal text stays encrypted with the same key (keep using the same
``TRUSTBOT_DATA_KEY``), and nothing is decrypted on the way. The target must be empty (its
schema is created or brought up to date first); after copying, every table's count is compared
and any difference fails the copy. Stop the bot while copying.
"""

from __future__ import annotations

import secrets
from typing import TextIO

from bot.crypto import Sealer
from bot.storage import Storage

# Parents before children (foreign keys), then the rest.
TABLES = (
    "users",
    "checkins",
    "lessons_done",
    "journal",
    "practice_log",
    "schedules",
    "deliveries",
    "flows",
    "counters",
    "inbox",
)
_IDENTITY = ("checkins", "journal", "practice_log")  # tables whose id PostgreSQL generates


async def _columns(store: Storage, table: str) -> list[str]:
    if store.dialect == "postgresql":
        rows = await store._fetchall(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
            (table,),
        )
    else:
        rows = [(r[1],) for r in await store._fetchall(f"PRAGMA table_info({table})")]
    return [str(r[0]) for r in rows]


async def _count(store: Storage, table: str) -> int:
    row = await store._fetchone(f"SELECT COUNT(*) FROM {table}")
    return int(row[0]) if row else 0


async def copy_database(source_url: str, target_url: str, out: TextIO) -> int:
    """Copy every table; 0 when the counts match, 1 (with the reason) otherwise."""
    sealer = Sealer(secrets.token_bytes(32))  # nothing is decrypted: rows move as they are
    source = await Storage.open_url(source_url, sealer)
    target = await Storage.open_url(target_url, sealer)
    try:
        if await source.schema_version() != await target.schema_version():
            print("the two databases are at different schema versions", file=out)
            return 1
        for table in TABLES:
            if await _count(target, table):
                print(f"the target is not empty ({table} has rows): nothing copied", file=out)
                return 1
        for table in TABLES:
            columns = await _columns(source, table)
            rows = await source._fetchall(f"SELECT {', '.join(columns)} FROM {table}")
            marks = ", ".join("?" for _ in columns)
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
            async with target._write() as db:
                for start in range(0, len(rows), 1000):
                    await db.executemany(sql, [tuple(r) for r in rows[start : start + 1000]])
                if target.dialect == "postgresql" and table in _IDENTITY and rows:
                    await db.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT MAX(id) FROM {table}))"
                    )
            print(f"{table}: {len(rows)} row(s)", file=out)
        for table in TABLES:
            a, b = await _count(source, table), await _count(target, table)
            if a != b:
                print(f"{table}: {a} row(s) in the source but {b} in the target", file=out)
                return 1
        print("copied; every table's count matches. Keep the same TRUSTBOT_DATA_KEY.", file=out)
        return 0
    finally:
        await source.close()
        await target.close()
