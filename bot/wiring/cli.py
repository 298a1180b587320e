"""The `trustbot` command line.

trustbot            serve Telegram if TELEGRAM_BOT_TOKEN is set, else start the terminal demo
trustbot run        long polling against the Bot API (needs the token)
trustbot demo       chat with the real bot in this terminal, through the local Bot API emulator
trustbot content check   validate lessons, meditations, crisis lines and triage lexicons
trustbot triage     JSON lines {"id", "text"} on stdin -> {"id", "level", "reasons"} on stdout
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import date
from pathlib import Path
from typing import TextIO

from bot.config import ConfigError, Settings, load_settings
from bot.wiring.logs import setup_logging


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="trustbot", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="serve Telegram with long polling (needs TELEGRAM_BOT_TOKEN)")
    demo = sub.add_parser("demo", help="chat with the bot in this terminal (no token needed)")
    demo.add_argument("--user-id", type=int, default=1001)
    demo.add_argument(
        "--language",
        default="en",
        help="the language the demo person's Telegram reports: en, ru or es (try ru)",
    )
    content = sub.add_parser("content", help="content tools")
    content_sub = content.add_subparsers(dest="content_command", required=True)
    content_sub.add_parser("check", help="validate every content file")
    tri = sub.add_parser("triage", help="JSON lines in, triage levels out (offline evaluation)")
    tri_sub = tri.add_subparsers(dest="triage_command")
    train = tri_sub.add_parser("train", help="rebuild the learned layer (needs the [train] extra)")
    train.add_argument(
        "--rules-only-crisis",
        action="store_true",
        help="let the model raise to concern only, never to crisis on its own",
    )
    tri_sub.add_parser("eval", help="safety figures on every labelled set in tests/data")
    db = sub.add_parser("db", help="database tools")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    copy = db_sub.add_parser("copy", help="copy an instance to an empty database (stop the bot)")
    copy.add_argument(
        "--from", dest="source", required=True, help="sqlite:///path or postgresql://"
    )
    copy.add_argument("--to", dest="target", required=True, help="postgresql:// or sqlite:///path")
    key = sub.add_parser("key", help="the journal encryption key")
    key_sub = key.add_subparsers(dest="key_command", required=True)
    key_sub.add_parser("rotate", help="re-encrypt the journal with a new key")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)

    if args.command == "content":
        return content_check(sys.stdout)
    if args.command == "db":
        from bot.wiring.dbcopy import copy_database

        return asyncio.run(copy_database(args.source, args.target, sys.stdout))
    if args.command == "triage":
        if args.triage_command == "train":
            return triage_train(sys.stdout, crisis_enabled=not args.rules_only_crisis)
        if args.triage_command == "eval":
            return triage_eval(sys.stdout)
        return triage_stream(sys.stdin, sys.stdout)
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.command == "key":
        return asyncio.run(rotate_key(settings, sys.stdout))
    command = args.command or ("run" if settings.token else "demo")
    if command == "run":
        if not settings.token:
            print(
                "TELEGRAM_BOT_TOKEN is not set. Get one from @BotFather, or try `trustbot demo`.",
                file=sys.stderr,
            )
            return 2
        return run(settings)
    from bot.wiring.demo import run_demo

    return asyncio.run(
        run_demo(user_id=getattr(args, "user_id", 1001), language=getattr(args, "language", "en"))
    )


def run(settings: Settings) -> int:
    from telegram import Update
    from telegram.error import InvalidToken

    from bot.wiring.app import build_application

    setup_logging(settings.log_level_number, settings.token)
    app = build_application(settings)
    try:
        if settings.webhook_url:
            from bot.wiring.webhook import serve_webhook

            asyncio.run(serve_webhook(app, settings))
            return 0
        app.run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)
    except InvalidToken:
        print("Telegram refused the bot token. Check TELEGRAM_BOT_TOKEN.", file=sys.stderr)
        return 2
    return 0


async def rotate_key(settings: Settings, out: TextIO) -> int:
    """Re-encrypt every journal entry with a fresh key.

    With a key file, the new key is written beside it first (`trustbot.key.new`, 0600), the
    journal is re-sealed in one transaction, and only then does the new file replace the
    old one; a crash in between leaves both files, and the old key still opens everything.
    With TRUSTBOT_DATA_KEY, the new key is printed for the operator to put in its place.
    """
    import os

    from bot.crypto import KEY_FILE_NAME, Sealer, _decode_key, load_or_create_key, new_key_text
    from bot.storage import Storage

    env_key = settings.data_key.get_secret_value() if settings.data_key else None
    old = load_or_create_key(env_key, settings.db_path)
    new_text = new_key_text()
    key_path = settings.db_path.parent / KEY_FILE_NAME
    pending = key_path.with_name(KEY_FILE_NAME + ".new")
    if env_key is None:
        fd = os.open(pending, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(new_text + "\n")
    store = await Storage.open(settings.db_path, Sealer(old))
    try:
        count = await store.reseal_journal(Sealer(_decode_key(new_text)))
    finally:
        await store.close()
    if env_key is None:
        os.replace(pending, key_path)
        print(f"Re-encrypted {count} journal entries; the new key is in {key_path}.", file=out)
    else:
        print(f"Re-encrypted {count} journal entries. Set this as TRUSTBOT_DATA_KEY now:", file=out)
        print(new_text, file=out)
    return 0


def content_check(out: TextIO, root: Path | None = None, today: date | None = None) -> int:
    from content.catalogues import check_catalogues
    from content.loader import check_content
    from content.resources import DEFAULT_PATH, check_resources, stale_entries
    from content.safety_texts import check_safety_texts
    from content.translations import check_translations

    problems = list(check_content(root))
    data = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    problems += check_resources(data)
    stale = stale_entries(data, today or date.today())
    if stale:
        print(f"{len(stale)} crisis-line entries were last checked over a year ago:", file=out)
        for entry in stale:
            print(f"- {entry}", file=out)
        print("Compare them with their sources and update their 'checked' dates.", file=out)
    problems += check_triage_lexicons()
    problems += check_triage_model()
    problems += check_safety_texts()
    problems += check_translations()
    problems += check_catalogues()
    if problems:
        print(f"{len(problems)} problem(s) in the content:", file=out)
        for problem in problems:
            print(f"- {problem}", file=out)
        return 1
    print(
        "Content is fine: lessons, meditations, crisis lines, safety texts, triage lexicons "
        "and every language's catalogue.",
        file=out,
    )
    return 0


def check_triage_lexicons(directory: Path | None = None) -> list[str]:
    """Compile every triage lexicon; a broken pattern or file is one readable problem."""
    import re

    import yaml

    from bot.triage.rules import LEXICON_DIR, load_lexicon

    try:
        load_lexicon(directory or LEXICON_DIR)
    except (ValueError, re.error, yaml.YAMLError, OSError) as exc:
        return [f"content/triage: {exc}"]
    return []


def check_triage_model(
    model_path: Path | None = None, training_dir: Path | None = None
) -> list[str]:
    """The learned layer loads, and was built from the training data as it is now."""
    from bot.triage.features import fingerprint
    from bot.triage.model import MODEL_PATH, Model, read
    from bot.triage.train import TRAINING_DIR, training_files, training_hash

    model_path = model_path or MODEL_PATH
    training_dir = training_dir or TRAINING_DIR
    try:
        built = Model(read(model_path))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return [f"content/triage/{model_path.name}: does not load ({exc})"]
    if not training_files(training_dir):
        return []  # an installed package ships the model without its training data
    if built.meta["training"]["sha256"] != training_hash(training_dir):
        return [
            f"content/triage/{model_path.name}: the training data changed since the model was "
            "built; run `trustbot triage train`"
        ]
    if built.meta["features"].get("fingerprint") != fingerprint():
        return [
            f"content/triage/{model_path.name}: the way messages become features (normalisation "
            "or features) changed since the model was built; run `trustbot triage train`"
        ]
    return []


def triage_train(out: TextIO, *, crisis_enabled: bool) -> int:
    try:
        from bot.triage.train import train
    except ImportError as exc:  # pragma: no cover - depends on the environment
        print(f"training needs the [train] extra (scikit-learn): {exc}", file=sys.stderr)
        return 2
    try:
        train(crisis_enabled=crisis_enabled, progress=lambda line: print(line, file=out))
    except ImportError as exc:
        print(f"training needs the [train] extra (scikit-learn): {exc}", file=sys.stderr)
        return 2
    return 0


def triage_eval(out: TextIO) -> int:
    from bot.triage import model, rules_triage, triage
    from bot.triage.evaluation import evaluate, load_items

    if model.load() is None:
        print(f"the learned layer did not load: {model.load_error()}", file=sys.stderr)
        return 1
    data = Path(__file__).resolve().parents[2] / "tests" / "data"
    for path in sorted(data.glob("triage_*.jsonl")):
        items = load_items(path)
        print(f"{path.name}", file=out)
        print(f"  rules only  {evaluate(items, rules_triage).line()}", file=out)
        print(f"  combined    {evaluate(items, triage).line()}", file=out)
    return 0


def triage_stream(inp: TextIO, out: TextIO) -> int:
    from bot.triage import model, triage

    model.load()
    bad = 0
    for number, line in enumerate(inp, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            text = item["text"]
            if not isinstance(text, str):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            bad += 1
            print(f"line {number}: expected a JSON object with a string 'text'", file=sys.stderr)
            continue
        result = triage(text)
        out.write(
            json.dumps(
                {
                    "id": item.get("id"),
                    "level": result.level.name.lower(),
                    "reasons": list(result.reasons),
                },
                ensure_ascii=False,
            )
            + "\n"
        )
    out.flush()
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
