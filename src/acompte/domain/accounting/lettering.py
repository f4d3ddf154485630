"""Matching (lettrage): lines of the party and deposit accounts that settle each other get one letter, derived
from the matching keys the posting rules put on them and the links allocations make."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from acompte.domain.accounting.chart import AccountingSettings
from acompte.domain.accounting.entries import JournalEntry
from acompte.domain.money import total

MATCHED_ROLES = ("customers", "suppliers", "customer_deposits", "supplier_deposits")


@dataclass(frozen=True, slots=True)
class Match:
    letter: str
    matched_on: date


def letter_code(index: int) -> str:
    """0 -> 'AAA', 1 -> 'AAB', … : three capital letters, then more if ever needed."""
    letters = ""
    n = index
    for _ in range(3):
        letters = chr(ord("A") + n % 26) + letters
        n //= 26
    while n:
        letters = chr(ord("A") + n % 26) + letters
        n //= 26
    return letters


def match_lines(
    entries: Sequence[JournalEntry],
    accounts: Iterable[str],
    links: Iterable[tuple[str, str]] = (),
) -> dict[tuple[int, int], Match]:
    """Matching letters for the lines of `accounts` (411, 401, 4191, 4091), derived from allocations.

    Lines of one account and one party with the same match key form a group; a group whose lines net to zero
    is matched: it gets a letter and the date of its last line. Lines left over are then grouped through the
    links (a payment and each document it settles, a credit note and the invoice it pays) the same way.
    Returns {(entry index, line index): Match}; groups still open (a partial payment, an overpayment not yet
    refunded) get no letter.
    """
    wanted = set(accounts)
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for a, b in links:
        union(a, b)
    result: dict[tuple[int, int], Match] = {}
    count = 0
    # first the lines that share one key (an invoice and what paid it), then what allocations link together
    for grouping in (lambda key: key, find):
        groups: dict[tuple[str, str, str], list[tuple[int, int]]] = {}
        for i, entry in enumerate(entries):
            for j, line in enumerate(entry.lines):
                if line.account not in wanted or line.match_key is None or (i, j) in result:
                    continue
                group = (line.account, line.party.code if line.party else "", grouping(line.match_key))
                groups.setdefault(group, []).append((i, j))
        for members in groups.values():
            currency = entries[members[0][0]].currency
            net = total((entries[i].lines[j].signed for i, j in members), currency)
            if not net.is_zero or len(members) < 2:
                continue
            match = Match(letter_code(count), max(entries[i].entry_date for i, _ in members))
            count += 1
            for member in members:
                result[member] = match
    return result


def matched_accounts(settings: AccountingSettings) -> tuple[str, ...]:
    return tuple(getattr(settings.accounts, role) for role in MATCHED_ROLES if getattr(settings.accounts, role))
