"""The English catalogues cover the pages: every French text of a template, and of a page's message, has an
English translation in the one catalogue `adapters/i18n/locales/en/LC_MESSAGES/messages.po`, with the same `{placeholders}`; no entry is left empty.

Guards the pages of every group (each helper adds its own catalogue): a text added without its translation
fails here with the template and the text."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

import acompte.adapters.i18n as i18n_package
import acompte.adapters.web as web_package

WEB = Path(web_package.__file__).parent
TEMPLATES = WEB / "templates"
CATALOGUES = [Path(i18n_package.__file__).parent / "locales" / "en" / "LC_MESSAGES" / "messages.po"]
#: `_("…")` or `_('…')` in a template (not `x._(`), and `translate(request, "…")` in a routes module.
TEMPLATE_TEXT = re.compile(r"""(?<![\w.])_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")
ROUTE_TEXT = re.compile(r"""translate\(\s*request\s*,\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _unescape(text: str) -> str:
    return text.replace("\\'", "'").replace('\\"', '"').replace("\\\\", "\\")


def english() -> dict[str, tuple[str, str]]:
    """msgid → (msgstr, catalogue file name) over every English catalogue."""
    found: dict[str, tuple[str, str]] = {}
    for path in CATALOGUES:
        with path.open("rb") as handle:
            for message in read_po(handle, locale="en"):
                if message.id and isinstance(message.id, str):
                    found[message.id] = (str(message.string or ""), path.name)
    return found


def texts(paths: list[Path], pattern: re.Pattern[str]) -> list[tuple[str, str]]:
    """(file relative to the web package, French text) of every literal the pattern finds."""
    found = []
    for path in paths:
        for match in pattern.finditer(path.read_text(encoding="utf-8")):
            raw = match.group(1) if match.group(1) is not None else match.group(2)
            found.append((str(path.relative_to(WEB)), _unescape(raw)))
    return found


def test_there_are_english_catalogues():
    assert all(path.is_file() for path in CATALOGUES)


def test_every_catalogue_entry_is_translated_with_the_same_placeholders():
    problems = []
    for msgid, (msgstr, name) in english().items():
        if not msgstr.strip():
            problems.append(f"{name}: empty translation of {msgid!r}")
        elif set(PLACEHOLDER.findall(msgid)) != set(PLACEHOLDER.findall(msgstr)):
            problems.append(f"{name}: placeholders differ in {msgid!r} → {msgstr!r}")
    assert not problems, "\n".join(problems)


def test_every_template_text_has_an_english_translation():
    catalogue = english()
    found = texts(sorted(TEMPLATES.rglob("*.html")), TEMPLATE_TEXT)
    assert len(found) > 50
    missing = sorted({f"{where}: {text!r}" for where, text in found if not catalogue.get(text, ("", ""))[0]})
    assert not missing, "French texts without an English translation in the English catalogue:\n" + "\n".join(missing)


def test_every_page_message_has_an_english_translation():
    catalogue = english()
    found = texts([*sorted((WEB / "routes").glob("*.py")), WEB / "errors.py"], ROUTE_TEXT)
    missing = sorted({f"{where}: {text!r}" for where, text in found if not catalogue.get(text, ("", ""))[0]})
    assert not missing, "messages without an English translation in the English catalogue:\n" + "\n".join(missing)


def test_every_position_word_has_an_english_translation():
    from acompte.adapters import position_words
    from acompte.domain.positions import PositionStatus

    catalogue = english()
    assert set(position_words.STATUS_WORDS) == set(PositionStatus), "a status without its word"
    missing = sorted({text for text in position_words.all_words() if not catalogue.get(text, ("", ""))[0]})
    assert not missing, "position words without an English translation:\n" + "\n".join(missing)
