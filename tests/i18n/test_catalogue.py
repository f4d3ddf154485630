"""The one catalogue holds every string `pybabel extract` finds (babel.cfg), translated into English."""

from __future__ import annotations

from configparser import ConfigParser
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import acompte
from acompte.adapters.i18n import catalogue

ROOT = Path(__file__).resolve().parents[2]
SOURCE = Path(acompte.__file__).parent
#: `_` in templates, `translate(request, …)` and `t(request, …)` in routes, `gettext(lang, …)` and
#: `ngettext(lang, …, …, n)` in adapters, `N_` and `NP_` markers in tables.
KEYWORDS = {
    "_": None,
    "translate": (2,),
    "t": (2,),
    "gettext": (2,),
    "ngettext": (2, 3),
    "N_": None,
    "NP_": ((1, "c"), 2),
}


def extracted() -> set[tuple[str | None, str]]:
    config = ConfigParser()
    config.read(ROOT / "babel.cfg")
    method_map = [(section.split(":", 1)[1].strip(), section.split(":", 1)[0]) for section in config.sections()]
    options_map = {pattern: dict(config[f"{method}: {pattern}"]) for pattern, method in method_map}
    found = set()
    for _, _, message, _, context in extract_from_dir(SOURCE, method_map, options_map, keywords=KEYWORDS):
        found.add((context, message[0] if isinstance(message, tuple) else message))
    return found


def test_every_extracted_string_is_in_the_catalogue_and_translated():
    with catalogue.po_path("en").open("rb") as handle:
        english = {
            (m.context, m.id[0] if isinstance(m.id, tuple) else m.id): m.string
            for m in read_po(handle, locale="en")
            if m.id
        }
    found = extracted()
    assert len(found) > 500
    missing = sorted(f"{context or ''}|{text}" for context, text in found if not english.get((context, text)))
    assert not missing, "add these msgids to adapters/i18n/locales/*/LC_MESSAGES/messages.po:\n" + "\n".join(missing)


def test_the_french_catalogue_has_the_same_msgids():
    ids = {}
    for lang in catalogue.LANGUAGES:
        with catalogue.po_path(lang).open("rb") as handle:
            ids[lang] = {(m.context, str(m.id)) for m in read_po(handle, locale=lang) if m.id}
    assert ids["fr"] == ids["en"]


def test_every_catalogue_entry_is_whole():
    """An entry with its msgid but no msgstr line (a merge can drop one) is read by Babel with a warning only,
    and the entry silently lost: refused here."""
    for lang in catalogue.LANGUAGES:
        with catalogue.po_path(lang).open("rb") as handle:
            read_po(handle, locale=lang, abort_invalid=True)
