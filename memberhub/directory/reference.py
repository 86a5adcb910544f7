"""Reference tables shipped in `memberhub/directory/data/`: NUCC taxonomy and California ZIP centroids.

Both are read once per process (cached) from CSV files in the package; no network access.
"""

import csv
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
NUCC_CSV = DATA_DIR / "nucc_provider_taxonomy.csv"
ZIP_CENTROIDS_CSV = DATA_DIR / "ca_zip_centroids.csv"
TAXONOMY_CODE = re.compile(r"^[0-9]{3}[0-9A-Z]{6}X$")
_WORD = re.compile(r"[a-z0-9]+")
# Words that say nothing about a specialty and would match half the table.
_STOP = {"and", "of", "the", "physician", "provider", "specialist", "doctor", "dr", "care", "&"}
# Member words that are not in the NUCC names.
_SYNONYMS = {
    "cardiology": "cardiovascular",
    "cardiologist": "cardiovascular",
    "heart": "cardiovascular",
    "pediatrician": "pediatrics",
    "dermatologist": "dermatology",
    "psychiatrist": "psychiatry",
    "oncology": "oncology",
    "oncologist": "oncology",
    "obgyn": "obstetrics",
    "ob": "obstetrics",
    "gyn": "gynecology",
    "pcp": "family",
    "primary": "family",
    "eye": "ophthalmology",
    "dentist": "dentist",
    "dental": "dentist",
    "pharmacist": "pharmacy",
    "drugstore": "pharmacy",
    "kidney": "nephrology",
    "lung": "pulmonary",
    "bone": "orthopaedic",
    "orthopedic": "orthopaedic",
    "orthopedics": "orthopaedic",
    "therapist": "therapist",
    "counseling": "counselor",
    "geriatric": "geriatric",
    "geriatrics": "geriatric",
}


@dataclass(frozen=True, slots=True)
class Taxonomy:
    code: str
    grouping: str
    classification: str
    specialization: str
    display_name: str
    section: str

    @property
    def words(self) -> frozenset[str]:
        text = f"{self.classification} {self.specialization} {self.display_name}".lower()
        return frozenset(_WORD.findall(text))


def is_taxonomy_code(value: str) -> bool:
    return bool(TAXONOMY_CODE.match(value.strip().upper()))


@cache
def taxonomy_table() -> dict[str, Taxonomy]:
    table: dict[str, Taxonomy] = {}
    with NUCC_CSV.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            code = row["Code"].strip()
            table[code] = Taxonomy(
                code=code,
                grouping=row["Grouping"].strip(),
                classification=row["Classification"].strip(),
                specialization=row["Specialization"].strip(),
                display_name=(row["Display Name"] or row["Classification"]).strip(),
                section=row["Section"].strip(),
            )
    return table


def taxonomy_name(code: str) -> str:
    entry = taxonomy_table().get(code)
    return entry.display_name if entry else code


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 4 and word.endswith("s") else word


@lru_cache(maxsize=2048)
def taxonomy_codes_for(query: str) -> tuple[str, ...]:
    """NUCC codes matching a specialty query: a code (exact), or words that all occur in the name.

    `cardiology` -> every cardiovascular code; `family medicine` -> 207Q00000X and its specializations.
    Words are matched as prefixes of the taxonomy's words, so `pediatric` finds `pediatrics`.
    Returns a sorted tuple (empty when nothing matches).
    """
    text = query.strip()
    if not text:
        return ()
    codes = [part.strip().upper() for part in text.split(",")]
    if all(is_taxonomy_code(code) for code in codes):
        return tuple(sorted(set(codes)))
    words = [_SYNONYMS.get(w, w) for w in _WORD.findall(text.lower()) if w not in _STOP]
    if not words:
        return ()
    matches = []
    for entry in taxonomy_table().values():
        entry_words = entry.words
        if all(any(ew.startswith(_stem(w)) for ew in entry_words) for w in words):
            matches.append(entry.code)
    return tuple(sorted(matches))


@cache
def zip_centroids() -> dict[str, tuple[float, float]]:
    with ZIP_CENTROIDS_CSV.open(newline="", encoding="utf-8") as handle:
        return {row["zip"]: (float(row["lat"]), float(row["lon"])) for row in csv.DictReader(handle)}


def zip_centroid(postal_code: str | None) -> tuple[float, float] | None:
    """(lat, lon) of a California ZIP's centroid, or None when the ZIP is unknown."""
    digits = re.sub(r"\D", "", postal_code or "")[:5]
    return zip_centroids().get(digits) if len(digits) == 5 else None
