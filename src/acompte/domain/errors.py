"""One tree of business errors. Each carries the data that explains it and a message a clerk understands.

Messages are French by default (the user-facing language); the `code` is stable and is what the API exposes
as its problem type. Adapters translate by `code` and `params` when another language is asked for.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every business error. `code` is stable; `params` hold the figures of the message."""

    code = "domain-error"
    status = 422
    template = "Opération refusée."

    def __init__(self, message: str | None = None, /, **params: Any) -> None:
        self.params = params
        self.message = message or self.template.format(**params)
        super().__init__(self.message)


class NotFound(DomainError):
    code = "not-found"
    status = 404
    template = "{entity} introuvable ({id})."


class InvalidAmount(DomainError):
    code = "invalid-amount"
    template = "Montant invalide : {value!r} ({reason})."


class NonPositiveAmount(DomainError):
    code = "non-positive-amount"
    template = "Le montant doit être strictement positif (reçu : {amount})."


class CurrencyMismatch(DomainError):
    code = "currency-mismatch"
    template = "Devises différentes : {left} et {right}."


class UnknownCurrency(DomainError):
    code = "unknown-currency"
    template = "Devise inconnue : {currency}."


class InvalidVatRate(DomainError):
    code = "invalid-vat-rate"
    template = "Taux de TVA non configuré pour cette société : {rate} %."


class InvalidLine(DomainError):
    code = "invalid-line"
    template = "Ligne invalide : {reason}."


class NegativeQuantity(DomainError):
    code = "negative-quantity"
    template = (
        "Quantité négative refusée sur {kind} : pour rembourser ou reprendre des articles, "
        "établissez un avoir sur la facture."
    )


class InvalidTransition(DomainError):
    code = "invalid-transition"
    status = 409
    template = "Action « {action} » impossible sur {kind} à l'état « {state} »."


class DocumentFrozen(DomainError):
    code = "document-frozen"
    status = 409
    template = "{number} est validé(e) et ne peut plus être modifié(e) ; corrigez-le par un avoir."


class DocumentCancelled(DomainError):
    code = "document-cancelled"
    status = 409
    template = "{number} est annulé(e) : aucun règlement ne peut y être affecté."


class PartyMismatch(DomainError):
    code = "party-mismatch"
    template = "{document} appartient à un autre tiers que {source}."


class PartyRoleMismatch(DomainError):
    code = "party-role-mismatch"
    template = "{party} n'est pas {role}."


class FlowMismatch(DomainError):
    code = "flow-mismatch"
    template = "Un règlement {direction} ne peut pas régler {document} ({flow})."


class OverAllocation(DomainError):
    code = "over-allocation"
    template = "Affectation de {requested} impossible : il reste {available} disponible sur {source}."


class OverSettlement(DomainError):
    code = "over-settlement"
    template = "Affectation de {requested} impossible : le solde dû de {document} est de {available}."


class TotalBelowSettled(DomainError):
    code = "total-below-settled"
    status = 409
    template = (
        "Le total TTC de {document} ({gross}) deviendrait inférieur à ce qui est déjà réglé ({settled}) : "
        "retirez d'abord des rapprochements."
    )


class PaymentCancelled(DomainError):
    code = "payment-cancelled"
    status = 409
    template = "Le règlement {number} est annulé."


class AllocationNotFound(NotFound):
    code = "allocation-not-found"
    template = "Rapprochement introuvable ({id})."


class InvalidConversion(DomainError):
    code = "invalid-conversion"
    status = 409
    template = "Impossible de transformer {kind} en {target}."


class EmptyDocument(DomainError):
    code = "empty-document"
    status = 409
    template = "{kind} sans ligne : ajoutez au moins une ligne avant de valider."


class InvalidSetting(DomainError):
    code = "invalid-setting"
    template = "Paramètre invalide : {reason}."


# -- credits: credit notes, overpayments, refunds, write-offs, payment changes, party account (issue 4) --------


class NotCreditable(DomainError):
    code = "not-creditable"
    status = 409
    template = "Un avoir ne peut corriger que une facture validée : {document} ne l'est pas."


class UnknownInvoiceLine(DomainError):
    code = "unknown-invoice-line"
    template = "La facture {invoice} n'a pas de ligne n° {position}."


class OverCreditQuantity(DomainError):
    code = "over-credit-quantity"
    template = (
        "Ligne {position} de {invoice} : {requested} demandé(s) en avoir, mais il ne reste que {available} à créditer."
    )


class OverCredit(DomainError):
    code = "over-credit"
    template = "Avoir de {requested} impossible : il ne reste que {available} à créditer sur {invoice}."


class CreditLinesMismatch(DomainError):
    code = "credit-lines-mismatch"
    template = "Les lignes de l'avoir {credit} ne correspondent plus aux lignes de la facture {invoice}."


class NotACredit(DomainError):
    code = "not-a-credit"
    template = "{document} n'est pas un avoir."


class CreditNotIssued(DomainError):
    code = "credit-not-issued"
    status = 409
    template = "L'avoir {credit} n'est pas encore validé : validez-le avant de l'utiliser."


class CreditWrittenOff(DomainError):
    code = "credit-written-off"
    status = 409
    template = "L'avoir {credit} est comptabilisé : il ne peut plus être utilisé ni modifié."


class OverCreditUse(DomainError):
    code = "over-credit-use"
    template = "Utilisation de {requested} impossible : il ne reste que {available} sur {credit}."


class CreditFullyUsed(DomainError):
    code = "credit-fully-used"
    status = 409
    template = "L'avoir {credit} est entièrement utilisé : il n'y a rien à comptabiliser."


class CreditAlreadyWrittenOff(DomainError):
    code = "credit-already-written-off"
    status = 409
    template = "L'avoir {credit} est déjà comptabilisé ; cette opération est définitive."


class RefundTooLarge(DomainError):
    code = "refund-too-large"
    template = "Remboursement de {requested} impossible : il ne reste que {available} sur {source}."


class RefundNotFound(NotFound):
    code = "refund-not-found"
    template = "Remboursement introuvable ({id})."


class RefundExists(DomainError):
    code = "refund-exists"
    status = 409
    template = "Le règlement {number} a été en partie remboursé ({refunds}) : annulez d'abord le remboursement."


class RefundAmountLocked(DomainError):
    code = "refund-amount-locked"
    status = 409
    template = "Le montant du remboursement {number} ne se modifie pas : annulez le remboursement puis refaites-le."


class NothingToWriteOff(DomainError):
    code = "nothing-to-write-off"
    status = 409
    template = "Il ne reste rien à passer en écart de règlement sur {source}."


class AboveWriteOffThreshold(DomainError):
    code = "above-write-off-threshold"
    template = (
        "Écart de {amount} supérieur au seuil d'écart de règlement de la société ({threshold}) : "
        "conservez-le en avoir ou remboursez-le."
    )


class DigitalPaymentLocked(DomainError):
    code = "digital-payment-locked"
    status = 409
    template = (
        "Le règlement {number} est un paiement numérique ({method}) : seul son commentaire peut être modifié, "
        "et il ne peut pas être annulé."
    )


class ExportedPaymentLocked(DomainError):
    code = "exported-payment-locked"
    status = 409
    template = (
        "Le règlement {number} a été exporté en comptabilité : seul son commentaire peut être modifié, "
        "et il ne peut pas être annulé."
    )


class DigitalMethodRefused(DomainError):
    code = "digital-method-refused"
    template = (
        "Le mode « {method} » est un paiement numérique : il est enregistré par le prestataire de paiement, "
        "pas saisi à la main sur un règlement existant."
    )


class AmountBelowAllocated(DomainError):
    code = "amount-below-allocated"
    status = 409
    template = (
        "Le règlement {number} ne peut pas passer à {amount} : {allocated} en sont déjà affectés. "
        "Retirez d'abord des rapprochements."
    )


class PaymentNotOnDocument(DomainError):
    code = "payment-not-on-document"
    template = "Le règlement {number} ne règle pas {document}."


class InvalidPaymentTerms(DomainError):
    code = "invalid-payment-terms"
    template = "Conditions de règlement invalides : {reason}."


class CreditMismatch(DomainError):
    code = "credit-mismatch"
    template = "{credit} ne peut pas régler {document} : {reason}."


class NothingToRefund(DomainError):
    code = "nothing-to-refund"
    status = 409
    template = "Il ne reste rien à rembourser sur {source}."


# -- deposits (issue 3) -------------------------------------------------------------------------------------
class DepositExceedsOrder(DomainError):
    code = "deposit-exceeds-order"
    template = "Acompte de {requested} impossible : il reste {available} à couvrir sur {document}."


class InvalidPercentage(DomainError):
    code = "invalid-percentage"
    template = "Pourcentage invalide : {value} (il doit être compris entre 0 et 100)."


class DepositOnCancelledDocument(DomainError):
    code = "deposit-on-cancelled-document"
    status = 409
    template = "{document} est annulé(e) : aucun acompte ne peut y être pris."


class NotADepositSource(DomainError):
    code = "not-a-deposit-source"
    status = 409
    template = "Impossible de prendre un acompte sur {kind} : {reason}."


class DeductionExceedsDeposit(DomainError):
    code = "deduction-exceeds-deposit"
    template = "Déduction de {requested} impossible : la facture d'acompte {deposit} ne porte plus que {available}."


class DeductionExceedsInvoice(DomainError):
    code = "deduction-exceeds-invoice"
    template = (
        "Déduction de {requested} impossible : le net à payer de {invoice} n'est plus que de {available} "
        "(une facture ne devient jamais négative)."
    )


class DeductionPartyMismatch(DomainError):
    code = "deduction-party-mismatch"
    template = (
        "La facture d'acompte {deposit} a été émise pour {deposit_party}, pas pour {invoice_party} "
        "(facture {invoice}) : elle ne peut pas y être déduite."
    )


class DepositedLineRemoval(DomainError):
    code = "deposited-line-removal"
    status = 409
    template = (
        "La ligne « {designation} » a un acompte facturé ({deposit}) : établissez d'abord un avoir d'acompte "
        "avant de la retirer."
    )


class OrderBelowDeposits(DomainError):
    code = "order-below-deposits"
    status = 409
    template = (
        "Le total TTC de {document} ({gross}) deviendrait inférieur aux acomptes facturés ({deposits}) : "
        "établissez d'abord un avoir d'acompte."
    )


class DepositRequiredBeforeDelivery(DomainError):
    code = "deposit-required-before-delivery"
    status = 409
    template = "Livraison bloquée : l'acompte requis sur {document} est de {required}, {paid} seulement a été réglé."


class ReversalExceedsDeposit(DomainError):
    code = "reversal-exceeds-deposit"
    template = (
        "Avoir d'acompte de {requested} impossible : la facture d'acompte {deposit} ne porte plus que {available}."
    )


class InvalidExchangeRate(DomainError):
    code = "invalid-exchange-rate"
    template = "Taux de change invalide : {rate} (un nombre décimal strictement positif est attendu)."


class DepositFormRequired(DomainError):
    code = "deposit-form-required"
    status = 409
    template = (
        "Le montant de {document} se modifie par le formulaire d'acompte (montant ou pourcentage), pas par ses lignes."
    )


class MissingDepositAmount(DomainError):
    code = "missing-deposit-amount"
    template = (
        "Indiquez un montant ou un pourcentage d'acompte : aucun pourcentage par défaut n'est configuré "
        "pour {document}."
    )


# -- exports: accounting entries, FEC, Factur-X (issue 6) ------------------------------------------------------


class MissingAccount(DomainError):
    code = "missing-account"
    template = "Compte comptable manquant : aucun compte « {account} » n'est paramétré ({role})."


class UnbalancedEntry(DomainError):
    code = "unbalanced-entry"
    status = 500
    template = "Écriture déséquilibrée pour {piece} : débit {debit}, crédit {credit}."


class InvalidExportPeriod(DomainError):
    code = "invalid-export-period"
    template = "Période d'export invalide : {reason}."


class ExportPeriodOverlap(DomainError):
    code = "export-period-overlap"
    status = 409
    template = (
        "La période du {date_from} au {date_to} chevauche un export déjà réalisé "
        "(du {exported_from} au {exported_to}) : rien n'a été exporté."
    )


class ForeignCurrencyNotSupported(DomainError):
    code = "foreign-currency-not-supported"
    template = "{piece} est en {currency} : l'export comptable ne sait pas encore convertir vers {company_currency}."


class InvalidDocumentNumber(DomainError):
    code = "invalid-document-number"
    template = (
        "Numéro de pièce invalide pour la facturation électronique : {number!r} ({reason}). "
        "Au plus 35 caractères : lettres, chiffres et + - _ / uniquement, sans espace."
    )


class MissingCorrectedInvoice(DomainError):
    code = "missing-corrected-invoice"
    template = "{document} doit référencer la facture qu'il corrige (numéro et date) avant d'être émis."


class MissingLegalIdentifier(DomainError):
    code = "missing-legal-identifier"
    template = "Factur-X impossible : {what} de {whose} manquant."


class NotFullyPaid(DomainError):
    code = "not-fully-paid"
    status = 409
    template = "{document} n'est pas entièrement réglé(e) (reste dû : {balance}) : statut « Encaissée » refusé."


# --- users and security (issue 5) -------------------------------------------------------------------------


class InvalidEmail(DomainError):
    code = "invalid-email"
    template = "Adresse e-mail invalide : {email!r}."


class WeakPassword(DomainError):
    code = "weak-password"
    template = "Le mot de passe doit comporter au moins {minimum} caractères."


class UserExists(DomainError):
    code = "user-exists"
    status = 409
    template = "Un utilisateur existe déjà avec l'adresse {email}."


class AuthenticationRequired(DomainError):
    code = "authentication-required"
    status = 401
    template = "Authentification requise : présentez un jeton (Authorization: Bearer …) ou connectez-vous."


class InvalidCredentials(DomainError):
    code = "invalid-credentials"
    status = 401
    template = "Identifiants invalides, expirés ou révoqués."


class PermissionDenied(DomainError):
    code = "permission-denied"
    status = 403
    template = "Le rôle « {role} » ne permet pas cette action ({permission})."


class RoleNotGranted(DomainError):
    code = "role-not-granted"
    status = 403
    template = "Rôle « {role} » refusé : l'utilisateur {email} n'a que le rôle « {granted} » dans cette société."


class StaleVersion(DomainError):
    code = "stale-version"
    status = 412
    template = (
        "{entity} {id} a été modifié entre-temps (version actuelle {actual}, version attendue {expected}) : "
        "rechargez-le avant de recommencer."
    )


class IdempotencyKeyReused(DomainError):
    code = "idempotency-key-reused"
    status = 409
    template = "La clé d'idempotence {key!r} a déjà servi pour une autre requête : utilisez une nouvelle clé."


# -- wiring: credit notes name the invoices they correct; exports read deposits and credits ----------------------


class CorrectedInvoiceMismatch(DomainError):
    code = "corrected-invoice-mismatch"
    template = "L'avoir ne peut pas corriger {invoice} : {reason}."


# -- web: company identity -------------------------------------------------------------------------------------


class InvalidIdentifier(DomainError):
    """A legal identifier of the wrong shape; `field` names it (siren, vat_number) for the form."""

    code = "invalid-identifier"
    template = "{what} invalide : {value!r} ({rule})."


class WrittenOffShortfall(DomainError):
    """A document whose unpaid rest was written off (a loss already booked) cannot be cancelled: the loss
    would then stand for a debt that no longer exists."""

    code = "written-off-shortfall"
    status = 409
    template = (
        "{document} ne peut pas être annulé : un écart de règlement de {amount} y a été passé en perte "
        "(cette perte ne s'annule pas)."
    )
