"""Spoken languages: BCP-47 codes (as Plan-Net carries them) and the English names members type."""

import re

# The languages California plans most often list (threshold languages) plus common others.
LANGUAGE_NAMES: dict[str, str] = {
    "en": "English",
    "es": "Spanish",
    "zh": "Chinese",
    "yue": "Cantonese",
    "cmn": "Mandarin",
    "vi": "Vietnamese",
    "tl": "Tagalog",
    "fil": "Filipino",
    "ko": "Korean",
    "hy": "Armenian",
    "ru": "Russian",
    "fa": "Farsi",
    "ar": "Arabic",
    "km": "Khmer",
    "hmn": "Hmong",
    "ja": "Japanese",
    "pa": "Punjabi",
    "hi": "Hindi",
    "lo": "Lao",
    "mien": "Mien",
    "th": "Thai",
    "uk": "Ukrainian",
    "pt": "Portuguese",
    "fr": "French",
    "de": "German",
    "it": "Italian",
    "ur": "Urdu",
    "bn": "Bengali",
    "gu": "Gujarati",
    "he": "Hebrew",
    "pl": "Polish",
    "ase": "American Sign Language",
    "sgn": "Sign language",
    "ta": "Tamil",
    "te": "Telugu",
    "am": "Amharic",
    "so": "Somali",
    "ps": "Pashto",
    "my": "Burmese",
}
ALIASES: dict[str, str] = {
    "persian": "fa",
    "asl": "ase",
    "sign": "ase",
    "american sign language": "ase",
    "filipino": "tl",
    "chinese mandarin": "zh",
    "mandarin": "zh",
    "cantonese": "zh",
}
_BY_NAME = {name.lower(): code for code, name in LANGUAGE_NAMES.items()}
_CODE = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")


def normalize_language(value: str) -> str | None:
    """A BCP-47 primary language code (lower case) for a code or English name; None if unknown.

    Region/script subtags are dropped (`zh-Hant` -> `zh`, `es-MX` -> `es`): members search by
    language, not by variant. Chinese variants (Mandarin, Cantonese) fold into `zh`.
    """
    text = value.strip()
    if not text:
        return None
    lowered = text.lower()
    if lowered in ALIASES:
        return ALIASES[lowered]
    if lowered in _BY_NAME:
        code = _BY_NAME[lowered]
        return "zh" if code in ("yue", "cmn") else code
    if _CODE.match(text):
        primary = lowered.split("-")[0]
        if primary in ("yue", "cmn"):
            return "zh"
        # ISO 639 primary subtags are 2-3 letters; longer ones only if we know them (e.g. "mien").
        return primary if len(primary) <= 3 or primary in LANGUAGE_NAMES else None
    return None


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)
