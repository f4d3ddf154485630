"""A deposit line says what the order sells: its percentage, the order, and the order's lines in a few words."""

from __future__ import annotations

from decimal import Decimal as D

from acompte.adapters.i18n.catalogue import gettext
from acompte.domain.deposits import DEPOSIT_WHAT_LENGTH, deposit_line_name, deposit_what


def test_a_percentage_deposit_on_an_order_names_the_order_and_its_lines():
    name = deposit_line_name(D("30"), "la commande CO-2026-00001", ["Table en chêne", "Chaise paillée"])
    assert name == "Acompte de 30 % sur la commande CO-2026-00001 : Table en chêne, Chaise paillée"


def test_an_amount_deposit_a_decimal_percentage_and_a_deposit_without_order():
    assert deposit_line_name(None, "la commande CO-1", ["Pose"]) == "Acompte sur la commande CO-1 : Pose"
    assert (
        deposit_line_name(D("12.50"), "la commande CO-1", ["Pose"]) == "Acompte de 12,5 % sur la commande CO-1 : Pose"
    )
    assert deposit_line_name(D("30"), "", ()) == "Acompte de 30 %"
    assert deposit_line_name(None, "", ()) == "Acompte"
    assert deposit_line_name(D("30"), "la commande CO-1", ["  "]) == "Acompte de 30 % sur la commande CO-1"


def test_many_lines_are_shortened_and_counted_each_designation_once():
    lines = [f"Article numéro {n} du catalogue" for n in range(1, 9)] + ["Article numéro 1 du catalogue"]
    what = deposit_what(lines)
    assert what.endswith(" et 6 autre(s)")
    assert what.startswith("Article numéro 1 du catalogue, Article numéro 2 du catalogue")
    assert len(what) <= DEPOSIT_WHAT_LENGTH + len(" et 6 autre(s)")


def test_one_very_long_designation_is_cut():
    what = deposit_what(["Mission " + "très " * 40 + "longue"])
    assert len(what) == DEPOSIT_WHAT_LENGTH and what.endswith("…")


def test_the_words_are_in_the_catalogue_in_english_too():
    def english(text: str) -> str:
        return gettext("en", text)

    name = deposit_line_name(
        D("30"), "order CO-1", ["Oak table", "Chair"] + [f"Part {n}" * 5 for n in range(9)], english
    )
    assert name.startswith("30% deposit on order CO-1: Oak table, Chair")
    assert " more" in name and "Acompte" not in name
