"""« Banque »: the bank accounts with their last import, the import form, and the bank lines as cards."""

from __future__ import annotations

from pathlib import Path

from acompte.domain.payments import AccountKind
from acompte.services import companies
from acompte.services.banking import csv_mappings
from tests.web.test_card_lists import card_list

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bank"
IBAN = "FR7630006000011234567890189"


def bank(app, ctx, iban: str = IBAN) -> int:  # type: ignore[no-untyped-def]
    return companies.add_account(app.uow(), ctx, name="Crédit Agricole Pro", kind=AccountKind.BANK, iban=iban)


def upload(web, account: int, name: str, data: bytes | None = None, **fields: str):  # type: ignore[no-untyped-def]
    content = data if data is not None else (FIXTURES / name).read_bytes()
    return web.post(
        "/bank/imports",
        {"account_id": str(account), **fields},
        csrf_from="/bank",
        files={"file": (name, content, "application/octet-stream")},
    )


def cells(row) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {label: text for label, text in row if label}


def test_the_menu_leads_to_the_bank_page_listing_the_accounts(app, web):
    bank(app, web.ctx)
    home = web.get("/")
    assert 'href="/bank"' in home.text and ">Banque<" in home.text
    page = web.get("/bank")
    assert page.status_code == 200 and "Crédit Agricole Pro" in page.text and "Aucun relevé importé" in page.text
    assert 'enctype="multipart/form-data"' in page.text


def test_a_statement_imported_from_the_form_shows_its_lines_and_the_second_time_adds_nothing(app, web):
    account = bank(app, web.ctx)
    done = upload(web, account, "credit-agricole-camt053-v08.xml")
    assert done.status_code == 303 and done.headers["location"] == f"/bank/lines?account_id={account}"
    lines = web.get(done.headers["location"])
    assert "Relevé importé : 6 ligne(s) ajoutée(s), 0 déjà présente(s)." in lines.text
    listed = card_list(lines.text)
    assert len(listed.rows) == 6
    first = cells(listed.rows[0])
    assert set(first) == {"Date", "Compte", "Libellé", "Référence", "Contrepartie", "Montant", "État"}
    assert first["État"] == "À rapprocher" and first["Date"] == "04/12/2026"
    again = upload(web, account, "credit-agricole-camt053-v08.xml")
    assert "0 ligne(s) ajoutée(s), 6 déjà présente(s)" in web.get(again.headers["location"]).text
    overview = web.get("/bank").text
    assert "13\u202f128,62\u00a0€" in overview and "credit-agricole-camt053-v08.xml" in overview


def test_lines_are_filtered_by_state_and_dates(app, web):
    account = bank(app, web.ctx)
    upload(web, account, "credit-agricole-camt053-v08.xml")
    assert len(card_list(web.get(f"/bank/lines?account_id={account}&state=open").text).rows) == 6
    assert "Aucune ligne bancaire." in web.get(f"/bank/lines?account_id={account}&state=reconciled").text
    assert "Aucune ligne bancaire." in web.get(f"/bank/lines?account_id={account}&date_from=2026-12-05").text
    assert len(card_list(web.get(f"/bank/lines?date_to=2026-12-04&account_id={account}").text).rows) == 6


def test_a_refused_file_is_shown_next_to_the_file_field_and_writes_nothing(app, web):
    account = bank(app, web.ctx)
    data = (FIXTURES / "credit-agricole-camt053-v08.xml").read_bytes().replace(b">13128.62<", b">13128.72<")
    refused = upload(web, account, "wrong.xml", data)
    assert refused.status_code == 422
    assert (
        "solde de clôture 13\u202f128,72\u00a0€ (écart 0,10\u00a0€)" in refused.text and 'id="e-file"' in refused.text
    )
    assert "Aucune ligne bancaire." in web.get(f"/bank/lines?account_id={account}").text
    csv = upload(web, account, "credit-agricole.csv")
    assert csv.status_code == 422 and 'id="e-mapping_id"' in csv.text


def test_a_csv_statement_imports_with_the_chosen_mapping(app, web):
    account = bank(app, web.ctx, iban="")
    mapping = csv_mappings.create_mapping(
        app.uow(),
        web.ctx,
        name="Crédit Agricole CSV",
        columns={"date": "Date", "label": "Libellé", "debit": "Débit euros", "credit": "Crédit euros"},
        encoding="cp1252",
        skip_rows=2,
    )
    assert "Crédit Agricole CSV" in web.get("/bank").text
    done = upload(web, account, "credit-agricole.csv", mapping_id=str(mapping.id))
    assert done.status_code == 303
    assert len(card_list(web.get(done.headers["location"]).text).rows) == 5


def test_the_pages_read_in_english(app, web):
    account = bank(app, web.ctx)
    upload(web, account, "credit-agricole-camt053-v08.xml")
    web.client.cookies.set("acompte_lang", "en")
    page = web.get(f"/bank/lines?account_id={account}", headers={"Accept-Language": "en"})
    assert "<h1>Bank lines</h1>" in page.text and ">To reconcile<" in page.text and "€3,128.62" in page.text


def test_another_companys_account_is_not_found(app, web, web_intruder):
    account = bank(app, web.ctx)
    assert web_intruder.get(f"/bank/lines?account_id={account}").status_code == 404


def test_a_csv_mapping_is_made_from_its_form_and_deleted(app, web):
    form = web.get("/bank/mappings/new")
    assert form.status_code == 200 and 'name="column_date"' in form.text
    fields = {
        "name": "Banque Populaire",
        "delimiter": ";",
        "encoding": "cp1252",
        "date_format": "dd/mm/yyyy",
        "skip_rows": "2",
        "decimal_comma": "on",
        "header": "on",
        "column_date": "Date",
        "column_debit": "Débit euros",
        "column_credit": "Crédit euros",
        "column_label": "Libellé",
    }
    made = web.post("/bank/mappings/new", fields, csrf_from="/bank/mappings/new")
    assert made.status_code == 303, made.text
    (mapping,) = csv_mappings.list_mappings(app.uow(), web.ctx)
    assert (mapping.name, mapping.skip_rows, mapping.encoding, mapping.decimal_comma) == (
        "Banque Populaire",
        2,
        "cp1252",
        True,
    )
    assert mapping.columns == {"date": "Date", "debit": "Débit euros", "credit": "Crédit euros", "label": "Libellé"}
    assert "Banque Populaire" in web.get("/bank").text
    both = web.post(
        "/bank/mappings/new", {**fields, "name": "Autre", "column_amount": "Montant"}, csrf_from="/bank/mappings/new"
    )
    assert both.status_code == 422 and "indiquez soit la colonne du montant" in both.text
    no_date = web.post(
        "/bank/mappings/new", {**fields, "name": "Autre", "column_date": ""}, csrf_from="/bank/mappings/new"
    )
    assert no_date.status_code == 422 and 'id="e-column_date"' in no_date.text
    taken = web.post("/bank/mappings/new", fields, csrf_from="/bank/mappings/new")
    assert taken.status_code == 422 and 'id="e-name"' in taken.text
    gone = web.post(f"/bank/mappings/{mapping.id}/delete", {}, csrf_from="/bank")
    assert gone.status_code == 303 and csv_mappings.list_mappings(app.uow(), web.ctx) == []
