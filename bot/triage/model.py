"""The learned second layer of the triage: two small linear models over character n-grams.

The rules know the wording they list; this layer knows wording that resembles what people in
distress write. It is trained offline (``trustbot triage train``, see ``bot.triage.train``) and
shipped as data, ``content/triage/model.json.gz``; scoring needs plain Python only.

Two scores per unit of text (see ``bot.triage.features``): the probability that the message
needs at least a *concern* answer, and the probability that it is a *crisis*. A message's
score is the highest over its units. The layer can only **raise** a rules level, never lower
it; when it raises to concern the bot asks the direct safety question, whose "yes" is crisis.
Its thresholds were chosen by cross-validation on the training data, and the file says so.
"""

from __future__ import annotations

import base64
import ctypes
import gzip
import json
import math
import sys
import threading
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.triage.features import (
    MAX_N,
    MIN_N,
    WINDOW_SENTENCES,
    capped,
    sentence_pairs,
    sentences,
    windows,
    word_features,
)
from bot.triage.levels import Level

__all__ = ["MODEL_PATH", "Model", "Scores", "current", "load", "load_in_background"]

MODEL_PATH = Path(__file__).resolve().parents[2] / "content" / "triage" / "model.json.gz"
FORMAT = 2  # 2: the vocabulary packed (see pack_vocabulary), not a list of lists
# Distinct words whose sums are remembered (emptied when full): a chat vocabulary, ~3 MB.
WORD_CACHE = 20_000


@dataclass(frozen=True)
class Scores:
    """Probabilities for the most worrying unit of a message."""

    concern: float  # at least concern
    crisis: float

    def level(self, model: Model, floor: float = 0.0) -> Level:
        """The level these scores reach; ``floor`` raises both thresholds to at least it."""
        t_crisis = max(model.crisis_threshold, floor)
        t_concern = max(model.concern_threshold, floor)
        if model.crisis_enabled and self.crisis >= t_crisis:
            return Level.CRISIS
        if self.concern >= t_concern or self.crisis >= t_crisis:
            return Level.CONCERN
        return Level.NONE


class Model:
    """Two logistic regressions over length-normalised TF-IDF features (``features``)."""

    def __init__(self, data: dict[str, Any]) -> None:
        if data.get("format") != FORMAT:
            raise ValueError(f"model format {data.get('format')!r}, expected {FORMAT}")
        feats = data["features"]
        if (feats["min_n"], feats["max_n"], feats["window"]) != (MIN_N, MAX_N, WINDOW_SENTENCES):
            raise ValueError("the model was trained with other features; rebuild it")
        self.meta: dict[str, Any] = {k: v for k, v in data.items() if k != "vocabulary"}
        self.concern_threshold = float(data["thresholds"]["concern"])
        self.crisis_threshold = float(data["thresholds"]["crisis"])
        self.crisis_enabled = bool(data["thresholds"]["crisis_enabled"])
        self._bias = (float(data["bias"][0]), float(data["bias"][1]))
        # Per feature, idf times each model's weight; ids start at 1 so that a missing
        # feature (None) is told apart by truthiness alone.
        self._index, self._w_concern, self._w_crisis, self._key = unpack_vocabulary(
            data["vocabulary"]
        )
        # Per distinct word: its features' summed weights for each model, and their number.
        self._word_concern: dict[str, float] = {}
        self._word_crisis: dict[str, float] = {}
        self._word_count: dict[str, int] = {}

    @property
    def size(self) -> int:
        return len(self._index)

    def _learn(self, words: set[str]) -> None:
        get, key = self._index.get, self._key
        for word in words:
            features = word_features(word)
            ids = list(filter(None, map(get, map(key, features))))
            self._word_concern[word] = sum(map(self._w_concern.__getitem__, ids))
            self._word_crisis[word] = sum(map(self._w_crisis.__getitem__, ids))
            self._word_count[word] = len(features)

    def _sentence(self, words: list[str]) -> tuple[float, float, int]:
        """Summed weights of a sentence's features for each model, and how many there are."""
        pair_names = sentence_pairs(words)
        words = capped(words)
        missing = set(words).difference(self._word_count)
        if missing:
            if len(self._word_count) + len(missing) > WORD_CACHE:
                # Full: start again, and learn the whole sentence, not only its new words
                # (the words it shares with the cache would be gone with it).
                self._word_concern.clear()
                self._word_crisis.clear()
                self._word_count.clear()
                missing = set(words)
            self._learn(missing)
        pairs = list(filter(None, map(self._index.get, map(self._key, pair_names))))
        return (
            sum(map(self._word_concern.__getitem__, words))
            + sum(map(self._w_concern.__getitem__, pairs)),
            sum(map(self._word_crisis.__getitem__, words))
            + sum(map(self._w_crisis.__getitem__, pairs)),
            sum(map(self._word_count.__getitem__, words)) + len(pair_names),
        )

    def scores(self, text: str) -> Scores:
        """Probabilities of the message's most worrying unit (see ``bot.triage.features``)."""
        per_sentence = [self._sentence(words) for words in sentences(text)]
        best1 = best2 = -math.inf
        for a, b in windows(len(per_sentence)):
            part = per_sentence[a:b]
            n = sum(p[2] for p in part)
            if not n:
                continue
            norm = math.sqrt(n)
            best1 = max(best1, sum(p[0] for p in part) / norm + self._bias[0])
            best2 = max(best2, sum(p[1] for p in part) / norm + self._bias[1])
        if best1 == -math.inf:
            return Scores(0.0, 0.0)
        return Scores(_sigmoid(best1), _sigmoid(best2))

    def level(self, text: str, floor: float = 0.0) -> Level:
        return self.scores(text).level(self, floor)


def pack_vocabulary(rows: list[tuple[str, float, float]]) -> dict[str, str]:
    """The vocabulary as the model file holds it: the n-grams joined by newlines, and each
    model's weights as little-endian 32-bit floats in base64 (the weights are rounded to five
    decimals, which 32 bits hold). Loading it makes no object per weight,
    so the bot's memory grows by what the model needs, not by the parser's leftovers (a list
    per feature in format 1: 19 MB instead of 7)."""
    concern = array("f", (r[1] for r in rows))
    crisis = array("f", (r[2] for r in rows))
    if sys.byteorder == "big":
        concern.byteswap()
        crisis.byteswap()
    return {
        "grams": "\n".join(r[0] for r in rows),
        "concern": base64.b64encode(concern.tobytes()).decode("ascii"),
        "crisis": base64.b64encode(crisis.tobytes()).decode("ascii"),
    }


def unpack_vocabulary(
    packed: dict[str, str],
) -> tuple[dict[Any, int], array[float], array[float], Callable[[str], Any]]:
    """Feature ids (from 1, so that a missing feature is None), the two weight arrays (a 0.0 at
    index 0), and the function that turns an n-gram into its key in the ids.

    The ids are keyed by each n-gram's hash, not the n-gram: the strings were most of the
    loaded model's memory (about 55 bytes each; a hash is an int of about 32), and no string is
    kept. Lookups give the same ids: two of the model's own n-grams sharing a hash is checked
    here (then the strings are kept instead), and an n-gram outside the vocabulary matching
    one's 64-bit hash has odds of about one in 10^14 per lookup. Hashes are only compared
    within one process, so Python's salted string hash serves.
    """
    text = packed["grams"]
    # One pass makes the strings and drops them at once, before the ids are made, so that
    # their memory is reused rather than left between the ids.
    hashes = array("q", map(hash, text.split("\n"))) if text else array("q")
    n = len(hashes)
    weights = []
    for name in ("concern", "crisis"):
        w = array("f", [0.0])
        w.frombytes(base64.b64decode(packed[name]))
        if sys.byteorder == "big":
            w.byteswap()
            w[0] = 0.0
        if len(w) != n + 1:
            raise ValueError(f"model vocabulary: {n} n-grams but {len(w) - 1} weights")
        weights.append(w)
    index: dict[Any, int] = dict(zip(hashes, range(1, n + 1), strict=True))
    if len(index) == n:
        return index, weights[0], weights[1], hash
    grams = text.split("\n")
    return dict(zip(grams, range(1, n + 1), strict=True)), weights[0], weights[1], str


def _sigmoid(x: float) -> float:
    if x < -60:
        return 0.0
    return 1.0 / (1.0 + math.exp(-x))


def read(path: Path = MODEL_PATH) -> dict[str, Any]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        data = json.load(fh)
    if not isinstance(data, dict):
        raise ValueError(f"{path.name}: not a model")
    return data


_lock = threading.Lock()
_model: Model | None = None
_failed: str | None = None


def load(path: Path = MODEL_PATH) -> Model | None:
    """Load the model now (idempotent); on any error keep the rules alone and remember why."""
    global _model, _failed
    with _lock:
        if _model is None and _failed is None:
            try:
                _model = Model(read(path))
            except (OSError, ValueError, KeyError, TypeError) as exc:
                _failed = f"{type(exc).__name__}: {exc}"
            else:
                _give_back_parsing_memory()
        return _model


def _give_back_parsing_memory() -> None:
    """Reading the file's JSON passes through a few large strings; once they are freed, glibc
    keeps most of that memory for the process (about 4 MB of the 14.7 MB the model added).
    ``malloc_trim`` hands it back to the system. Where there is no glibc there is no call."""
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return
    trim(0)


def load_in_background() -> threading.Thread:
    """Start loading in a thread so that start-up and the first replies don't wait for it."""
    thread = threading.Thread(target=load, name="triage-model", daemon=True)
    thread.start()
    return thread


def current() -> Model | None:
    """The loaded model, or None while it loads (or if it could not be loaded)."""
    return _model


def load_error() -> str | None:
    return _failed
