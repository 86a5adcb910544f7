"""Make the small CJK font subsets shipped in static/fonts/ from Debian's fonts-noto-cjk.

The full Noto Sans CJK collection is ~20 MB per weight; printed materials only need the glyphs of the
Chinese and Korean text memberhub actually prints (the language-help taglines), plus ASCII. Re-run
after adding CJK text to a template:

    python manage.py fonts_subset_cjk [--source /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc]
"""

import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from fontTools import subset
from fontTools.ttLib import TTCollection

from memberhub.cards.translations import LANGUAGE_TAGLINES


def _notice_taglines(lang: str) -> str:
    """Text of the notices' multi-language insert for `lang` (config/notices/languages.yaml)."""
    import yaml

    path = Path(getattr(settings, "NOTICES_CONFIG_DIR", Path(settings.BASE_DIR) / "config" / "notices"))
    data = yaml.safe_load((path / "languages.yaml").read_text(encoding="utf-8"))
    return "".join(
        item["tagline"] + item["native_name"] for item in data["languages"] if item["code"] == lang
    )


FACES = {"tc": ("Noto Sans CJK TC", "zh"), "kr": ("Noto Sans CJK KR", "ko")}


class Command(BaseCommand):
    help = "Subset Noto Sans CJK (TC + KR) to the glyphs memberhub prints."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--source", default="/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
        parser.add_argument("--out", default=str(Path(settings.BASE_DIR) / "static" / "fonts"))

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["source"])
        if not source.exists():
            raise CommandError(f"{source} not found: apt-get install fonts-noto-cjk")
        logging.getLogger("fontTools").setLevel(logging.WARNING)
        collection = TTCollection(str(source))
        ascii_text = "".join(chr(c) for c in range(0x20, 0x7F))
        for suffix, (family, lang) in FACES.items():
            font = next(f for f in collection.fonts if f["name"].getDebugName(1) == family)
            text = ascii_text + "".join(t for code, t in LANGUAGE_TAGLINES if code == lang) + "：。，"
            text += _notice_taglines(lang)  # the notices' "help in your language" insert (config/notices)
            opts = subset.Options()
            opts.layout_features = ["*"]
            opts.name_IDs = ["*"]
            opts.notdef_outline = True
            sub = subset.Subsetter(options=opts)
            sub.populate(text=text)
            sub.subset(font)
            out = Path(options["out"]) / f"NotoSansCJK{suffix}-Subset.otf"
            font.save(str(out))
            self.stdout.write(f"{out} ({out.stat().st_size} bytes)")
