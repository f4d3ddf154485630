"""What a bank line's text says: RF creditor references (ISO 11649), document and payment numbers written any
way a payer types them, a supplier's own invoice number, an IBAN, a counterparty's name.

Pure text rules. The ISO 11649 check digits are verified by the caller's `is_valid` (python-stdnum in the
services), so the domain keeps to the standard library; numbers are read in the shape `numbering.format_number`
writes them: a prefix, the year, a counter."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import lru_cache

#: Characters a payer puts between the parts of a number: « FA 2026 00012 », « fa-2026/00012 », « FA.2026.12 ».
_SEP = r"[\s\-_/.:#]*"
_NUMBER = re.compile(
    rf"(?<![A-Z0-9])(?:(?P<prefix>[A-Z]{{1,5}}){_SEP})?(?P<year>(?:19|20)\d{{2}}){_SEP}(?P<value>\d{{1,6}})(?![0-9])"
)
#: Without a prefix, the counter must have the width numbers are written with: « 2026-00012 », never a date.
_BARE_WIDTH = 5
_RF_START = re.compile(r"(?<![A-Z0-9])RF\d{2}")
_RF_MAX_BODY = 21
_TOKEN = re.compile(r"[A-Z0-9]+")
#: A supplier's number shorter than this is too common a string to be recognised in free text.
MIN_REFERENCE_LENGTH = 3
#: Words of a company's legal form, left out when names are compared.
_LEGAL_FORMS = frozenset(
    {"sa", "sas", "sasu", "sarl", "eurl", "sci", "snc", "scop", "selarl", "ste", "societe", "ets", "gmbh", "ltd"}
)


@dataclass(frozen=True, slots=True, order=True)
class NumberKey:
    """A number as read: its prefix (None when the payer left it out), its year and its counter."""

    prefix: str | None
    year: int
    value: int

    def matches(self, number: str) -> bool:
        stored = parse_number(number)
        if stored is None:
            return False
        same = stored.year == self.year and stored.value == self.value
        return same and (self.prefix is None or self.prefix == stored.prefix)


@lru_cache(maxsize=65_536)
def parse_number(number: str) -> NumberKey | None:
    """The parts of a stored number `PREFIX-YEAR-COUNTER` (numbering.format_number)."""
    parts = number.upper().rsplit("-", 2)
    if len(parts) != 3 or not parts[1].isdigit() or not parts[2].isdigit():
        return None
    return NumberKey(parts[0], int(parts[1]), int(parts[2]))


def numbers_in(text: str, prefixes: Collection[str]) -> tuple[NumberKey, ...]:
    """Every number the text may name, in order of appearance, without repeats. A prefix the company does not use
    counts as missing (« REF 2026-00012 » names counter 12 of 2026 of any series)."""
    return _numbers_in(text, prefixes if isinstance(prefixes, frozenset) else frozenset(prefixes))


@lru_cache(maxsize=4_096)  # a line's text is read for its narrowing, then by the matcher
def _numbers_in(text: str, prefixes: frozenset[str]) -> tuple[NumberKey, ...]:
    known = {p.upper() for p in prefixes}
    found: list[NumberKey] = []
    for match in _NUMBER.finditer(text.upper()):
        prefix = match["prefix"] if match["prefix"] in known else None
        if prefix is None and len(match["value"]) < _BARE_WIDTH:
            continue
        key = NumberKey(prefix, int(match["year"]), int(match["value"]))
        if key not in found:
            found.append(key)
    return tuple(found)


@lru_cache(maxsize=4_096)  # a line's text is read for its narrowing, then by the matcher
def rf_references(text: str, is_valid: Callable[[str], bool]) -> tuple[str, ...]:
    """The RF creditor references in the text whose check digits are right, compact (« RF18539007547034 »).

    A reference is written compact or in groups of four (« RF18 5390 0754 7034 »): the groups are read while they
    have four characters, the last one may be shorter, so the words after it are not taken in."""
    upper = text.upper()
    found: list[str] = []
    for start in _RF_START.finditer(upper):
        tokens = upper[start.start() :].split()
        reference = tokens[0]
        if len(reference) == 4:
            for token in tokens[1:]:
                if not token.isalnum() or len(token) > 4 or len(reference) + len(token) > 4 + _RF_MAX_BODY:
                    break
                reference += token
                if len(token) < 4:
                    break
        reference = "".join(ch for ch in reference if ch.isalnum())
        if 5 <= len(reference) <= 4 + _RF_MAX_BODY and is_valid(reference) and reference not in found:
            found.append(reference)
    return tuple(found)


def rf_body(reference: str) -> str:
    """What the creditor put in the reference after « RF » and the check digits."""
    return reference[4:]


@lru_cache(maxsize=65_536)  # the same numbers and references are compared with line after line
def compact_reference(text: str) -> str:
    """Letters and digits only, upper case: how references are compared."""
    return "".join(_TOKEN.findall(_ascii(text).upper()))


def holds_reference(text: str, reference: str) -> bool:
    """Whether the text holds `reference` (a supplier's invoice number) whatever its spaces, case and
    separators, as whole words: « F 2026/118 » is in « PRLV fact F2026-118 », not in « F2026-1185 »."""
    wanted = compact_reference(reference)
    if len(wanted) < MIN_REFERENCE_LENGTH:
        return False
    compact, starts, ends = "", set(), set()
    for token in _TOKEN.findall(_ascii(text).upper()):
        starts.add(len(compact))
        compact += token
        ends.add(len(compact))
    at = compact.find(wanted)
    while at >= 0:
        if at in starts and at + len(wanted) in ends:
            return True
        at = compact.find(wanted, at + 1)
    return False


def reference_spans(text: str, longest: int) -> frozenset[str]:
    """Every reference the text holds as `holds_reference` reads it: each run of its consecutive words joined
    (compact, upper case), of `MIN_REFERENCE_LENGTH` characters to `longest`. A reference is in the text exactly
    when its compact form is one of them: the text is read once, whatever the number of references looked up."""
    tokens = _TOKEN.findall(_ascii(text).upper())
    found: set[str] = set()
    for start in range(len(tokens)):
        joined = ""
        for token in tokens[start:]:
            joined += token
            if len(joined) > longest:
                break
            if len(joined) >= MIN_REFERENCE_LENGTH:
                found.add(joined)
    return frozenset(found)


#: A word shorter than this is not taken for a number typed with a slip: numbers are written longer.
MIN_SLIPPED_LENGTH = 6


def written_words(text: str) -> frozenset[str]:
    """The text's words (split on spaces), compact, that may be a number typed with a slip: long enough, and with
    a digit (a number has several: one slip leaves one at least)."""
    words = (compact_reference(word) for word in text.split())
    return frozenset(w for w in words if len(w) >= MIN_SLIPPED_LENGTH and any(ch.isdigit() for ch in w))


def one_slip_from(written: str, number: str) -> bool:
    """Whether `written` (a compact word) is the compact `number` typed with one slip at most: two neighbouring
    characters swapped, one dropped, one added or one replaced (« FA20260437 », « FA202600473 » for
    FA-2026-00437)."""
    return one_slip(written, compact_reference(number))


def one_slip(written: str, wanted: str) -> bool:
    """`one_slip_from` on a number already compact (`compact_reference`)."""
    if written == wanted:
        return True
    if abs(len(written) - len(wanted)) > 1 or len(wanted) < MIN_SLIPPED_LENGTH:
        return False
    i, shortest = 0, min(len(written), len(wanted))
    while i < shortest and written[i] == wanted[i]:
        i += 1
    if len(written) < len(wanted):
        return written[i:] == wanted[i + 1 :]
    if len(written) > len(wanted):
        return written[i + 1 :] == wanted[i:]
    swapped = written[i : i + 2] == wanted[i : i + 2][::-1] and written[i + 2 :] == wanted[i + 2 :]
    return swapped or written[i + 1 :] == wanted[i + 1 :]


def compact_iban(text: str) -> str:
    """An IBAN as stored: upper case, no spaces or separators (« fr76 3000 6000… » → « FR763000 6000… »)."""
    compact = compact_reference(text)
    return compact[4:] if compact.startswith("IBAN") else compact


def normal_name(text: str) -> str:
    """A name for comparison: no accents, case or punctuation, without the words of a legal form."""
    words = re.sub(r"[^0-9a-z]+", " ", _ascii(text).casefold()).split()
    return " ".join(w for w in words if w not in _LEGAL_FORMS)


def same_name(counterparty: str, party: str) -> bool:
    """Whether the bank's counterparty name is the party: every word of the party's name is in it (« M DUPONT
    JEAN » is « Jean Dupont »), and the party's name has a word of three letters at least."""
    return holds_name(frozenset(normal_name(counterparty).split()), party_name_words(party))


def party_name_words(party: str) -> frozenset[str]:
    """The words of a party's name that `same_name` looks for (none when it has no word of three letters: such
    a name recognises nobody): to read once for a party compared with many lines."""
    ours = frozenset(normal_name(party).split())
    return ours if any(len(w) >= 3 for w in ours) else frozenset()


def holds_name(counterparty_words: frozenset[str], party_words: frozenset[str]) -> bool:
    """`same_name` on words already read: the counterparty's (`normal_name` split) and the party's
    (`party_name_words`)."""
    return bool(party_words) and party_words <= counterparty_words


def name_words(text: str, *, most: int = 3) -> tuple[str, ...]:
    """The longest words of a name (three letters at least): what a store looks a party up by."""
    words = sorted({w for w in normal_name(text).split() if len(w) >= 3}, key=lambda w: (-len(w), w))
    return tuple(words[:most])


def _ascii(text: str) -> str:
    if text.isascii():  # most bank text: nothing to fold, and this runs for every word of every line
        return text
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def texts(*parts: str) -> str:
    """The line's words the rules read, joined."""
    return " ".join(p for p in parts if p)
