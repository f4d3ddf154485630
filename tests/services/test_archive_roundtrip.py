"""Moving a company: exported from the test database, imported into a fresh SQLite file and (when the tests run
against PostgreSQL) a fresh PostgreSQL database, each already holding another company. Every API view reads the
same after the ids are mapped, and numbering continues after the imported numbers."""

from __future__ import annotations

import io
import os
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from acompte import bootstrap
from acompte.adapters.api import create_app
from acompte.adapters.cli.demo import build_demo
from acompte.domain.banking.confirmation import Confirmation
from acompte.domain.credits import CreditRef
from acompte.domain.documents import Flow, Kind, LineInput
from acompte.domain.money import Money
from acompte.domain.users import Role
from acompte.persistence.engine import is_sqlite, normalize_url
from acompte.services import archive, companies, credits, documents, exports, parties, payments, users
from acompte.services.banking import accounts as treasury
from acompte.services.banking import party_accounts, reconciliation
from acompte.services.ports import Ctx
from tests.bank_helpers import bank_account, bank_line

DAY = date(2026, 11, 23)
PERIOD = {"from": "2026-01-01", "to": "2026-12-31"}
LIST = {"limit": 500}
PASSWORD = "mot de passe de test"


def eur(text_: str) -> Money:
    return Money.of(text_, "EUR")


@dataclass(frozen=True)
class Story:
    ctx: Ctx
    gone: dict[str, set[int]]  # rows deleted that the history still names, by the key naming them


def story(app: bootstrap.App) -> Story:
    """The demo, then what it lacks: an allocation undone, an overpayment refunded, a credit note written off,
    a deleted draft (the history names rows that are gone), and an accounting export (source keys)."""
    ctx = Ctx(build_demo(app.uow(), today=DAY), actor="demo")
    uow = app.uow()
    customer = parties.create_party(uow, ctx, name="Client de l'archive")
    invoice, other = (
        documents.validate_document(
            uow, ctx,
            documents.create_document(
                uow, ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=customer.id, issue_date=DAY,
                lines=[LineInput(what, Decimal("1"), Decimal("400.00"), Decimal("20"))],
            ).id,
            today=DAY,
        )
        for what in ("Bureau", "Fauteuil")
    )  # fmt: skip
    paid = payments.record_payment(
        uow, ctx, party_id=customer.id, amount=eur("600.00"), method="transfer", payment_date=DAY,
        allocations=[(invoice.id, eur("480.00"))],
    )  # fmt: skip
    undone = payments.record_payment(
        uow, ctx, party_id=customer.id, amount=eur("50.00"), method="cheque", payment_date=DAY,
        allocations=[(other.id, eur("50.00"))],
    )  # fmt: skip
    payments.remove_allocation(uow, ctx, undone.allocations[0].id, reason="erreur")
    credits.refund(
        uow, ctx, source=CreditRef.payment(paid.id), method="transfer", amount=eur("20.00"), payment_date=DAY
    )
    note = credits.credit_invoice(uow, ctx, invoice.id, lines=[(1, Decimal("0.1"))], comment="Remise", today=DAY)
    credits.write_off_credit(uow, ctx, note.id, reason="geste", today=DAY)
    draft = documents.create_document(
        uow, ctx, kind=Kind.QUOTE, flow=Flow.SALE, party_id=customer.id, issue_date=DAY,
        lines=[LineInput("Étagère", Decimal("2"), Decimal("35.50"), Decimal("20"))],
    )  # fmt: skip
    documents.delete_draft(uow, ctx, draft.id)
    # the bank details: an account with its own ledger account, a party's IBANs (one removed, its id then gone)
    treasury.create_account(uow, ctx, name="Banque de l'archive", iban="FR7630006000011234567890189", bic="BNPAFRPP",
                            ledger_account="5123", opening_balance=Decimal("99.90"), opening_date=DAY)  # fmt: skip
    party_accounts.add_party_account(uow, ctx, customer.id, "DE89 3704 0044 0532 0130 00", label="Principal")
    dropped = party_accounts.add_party_account(uow, ctx, customer.id, "FR76 3000 6000 0112 3456 7890 189")
    party_accounts.remove_party_account(uow, ctx, customer.id, dropped.id)
    # a card settlement reconciled with its card payments less the bank's fee (a source key `fee:`), and a line
    # reconciled then undone (the history names the line, the match and the payments)
    account = bank_account(uow, ctx)
    cards = [
        payments.record_payment(
            uow, ctx, party_id=customer.id, amount=eur(a), method="card", account_id=account, payment_date=DAY
        )
        for a in ("30.00", "20.00")
    ]
    settlement = bank_line(uow, ctx, "49.00", booking_date=DAY, reference="REMISE CB")
    reconciliation.confirm(
        uow, ctx, settlement.id, Confirmation(payment_ids=tuple(c.id for c in cards), fee=eur("1.00"))
    )
    received = bank_line(uow, ctx, "15.00", booking_date=DAY)
    undone_match = reconciliation.confirm(uow, ctx, received.id, Confirmation(party_id=customer.id))
    reconciliation.undo(uow, ctx, undone_match.match_id)
    exports.run_export(uow, ctx, date_from=date(2026, 1, 1), date_to=DAY, today=DAY)
    return Story(
        ctx,
        {"allocation_id": {undone.allocations[0].id}, "document_id": {draft.id}, "bank_account_id": {dropped.id}},
    )


@pytest.fixture(scope="module")
def source(app: bootstrap.App) -> Story:
    return story(app)


@pytest.fixture(scope="module")
def exported(app: bootstrap.App, source: Story) -> bytes:
    out = io.BytesIO()
    archive.export_company(app.uow(), source.ctx.company_id, out)
    return out.getvalue()


def _targets() -> list[str]:
    found = ["sqlite"]
    url = os.environ.get("ACOMPTE_TEST_DATABASE_URL")
    if url and not is_sqlite(url):
        found.append("postgresql")
    return found


@pytest.fixture(params=_targets())
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[bootstrap.App]:
    """A fresh database of the given kind, holding another company already (so that ids cannot coincide)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'target.db'}"
        with fresh_app(url) as app:
            yield app
    else:
        with fresh_postgres() as url, fresh_app(url) as app:
            yield app


class fresh_app:
    def __init__(self, url: str) -> None:
        self.app = bootstrap.build(url)

    def __enter__(self) -> bootstrap.App:
        uow = self.app.uow()
        other = Ctx(companies.create_company(uow, name="Autre société", currency="EUR"), actor="other")
        for name in ("Un autre client", "Encore un"):
            party = parties.create_party(uow, other, name=name)
            documents.create_document(
                uow, other, kind=Kind.QUOTE, flow=Flow.SALE, party_id=party.id, issue_date=DAY,
                lines=[LineInput("Autre", Decimal("1"), Decimal("1.00"), Decimal("20"))],
            )  # fmt: skip
        return self.app

    def __exit__(self, *exc: object) -> None:
        self.app.close()


class fresh_postgres:
    """A new PostgreSQL database beside the test one, dropped afterwards."""

    def __init__(self) -> None:
        base = make_url(normalize_url(os.environ["ACOMPTE_TEST_DATABASE_URL"]))
        self.name = f"{base.database}_{uuid.uuid4().hex[:8]}"
        self.admin = base.render_as_string(hide_password=False)
        self.url = base.set(database=self.name).render_as_string(hide_password=False)

    def __enter__(self) -> str:
        self._admin(f'CREATE DATABASE "{self.name}"')
        return self.url

    def __exit__(self, *exc: object) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def _admin(self, sql: str) -> None:
        engine = create_engine(self.admin, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.execute(text(sql))
        finally:
            engine.dispose()


# -- reading every view through the API ---------------------------------------------------------------------


def client_for(app: bootstrap.App, ctx: Ctx, email: str) -> tuple[TestClient, dict[str, str]]:
    users.grant(app.uow(), ctx, email=email, role=Role.READ_ONLY)
    _credential, secret = users.create_token(app.uow(), ctx, email=email, name="archive")
    return TestClient(create_app(app)), {"Authorization": f"Bearer {secret}"}


def views(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    def get(path: str, params: dict[str, Any] | None = None) -> Any:
        response = client.get(f"/api/v1/{path}", headers=headers, params=params)
        assert response.status_code == 200, (path, response.text)
        return response.json()

    docs = get("documents", LIST)["items"]
    pays = get("payments", LIST)["items"]
    people = get("parties", LIST)["items"]
    out: dict[str, Any] = {"documents": docs, "payments": pays, "parties": people}
    for rank, d in enumerate(docs):  # listed in id order: the import keeps it
        out[f"document {rank} {d['number']}"] = get(f"documents/{d['id']}")
        out[f"document {rank} {d['number']} history"] = get(f"documents/{d['id']}/history")
    for p in pays:
        out[f"payment {p['number']}"] = get(f"payments/{p['id']}")
        out[f"payment {p['number']} history"] = get(f"payments/{p['id']}/history")
    for p in people:
        out[f"party {p['name']} account"] = get(f"parties/{p['id']}/account")
        out[f"party {p['name']} statement"] = get(f"parties/{p['id']}/statement", PERIOD)
        out[f"party {p['name']} history"] = get(f"parties/{p['id']}/history")
    out["credits"] = get("credits", LIST)
    out["refunds"] = get("refunds", LIST)
    out["company"] = get("company")
    out["exports"] = get("exports", LIST)
    out["aged balance"] = get("aged-balance")
    out["bank accounts"] = get("bank-accounts", {"include_inactive": "true"})
    return out


_ID_KEY = re.compile(r"(^|_)ids?$")


def masked(value: Any, gone: dict[str, set[int]] | None = None) -> Any:
    """The view with every id (which differs by construction) replaced by a mark: the ids are checked apart.
    An id in `gone` names a deleted row: the import has no new id for it and writes null."""
    gone = gone or {}
    if isinstance(value, dict):
        return {k: _masked_item(k, v, gone) for k, v in value.items()}
    if isinstance(value, list):
        return [masked(v, gone) for v in value]
    if isinstance(value, str):
        return re.sub(r"/\d+", "/<id>", value)
    return value


def _is_id(value: Any) -> bool:
    return isinstance(value, int) or (isinstance(value, str) and value.isdigit())


def _masked_item(key: str, value: Any, gone: dict[str, set[int]]) -> Any:
    if _ID_KEY.search(key) and _is_id(value):
        return None if int(value) in gone.get(key, ()) else "<id>"
    if _ID_KEY.search(key) and isinstance(value, list) and value and all(_is_id(v) for v in value):
        return ["<id>" for _ in value]  # a list of ids (the payments a bank match stands for)
    return masked(value, gone)


def difference(expected: Any, found: Any, path: str = "") -> str:
    """Where two views first differ (pytest cuts long dicts short)."""
    if isinstance(expected, dict) and isinstance(found, dict):
        for k in expected.keys() | found.keys():
            if expected.get(k) != found.get(k):
                return difference(expected.get(k), found.get(k), f"{path}.{k}")
    if isinstance(expected, list) and isinstance(found, list) and len(expected) == len(found):
        for i, (e, f) in enumerate(zip(expected, found, strict=True)):
            if e != f:
                return difference(e, f, f"{path}[{i}]")
    return f"{path}: {expected!r} != {found!r}"


def test_a_company_moved_reads_the_same_and_numbering_continues(
    app: bootstrap.App, source: Story, exported: bytes, target: bootstrap.App
) -> None:
    email = f"archive-{uuid.uuid4().hex[:8]}@example.fr"
    users.create_user(app.uow(), email=email, password=PASSWORD)
    summary = archive.import_company(target.uow(), io.BytesIO(exported))
    moved = Ctx(summary.company_id, actor="tester")
    assert summary.counts["documents"] > 10 and summary.counts["events"] > 50

    before = views(*client_for(app, source.ctx, email))
    users.create_user(target.uow(), email=email, password=PASSWORD)
    after = views(*client_for(target, moved, email))
    assert before.keys() == after.keys()
    for key in before:
        expected, found = masked(before[key], source.gone), masked(after[key])
        assert found == expected, (key, difference(expected, found))
    # the bank details came along: the company's bank account and the IBAN the party still holds
    moved_bank = next(a for a in after["bank accounts"]["items"] if a["name"] == "Banque de l'archive")
    assert (moved_bank["ledger_account"], moved_bank["opening_balance"]["amount"]) == ("5123", "99.90")
    holder = next(p for p in after["parties"] if p["name"] == "Client de l'archive")
    assert [(a["iban"], a["label"]) for a in holder["bank_accounts"]] == [("DE89370400440532013000", "Principal")]
    # the documents' sums were rebuilt by the target's triggers as the rows went in, each counted once
    imported = target.uow()
    with imported:
        assert imported.integrity.sums_astray(moved.company_id) == []
        assert imported.integrity.totals_astray(moved.company_id) == []
    # the ids were remapped, not copied: the target's other company came first
    assert [d["id"] for d in after["documents"]] != [d["id"] for d in before["documents"]]

    # numbering continues after the imported numbers
    last = max(d["number"] for d in after["documents"] if d["number"] and d["number"].startswith("FA-"))
    party = int(after["parties"][0]["id"])
    new = documents.create_document(
        target.uow(), moved, kind=Kind.INVOICE, flow=Flow.SALE, party_id=party, issue_date=DAY,
        lines=[LineInput("Suite", Decimal("1"), Decimal("10.00"), Decimal("20"))],
    )  # fmt: skip
    issued = documents.validate_document(target.uow(), moved, new.id, today=DAY)
    number = issued.document.number
    assert number is not None and number.rsplit("-", 1)[0] == last.rsplit("-", 1)[0]
    assert int(number.rsplit("-", 1)[1]) == int(last.rsplit("-", 1)[1]) + 1
