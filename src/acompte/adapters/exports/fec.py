"""The FEC file (Fichier des écritures comptables, LPF art. L47 A and A47 A-1) and a CSV for accounting software.

`write_fec` prints a `Ledger` as the 18 legal columns in order, tab (or pipe) separated, dates AAAAMMJJ, amounts
with a decimal comma and no thousands separator, ISO 8859-15 by default, entries in validation order.
A line of a foreign-currency document or payment fills Montantdevise with its amount in that currency, unsigned
like Debit and Credit (the line's side is the side of its Debit or Credit), and Idevise with the ISO 4217 code;
lines in the company's currency, and the exchange difference (which exists only in that currency), leave both
empty.
`check_fec` re-reads a file and lists every breach of the structural rules of french-rules.md §3 (the DGFiP
tool does not check balance or numbering itself); the writer refuses to hand out a file that fails it.
"""

from __future__ import annotations

import io
import itertools
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from acompte.adapters.csv_cells import Figure, csv_line
from acompte.domain.money import Money
from acompte.services.exports import Ledger

COLUMNS = (
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
)
MANDATORY = ("JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "PieceRef",
             "PieceDate", "EcritureLib", "Debit", "Credit", "ValidDate")  # fmt: skip
SEPARATORS = ("\t", "|")
DEFAULT_ENCODING = "iso-8859-15"

# Typographic characters outside ISO 8859-15, written as their plain equivalents.
_PLAIN = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "...", "\u202f": " ",
                        "\u00a0": " "})  # fmt: skip


class FecError(Exception):
    """The file would break the FEC rules; `problems` lists each breach."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("FEC non conforme : " + "; ".join(problems[:5]))


def fec_filename(siren: str, closing_date: date) -> str:
    """`<SIREN>FEC<AAAAMMJJ>.txt`, the closing date of the financial year (A47 A-1; the DGFiP tool checks it)."""
    return f"{siren}FEC{closing_date:%Y%m%d}.txt"


def fec_amount(money: Money) -> str:
    """1234.50 -> '1234,50': decimal comma, no thousands separator."""
    return f"{money.amount:f}".replace(".", ",")


def fec_foreign(money: Money | None) -> tuple[str, str]:
    """(Montantdevise, Idevise): the amount in the foreign currency, unsigned, and its code; empty without one."""
    if money is None:
        return "", ""
    return fec_amount(-money if money.is_negative else money), money.currency


@lru_cache(maxsize=4096)  # three dates per line, a few hundred distinct days a year
def fec_date(day: date | None) -> str:
    return f"{day:%Y%m%d}" if day else ""


@lru_cache(maxsize=65536)  # accounts, labels and parties repeat on every line of a year
def _clean(text: str, separator: str) -> str:
    text = text.translate(_PLAIN)
    for forbidden in (*SEPARATORS, separator, "\r", "\n"):
        text = text.replace(forbidden, " ")
    return " ".join(text.split())


def fec_rows(ledger: Ledger) -> list[list[str]]:
    """The file's rows (without the header), one per entry line, in validation order."""
    rows: list[list[str]] = []
    for i, posted in enumerate(ledger.entries):
        entry = posted.entry
        for j, line in enumerate(entry.lines):
            match = ledger.matches.get((i, j))
            rows.append(
                [
                    entry.journal.value,
                    entry.journal.label,
                    posted.number,
                    fec_date(entry.entry_date),
                    line.account,
                    line.account_label,
                    line.party.code if line.party else "",
                    line.party.name if line.party else "",
                    entry.piece_ref,
                    fec_date(entry.piece_date),
                    line.label,
                    fec_amount(line.debit),
                    fec_amount(line.credit),
                    match.letter if match else "",
                    fec_date(match.matched_on) if match else "",
                    fec_date(posted.valid_date),
                    *fec_foreign(line.foreign_amount),
                ]
            )
    return rows


def write_fec(ledger: Ledger, *, separator: str = "\t", encoding: str = DEFAULT_ENCODING) -> bytes:
    """The FEC of a ledger; raises FecError if the result breaks a structural rule."""
    if separator not in SEPARATORS:
        raise ValueError("le séparateur du FEC est la tabulation ou la barre verticale")
    lines = [separator.join(COLUMNS)]
    lines += [separator.join(_clean(v, separator) for v in row) for row in fec_rows(ledger)]
    content = ("\r\n".join(lines) + "\r\n").encode(encoding, errors="replace")
    problems = check_fec(content, encoding=encoding, date_from=ledger.date_from, date_to=ledger.date_to)
    if problems:
        raise FecError(problems)
    return content


# -- the structural checks ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FecLine:
    number: int
    values: dict[str, str]


@lru_cache(maxsize=4096)  # a year's file holds a few hundred distinct days
def _parse_date(text: str) -> date | None:
    if not re.fullmatch(r"\d{8}", text):
        return None
    try:
        day = datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        return None
    return day if 1900 <= day.year <= 2099 else None


def _parse_amount(text: str) -> Decimal | None:
    if not re.fullmatch(r"-?\d+(,\d{1,3})?", text):
        return None  # a dot, a thousands separator or anything else is refused
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern already excludes it
        return None


def read_fec(content: bytes, *, encoding: str = DEFAULT_ENCODING) -> tuple[str, list[FecLine]]:
    """The separator and the lines of a FEC file (header first line)."""
    text = content.decode(encoding)
    records = [r for r in re.split(r"\r\n|\n|\r", text) if r != ""]
    header = records[0] if records else ""
    separator = "\t" if "\t" in header else "|"
    lines = []
    for n, record in enumerate(records[1:], start=2):
        values = record.split(separator)
        fields = dict(zip(COLUMNS, values, strict=False))
        fields["__count__"] = str(len(values))
        lines.append(FecLine(n, fields))
    return separator, lines


def check_fec(
    content: bytes,
    *,
    encoding: str = DEFAULT_ENCODING,
    date_from: date | None = None,
    date_to: date | None = None,
    filename: str | None = None,
) -> list[str]:
    """Every breach of the FEC structural rules (french-rules.md §3.2-3.4), empty when the file conforms.

    Header and 18 columns in order; same field count on every line; mandatory fields filled; AAAAMMJJ dates that
    exist; decimal comma, no dot, no thousands separator; debit xor credit; account numbers starting with three
    digits; every entry balanced and the file balanced overall; entry numbers continuous and increasing within
    each journal; lines ordered by validation date; entry dates inside the period; a matching date with every
    matching code, and each matching code netting to zero on its account; Montantdevise and Idevise filled
    together, an unsigned amount and a three-letter ISO 4217 code.
    """
    problems: list[str] = []
    if filename is not None and not re.match(r"^\d{9}FEC20\d{2}[01]\d[0-3]\d", filename):
        problems.append(f"nom de fichier {filename!r} : attendu SIRENFECAAAAMMJJ")
    try:
        separator, lines = read_fec(content, encoding=encoding)
    except UnicodeDecodeError as error:
        return [f"encodage : {error}"]
    header = content.decode(encoding).splitlines()[0] if content else ""
    if header.split(separator) != list(COLUMNS):
        problems.append("en-tête : les 18 champs doivent figurer dans l'ordre légal")
    if not lines:
        problems.append("aucune écriture")
        return problems
    entries: dict[tuple[str, str], Decimal] = {}
    entry_order: dict[str, list[int]] = {}
    seen_entries: set[tuple[str, str]] = set()
    letters: dict[tuple[str, str], Decimal] = {}
    debit_total = credit_total = Decimal(0)
    last_valid: date | None = None
    previous_key: tuple[str, str] | None = None
    for line in lines:
        v, n = line.values, line.number
        if v["__count__"] != str(len(COLUMNS)):
            problems.append(f"ligne {n} : {v['__count__']} champs au lieu de {len(COLUMNS)}")
            continue
        for name in MANDATORY:
            if not v[name].strip():
                problems.append(f"ligne {n} : {name} vide")
        for name in ("EcritureDate", "PieceDate", "ValidDate"):
            if v[name] and _parse_date(v[name]) is None:
                problems.append(f"ligne {n} : {name} {v[name]!r} n'est pas une date AAAAMMJJ")
        debit, credit = _parse_amount(v["Debit"]), _parse_amount(v["Credit"])
        if debit is None or credit is None:
            problems.append(f"ligne {n} : montant mal formé (virgule décimale, sans séparateur de milliers)")
            continue
        if (debit != 0) == (credit != 0) or debit < 0 or credit < 0:
            problems.append(f"ligne {n} : renseigner soit le débit, soit le crédit")
        if not re.match(r"^\d{3}", v["CompteNum"]):
            problems.append(f"ligne {n} : le compte {v['CompteNum']!r} doit commencer par trois chiffres")
        key = (v["JournalCode"], v["EcritureNum"])
        if key != previous_key:
            if key in seen_entries:
                problems.append(f"ligne {n} : les lignes de l'écriture {key[1]} ne sont pas contiguës")
            seen_entries.add(key)
            digits = re.search(r"(\d+)$", v["EcritureNum"])
            entry_order.setdefault(v["JournalCode"], []).append(int(digits.group(1)) if digits else -1)
            previous_key = key
        entries[key] = entries.get(key, Decimal(0)) + debit - credit
        debit_total += debit
        credit_total += credit
        entry_date = _parse_date(v["EcritureDate"])
        if entry_date and ((date_from and entry_date < date_from) or (date_to and entry_date > date_to)):
            problems.append(f"ligne {n} : date d'écriture {v['EcritureDate']} hors de la période")
        valid = _parse_date(v["ValidDate"])
        if valid and last_valid and valid < last_valid:
            problems.append(f"ligne {n} : écritures non classées par date de validation")
        last_valid = valid or last_valid
        if v["EcritureLet"]:
            if not v["DateLet"] or _parse_date(v["DateLet"]) is None:
                problems.append(f"ligne {n} : lettrage {v['EcritureLet']} sans date de lettrage")
            group = (v["CompteNum"] + "/" + v["CompAuxNum"], v["EcritureLet"])
            letters[group] = letters.get(group, Decimal(0)) + debit - credit
        elif v["DateLet"]:
            problems.append(f"ligne {n} : date de lettrage sans lettrage")
        if bool(v["Montantdevise"]) != bool(v["Idevise"]):
            problems.append(f"ligne {n} : Montantdevise et Idevise se renseignent ensemble")
        elif v["Montantdevise"]:
            foreign = _parse_amount(v["Montantdevise"])
            if foreign is None or foreign < 0:
                problems.append(f"ligne {n} : Montantdevise {v['Montantdevise']!r} mal formé")
            if not re.fullmatch(r"[A-Z]{3}", v["Idevise"]):
                problems.append(f"ligne {n} : Idevise {v['Idevise']!r} n'est pas un code ISO 4217")
    for (journal, number), balance in entries.items():
        if balance != 0:
            problems.append(f"écriture {journal} {number} déséquilibrée ({balance})")
    if debit_total != credit_total:
        problems.append(f"fichier déséquilibré : débit {debit_total}, crédit {credit_total}")
    for journal, numbers in entry_order.items():
        if any(b != a + 1 for a, b in itertools.pairwise(numbers)) or -1 in numbers:
            problems.append(f"journal {journal} : numérotation des écritures discontinue ou non croissante")
    for (account, letter), balance in letters.items():
        if balance != 0:
            problems.append(f"lettrage {letter} du compte {account} non soldé ({balance})")
    return problems


# -- CSV for accounting software ----------------------------------------------------------------------------------

CSV_COLUMNS = ("Date", "Journal", "NumeroEcriture", "Compte", "CompteAuxiliaire", "LibelleCompteAuxiliaire", "Piece",
               "DatePiece", "Libelle", "Debit", "Credit", "Lettrage")  # fmt: skip


def write_csv(ledger: Ledger) -> bytes:
    """One line per entry line, semicolon separated, JJ/MM/AAAA dates, decimal comma, UTF-8 with a BOM (what
    spreadsheet and accounting-software imports expect in France). Text cells that a spreadsheet would run as a
    formula are neutralised (`csv_cells`); dates and amounts are figures."""
    buffer = io.StringIO()
    buffer.write(csv_line(CSV_COLUMNS))
    for i, posted in enumerate(ledger.entries):
        entry = posted.entry
        for j, line in enumerate(entry.lines):
            match = ledger.matches.get((i, j))
            buffer.write(
                csv_line(
                    [
                        Figure(f"{entry.entry_date:%d/%m/%Y}"),
                        entry.journal.value,
                        posted.number,
                        line.account,
                        line.party.code if line.party else "",
                        line.party.name if line.party else "",
                        entry.piece_ref,
                        Figure(f"{entry.piece_date:%d/%m/%Y}"),
                        line.label,
                        Figure(fec_amount(line.debit) if line.debit.is_positive else ""),
                        Figure(fec_amount(line.credit) if line.credit.is_positive else ""),
                        match.letter if match else "",
                    ]
                )
            )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
