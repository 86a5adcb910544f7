"""Typo-tolerant drug name matching helpers (pure).

The database does the heavy lifting with pg_trgm; these functions classify what a user typed
(RxCUI, NDC, or a name), normalize names the same way the search index does, and rank or group
results deterministically. :func:`trigram_similarity` mirrors pg_trgm's ``similarity()`` so pure
tests and the SQL agree on what "close enough" means.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from memberhub.formulary.values import ndc_candidates

_NON_WORD_RE = re.compile(r"[^a-z0-9.%/ ]+")
_SPACE_RE = re.compile(r"\s+")


class QueryKind(StrEnum):
    RXCUI = "rxcui"
    NDC = "ndc"
    NAME = "name"


@dataclass(frozen=True, slots=True)
class DrugQuery:
    kind: QueryKind
    text: str  # normalized name text (for NAME), or the identifier
    ndcs: tuple[str, ...] = ()


MIN_NAME_LENGTH = 3


def normalize_name(text: str) -> str:
    """Lower-case, accents folded, punctuation to spaces, single-spaced."""
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()
    folded = _NON_WORD_RE.sub(" ", folded.replace("-", " "))
    return _SPACE_RE.sub(" ", folded).strip()


def classify_query(raw: str) -> DrugQuery:
    """Decide how to search for what the user typed.

    Up to 8 digits: an RxCUI. 10 or 11 digits, or digits with hyphens: an NDC (every 11-digit
    reading of it). Anything else: a name.
    """
    text = raw.strip()
    compact = text.replace(" ", "")
    if re.fullmatch(r"\d{1,8}", compact):
        return DrugQuery(QueryKind.RXCUI, compact.lstrip("0") or "0")
    if re.fullmatch(r"[\d-]+", compact) and any(ch.isdigit() for ch in compact):
        candidates = ndc_candidates(compact)
        if candidates:
            return DrugQuery(QueryKind.NDC, compact, candidates)
    return DrugQuery(QueryKind.NAME, normalize_name(text))


def trigrams(text: str) -> set[str]:
    """pg_trgm's trigram set: each word padded with two spaces before and one after."""
    grams: set[str] = set()
    for word in re.findall(r"[a-z0-9]+", text.lower()):
        padded = f"  {word} "
        for i in range(len(padded) - 2):
            grams.add(padded[i : i + 3])
    return grams


def trigram_similarity(a: str, b: str) -> float:
    """Same value as PostgreSQL ``similarity(a, b)`` from pg_trgm."""
    ga, gb = trigrams(a), trigrams(b)
    if not ga or not gb:
        return 0.0
    return len(ga & gb) / len(ga | gb)


def word_similarity(query: str, text: str) -> float:
    """Best trigram similarity of ``query`` against any run of words in ``text``.

    An approximation of pg_trgm's ``word_similarity``: a short query compared with a long drug
    name ("atorvastatn" vs "atorvastatin 10 MG Oral Tablet") scores on the best-matching words.
    """
    words = re.findall(r"[a-z0-9]+", text.lower())
    q_words = max(1, len(re.findall(r"[a-z0-9]+", query.lower())))
    best = 0.0
    for i in range(len(words)):
        for j in range(i + 1, min(len(words), i + q_words + 1) + 1):
            best = max(best, trigram_similarity(query, " ".join(words[i:j])))
    return best


def damerau_levenshtein(a: str, b: str) -> int:
    """Edit distance with adjacent transpositions (optimal string alignment)."""
    if a == b:
        return 0
    rows = len(a) + 1
    cols = len(b) + 1
    prev2: list[int] = []
    prev = list(range(cols))
    for i in range(1, rows):
        cur = [i] + [0] * (cols - 1)
        for j in range(1, cols):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def is_close_match(query: str, word: str) -> bool:
    """Typo tolerance for a single word: 1 edit up to 5 letters, 2 up to 10, then 3."""
    q, w = normalize_name(query), normalize_name(word)
    if not q or not w:
        return False
    if w.startswith(q):
        return True
    allowed = 1 if len(q) <= 5 else 2 if len(q) <= 10 else 3
    return damerau_levenshtein(q, w[: len(q) + allowed]) <= allowed or damerau_levenshtein(q, w) <= allowed


@dataclass(frozen=True, slots=True)
class RankedName:
    key: str
    score: float


def rank_names(query: str, names: Iterable[tuple[str, str]], *, limit: int = 20) -> list[RankedName]:
    """Rank ``(key, name)`` pairs for ``query``: prefix matches first, then by similarity.

    Deterministic: ties break on the name then the key.
    """
    q = normalize_name(query)
    scored: list[tuple[int, float, str, str]] = []
    for key, name in names:
        norm = normalize_name(name)
        prefix = 0 if norm.startswith(q) or any(w.startswith(q) for w in norm.split()) else 1
        score = 1.0 if prefix == 0 else word_similarity(q, norm)
        if prefix == 1 and score < 0.3 and not any(is_close_match(q, w) for w in norm.split()):
            continue
        scored.append((prefix, -score, norm, key))
    scored.sort()
    return [RankedName(key=k, score=-s) for _, s, _, k in scored[:limit]]


@dataclass(frozen=True, slots=True)
class GroupKey:
    ingredient: str
    strength: str | None


def group_by_ingredient_strength(
    items: Sequence[tuple[str, str | None, str]],
) -> list[tuple[GroupKey, list[str]]]:
    """Group ``(ingredient_key, strength, rxcui)`` keeping first-seen group order (= rank)."""
    order: list[GroupKey] = []
    groups: dict[GroupKey, list[str]] = {}
    for ingredient, strength, rxcui in items:
        key = GroupKey(ingredient, strength)
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(rxcui)
    return [(key, groups[key]) for key in order]
