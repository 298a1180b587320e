"""deploy/compose.yaml and deploy/Caddyfile checked against the bot's own settings, without docker.

What can be checked here: three bot replicas built from deploy/Dockerfile behind the proxy,
PostgreSQL with a health check, every TRUSTBOT_* and TELEGRAM_* name a replica gets is a setting
in bot/config.py, the environment a replica gets is a valid configuration (PostgreSQL with the
key, webhook mode with the secret), the Caddyfile reaches every replica on the listener's port
and proxies nothing but the webhook path, and every ${VAR} is documented in
deploy/compose.env.example. Where `docker compose` or `caddy` is installed, it checks its file
too; neither is needed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from bot.config import Settings

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
COMPOSE = DEPLOY / "compose.yaml"
CADDYFILE = DEPLOY / "Caddyfile"
ENV_EXAMPLE = DEPLOY / "compose.env.example"

# Stand-ins for the values an operator puts in deploy/compose.env (shapes the settings accept).
SAMPLE = {
    "TELEGRAM_BOT_TOKEN": "123456789:AAbbCCddEEffGGhhIIjjKKllMMnn",
    "BOT_DOMAIN": "bot.example.org",
    "POSTGRES_PASSWORD": "0123456789abcdef",
    "TRUSTBOT_DATA_KEY": "A" * 43 + "=",
    "TRUSTBOT_WEBHOOK_SECRET": "a-long-random-string",
}
# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error}, ${NAME?error}
VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}")
ALIASES = {field.alias: name for name, field in Settings.model_fields.items() if field.alias}


def interpolate(value: Any, values: dict[str, str]) -> Any:
    """Compose's interpolation, enough for this file: set values win, else the default."""
    if isinstance(value, dict):
        return {key: interpolate(item, values) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, values) for item in value]
    if not isinstance(value, str):
        return value

    def one(match: re.Match[str]) -> str:
        name, op, arg = match.group(1), match.group(2) or "", match.group(3) or ""
        if values.get(name):
            return values[name]
        assert not op.endswith("?"), f"${{{name}}} is required: add a sample value to SAMPLE"
        return arg

    return VARIABLE.sub(one, value)


def caddy_directives(text: str) -> list[tuple[tuple[str, ...], str]]:
    """Each Caddyfile line as (the block headers it sits in, the line); comments dropped."""
    stack: list[str] = []
    found: list[tuple[tuple[str, ...], str]] = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line == "}":
            stack.pop()
            continue
        found.append((tuple(stack), line.removesuffix("{").strip()))
        if line.endswith("{"):
            stack.append(line.removesuffix("{").strip())
    assert not stack, "unbalanced braces in deploy/Caddyfile"
    return found


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    loaded = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


@pytest.fixture(scope="module")
def compose(raw: dict[str, Any]) -> dict[str, Any]:
    return dict(interpolate(raw, SAMPLE))


def bot_services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: service
        for name, service in compose["services"].items()
        if isinstance(service.get("build"), dict)
        and service["build"].get("dockerfile") == "deploy/Dockerfile"
    }


def listen_port(environment: dict[str, str]) -> int:
    listen = environment.get("TRUSTBOT_LISTEN") or Settings.model_fields["listen"].default
    return int(listen.rpartition(":")[2])


def test_compose_file_shape(raw: dict[str, Any], compose: dict[str, Any], tmp_path: Path) -> None:
    assert "version" not in raw, "the Compose specification has no version key"
    services = compose["services"]

    bots = bot_services(compose)
    replicas = sum(int(s.get("deploy", {}).get("replicas", 1)) for s in bots.values())
    assert replicas == 3, f"three bot replicas, found {replicas} in {sorted(bots)}"
    for name, bot in bots.items():
        assert bot["build"]["context"] == "..", name  # the repository root, as the Dockerfile wants
        assert (DEPLOY.parent / bot["build"]["dockerfile"]).is_file()
        assert bot.get("restart") in {"always", "unless-stopped", "on-failure"}, name
        assert bot["depends_on"]["db"]["condition"] == "service_healthy", f"{name}: waits for db"
        assert "ports" not in bot, f"{name} publishes a port: /metrics would be public"

    db = services["db"]
    image, _, tag = db["image"].partition(":")
    assert image == "postgres" and tag.split("-")[0] in {"16", "17"}, db["image"]
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    volume = db["volumes"][0].split(":")[0]
    assert volume in raw["volumes"], "the database lives on a named volume"
    assert raw["services"]["db"]["environment"]["POSTGRES_PASSWORD"].startswith("${")
    assert "ports" not in db

    proxy = services["proxy"]
    assert proxy["image"].startswith("caddy:")
    assert any(v.startswith("./Caddyfile:") for v in proxy["volumes"])
    assert any(str(p).endswith(":443") for p in proxy["ports"])
    assert set(bots) <= set(proxy["depends_on"])

    # Docker Compose's own check, where it is installed (a docker client without the compose
    # plugin, as on the machine this was written on, is not enough).
    docker = shutil.which("docker")
    if (
        docker
        and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0
    ):
        env_file = tmp_path / "compose.env"
        env_file.write_text("".join(f"{k}={v}\n" for k, v in SAMPLE.items()), encoding="utf-8")
        result = subprocess.run(
            [docker, "compose", "-f", COMPOSE, "--env-file", env_file, "config", "-q"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr


def test_bots_get_a_valid_configuration(
    compose: dict[str, Any], raw: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in list(os.environ):
        if name.startswith(("TRUSTBOT_", "TELEGRAM_")):
            monkeypatch.delenv(name)
    for name, bot in bot_services(compose).items():
        env = {key: str(value) for key, value in bot["environment"].items()}
        for key in env:
            if key.startswith(("TRUSTBOT_", "TELEGRAM_")):
                assert key in ALIASES, f"{name}: {key} is not a setting in bot/config.py"
        # The pairs bot/config.py requires together, present in every replica.
        assert env.get("TRUSTBOT_DATABASE_URL", "").startswith("postgresql://"), name
        assert env.get("TRUSTBOT_DATA_KEY"), f"{name}: PostgreSQL needs TRUSTBOT_DATA_KEY"
        assert env.get("TRUSTBOT_WEBHOOK_URL", "").startswith("https://"), name
        assert env.get("TRUSTBOT_WEBHOOK_SECRET"), f"{name}: a webhook needs its secret"
        assert env.get("TELEGRAM_BOT_TOKEN"), name
        settings = Settings(_env_file=None, **env)
        assert settings.uses_postgres and settings.webhook_url and settings.token

        # A default written in the compose file is the setting's own default.
        for key, value in raw["services"][name]["environment"].items():
            match = VARIABLE.fullmatch(str(value))
            if match and match.group(2) == ":-":
                field = ALIASES[key]
                parsed = getattr(Settings(_env_file=None, **{key: match.group(3)}), field)
                assert parsed == Settings.model_fields[field].default, f"{key} default drifted"

        port = listen_port(env)
        probe = " ".join(bot["healthcheck"]["test"])
        assert f"127.0.0.1:{port}/healthz" in probe, f"{name}: health check not on port {port}"


def test_caddyfile_reaches_every_replica(compose: dict[str, Any]) -> None:
    bots = bot_services(compose)
    first = next(iter(bots.values()))["environment"]
    port = listen_port(first)
    hook_path = urlsplit(first["TRUSTBOT_WEBHOOK_URL"]).path

    directives = caddy_directives(CADDYFILE.read_text(encoding="utf-8"))
    proxies = [(blocks, line) for blocks, line in directives if line.startswith("reverse_proxy")]
    assert len(proxies) == 1, "one reverse_proxy, for the webhook path only"
    blocks, line = proxies[0]
    assert blocks[-1] == f"handle {hook_path}", f"the proxy serves {blocks}, not {hook_path}"
    assert set(line.split()[1:]) == {f"{name}:{port}" for name in bots}
    inside = [entry for where, entry in directives if where[-1:] == (line,)]
    assert "lb_policy round_robin" in inside
    assert "health_uri /healthz" in inside
    assert not any("/metrics" in entry for _, entry in directives), "/metrics stays private"

    site = blocks[0]
    for name in re.findall(r"\{\$([A-Za-z_][A-Za-z0-9_]*)\}", site):
        assert name in compose["services"]["proxy"]["environment"], name

    # Caddy's own parser, where it is installed: it knows every subdirective.
    caddy = shutil.which("caddy")
    if caddy:
        result = subprocess.run(
            [caddy, "adapt", "--config", CADDYFILE, "--adapter", "caddyfile"],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "BOT_DOMAIN": SAMPLE["BOT_DOMAIN"]},
        )
        assert result.returncode == 0, result.stderr


def test_every_variable_is_documented() -> None:
    used = {m.group(1) for m in VARIABLE.finditer(COMPOSE.read_text(encoding="utf-8"))}
    documented = set(
        re.findall(r"^#?\s*([A-Z_][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(encoding="utf-8"), re.M)
    )
    assert used, "no ${VAR} found: the pattern no longer matches the file"
    assert used <= documented, f"not in compose.env.example: {sorted(used - documented)}"
    for name in used:
        if name.startswith(("TRUSTBOT_", "TELEGRAM_")):
            assert name in ALIASES, f"{name} looks like a setting but is not one"
