"""Reading a bank line's text: numbers however a payer types them, RF creditor references, a supplier's number,
an IBAN and a name."""

from stdnum import iso11649
from stdnum.iso7064 import mod_97_10

from acompte.domain.banking.references import (
    NumberKey,
    compact_iban,
    holds_reference,
    name_words,
    numbers_in,
    rf_references,
    same_name,
)
from acompte.domain.numbering import DEFAULT_PREFIXES

PREFIXES = set(DEFAULT_PREFIXES.values())


def rf(body: str) -> str:
    return "RF" + mod_97_10.calc_check_digits(body + "RF") + body


def test_a_number_is_read_whatever_its_spaces_case_and_separators():
    for text in ("FA-2026-00012", "fa 2026 00012", "Facture fa2026/00012 merci", "FA.2026.12", "VIR FA202600012"):
        assert numbers_in(text, PREFIXES) == (NumberKey("FA", 2026, 12),), text


def test_a_number_without_its_prefix_needs_the_counters_full_width():
    assert numbers_in("paiement 2026-00012", PREFIXES) == (NumberKey(None, 2026, 12),)
    assert numbers_in("echeance 2026-12-01", PREFIXES) == ()


def test_an_unknown_prefix_counts_as_missing():
    assert numbers_in("REF 2026 00012", PREFIXES) == (NumberKey(None, 2026, 12),)


def test_a_key_matches_a_stored_number_by_its_parts():
    assert NumberKey("FA", 2026, 12).matches("FA-2026-00012")
    assert NumberKey(None, 2026, 12).matches("AV-2026-00012")
    assert not NumberKey("FA", 2026, 12).matches("AV-2026-00012")
    assert not NumberKey("FA", 2026, 12).matches("FA-2025-00012")


def test_an_rf_reference_is_read_compact_or_in_groups_and_checked():
    reference = rf("FA202600012")
    grouped = " ".join(reference[i : i + 4] for i in range(0, len(reference), 4))
    assert rf_references(f"VIR SEPA {grouped} FACTURE", iso11649.is_valid) == (reference,)
    assert rf_references(f"{reference}", iso11649.is_valid) == (reference,)
    wrong = reference[:2] + ("00" if reference[2:4] != "00" else "01") + reference[4:]
    assert rf_references(wrong, iso11649.is_valid) == ()


def test_a_supplier_number_is_found_as_whole_words_whatever_its_separators():
    assert holds_reference("PRLV SEPA fact F2026-118 echeance", "F 2026/118")
    assert holds_reference("prlv f-2026-118", "F2026118")
    assert not holds_reference("PRLV F2026-1185", "F2026-118")
    assert not holds_reference("PRLV 12", "12")


def test_ibans_and_names_are_compared_as_the_bank_writes_them():
    assert compact_iban("IBAN fr76 3000 6000 0112 3456 7890 189") == "FR7630006000011234567890189"
    assert same_name("M DUPONT JEAN", "Jean Dupont")
    assert same_name("STE GENERALE DES EAUX SAS", "Générale des Eaux")
    assert not same_name("DUPONT", "Jean Dupont")
    assert name_words("Société Générale des Eaux") == ("generale", "eaux", "des")


def test_a_number_typed_with_one_slip_is_recognised_and_two_slips_are_not():
    from acompte.domain.banking.references import one_slip_from, written_words

    number = "FA-2026-00437"
    for written in ("FA202600437", "FA202600473", "FA20260437", "FA2026004377", "FA202600438", "AF202600437"):
        assert one_slip_from(written, number), written
    for written in ("FA202600374", "FA2026043", "FA202600", "FA202611437"):
        assert not one_slip_from(written, number), written
    assert written_words("VIR fa-2026-0437 DUPONT 12345") == frozenset({"FA20260437"})  # long, with a digit
