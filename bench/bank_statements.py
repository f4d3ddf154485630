"""Large camt.053 statements, made up, and the time their import takes.

`camt053(n)` writes one statement of `n` booked entries (customer transfers with an RF reference or a free
text, card settlements, direct debits, supplier transfers, bank fees) whose balances add up. `main()` imports
one such file into a new company on each database given and prints the time of parsing and of the import:

    uv run python -m bench.bank_statements --lines 10000 --sqlite-url sqlite:////tmp/b.db \\
        --postgresql-url postgresql://postgres@127.0.0.1:5432/bench
"""

from __future__ import annotations

import argparse
import hashlib
import random
import time
from datetime import date, timedelta
from decimal import Decimal

IBAN = "FR7630006000011234567890189"
_CUSTOMERS = ("DUPONT MENUISERIE", "SCI LES TILLEULS", "BOULANGERIE MARTIN", "M. DURAND PIERRE", "GARAGE DU CENTRE")
_SUPPLIERS = ("BOIS ET SCIERIES DU JURA", "QUINCAILLERIE CENTRALE", "EDF ENTREPRISES", "URSSAF ILE-DE-FRANCE")


def _entry(number: int, day: date, amount: Decimal, code: tuple[str, str, str], details: str, info: str) -> str:
    side = "CRDT" if amount > 0 else "DBIT"
    return (
        f'<Ntry><NtryRef>{number:06d}</NtryRef><Amt Ccy="EUR">{abs(amount):.2f}</Amt><CdtDbtInd>{side}</CdtDbtInd>'
        f"<Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>{day.isoformat()}</Dt></BookgDt>"
        f"<ValDt><Dt>{day.isoformat()}</Dt></ValDt><AcctSvcrRef>BENCH{number:08d}</AcctSvcrRef>"
        f"<BkTxCd><Domn><Cd>{code[0]}</Cd><Fmly><Cd>{code[1]}</Cd><SubFmlyCd>{code[2]}</SubFmlyCd></Fmly></Domn>"
        f"</BkTxCd>{details}<AddtlNtryInf>{info}</AddtlNtryInf></Ntry>"
    )


def _party(amount: Decimal, name: str, remittance: str) -> str:
    side, account = ("Dbtr", "DbtrAcct") if amount > 0 else ("Cdtr", "CdtrAcct")
    digits = int(hashlib.sha256(name.encode()).hexdigest(), 16) % 10**11
    other = f"FR7630001007941234567890{digits % 1000:03d}"
    return (
        f'<NtryDtls><TxDtls><Amt Ccy="EUR">{abs(amount):.2f}</Amt>'
        f"<CdtDbtInd>{'CRDT' if amount > 0 else 'DBIT'}</CdtDbtInd>"
        f"<RltdPties><{side}><Pty><Nm>{name}</Nm></Pty></{side}><{account}><Id><IBAN>{other}</IBAN></Id>"
        f"</{account}></RltdPties><RmtInf>{remittance}</RmtInf></TxDtls></NtryDtls>"
    )


def camt053(lines: int, *, iban: str = IBAN, first_day: date = date(2026, 1, 2), seed: int = 15) -> bytes:
    """A camt.053.001.08 statement of `lines` booked entries over consecutive days, opening at 50 000,00 €."""
    chance = random.Random(seed)
    opening = Decimal("50000.00")
    entries = []
    moved = Decimal("0.00")
    for number in range(1, lines + 1):
        day = first_day + timedelta(days=number * 365 // max(lines, 1))
        pick = chance.random()
        if pick < 0.55:
            amount = Decimal(chance.randrange(5_000, 500_000)) / 100
            name = chance.choice(_CUSTOMERS)
            invoice = f"FA-2026-{chance.randrange(1, 99999):05d}"
            text = f"<Ustrd>Facture {invoice}</Ustrd>" if chance.random() < 0.6 else ""
            text += f"<Strd><CdtrRefInf><Ref>RF18{number:012d}</Ref></CdtrRefInf></Strd>" if not text else ""
            entry = _entry(number, day, amount, ("PMNT", "RCDT", "ESCT"), _party(amount, name, text), f"VIR {name}")
        elif pick < 0.7:
            amount = Decimal(chance.randrange(10_000, 400_000)) / 100
            entry = _entry(number, day, amount, ("PMNT", "CCRD", "POSD"), "", f"REMISE CB {day:%d/%m}")
        elif pick < 0.95:
            amount = -Decimal(chance.randrange(2_000, 300_000)) / 100
            name = chance.choice(_SUPPLIERS)
            text = f"<Ustrd>REGLEMENT FACT F-{chance.randrange(1000, 9999)}</Ustrd>"
            entry = _entry(number, day, amount, ("PMNT", "ICDT", "ESCT"), _party(amount, name, text), f"VIR {name}")
        else:
            amount = -Decimal(chance.randrange(100, 5_000)) / 100
            entry = _entry(number, day, amount, ("ACMT", "MDOP", "CHRG"), "", "FRAIS BANCAIRES")
        moved += amount
        entries.append(entry)
    closing = opening + moved
    last = first_day + timedelta(days=365)

    def balance(code: str, value: Decimal, day: date) -> str:
        side = "CRDT" if value >= 0 else "DBIT"
        return (
            f'<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{abs(value):.2f}</Amt>'
            f"<CdtDbtInd>{side}</CdtDbtInd><Dt><Dt>{day.isoformat()}</Dt></Dt></Bal>"
        )

    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">\n<BkToCstmrStmt>'
        "<GrpHdr><MsgId>BENCH-STATEMENT</MsgId><CreDtTm>2027-01-02T06:00:00</CreDtTm></GrpHdr>\n"
        f"<Stmt><Id>BENCH-{lines}</Id><CreDtTm>2027-01-02T06:00:00</CreDtTm>"
        f"<Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>\n"
        f"{balance('OPBD', opening, first_day)}\n{balance('CLBD', closing, last)}\n" + "\n".join(entries) + "\n"
        "</Stmt></BkToCstmrStmt></Document>\n"
    )
    return text.encode()


def main(argv: list[str] | None = None) -> list[tuple[str, float, float]]:
    """Import a generated statement on each database given; (backend, parse seconds, import seconds) each."""
    from acompte import bootstrap
    from acompte.adapters.bank_formats import read_statement
    from acompte.domain.payments import AccountKind
    from acompte.services import companies
    from acompte.services.banking import imports
    from acompte.services.ports import Ctx

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--sqlite-url")
    parser.add_argument("--postgresql-url")
    parser.add_argument("--runs", type=int, default=1, help="imports per database, each into a new company")
    args = parser.parse_args(argv)
    data = camt053(args.lines)
    results = []
    for backend, url in (("SQLite", args.sqlite_url), ("PostgreSQL", args.postgresql_url)):
        if not url:
            continue
        app = bootstrap.build(url)
        for _ in range(args.runs):
            ctx = Ctx(companies.create_company(app.uow(), name="Bench bank SARL", currency="EUR"), actor="bench")
            account = companies.add_account(app.uow(), ctx, name="Banque bench", kind=AccountKind.BANK, iban=IBAN)
            started = time.perf_counter()
            statement = read_statement(data, None, currency="EUR")
            parsed = time.perf_counter()
            summary = imports.import_statement(app.uow(), ctx, account, statement, file_sha256="0" * 64)
            done = time.perf_counter()
            again = imports.import_statement(app.uow(), ctx, account, statement, file_sha256="0" * 64)
            repeated = time.perf_counter()
            assert summary.added == args.lines and again.added == 0
            results.append((backend, parsed - started, done - parsed))
            print(
                f"{backend}: {args.lines} lines parsed in {parsed - started:.2f} s, imported in "
                f"{done - parsed:.2f} s, imported again (nothing added) in {repeated - done:.2f} s"
            )
        app.close()
    return results


if __name__ == "__main__":
    main()
