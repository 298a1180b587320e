"""Rebuild the learned triage layer from the training messages (``trustbot triage train``).

Needs the optional extra: ``pip install -e '.[train]'`` (scikit-learn). The bot itself never
imports this module. Reproducible: the same training files and seed give the same model file.

1. Read every ``content/triage/training/*.jsonl`` (text, level, rule, lang, group). The
   evaluation sets in ``tests/data`` are never read here.
2. Features as the bot computes them (``bot.triage.features``): binary character 2-5-grams
   of the whole message, IDF-weighted and L2-normalised; vocabulary = n-grams in at least
   :data:`MIN_DF` messages.
3. Two logistic regressions: "at least concern" and "crisis". The regularisation strength
   and both thresholds are chosen by stratified 5-fold cross-validation on the training data,
   scoring each held-out message exactly as the bot does (highest unit, rules level raised):
   the crisis threshold is the lowest at which the model adds at most
   :data:`MAX_ADDED_FALSE_ALARM` false alarms to the rules' own on the training negatives, the
   concern threshold the lowest at which it adds at most :data:`MAX_ADDED_OVER_REFERRAL`
   referrals.
4. Write ``content/triage/model.json.gz`` with the training data's hash, the settings and the
   cross-validated figures.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.triage.features import MAX_N, MIN_N, WINDOW_SENTENCES, fingerprint, unit_counts
from bot.triage.model import FORMAT, MODEL_PATH, pack_vocabulary
from bot.triage.rules import rules_triage

__all__ = [
    "TRAINING_DIR",
    "TrainReport",
    "fit",
    "load_training",
    "sigmoid",
    "train",
    "training_hash",
]

TRAINING_DIR = Path(__file__).resolve().parents[2] / "content" / "triage" / "training"
SEED = 20261203
MIN_DF = 3
C_GRID = (3.0, 10.0, 30.0)
FOLDS = 5
# What the model may add to the rules' own errors on the training negatives (cross-validated).
MAX_ADDED_OVER_REFERRAL = 0.05
MAX_ADDED_FALSE_ALARM = 0.015
PRUNE = 0.002
_LEVELS = {"none": 0, "concern": 1, "crisis": 2}


def training_files(directory: Path = TRAINING_DIR) -> list[Path]:
    return sorted(directory.glob("*.jsonl"))


def training_hash(directory: Path = TRAINING_DIR) -> str:
    """SHA-256 over the training files' names and bytes, in name order."""
    h = hashlib.sha256()
    for path in training_files(directory):
        h.update(path.name.encode() + b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def load_training(directory: Path = TRAINING_DIR) -> list[dict[str, str]]:
    items: list[dict[str, str]] = []
    seen: set[str] = set()
    for path in training_files(directory):
        for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not raw.strip():
                continue
            item = json.loads(raw)
            if item.get("level") not in _LEVELS or not str(item.get("text", "")).strip():
                raise ValueError(f"{path.name}:{lineno}: needs a text and a valid level")
            key = " ".join(str(item["text"]).split()).casefold()
            if key in seen:
                continue  # an exact repeat teaches nothing and would leak across folds
            seen.add(key)
            items.append({k: str(v) for k, v in item.items()})
    return items


@dataclass
class TrainReport:
    n: int
    vocabulary: int
    c: float
    concern_threshold: float
    crisis_threshold: float
    cv: dict[str, float]
    path: Path


def _vocabulary(wholes: Sequence[Counter[str]]) -> tuple[list[str], list[float]]:
    df: Counter[str] = Counter()
    for counts in wholes:
        df.update(counts.keys())
    vocab = sorted(g for g, d in df.items() if d >= MIN_DF)
    n = len(wholes)
    idf = [math.log((1 + n) / (1 + df[g])) + 1.0 for g in vocab]
    return vocab, idf


def _matrix(units: Sequence[Counter[str]], index: dict[str, int], idf: Sequence[float]) -> Any:
    """Rows of count * idf / sqrt(number of features in the unit, known or not)."""
    from scipy.sparse import csr_matrix

    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for r, counts in enumerate(units):
        norm = math.sqrt(sum(counts.values())) or 1.0
        for g, c in counts.items():
            i = index.get(g)
            if i is not None:
                rows.append(r)
                cols.append(i)
                vals.append(c * idf[i] / norm)
    return csr_matrix((vals, (rows, cols)), shape=(len(units), len(index)))


@dataclass
class _Fitted:
    vocab: list[str]
    idf: list[float]
    coef: list[list[float]]  # [concern][feature], [crisis][feature]
    bias: list[float]

    def weights(self) -> dict[str, Any]:
        """The model as the bot reads it: bias, and per n-gram idf times each weight.

        Features whose weights are both below :data:`PRUNE` are left out: every feature still
        counts in a unit's length (known or not), so leaving one out only sets its weight to
        zero, which moves no decision value by more than a few thousandths.
        """
        rows = []
        for g, idf, w1, w2 in zip(self.vocab, self.idf, self.coef[0], self.coef[1], strict=True):
            a, b = idf * w1, idf * w2
            if abs(a) >= PRUNE or abs(b) >= PRUNE:
                rows.append((g, round(a, 5), round(b, 5)))
        return {"bias": [round(x, 6) for x in self.bias], "vocabulary": pack_vocabulary(rows)}

    def decisions(self, per_item: Sequence[Sequence[Counter[str]]]) -> list[tuple[float, float]]:
        """Each item's highest decision values over its units, as the bot computes them."""
        import numpy as np

        index = {g: i for i, g in enumerate(self.vocab)}
        flat = [u for units in per_item for u in units]
        values = _matrix(flat, index, self.idf) @ np.array(self.coef).T + np.array(self.bias)
        out: list[tuple[float, float]] = []
        row = 0
        for units in per_item:
            part = values[row : row + len(units)]
            row += len(units)
            if not units:  # nothing to read (only emoji or punctuation): the bot scores 0
                out.append((-math.inf, -math.inf))
                continue
            out.append((float(part[:, 0].max()), float(part[:, 1].max())))
        return out


def fit(items: Sequence[dict[str, str]], wholes: Sequence[Counter[str]], c: float) -> _Fitted:
    from sklearn.linear_model import LogisticRegression

    vocab, idf = _vocabulary(wholes)
    index = {g: i for i, g in enumerate(vocab)}
    x = _matrix(wholes, index, idf)
    coef: list[list[float]] = []
    bias: list[float] = []
    for at_least in (1, 2):
        y = [int(_LEVELS[it["level"]] >= at_least) for it in items]
        clf = LogisticRegression(
            C=c, class_weight="balanced", solver="liblinear", random_state=SEED, max_iter=2000
        )
        clf.fit(x, y)
        coef.append([float(v) for v in clf.coef_[0]])
        bias.append(float(clf.intercept_[0]))
    return _Fitted(vocab, idf, coef, bias)


def _sigmoid(x: float) -> float:
    return 0.0 if x < -60 else 1.0 / (1.0 + math.exp(-x))


def sigmoid(x: float) -> float:
    return _sigmoid(x)


def _oof(
    items: Sequence[dict[str, str]],
    all_units: Sequence[list[Counter[str]]],
    c: float,
    progress: Callable[[str], None],
) -> list[tuple[float, float]]:
    from sklearn.model_selection import StratifiedKFold

    labels = [f"{it['level']}:{it.get('lang', '')}" for it in items]
    out: list[tuple[float, float]] = [(0.0, 0.0)] * len(items)
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    for k, (tr, te) in enumerate(folds.split(labels, labels), start=1):
        fitted = fit([items[i] for i in tr], [all_units[i][0] for i in tr], c)
        for i, (s1, s2) in zip(te, fitted.decisions([all_units[i] for i in te]), strict=True):
            out[i] = (_sigmoid(s1), _sigmoid(s2))
        progress(f"  C={c:g} fold {k}/{FOLDS}")
    return out


def _combined(rules: int, p: tuple[float, float], t_concern: float, t_crisis: float) -> int:
    learned = 2 if p[1] >= t_crisis else 1 if (p[0] >= t_concern or p[1] >= t_crisis) else 0
    return max(rules, learned)


def _figures(levels: Sequence[int], got: Sequence[int]) -> dict[str, float]:
    def rate(e: int, cond: Callable[[int], bool]) -> float:
        pool = [g for lv, g in zip(levels, got, strict=True) if lv == e]
        return sum(1 for g in pool if cond(g)) / len(pool) if pool else 0.0

    risky = [g for lv, g in zip(levels, got, strict=True) if lv > 0]
    return {
        "crisis_recall": rate(2, lambda g: g == 2),
        "safety_recall": sum(1 for g in risky if g >= 1) / len(risky) if risky else 0.0,
        "under_triage": rate(2, lambda g: g == 0),
        "false_alarm": rate(0, lambda g: g == 2),
        "over_referral": rate(0, lambda g: g >= 1),
    }


def _threshold(candidates: Sequence[float], ok: Callable[[float], bool]) -> float:
    """The lowest candidate that keeps ``ok`` true (candidates ascending)."""
    for t in candidates:
        if ok(t):
            return t
    return 1.0


def _choose(
    levels: Sequence[int], rules: Sequence[int], oof: Sequence[tuple[float, float]]
) -> tuple[float, float, dict[str, float]]:
    """Thresholds by what the model *adds* to the rules on the training negatives."""
    grid = [round(0.05 + 0.01 * k, 2) for k in range(95)]
    negatives = [i for i, lv in enumerate(levels) if lv == 0]

    def added(t_concern: float, t_crisis: float, at_least: int) -> float:
        raised = sum(
            1
            for i in negatives
            if rules[i] < at_least <= _combined(rules[i], oof[i], t_concern, t_crisis)
        )
        return raised / len(negatives)

    t_crisis = _threshold(grid, lambda t: added(1.01, t, 2) <= MAX_ADDED_FALSE_ALARM)
    t_concern = _threshold(grid, lambda t: added(t, t_crisis, 1) <= MAX_ADDED_OVER_REFERRAL)
    got = [_combined(r, p, t_concern, t_crisis) for r, p in zip(rules, oof, strict=True)]
    return t_concern, t_crisis, _figures(levels, got)


def _sklearn_version() -> str:
    import sklearn

    return str(sklearn.__version__)


def _average_precision(y: Sequence[int], p: Sequence[float]) -> float:
    pairs = sorted(zip(p, y, strict=True), key=lambda t: -t[0])
    positives = sum(y)
    hits = 0
    total = 0.0
    for rank, (_score, label) in enumerate(pairs, start=1):
        if label:
            hits += 1
            total += hits / rank
    return total / positives if positives else 0.0


def train(
    directory: Path = TRAINING_DIR,
    out: Path = MODEL_PATH,
    crisis_enabled: bool = True,
    progress: Callable[[str], None] = print,
) -> TrainReport:
    items = load_training(directory)
    progress(f"{len(items)} training messages from {len(training_files(directory))} files")
    all_units = [unit_counts(it["text"]) for it in items]
    levels = [_LEVELS[it["level"]] for it in items]
    rules = [int(rules_triage(it["text"]).level) for it in items]
    best: tuple[float, float, list[tuple[float, float]]] | None = None
    for c in C_GRID:
        oof = _oof(items, all_units, c, progress)
        ap = _average_precision([int(lv >= 1) for lv in levels], [p[0] for p in oof])
        ap += _average_precision([int(lv == 2) for lv in levels], [p[1] for p in oof])
        progress(f"C={c:g}: mean average precision {ap / 2:.4f}")
        if best is None or ap > best[0]:
            best = (ap, c, oof)
    assert best is not None
    _ap, c, oof = best
    t_concern, t_crisis, cv = _choose(levels, rules, oof)
    rules_only = _figures(levels, rules)
    progress(f"chose C={c:g}, thresholds concern={t_concern} crisis={t_crisis}")
    fitted = fit(items, [u[0] for u in all_units], c)
    data: dict[str, Any] = {
        "format": FORMAT,
        "features": {
            "min_n": MIN_N,
            "max_n": MAX_N,
            "window": WINDOW_SENTENCES,
            "min_df": MIN_DF,
            "fingerprint": fingerprint(),
        },
        "training": {
            "sha256": training_hash(directory),
            "files": [p.name for p in training_files(directory)],
            "messages": len(items),
            "seed": SEED,
            "C": c,
            "folds": FOLDS,
            # The same data and seed give the same weights only with the same library: record it.
            "scikit_learn": _sklearn_version(),
        },
        "thresholds": {"concern": t_concern, "crisis": t_crisis, "crisis_enabled": crisis_enabled},
        "cross_validated": {
            "combined": {k: round(v, 4) for k, v in cv.items()},
            "rules_only": {k: round(v, 4) for k, v in rules_only.items()},
        },
        **fitted.weights(),
    }
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    # No name and no time in the gzip header: the same training data gives the same bytes.
    with out.open("wb") as raw, gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as fh:
        fh.write(payload.encode("utf-8"))
    n_features = data["vocabulary"]["grams"].count("\n") + 1
    progress(f"wrote {out.name}: {n_features} features; cross-validated {cv}")
    return TrainReport(len(items), n_features, c, t_concern, t_crisis, cv, out)
