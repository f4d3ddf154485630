"""A refused form in English says why in English, money written the English way."""

from __future__ import annotations

import re

from tests.helpers import line, pay, validated
from tests.i18n.test_languages import leaks

FIELD_ERROR = re.compile(r'<p class="field-error"[^>]*role="alert">(.*?)</p>', re.S)


def test_a_refused_payment_change_reads_in_english_then_in_french(app, web, ctx, customer):
    invoice = validated(app.uow(), ctx, customer.id, line("100.00"))
    cheque = pay(app.uow(), ctx, customer.id, "120.00", (invoice.id, "120.00"))
    form = {"method": "cheque", "payment_date": "2026-01-01", "amount": "50,00"}
    web.post("/language", {"lang": "en", "back": "/"})
    english = web.post(f"/payments/{cheque.id}/edit", form)
    assert english.status_code == 422
    [said] = FIELD_ERROR.findall(english.text)
    assert "€50.00" in said and "€120.00" in said and not leaks(said, "en"), said
    web.post("/language", {"lang": "fr", "back": "/"})
    french = web.post(f"/payments/{cheque.id}/edit", form)
    [said] = FIELD_ERROR.findall(french.text)
    assert "50,00\u00a0€" in said and not leaks(said, "fr"), said
