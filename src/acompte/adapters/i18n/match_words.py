"""The words of a bank line's match: each reason the matcher gives (domain.banking.matching.MatchReason) and the
kinds of candidates, said in the reader's language with its parameters (amounts formatted for the language)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from acompte.adapters.i18n.catalogue import N_, gettext, ngettext
from acompte.adapters.i18n.formats import money
from acompte.domain.banking.matching import CandidateKind, MatchReason
from acompte.domain.money import Money

#: Reasons said in one sentence whatever their numbers; the others have plural forms (`reason_text`).
SENTENCES: dict[MatchReason, str] = {
    MatchReason.STRUCTURED_REFERENCE: N_("Référence structurée {reference} : {number}"),
    MatchReason.NUMBER_IN_TEXT: N_("Le numéro {number} figure dans le libellé"),
    MatchReason.NUMBER_MISTYPED: N_("Le libellé porte {written}, le numéro {number} à une faute de frappe près"),
    MatchReason.SUPPLIER_REFERENCE: N_("Le numéro du fournisseur {reference} ({number}) figure dans le libellé"),
    MatchReason.KNOWN_IBAN: N_("IBAN {iban} connu pour {party}"),
    MatchReason.PARTY_NAME: N_("La contrepartie porte le nom de {party}"),
    MatchReason.EXACT_AMOUNT: N_("Montant exact : {amount}"),
    MatchReason.EXPECTED_DEPOSIT: N_("Acompte demandé sur la commande {number}"),
    MatchReason.DIRECTION: N_("Débit vers une somme due par l'entreprise (fournisseur, remboursement, prélèvement)"),
}

KINDS: dict[CandidateKind, str] = {
    CandidateKind.DOCUMENT: N_("Pièce"),
    CandidateKind.DOCUMENTS: N_("Pièces regroupées"),
    CandidateKind.PAYMENT: N_("Règlement saisi"),
    CandidateKind.PAYMENTS: N_("Remise de cartes"),
    CandidateKind.DEPOSIT: N_("Acompte attendu"),
    CandidateKind.REFUND: N_("Remboursement d'un trop-perçu"),
}

#: What a missing line is called in a « not found » answer.
ENTITIES = (N_("Ligne bancaire"),)


def _said(value: Any, lang: str) -> Any:
    return money(value, lang) if isinstance(value, Money) else value


def reason_text(code: str, params: Mapping[str, Any], lang: str) -> str:
    """The reason `code` (a MatchReason value) in `lang`, its parameters filled in."""
    reason = MatchReason(code)
    said = {name: _said(value, lang) for name, value in params.items()}
    if reason is MatchReason.COMBINED_AMOUNT:
        return ngettext(
            lang,
            "{count} pièce de ce tiers fait {amount}",
            "{count} pièces de ce tiers font ensemble {amount}",
            int(params["count"]),
            amount=said["amount"],
        )
    if reason is MatchReason.AMOUNT_WITH_FEE:
        return ngettext(
            lang,
            "{count} paiement par carte ({amount}) moins une commission de {fee}",
            "{count} paiements par carte ({amount}) moins une commission de {fee}",
            int(params["count"]),
            amount=said["amount"],
            fee=said["fee"],
        )
    if reason is MatchReason.DATE_WINDOW:
        return ngettext(
            lang,
            "À {count} jour de l'échéance ou de la date du règlement",
            "À {count} jours de l'échéance ou de la date du règlement",
            int(params["days"]),
        )
    return gettext(lang, SENTENCES[reason], **said)


def kind_text(kind: CandidateKind, lang: str) -> str:
    return gettext(lang, KINDS[kind])
