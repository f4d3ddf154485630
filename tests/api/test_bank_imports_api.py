"""The statement import over HTTP: upload a file into a bank account, read what it added, keep CSV mappings."""

from __future__ import annotations

from pathlib import Path

from bench.bank_statements import camt053

from acompte.domain.payments import AccountKind
from acompte.services import companies
from tests.helpers import snapshot

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bank"
IBAN = "FR7630006000011234567890189"
CA_MAPPING = {
    "name": "Crédit Agricole",
    "encoding": "cp1252",
    "skip_rows": 2,
    "columns": {
        "date": "Date",
        "value_date": "Date valeur",
        "label": "Libellé",
        "debit": "Débit euros",
        "credit": "Crédit euros",
    },
}


def bank(app, api, iban: str = IBAN) -> str:  # type: ignore[no-untyped-def]
    return str(companies.add_account(app.uow(), api.ctx, name="Crédit Agricole", kind=AccountKind.BANK, iban=iban))


def upload(api, account: str, name: str, data: bytes | None = None, **form: str):  # type: ignore[no-untyped-def]
    content = data if data is not None else (FIXTURES / name).read_bytes()
    return api.post(f"bank-accounts/{account}/imports", files={"file": (name, content)}, data=form)


def test_a_statement_uploaded_twice_adds_its_lines_once(app, api):
    account = bank(app, api)
    first = upload(api, account, "credit-agricole-camt053-v08.xml")
    assert first.status_code == 201, first.text
    assert first.json() | {"import_id": "x"} == {
        "import_id": "x",
        "account_id": account,
        "format": "camt.053",
        "lines_in_file": 6,
        "added": 6,
        "skipped": 0,
        "opening": {"amount": "10000.00", "currency": "EUR"},
        "closing": {"amount": "13128.62", "currency": "EUR"},
    }
    again = upload(api, account, "credit-agricole-camt053-v08.xml", format="camt.053")
    assert (again.json()["added"], again.json()["skipped"]) == (0, 6)
    listed = api.get(f"bank-imports?account_id={account}").json()["items"]
    assert [(i["lines_added"], i["lines_skipped"]) for i in listed] == [(0, 6), (6, 0)]  # newest first
    assert listed[1]["file_name"] == "credit-agricole-camt053-v08.xml" and listed[1]["period_from"] == "2026-12-04"


def test_bank_lines_are_listed_by_filters_page_by_page_and_read_one_by_one(app, api):
    account = bank(app, api)
    upload(api, account, "credit-agricole-camt053-v08.xml")
    first = api.get(f"bank-lines?account_id={account}&state=open&date_from=2026-12-04&date_to=2026-12-04&limit=4")
    assert first.status_code == 200, first.text
    rest = api.get(f"bank-lines?account_id={account}&limit=4&cursor={first.json()['next_cursor']}").json()
    lines = first.json()["items"] + rest["items"]
    assert [line["amount"]["amount"] for line in lines] == [
        "1440.00",
        "2437.52",
        "-356.40",
        "-12.50",
        "-980.00",
        "600.00",
    ]
    assert rest["next_cursor"] is None
    one = api.get(f"bank-lines/{lines[0]['id']}").json()
    assert (one["counterparty_name"], one["state"], one["transaction_code"]) == (
        "DUPONT MENUISERIE",
        "open",
        "PMNT-RCDT-ESCT",
    )
    assert api.get(f"bank-lines?account_id={account}&state=reconciled").json()["items"] == []
    assert api.get(f"bank-lines?account_id={account}&date_from=2026-12-05").json()["items"] == []


def test_a_refused_file_says_why_with_its_figures_and_writes_nothing(app, api):
    account = bank(app, api)
    another = bank(app, api, "FR1420041010050500013M02606")
    before = snapshot(app.uow(), api.ctx)
    data = (FIXTURES / "credit-agricole-camt053-v08.xml").read_bytes().replace(b">13128.62<", b">13128.72<")
    unbalanced = upload(api, account, "x.xml", data)
    assert unbalanced.status_code == 422 and unbalanced.json()["code"] == "statement-unbalanced"
    assert (unbalanced.json()["opening"], unbalanced.json()["difference"]) == ("10000.00 EUR", "0.10 EUR")
    assert "13\u202f128,72\u00a0€" in unbalanced.json()["detail"]
    broken = api.post(
        f"bank-accounts/{account}/imports",
        files={"file": ("x.xml", data.replace(b"</BookgDt>", b"</Bookg>", 1))},
        headers={"Accept-Language": "en"},
    )
    assert broken.status_code == 422 and broken.json()["code"] == "invalid-statement"
    assert broken.json()["line"] == 45 and broken.json()["field"] == "file"
    assert broken.json()["detail"].startswith("Statement refused, line 45 (file): malformed XML")
    empty = upload(api, account, "empty.csv", b"")
    assert empty.json()["code"] == "unreadable-statement"
    other = upload(api, another, "credit-agricole-camt053-v08.xml")
    assert other.json()["code"] == "statement-other-account"
    assert snapshot(app.uow(), api.ctx) == before


def test_a_csv_file_is_imported_with_its_banks_saved_mapping(app, api):
    account = bank(app, api, iban="")
    created = api.post("bank-csv-mappings", json=CA_MAPPING)
    assert created.status_code == 201, created.text
    mapping = created.json()
    assert mapping["columns"]["debit"] == "Débit euros" and mapping["delimiter"] == ";"
    assert api.post("bank-csv-mappings", json=CA_MAPPING).json()["code"] == "invalid-setting"  # the name is taken
    both = {**CA_MAPPING, "name": "Ambiguous", "columns": {**CA_MAPPING["columns"], "amount": "Montant"}}
    assert api.post("bank-csv-mappings", json=both).json()["code"] == "invalid-setting"
    without = upload(api, account, "credit-agricole.csv")
    assert without.status_code == 422 and without.json()["code"] == "unreadable-statement"
    imported = upload(api, account, "credit-agricole.csv", mapping_id=mapping["id"])
    assert imported.status_code == 201 and imported.json()["added"] == 5
    assert [m["name"] for m in api.get("bank-csv-mappings").json()["items"]] == ["Crédit Agricole"]
    assert api.delete(f"bank-csv-mappings/{mapping['id']}").status_code == 204
    assert api.get("bank-csv-mappings").json()["items"] == []
    assert api.delete(f"bank-csv-mappings/{mapping['id']}").status_code == 404


def test_a_statement_file_above_the_usual_body_size_is_accepted(app, api):
    account = bank(app, api)
    data = camt053(2000)
    assert len(data) > 1_000_000
    imported = upload(api, account, "year.xml", data)
    assert imported.status_code == 201 and imported.json()["added"] == 2000


def test_a_read_only_token_reads_the_lines_but_cannot_import(app, api, reader):
    account = bank(app, api)
    upload(api, account, "credit-agricole-camt053-v08.xml")
    assert reader.get(f"bank-lines?account_id={account}").status_code == 200
    refused = upload(reader, account, "credit-agricole-camt053-v08.xml")
    assert refused.status_code == 403


def test_imports_are_paged_newest_first(app, api):
    account = bank(app, api)
    for _ in range(3):
        upload(api, account, "credit-agricole-camt053-v08.xml")
    first = api.get(f"bank-imports?account_id={account}&limit=2").json()
    rest = api.get(f"bank-imports?account_id={account}&limit=2&cursor={first['next_cursor']}").json()
    ids = [int(i["id"]) for i in first["items"] + rest["items"]]
    assert len(ids) == 3 and ids == sorted(ids, reverse=True) and rest["next_cursor"] is None
    assert [i["lines_added"] for i in first["items"] + rest["items"]] == [0, 0, 6]
