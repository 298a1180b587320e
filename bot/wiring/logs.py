"""Logging that never carries the bot token or message text.

httpx logs every request URL at INFO, and the URL contains the token; PTB's DEBUG line
"Set Bot API URL" does too. We turn httpx/httpcore down to WARNING and, as a second belt,
a filter on the root handler replaces anything shaped like a token, wherever it appears.
Message text never reaches a log call in our code; the filter cannot know text, so that
rule is kept by code review and by the end-to-end logging test.
"""

from __future__ import annotations

import logging
import re

TOKEN_RE = re.compile(r"\d{5,12}:[A-Za-z0-9_-]{20,}")


class RedactTokens(logging.Filter):
    def __init__(self, extra_secrets: tuple[str, ...] = ()) -> None:
        super().__init__()
        self._secrets = tuple(s for s in extra_secrets if s)

    def _clean(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "[token]")
        return TOKEN_RE.sub("[token]", text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = self._clean(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            record.exc_text = self._clean(logging.Formatter().formatException(record.exc_info))
            del exc
        return True


def setup_logging(level: int, token: str | None = None) -> None:
    """Production logging: one stderr handler, redacted, with the noisy libraries quietened."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger().addHandler(handler)
    configure_logging(level, token, handlers=[handler])


def configure_logging(level: int, token: str | None, *, handlers: list[logging.Handler]) -> None:
    """Set levels and filters; shared by production and by the logging test."""
    logging.getLogger().setLevel(level)
    for handler in handlers:
        handler.addFilter(RedactTokens((token,) if token else ()))
    install_quiet_http()
    # PTB's DEBUG records carry whole updates and request parameters, i.e. message text;
    # aiosqlite's carry every SQL parameter. Our own DEBUG stays available; theirs is capped
    # at INFO whatever the level.
    for name in ("telegram", "apscheduler", "aiosqlite"):
        logging.getLogger(name).setLevel(max(level, logging.INFO))


def install_quiet_http() -> None:
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
