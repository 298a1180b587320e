"""The command line: content check, triage over JSON lines, and the terminal demo."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bot.wiring.cli import content_check, triage_stream
from bot.wiring.demo import run_demo


def test_content_check_passes_on_the_shipped_content() -> None:
    out = io.StringIO()
    assert content_check(out) == 0
    assert "Content is fine" in out.getvalue()


def test_content_check_lists_problems_and_exits_1(tmp_path: Path) -> None:
    root = tmp_path / "content"
    (root / "lessons").mkdir(parents=True)
    (root / "lessons" / "intro.yaml").write_text("id: intro\norder: 0\n", encoding="utf-8")
    out = io.StringIO()
    assert content_check(out, root) == 1
    text = out.getvalue()
    assert "problem(s)" in text and "intro.yaml" in text


def test_triage_stream_reads_and_writes_json_lines() -> None:
    inp = io.StringIO(
        json.dumps({"id": 1, "text": "I want to end my life"})
        + "\n"
        + json.dumps({"id": "b", "text": "lovely walk in the park today"})
        + "\n"
    )
    out = io.StringIO()
    assert triage_stream(inp, out) == 0
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["id"] for r in rows] == [1, "b"]
    assert rows[0]["level"] == "crisis" and rows[1]["level"] == "none"
    assert all(isinstance(r["reasons"], list) for r in rows)


def test_triage_stream_reports_bad_lines(capsys: pytest.CaptureFixture[str]) -> None:
    out = io.StringIO()
    assert triage_stream(io.StringIO("not json\n"), out) == 1
    assert "line 1" in capsys.readouterr().err and out.getvalue() == ""


async def test_demo_answers_start_lesson_checkin_meditate_and_sos() -> None:
    script = "\n".join(["/start", "1", "/lesson", "/checkin", "3", "/meditate", "/sos", "/quit"])
    out = io.StringIO()
    assert await run_demo(user_id=5, inp=io.StringIO(script + "\n"), out=out) == 0
    screen = out.getvalue()
    assert "not a therapist" in screen  # /start
    assert "(you pressed: Yes, 16 or older)" in screen and "What may I keep" in screen
    assert "Which part would you like to explore" in screen  # /lesson without progress
    assert "How are you feeling right now" in screen and "(you pressed: 3 😐 Okay)" in screen
    assert "Which practice would you like" in screen  # /meditate
    assert "988" in screen and "findahelpline.com" in screen  # /sos
    assert "[1]" in screen and "Goodbye" in screen


@pytest.mark.parametrize("language", ["es", "es-419"])
async def test_the_demo_speaks_its_language_from_the_first_line_to_the_last(
    language: str,
) -> None:
    out = io.StringIO()
    script = io.StringIO("/start\n1\n/quit\n")
    assert await run_demo(user_id=6, inp=script, out=out, language=language) == 0
    screen = out.getvalue()
    assert screen.startswith("trustbot demo: un chat local")
    assert "Para pulsar un botón" in screen and "Hasta pronto. Cuídate mucho." in screen
    assert "tú> " in screen and "(pulsaste: " in screen
    assert "Goodbye" not in screen and "Type a message" not in screen
    assert "you> " not in screen and "you pressed" not in screen


async def test_key_rotation_reseals_the_journal_and_replaces_the_key_file(tmp_path: Path) -> None:

    from bot.config import load_settings
    from bot.crypto import KeyError_, Sealer, load_or_create_key
    from bot.storage import Storage
    from bot.wiring.cli import rotate_key

    db_path = tmp_path / "trustbot.sqlite3"
    old_key = load_or_create_key(None, db_path)
    store = await Storage.open(db_path, Sealer(old_key))
    await store.ensure_user(1, 1, 0)
    await store.add_journal(1, "checkin", "kept through rotation", 10)
    await store.close()
    settings = load_settings(_env_file=None, TRUSTBOT_DB_PATH=db_path)
    out = io.StringIO()
    assert await rotate_key(settings, out) == 0
    new_key = load_or_create_key(None, db_path)
    assert new_key != old_key and "Re-encrypted 1" in out.getvalue()
    assert oct((tmp_path / "trustbot.key").stat().st_mode & 0o777) == "0o600"
    store = await Storage.open(db_path, Sealer(new_key))
    try:
        assert [e.text for e in await store.journal(1)] == ["kept through rotation"]
    finally:
        await store.close()
    with pytest.raises(KeyError_):  # the old key no longer opens anything
        stale = await Storage.open(db_path, Sealer(old_key))
        try:
            await stale.journal(1)
        finally:
            await stale.close()


def test_content_check_reports_a_broken_triage_lexicon(tmp_path: Path) -> None:
    from bot.wiring.cli import check_triage_lexicons

    (tmp_path / "en.yaml").write_text(
        "language: en\ncategories:\n  crisis.suicidal_ideation:\n    - 'want to (die'\n",
        encoding="utf-8",
    )
    problems = check_triage_lexicons(tmp_path)
    assert len(problems) == 1 and problems[0].startswith("content/triage:")
    assert check_triage_lexicons() == []


def test_content_check_fails_when_training_data_changed_and_the_model_was_not_rebuilt(
    tmp_path: Path,
) -> None:
    import shutil

    from bot.triage.model import MODEL_PATH
    from bot.triage.train import TRAINING_DIR
    from bot.wiring.cli import check_triage_model

    copy = tmp_path / "training"
    shutil.copytree(TRAINING_DIR, copy)
    assert check_triage_model(MODEL_PATH, copy) == []
    first = sorted(copy.glob("*.jsonl"))[0]
    with first.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps({"text": "a new line", "level": "none", "lang": "en"}) + "\n")
    problems = check_triage_model(MODEL_PATH, copy)
    assert len(problems) == 1 and "trustbot triage train" in problems[0]
    broken = tmp_path / "model.json.gz"
    broken.write_bytes(b"not a model")
    assert "does not load" in check_triage_model(broken, copy)[0]


def test_content_check_fails_when_features_changed_and_the_model_was_not_rebuilt(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bot.triage import features
    from bot.wiring.cli import check_triage_model

    assert check_triage_model() == []
    # What a change to normalisation does to the probe messages' features: a letter kept.
    real = features.unit_counts
    monkeypatch.setattr(
        features, "unit_counts", lambda text: real(text.replace("proud of", "proud off"))
    )
    problems = check_triage_model()
    assert len(problems) == 1 and "normalisation" in problems[0]
    assert "trustbot triage train" in problems[0]


def test_content_check_lists_crisis_lines_not_checked_for_over_a_year() -> None:
    from datetime import date

    from content.resources import DEFAULT_PATH, stale_entries

    data = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    assert stale_entries(data, date(2026, 12, 3)) == []
    later = stale_entries(data, date(2028, 1, 1))
    assert any(entry.startswith("US crisis") for entry in later)
    assert any(entry.startswith("GB emergency number") for entry in later)
    out = io.StringIO()
    assert content_check(out, today=date(2028, 1, 1)) == 0  # listed, not a failure
    assert "last checked over a year ago" in out.getvalue()
