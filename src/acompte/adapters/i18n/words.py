"""The words error params are made of, as msgids of the catalogue: kinds, states, roles, fields, reasons.

A typed param (an enum member) is translated through these tables. A plain string param from a caller not
yet converted is looked up in the catalogue as it is, so the former French words keep their translation."""

from __future__ import annotations

from enum import StrEnum

from acompte.adapters.i18n.catalogue import N_
from acompte.domain.banking.lines import LineState
from acompte.domain.banking.statements import StatementField
from acompte.domain.dates import DateField
from acompte.domain.deposits import DepositAction
from acompte.domain.documents import Flow, Kind, State
from acompte.domain.einvoicing import EInvoiceAction
from acompte.domain.errors import Field, Reason
from acompte.domain.lifecycle import Action
from acompte.domain.parties import PartyRole
from acompte.domain.payments import Direction
from acompte.domain.users import Permission, Role

# fmt: off
#: A document named in a sentence, with its article: « la commande CO-1 » / « the order CO-1 ».
#: Keyed by StrEnum, not Kind: a DocumentRef's kind is any StrEnum, and WORDS below takes these entries as they are.
KINDS: dict[StrEnum, str] = {
    Kind.QUOTE: N_("le devis"), Kind.ORDER: N_("la commande"), Kind.DELIVERY: N_("le bon de livraison"),
    Kind.INVOICE: N_("la facture"), Kind.DEPOSIT_INVOICE: N_("la facture d'acompte"),
    Kind.CREDIT_NOTE: N_("l'avoir"), Kind.DEPOSIT_CREDIT_NOTE: N_("l'avoir d'acompte"),
}
WORDS: dict[StrEnum, str] = {
    **KINDS,
    State.DRAFT: N_("brouillon"), State.VALIDATED: N_("validé"), State.CANCELLED: N_("annulé"),
    Flow.SALE: N_("une vente"), Flow.PURCHASE: N_("un achat"),
    Direction.IN: N_("reçu"), Direction.OUT: N_("versé"),
    PartyRole.CUSTOMER: N_("un client"), PartyRole.SUPPLIER: N_("un fournisseur"),
    Role.ADMIN: N_("administrateur"), Role.ACCOUNTANT: N_("comptable"), Role.CLERK: N_("employé"),
    Role.READ_ONLY: N_("lecture seule"),
    Permission.READ: N_("consulter"), Permission.WRITE: N_("saisir"), Permission.ACCOUNTING: N_("comptabiliser"),
    Permission.ADMIN: N_("administrer"),
    Action.EDIT: N_("modifier"), Action.VALIDATE: N_("valider"), Action.CANCEL: N_("annuler"),
    Action.DELETE: N_("supprimer"), Action.CONVERT: N_("transformer"), Action.ALLOCATE: N_("affecter"),
    Field.QUANTITY: N_("la quantité"), Field.UNIT_PRICE: N_("le prix unitaire"), Field.DISCOUNT: N_("la remise"),
    Field.NUMBER: N_("numéro"), Field.CORRECTED_NUMBER: N_("numéro de la facture référencée"),
    Field.SIREN_OR_ADDRESS: N_("le SIREN ou l'adresse électronique"),
    Field.SIREN: N_("SIREN"), Field.SIRET: N_("SIRET"), Field.VAT_NUMBER: N_("Numéro de TVA"),
    Field.IBAN: N_("IBAN"), Field.BIC: N_("BIC"),
    DepositAction.REVERSE: N_("établir un avoir d'acompte"),
    DepositAction.ISSUE: N_("émettre"),
    DepositAction.DEDUCT_DEPOSITS: N_("déduire des acomptes"),
    DepositAction.DEDUCT: N_("déduire"),
    DepositAction.RETURN_DEPOSITS: N_("renvoyer les acomptes"),
    DepositAction.EDIT_DEPOSIT: N_("modifier l'acompte"),
    DepositAction.ATTACH: N_("rattacher"),
    DepositAction.SHOW_DEPOSIT: N_("afficher l'acompte"),
    EInvoiceAction.PRODUCE: N_("facture électronique"),
    EInvoiceAction.MARK_COLLECTED: N_("marquer encaissée"),
    DateField.DATE: N_("la date"), DateField.ISSUE_DATE: N_("la date du document"),
    DateField.DUE_DATE: N_("la date d'échéance"), DateField.PAYMENT_DATE: N_("la date du règlement"),
    DateField.REFUND_DATE: N_("la date du remboursement"), DateField.DATE_FROM: N_("la date de début"),
    DateField.DATE_TO: N_("la date de fin"), DateField.AS_OF: N_("la date d'arrêté"),
    LineState.OPEN: N_("à rapprocher"), LineState.RECONCILED: N_("rapprochée"), LineState.IGNORED: N_("ignorée"),
    StatementField.FILE: N_("fichier"), StatementField.ACCOUNT: N_("compte"), StatementField.CURRENCY: N_("devise"),
    StatementField.BALANCE: N_("solde"), StatementField.BOOKING_DATE: N_("date d'opération"),
    StatementField.VALUE_DATE: N_("date de valeur"), StatementField.AMOUNT: N_("montant"),
    StatementField.DEBIT: N_("débit"), StatementField.CREDIT: N_("crédit"), StatementField.LABEL: N_("libellé"),
    StatementField.REFERENCE: N_("référence"), StatementField.COUNTERPARTY: N_("contrepartie"),
    StatementField.IBAN: N_("IBAN"), StatementField.COLUMN: N_("colonnes"),
}

#: Words callers still pass as plain strings; listed so that extraction keeps them in the catalogue.
LEGACY_WORDS = (
    N_("une facture"), N_("Tiers"), N_("Règlement"), N_("Article"),
    N_("Société"), N_("Compte de trésorerie"), N_("Utilisateur"), N_("Jeton"), N_("Le document"),
    N_("Le règlement"), N_("régler"), N_("ce document"), N_("les crédits sélectionnés"), N_("Export comptable"),
    N_("Remboursement"), N_("Avoir"), N_("Document"), N_("un SIREN a 9 chiffres"), N_("Numéro de TVA"),
    N_("ex. FR12345678901"), N_("L'avoir"), N_("Écart de règlement"), N_("Déduction"),
    N_("Ligne bancaire"), N_("La ligne bancaire"), N_("Rapprochement bancaire"), N_("Compte bancaire"),
    N_("Proposition de rapprochement"),
)

#: Why a value was refused; each sentence uses the params given beside the reason.
REASONS: dict[Reason, str] = {
    Reason.NOT_A_DECIMAL: N_("ce n'est pas un nombre décimal"),
    Reason.FLOAT_REFUSED: N_("les nombres flottants sont refusés"),
    Reason.NOT_FINITE: N_("ce n'est pas un nombre fini"),
    Reason.TOO_MANY_DECIMALS: N_("au plus {places} décimales en {currency}"),
    Reason.TEXT_EXPECTED: N_("une chaîne décimale est attendue"),
    Reason.NOT_QUANTIZED: N_("pas arrondi aux décimales de {currency}"),
    Reason.DECIMAL_EXPECTED: N_("{field} doit être un nombre décimal"),
    Reason.TOO_MANY_PLACES: N_("{field} : au plus {places} décimales"),
    Reason.DESIGNATION_REQUIRED: N_("la désignation est obligatoire"),
    Reason.NEGATIVE_UNIT_PRICE: N_("le prix unitaire ne peut pas être négatif"),
    Reason.DISCOUNT_RANGE: N_("la remise doit être comprise entre 0 et 100 %"),
    Reason.CREDIT_QUANTITY_POSITIVE: N_("la quantité reprise en avoir doit être strictement positive"),
    Reason.ITEM_NAME_REQUIRED: N_("le nom de l'article est obligatoire"),
    Reason.ITEM_PRICE: N_("prix unitaire positif, au plus {places} décimales"),
    Reason.RECALL_DEPOSIT_UNKNOWN: N_(
        "une ligne de reprise d'acompte (quantité négative) doit nommer une facture d'acompte de la commande "
        "encore à déduire ({deposits})"
    ),
    Reason.RECALL_MISMATCH: N_(
        "la reprise de l'acompte {deposit} à {rate} % est de {expected} HT, pas {typed} : reprenez le montant "
        "facturé sur l'acompte"
    ),
    Reason.WRITE_OFF_THRESHOLD_INVALID: N_("seuil d'écart de règlement invalide : {value!r}"),
    Reason.WRITE_OFF_THRESHOLD_NEGATIVE: N_("le seuil d'écart de règlement ne peut pas être négatif"),
    Reason.UNKNOWN_PAYMENT_METHOD: N_("mode de règlement inconnu ou inactif : {method}"),
    Reason.COMPANY_NAME_REQUIRED: N_("le nom de la société est obligatoire"),
    Reason.ACCOUNT_NAME_REQUIRED: N_("le nom du compte est obligatoire"),
    Reason.VAT_RATE_REQUIRED: N_("au moins un taux de TVA est nécessaire"),
    Reason.METHOD_CODE_AND_LABEL: N_("un mode de règlement a un code et un libellé"),
    Reason.UNKNOWN_SERIES: N_("série inconnue : {series}"),
    Reason.PREFIX_SHAPE: N_("un préfixe a 1 à 12 caractères, sans espace"),
    Reason.UNKNOWN_FIELDS: N_("champs inconnus : {fields}"),
    Reason.UNKNOWN_CHOICE: N_("{field} : valeur {value!r} non admise (choix : {choices})"),
    Reason.BOOLEAN_EXPECTED: N_("{field} : true ou false est attendu, pas {value}"),
    Reason.OPTIONS_EXPECTED: N_("{field} : un objet d'options est attendu"),
    Reason.SIRET_DIGITS: N_("un SIRET a 14 chiffres"),
    Reason.VAT_NUMBER_SHAPE: N_("le code du pays en 2 lettres puis 2 à 13 lettres ou chiffres, ex. FR44732829320"),
    Reason.IBAN_SHAPE: N_("le code du pays, 2 chiffres de clé puis le compte, ex. FR76 3000 6000 0112 3456 7890 189"),
    Reason.IDENTIFIER_CHECKSUM: N_("sa clé de contrôle ne correspond pas : un chiffre est faux ou inversé"),
    Reason.VAT_NUMBER_KEY: N_("FR, une clé de 2 chiffres calculée sur le SIREN, puis le SIREN"),
    Reason.VAT_NUMBER_OTHER_SIREN: N_("il ne porte pas le SIREN {siren}"),
    Reason.PARTY_NAME_REQUIRED: N_("le nom du tiers est obligatoire"),
    Reason.SIREN_DIGITS: N_("un SIREN a 9 chiffres"),
    Reason.PARTY_ROLE_REQUIRED: N_("un tiers est client, fournisseur, ou les deux"),
    Reason.UNKNOWN_LANGUAGE: N_("langue inconnue : {language!r} (fr ou en)"),
    Reason.UNKNOWN_USER: N_("aucun utilisateur {email}"),
    Reason.NOT_A_MEMBER: N_("{email} n'est pas membre de cette société"),
    Reason.TOKEN_NAME_TOO_LONG: N_("un nom de jeton a au plus {maximum} caractères"),
    Reason.SECOND_FACTOR_ALREADY_ENABLED: N_("la double authentification est déjà activée"),
    Reason.SECOND_FACTOR_NOT_STARTED: N_("commencez par afficher un nouveau secret de double authentification"),
    Reason.NO_TREASURY_ACCOUNT: N_("aucun compte de banque ou de caisse n'est configuré"),
    Reason.CREDIT_SETTLES_ORDER_OR_INVOICE: N_("un avoir règle une commande ou une facture"),
    Reason.DOCUMENT_NOT_VALIDATED: N_("ce document n'est pas validé"),
    Reason.CREDIT_FLOW_MISMATCH: N_("un avoir client règle des ventes, un avoir fournisseur des achats"),
    Reason.NOT_IN_ACCOUNT: N_("document non validé ou hors du compte"),
    Reason.OTHER_PARTY: N_("elle concerne un autre tiers"),
    Reason.OTHER_FLOW: N_("elle porte sur {flow}, l'avoir sur {credit_flow}"),
    Reason.OTHER_CURRENCY: N_("elle est en {currency}, l'avoir en {credit_currency}"),
    Reason.NO_INSTALMENT: N_("au moins une échéance"),
    Reason.INSTALMENT_PERCENT_POSITIVE: N_("chaque échéance a un pourcentage strictement positif"),
    Reason.PERCENT_PLACES: N_("au plus 2 décimales par pourcentage"),
    Reason.DAYS_RANGE: N_("un délai est un nombre de jours entre 0 et {maximum}"),
    Reason.PERCENTS_TOTAL: N_("les pourcentages des échéances doivent totaliser 100 %"),
    Reason.TERMS_FORMAT: N_("format des échéances non reconnu"),
    Reason.NUMBER_MISSING: N_("{field} absent : la pièce n'est pas émise"),
    Reason.NUMBER_TOO_LONG: N_("{length} caractères"),
    Reason.NUMBER_HAS_SPACE: N_("contient un espace"),
    Reason.NUMBER_BAD_CHARACTER: N_("caractère non autorisé"),
    Reason.NEGATIVE_PRICE: N_("prix unitaire négatif"),
    Reason.NO_CORRECTED_INVOICE: N_(
        "Un avoir doit référencer la ou les factures qu'il corrige (numéro et date) : "
        "indiquez au moins une facture émise de ce tiers."
    ),
    Reason.DEPOSIT_SOURCE_KIND: N_("une facture d'acompte se fait sur un devis ou une commande"),
    Reason.NO_DEFAULT_TERMS: N_("{party} n'a pas de conditions de règlement par défaut"),
    Reason.DEPOSIT_NOTED_ON_QUOTE_OR_ORDER: N_("un acompte se note sur un devis ou une commande"),
    Reason.DEPOSIT_PAYMENT_TARGET: N_(
        "un règlement d'acompte se prend sur une commande, un bon de livraison ou une facture"
    ),
    Reason.DEPOSIT_INVOICE_TARGET: N_(
        "une facture d'acompte se rattache à une commande, un bon de livraison ou une facture"
    ),
    Reason.AMOUNT_OR_PERCENT: N_("indiquez un montant ou un pourcentage, pas les deux"),
    Reason.UNKNOWN_DEPOSIT_OPTIONS: N_("options d'acompte inconnues : {options}"),
    Reason.DEPOSIT_OPTION_BOOLEAN: N_("l'option {option} vaut oui ou non (reçu : {value})"),
    Reason.DEPOSIT_WITHOUT_ORDER_FIELDS: N_(
        "une facture d'acompte sans commande a un tiers, un montant et un taux de TVA"
    ),
    Reason.UNKNOWN_LINE: N_("la ligne {position} n'existe pas sur {document}"),
    Reason.DATABASE_BUSY: N_("la base de données est occupée par d'autres opérations"),
    Reason.STATEMENT_TIMEOUT: N_("une requête à la base de données a dépassé son temps maximal"),
    Reason.REQUEST_DEADLINE: N_("la demande a dépassé son temps maximal"),
    Reason.CONNECTION_LOST: N_("la connexion à la base de données a été perdue"),
    Reason.NO_DEPOSIT_ON_LINE: N_("{deposit} ne porte pas d'acompte sur la ligne {position}"),
    Reason.ORIGIN_OTHER_PARTY: N_("le document d'origine appartient à un autre tiers"),
    Reason.EINVOICE_SALES_ONLY: N_("seules les pièces de vente émises ont une facture électronique à produire"),
    Reason.START_AFTER_END: N_("la date de début est postérieure à la date de fin"),
    Reason.PERIOD_BEYOND_FISCAL_YEAR: N_("la période dépasse l'exercice clos le {fiscal_year_end}"),
    Reason.CLOSING_DATE_FORMAT: N_("date de clôture invalide : {value} (attendu MM-JJ)"),
    Reason.SPLIT_OF_ZERO_DOCUMENT: N_("impossible de répartir un montant sur un document sans montant"),
    Reason.ZERO_EXCHANGE_DIFFERENCE: N_("un écart de change nul ne se comptabilise pas"),
    Reason.UNKNOWN_ACCOUNT_ROLES: N_("rôles de compte inconnus : {roles}"),
    Reason.INVALID_ACCOUNT_NUMBER: N_("numéro de compte invalide pour le rôle {role} : {number}"),
    Reason.INVALID_DEPOSIT_JOURNAL: N_("journal d'imputation des acomptes invalide : {journal}"),
    Reason.DATE_OUT_OF_RANGE: N_("{field} doit être comprise entre le {minimum} et le {maximum}"),
    Reason.COUNTRY_CODE: N_("pays inconnu : {value!r} (code ISO 3166 à deux lettres, ex. FR, DE, US)"),
    Reason.POSTCODE_LENGTH: N_("un code postal a au plus {maximum} caractères"),
    Reason.EXEMPTION_REASON_REQUIRED: N_("une vente exonérée indique le motif d'exonération (texte ou code VATEX)"),
    Reason.VATEX_CODE: N_("code d'exonération inconnu : {value!r} (liste VATEX, ex. VATEX-FR-CGI261-4)"),
    Reason.STATEMENT_EMPTY: N_("le fichier est vide"),
    Reason.STATEMENT_FORMAT_UNKNOWN: N_(
        "format non reconnu ({format}) : camt.053, camt.054, OFX ou CSV sont acceptés"
    ),
    Reason.STATEMENT_NOT_XML: N_("XML mal formé ({detail})"),
    Reason.STATEMENT_SCHEMA: N_("non conforme au schéma ISO 20022 ({detail})"),
    Reason.STATEMENT_OFX: N_("OFX illisible ({detail})"),
    Reason.STATEMENT_ENCODING: N_("caractères illisibles en {encoding} : vérifiez l'encodage du format CSV"),
    Reason.STATEMENT_VALUE_MISSING: N_("valeur manquante"),
    Reason.STATEMENT_DATE_FORMAT: N_("date « {value} » illisible (format attendu : {expected})"),
    Reason.STATEMENT_AMOUNT_FORMAT: N_("montant « {value} » illisible"),
    Reason.STATEMENT_CURRENCY: N_("devise « {value} » inconnue"),
    Reason.STATEMENT_COLUMN_MISSING: N_("colonne « {column} » absente"),
    Reason.STATEMENT_MAPPING_REQUIRED: N_(
        "un fichier CSV s'importe avec le format CSV de sa banque : choisissez-en un"
    ),
    Reason.STATEMENT_NO_LINES: N_("le fichier ne contient ni opération ni solde"),
    Reason.STATEMENT_CUT_SHORT: N_("fichier incomplet : il s'arrête avant {expected}"),
    Reason.MAPPING_NAME_TAKEN: N_("un format CSV s'appelle déjà « {name} »"),
    Reason.MAPPING_AMOUNT_COLUMNS: N_(
        "indiquez soit la colonne du montant, soit les colonnes débit et / ou crédit"
    ),
    Reason.MAPPING_COLUMN_REQUIRED: N_("la colonne « {column} » est obligatoire"),
    Reason.BIC_SHAPE: N_(
        "8 ou 11 caractères : la banque (4 lettres), le pays (2 lettres), la place (2) et l'agence (3, "
        "facultative), ex. BNPAFRPPXXX"
    ),
    Reason.BANK_LEDGER_ACCOUNT: N_(
        "son compte comptable commence par {prefix} (lettres ou chiffres, au plus 20), pas {value!r}"
    ),
    Reason.IBAN_REQUIRED: N_("l'IBAN est obligatoire"),
    Reason.SUPPLIER_REFERENCE_PURCHASE_ONLY: N_("le numéro du fournisseur se note sur les pièces d'achat"),
    Reason.SUPPLIER_REFERENCE_LENGTH: N_("le numéro du fournisseur a au plus {maximum} caractères"),
    Reason.OPENING_BALANCE_CURRENCY: N_("le solde d'ouverture est en {currency}, le compte en {account_currency}"),
}
# fmt: on
