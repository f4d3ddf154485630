"""The application's words: one gettext catalogue (French source, English translation) handled with Babel.

- catalogue.py  loading `locales/<lang>/LC_MESSAGES/messages.po`, gettext / ngettext, the `N_` marker
- formats.py    Babel formatting and parsing: money, decimals, dates, percentages; Accept-Language negotiation
- messages.py   each domain error's sentence, by code
- words.py      the words params are made of: document kinds, states, roles, reasons
- render.py     a domain error → its sentence in a language

Extract with `pybabel extract -F babel.cfg -o messages.pot src` then `pybabel update`.
"""

from acompte.adapters.i18n.catalogue import LANGUAGES, LOCALES, N_, gettext, ngettext
from acompte.adapters.i18n.render import message

__all__ = ["LANGUAGES", "LOCALES", "N_", "gettext", "message", "ngettext"]
