"""Configuration: one typed object, read once from the environment and an optional `.env`.

A bad value stops start-up with one readable line (see `load_settings`), never a traceback.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

TELEGRAM_DEFAULT_BASE_URL = "https://api.telegram.org/bot"


class ConfigError(Exception):
    """Raised with a one-line, human-readable explanation of a bad setting."""


class Settings(BaseSettings):
    """Everything an operator can set. Environment names are given in each field's alias."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    bot_token: SecretStr | None = Field(default=None, alias="TELEGRAM_BOT_TOKEN")
    api_base_url: str = Field(default=TELEGRAM_DEFAULT_BASE_URL, alias="TELEGRAM_API_BASE_URL")
    db_path: Path = Field(default=Path("./data/trustbot.sqlite3"), alias="TRUSTBOT_DB_PATH")
    # postgresql://user:password@host:port/dbname selects PostgreSQL (several replicas may share
    # it); unset, or sqlite:///path, keeps the SQLite file.
    database_url: SecretStr | None = Field(default=None, alias="TRUSTBOT_DATABASE_URL")
    log_level: str = Field(default="INFO", alias="TRUSTBOT_LOG_LEVEL")
    admin_ids: Annotated[frozenset[int], NoDecode] = Field(
        default=frozenset(), alias="TRUSTBOT_ADMIN_IDS"
    )
    data_key: SecretStr | None = Field(default=None, alias="TRUSTBOT_DATA_KEY")
    journal_days: int = Field(default=90, ge=1, le=3650, alias="TRUSTBOT_JOURNAL_DAYS")
    min_age: int = Field(default=16, ge=13, le=21, alias="TRUSTBOT_MIN_AGE")
    send_rate: float = Field(default=25.0, gt=0, le=1000, alias="TRUSTBOT_SEND_RATE")
    # Replies per second, all chats together (Telegram allows about 30); 0 means no overall cap.
    reply_rate: float = Field(default=30.0, ge=0, le=1000, alias="TRUSTBOT_REPLY_RATE")
    grace_minutes: int = Field(default=120, ge=0, le=24 * 60, alias="TRUSTBOT_GRACE_MINUTES")
    tick_seconds: float = Field(default=20.0, gt=0, le=300, alias="TRUSTBOT_TICK_SECONDS")
    concurrency: int = Field(default=64, ge=1, le=256, alias="TRUSTBOT_CONCURRENCY")
    # The bot's own HTTP listener: /healthz, /metrics and, in webhook mode, Telegram's posts.
    # "off" (or empty) opens no port.
    listen: str = Field(default="0.0.0.0:8080", alias="TRUSTBOT_LISTEN")
    # Setting it selects webhook mode: the public URL Telegram posts updates to (its path is
    # the path the listener serves). Requires TRUSTBOT_WEBHOOK_SECRET.
    webhook_url: str | None = Field(default=None, alias="TRUSTBOT_WEBHOOK_URL")
    webhook_secret: SecretStr | None = Field(default=None, alias="TRUSTBOT_WEBHOOK_SECRET")
    # Scheduled prompts as Telegram's paid broadcasts (allow_paid_broadcast: up to 1,000 a
    # second, charged in Stars from the bot's balance); off by default. Replies are never paid.
    paid_broadcast: bool = Field(default=False, alias="TRUSTBOT_PAID_BROADCAST")
    # The database stops growing at this size (a write that needs more fails like a full
    # disk, and people are told kindly); None: no cap.
    db_max_mb: int | None = Field(default=None, ge=1, alias="TRUSTBOT_DB_MAX_MB")
    # Whether the triage's learned layer may answer with crisis on its own; off, it raises at
    # most to concern and the direct safety question decides (docs/safety.md, "The learned
    # layer's own crisis answers").
    learned_crisis: bool = Field(default=True, alias="TRUSTBOT_LEARNED_CRISIS")

    @field_validator("api_base_url")
    @classmethod
    def _base_url_shape(cls, value: str) -> str:
        value = value.strip()
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        # PTB appends the token verbatim: the URL must end in /bot or contain {token}.
        if "{token}" not in value and not value.endswith("/bot"):
            value = value.rstrip("/")
            if not value.endswith("/bot"):
                value += "/bot"
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        url = value.get_secret_value().strip()
        if not url.startswith(("postgresql://", "postgres://", "sqlite:///")):
            raise ValueError("must start with postgresql:// or sqlite:///")
        return SecretStr(url)

    @model_validator(mode="after")
    def _replicas_share_a_key(self) -> Settings:
        if self.uses_postgres and self.data_key is None:
            # Replicas on other machines cannot share a key file: the key must be given.
            raise ValueError(
                "TRUSTBOT_DATA_KEY is required with PostgreSQL (every replica needs the same key)"
            )
        return self

    @model_validator(mode="after")
    def _webhook_needs_a_secret(self) -> Settings:
        if self.webhook_url and not (
            self.webhook_secret and self.webhook_secret.get_secret_value().strip()
        ):
            raise ValueError("TRUSTBOT_WEBHOOK_SECRET is required with TRUSTBOT_WEBHOOK_URL")
        if self.webhook_url and not self.webhook_url.startswith(("https://", "http://")):
            raise ValueError("TRUSTBOT_WEBHOOK_URL must be an http(s) URL")
        return self

    @property
    def uses_postgres(self) -> bool:
        url = self.database_url.get_secret_value() if self.database_url else ""
        return url.startswith(("postgresql://", "postgres://"))

    @field_validator("log_level")
    @classmethod
    def _level_known(cls, value: str) -> str:
        value = value.strip().upper()
        if value not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p for p in value.replace(";", ",").replace(" ", ",").split(",") if p]
            try:
                return frozenset(int(p) for p in parts)
            except ValueError:
                raise ValueError("must be Telegram user ids separated by commas") from None
        return value

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        token = value.get_secret_value().strip()
        head, sep, tail = token.partition(":")
        if not sep or not head.isdigit() or len(tail) < 10:
            raise ValueError("does not look like a bot token from @BotFather (digits:letters)")
        return SecretStr(token)

    @property
    def token(self) -> str | None:
        return self.bot_token.get_secret_value() if self.bot_token else None

    @property
    def file_base_url(self) -> str:
        if self.api_base_url.endswith("/bot"):
            return self.api_base_url[: -len("/bot")] + "/file/bot"
        return self.api_base_url.replace("/bot{token}", "/file/bot{token}")

    @property
    def log_level_number(self) -> int:
        return int(logging.getLevelName(self.log_level))


def load_settings(**overrides: Any) -> Settings:
    """Read settings; turn any validation problem into one clear `ConfigError` line."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            name = str(err["loc"][0]) if err["loc"] else "settings"
            # The alias is what the operator typed; fall back to the field name.
            field = Settings.model_fields.get(name)
            env = field.alias if field is not None and field.alias else name
            problems.append(f"{env}: {err['msg'].removeprefix('Value error, ')}")
        raise ConfigError("Configuration problem: " + "; ".join(problems)) from None
