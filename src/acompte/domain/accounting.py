"""Accounting: issued documents, payments, deductions, credit notes, refunds and write-offs -> journal entries.

Pure functions over plain input records ("facts"). The services read documents, payments and allocations,
turn them into facts, and ask this module for balanced `JournalEntry` values; the FEC writer prints them.
The patterns follow the French chart of accounts (PCG) as `../shared/domain/french-rules.md` §1.3 details:

- sale invoice             VE  D 411 gross / C 706-707 net / C 44571 VAT (44574 for services whose VAT is due on
                               receipt: no debits option)
- purchase invoice         HA  D 60x net / D 44566 VAT / C 401 gross
- payment on an invoice    BQ  D 512 / C 411 (CA and 531 for cash); paid out: D 401 / C 512
- deposit received         BQ  D 512 / C 4191 net / C 44571 VAT (VAT on a deposit is due on receipt)
- deposit paid             BQ  D 4091 net / D 44566 VAT / C 512
- imputation of a deposit  OD  D 4191 + D 44571 (44574) / C 411; purchases D 401 / C 4091 + C 44566
- VAT due on receipt       OD  D 44574 / C 44571 for the VAT part of what a payment settles
- credit note              VE  mirror of the invoice (709 for a price reduction); deposit credit note D 4191 + VAT
- refund                   BQ  D 411 / C 512
- write-off                OD  D 411 / C 758 (gain) or D 658 / C 411 (loss)
- exchange difference      OD  656 (loss) / 756 (gain) against 411 or 401

A deposit invoice alone makes no entry: the deposit is booked when its cash comes in (CONVENTION of the
reference). Every entry balances; `JournalEntry` refuses to exist otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from acompte.domain.documents import Flow, Kind
from acompte.domain.errors import InvalidSetting, MissingAccount, UnbalancedEntry
from acompte.domain.money import HALF_UP, Money, round_to_currency, total
from acompte.domain.payments import Direction
from acompte.domain.vat import VatRounding, normalize_rate, vat_of

# -- journals and accounts -------------------------------------------------------------------------------------


class Journal(StrEnum):
    SALES = "VE"
    PURCHASES = "HA"
    BANK = "BQ"
    CASH = "CA"
    MISC = "OD"

    @property
    def label(self) -> str:
        return JOURNAL_LABELS[self]


JOURNAL_LABELS = {
    Journal.SALES: "Ventes",
    Journal.PURCHASES: "Achats",
    Journal.BANK: "Banque",
    Journal.CASH: "Caisse",
    Journal.MISC: "Opérations diverses",
}


class Nature(StrEnum):
    """What a line sells: goods or services. It decides the revenue account and when VAT is due."""

    GOODS = "goods"
    SERVICES = "services"


class Treasury(StrEnum):
    BANK = "bank"
    CASH = "cash"


#: Account roles and the French chart-of-accounts numbers a new company starts with.
DEFAULT_ACCOUNTS: dict[str, str] = {
    "customers": "411",
    "suppliers": "401",
    "customer_deposits": "4191",
    "supplier_deposits": "4091",
    "sales_goods": "707",
    "sales_services": "706",
    "sales_reductions": "709",
    "purchases_goods": "607",
    "purchases_services": "604",
    "purchase_reductions": "609",
    "output_vat": "44571",
    "output_vat_pending": "44574",
    "input_vat": "44566",
    "bank": "512",
    "cash": "531",  # 53 Caisse, subdivided: the FEC wants account numbers that start with three digits
    "exchange_loss": "656",
    "exchange_gain": "756",
    "write_off_loss": "658",
    "write_off_gain": "758",
}

#: How each role is named in messages (French, the user's language).
ROLE_LABELS: dict[str, str] = {
    "customers": "clients",
    "suppliers": "fournisseurs",
    "customer_deposits": "clients – avances et acomptes reçus",
    "supplier_deposits": "fournisseurs – avances et acomptes versés",
    "sales_goods": "ventes de marchandises",
    "sales_services": "prestations de services",
    "sales_reductions": "rabais, remises et ristournes accordés",
    "purchases_goods": "achats de marchandises",
    "purchases_services": "achats de prestations de services",
    "purchase_reductions": "rabais, remises et ristournes obtenus",
    "output_vat": "TVA collectée",
    "output_vat_pending": "TVA collectée en attente d'encaissement",
    "input_vat": "TVA déductible",
    "bank": "banque",
    "cash": "caisse",
    "exchange_loss": "pertes de change",
    "exchange_gain": "gains de change",
    "write_off_loss": "charges diverses de gestion courante",
    "write_off_gain": "produits divers de gestion courante",
}

#: PCG labels of the default accounts (FEC column CompteLib).
PCG_LABELS: dict[str, str] = {
    "411": "Clients",
    "401": "Fournisseurs",
    "4191": "Clients - avances et acomptes reçus sur commandes",
    "4091": "Fournisseurs - avances et acomptes versés sur commandes",
    "707": "Ventes de marchandises",
    "706": "Prestations de services",
    "709": "Rabais, remises et ristournes accordés par l'entreprise",
    "607": "Achats de marchandises",
    "604": "Achats d'études et prestations de services",
    "609": "Rabais, remises et ristournes obtenus sur achats",
    "44571": "TVA collectée",
    "44574": "TVA collectée en attente d'encaissement",
    "44566": "TVA déductible sur autres biens et services",
    "512": "Banque",
    "531": "Caisse",
    "656": "Pertes de change sur créances et dettes commerciales",
    "756": "Gains de change sur créances et dettes commerciales",
    "658": "Charges diverses de gestion courante",
    "758": "Produits divers de gestion courante",
}


@dataclass(frozen=True, slots=True)
class AccountMapping:
    """The company's chart of accounts: one account number per role (defaults: DEFAULT_ACCOUNTS)."""

    customers: str = "411"
    suppliers: str = "401"
    customer_deposits: str = "4191"
    supplier_deposits: str = "4091"
    sales_goods: str = "707"
    sales_services: str = "706"
    sales_reductions: str = "709"
    purchases_goods: str = "607"
    purchases_services: str = "604"
    purchase_reductions: str = "609"
    output_vat: str = "44571"
    output_vat_pending: str = "44574"
    input_vat: str = "44566"
    bank: str = "512"
    cash: str = "531"
    exchange_loss: str = "656"
    exchange_gain: str = "756"
    write_off_loss: str = "658"
    write_off_gain: str = "758"
    labels: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | None) -> AccountMapping:
        """Build from a company's `accounts` setting: {role: number, ..., "labels": {number: label}}.

        A role set to an empty value stays empty: `require` then names it (the export refuses to run).
        """
        settings = dict(settings or {})
        labels = dict(settings.pop("labels", {}) or {})
        unknown = set(settings) - set(DEFAULT_ACCOUNTS)
        if unknown:
            raise InvalidSetting(reason=f"rôles de compte inconnus : {', '.join(sorted(unknown))}")
        values = {role: str(settings.get(role, default) or "").strip() for role, default in DEFAULT_ACCOUNTS.items()}
        for role, number in values.items():
            if number and (len(number) < 3 or not number[:3].isdigit() or len(number) > 20):
                raise InvalidSetting(reason=f"compte {ROLE_LABELS[role]} invalide : {number!r}")
        return cls(**values, labels={str(k): str(v) for k, v in labels.items()})

    def account(self, role: str) -> str:
        number = str(getattr(self, role))
        if not number:
            raise MissingAccount(role=role, account=ROLE_LABELS.get(role, role))
        return number

    def require(self, roles: Iterable[str] | None = None) -> None:
        """Raise MissingAccount naming the first role without an account."""
        for role in roles if roles is not None else DEFAULT_ACCOUNTS:
            self.account(role)

    def label(self, number: str) -> str:
        """The account's label: the company's own, the PCG label, or the role that uses it."""
        if number in self.labels:
            return str(self.labels[number])
        if number in PCG_LABELS:
            return PCG_LABELS[number]
        for f in fields(self):
            if f.name != "labels" and getattr(self, f.name) == number:
                return ROLE_LABELS[f.name].capitalize()
        return f"Compte {number}"


@dataclass(frozen=True, slots=True)
class AccountingSettings:
    """What decides the entries besides the accounts.

    `vat_on_debits`: the company opted to pay VAT on services at invoicing (CGI ann. III art. 77); without it,
    VAT on services is due on receipt and waits in `output_vat_pending` until the invoice is paid.
    """

    accounts: AccountMapping = field(default_factory=AccountMapping)
    vat_on_debits: bool = False
    imputation_journal: Journal = Journal.MISC
    write_off_journal: Journal = Journal.MISC

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | None) -> AccountingSettings:
        """From the company settings: `accounts` (see AccountMapping), `vat_on_debits`, `imputation_journal`."""
        settings = settings or {}
        journal = str(settings.get("imputation_journal", Journal.MISC.value))
        if journal not in {Journal.MISC.value, Journal.SALES.value}:
            raise InvalidSetting(reason=f"journal d'imputation des acomptes invalide : {journal}")
        return cls(
            accounts=AccountMapping.from_settings(settings.get("accounts")),
            vat_on_debits=bool(settings.get("vat_on_debits", False)),
            imputation_journal=Journal(journal),
        )

    def vat_pending(self, flow: Flow, nature: Nature) -> bool:
        """Whether invoiced VAT waits for the payment before it is due (services sold, no debits option)."""
        return flow is Flow.SALE and nature is Nature.SERVICES and not self.vat_on_debits

    def invoice_vat_role(self, flow: Flow, nature: Nature) -> str:
        if flow is Flow.PURCHASE:
            return "input_vat"
        return "output_vat_pending" if self.vat_pending(flow, nature) else "output_vat"

    def revenue_role(self, flow: Flow, nature: Nature) -> str:
        if flow is Flow.SALE:
            return "sales_services" if nature is Nature.SERVICES else "sales_goods"
        return "purchases_services" if nature is Nature.SERVICES else "purchases_goods"


# -- entries ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PartyRef:
    """A customer or supplier as the ledger names it: sub-ledger code (CompAuxNum) and name."""

    code: str
    name: str


@dataclass(frozen=True, slots=True)
class EntryLine:
    """One line of an entry: exactly one of debit and credit is positive.

    `match_key` names what the line settles ("doc:12", "pay:7"): lines of one account that share keys (or keys
    linked by allocations) and net to zero are matched together (lettrage).
    """

    account: str
    account_label: str
    debit: Money
    credit: Money
    label: str
    party: PartyRef | None = None
    match_key: str | None = None

    @property
    def signed(self) -> Money:
        return self.debit - self.credit


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """A balanced entry (écriture): one journal, one date, one supporting document (pièce)."""

    journal: Journal
    entry_date: date
    piece_ref: str
    piece_date: date
    label: str
    lines: tuple[EntryLine, ...]
    source: str = ""

    def __post_init__(self) -> None:
        if not self.lines:
            raise UnbalancedEntry(piece=self.piece_ref, debit="0", credit="0")
        for line in self.lines:
            if line.debit.is_negative or line.credit.is_negative or (line.debit.is_zero == line.credit.is_zero):
                raise UnbalancedEntry(piece=self.piece_ref, debit=str(line.debit), credit=str(line.credit))
        if self.debit != self.credit:
            raise UnbalancedEntry(piece=self.piece_ref, debit=str(self.debit), credit=str(self.credit))

    @property
    def currency(self) -> str:
        return self.lines[0].debit.currency

    @property
    def debit(self) -> Money:
        return total((line.debit for line in self.lines), self.currency)

    @property
    def credit(self) -> Money:
        return total((line.credit for line in self.lines), self.currency)

    def balance_of(self, account: str) -> Money:
        """Debit minus credit on one account."""
        return total((line.signed for line in self.lines if line.account == account), self.currency)


class _Builder:
    """Collects signed amounts (positive = debit) and merges those with the same account, party, key and label."""

    def __init__(self, accounts: AccountMapping, currency: str, label: str) -> None:
        self.accounts = accounts
        self.currency = currency
        self.label = label
        self._amounts: dict[tuple[str, PartyRef | None, str | None, str], Money] = {}

    def add(
        self,
        role: str,
        amount: Money,
        *,
        party: PartyRef | None = None,
        key: str | None = None,
        label: str | None = None,
    ) -> None:
        account = self.accounts.account(role)
        slot = (account, party, key, label or self.label)
        self._amounts[slot] = self._amounts.get(slot, Money.zero(self.currency)) + amount

    def debit(self, role: str, amount: Money, **kw: Any) -> None:
        self.add(role, amount, **kw)

    def credit(self, role: str, amount: Money, **kw: Any) -> None:
        self.add(role, -amount, **kw)

    def entry(self, journal: Journal, when: date, piece: str, piece_date: date, source: str) -> JournalEntry | None:
        zero = Money.zero(self.currency)
        lines = []
        for (account, party, key, label), amount in self._amounts.items():
            if amount.is_zero:
                continue
            lines.append(
                EntryLine(
                    account=account,
                    account_label=self.accounts.label(account),
                    debit=amount if amount.is_positive else zero,
                    credit=-amount if amount.is_negative else zero,
                    label=label,
                    party=party,
                    match_key=key,
                )
            )
        if not lines:
            return None
        # debits first, then credits, each in the order they were added: reads like the reference tables
        lines.sort(key=lambda line: 0 if line.debit.is_positive else 1)
        return JournalEntry(journal, when, piece, piece_date, self.label, tuple(lines), source)


# -- VAT parts -------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VatPart:
    """The net and VAT of one (rate, nature) of a document, or of a share of it."""

    rate: Decimal
    nature: Nature
    net: Money
    vat: Money

    @property
    def gross(self) -> Money:
        return self.net + self.vat


@dataclass(frozen=True, slots=True)
class FactLine:
    """A document line as accounting needs it. `recall` marks a deposit deduction line (quantity −1)."""

    net: Money
    rate: Decimal
    nature: Nature = Nature.GOODS
    recall: bool = False


def vat_parts(
    lines: Sequence[FactLine], currency: str, rounding: VatRounding = VatRounding.PER_RATE
) -> tuple[VatPart, ...]:
    """Net and VAT per (rate, nature), with the document's rounding rule (docs/rounding.md).

    VAT is computed per rate exactly as the document totals are; when goods and services share a rate, that
    VAT is split between them in proportion to their nets (largest remainder, so it sums exactly).
    """
    by_rate: dict[Decimal, dict[Nature, Money]] = {}
    line_vat: dict[Decimal, Money] = {}
    for line in lines:
        rate = normalize_rate(line.rate)
        natures = by_rate.setdefault(rate, {})
        natures[line.nature] = natures.get(line.nature, Money.zero(currency)) + line.net
        if rounding is VatRounding.PER_LINE:
            line_vat[rate] = line_vat.get(rate, Money.zero(currency)) + vat_of(line.net, rate)
    parts: list[VatPart] = []
    for rate in sorted(by_rate, reverse=True):
        natures = by_rate[rate]
        net_total = total(natures.values(), currency)
        vat_total = line_vat[rate] if rounding is VatRounding.PER_LINE else vat_of(net_total, rate)
        order = sorted(natures, key=lambda n: n.value)
        weights = [max(natures[n].amount, Decimal(0)) for n in order]
        shares = (
            vat_total.split(weights) if sum(weights) > 0 else (vat_total, *(Money.zero(currency),) * (len(order) - 1))
        )
        for nature, vat in zip(order, shares, strict=True):
            parts.append(VatPart(rate, nature, natures[nature], vat))
    return tuple(parts)


def natured_parts(
    breakdown: Iterable[tuple[Decimal, Money, Money]], reference: Sequence[VatPart], default: Nature = Nature.GOODS
) -> tuple[VatPart, ...]:
    """Parts from a per-rate breakdown (rate, net, VAT) that knows no nature: at each rate, net and VAT are split
    between the natures of `reference` at that rate in proportion to their nets (largest remainder, exact), or
    all go to `default` when the reference has none at that rate.

    A deposit invoice's deduction takes the natures of the final invoice it is deducted from, so that its VAT
    leaves the same account the invoice put it in (44571, or 44574 for services without the debits option).
    """
    result: list[VatPart] = []
    for rate, net, vat in breakdown:
        rate = normalize_rate(rate)
        natures = [(p.nature, p.net.amount) for p in reference if normalize_rate(p.rate) == rate and p.net.is_positive]
        if len(natures) <= 1:
            result.append(VatPart(rate, natures[0][0] if natures else default, net, vat))
            continue
        weights = [w for _, w in natures]
        for (nature, _), n, v in zip(natures, net.split(weights), vat.split(weights), strict=True):
            result.append(VatPart(rate, nature, n, v))
    return tuple(result)


def parts_total(parts: Iterable[VatPart], currency: str) -> Money:
    return total((p.gross for p in parts), currency)


def share(parts: Sequence[VatPart], amount: Money) -> tuple[VatPart, ...]:
    """The content of a VAT-inclusive `amount` taken from a document with these parts.

    The gross is split across parts in proportion to their gross (exactly, largest remainder); in each part the
    net keeps the document's own net/gross ratio (half-up), the VAT is the rest. `share(parts, total)` == parts.
    """
    live = [p for p in parts if not p.gross.is_zero]
    if not live:
        raise InvalidSetting(reason="impossible de répartir un montant sur un document sans montant")
    grosses = amount.split([p.gross.amount for p in live])
    result = []
    for part, gross in zip(live, grosses, strict=True):
        net = Money(
            round_to_currency(gross.amount * part.net.amount / part.gross.amount, amount.currency, HALF_UP),
            amount.currency,
        )
        result.append(VatPart(part.rate, part.nature, net, gross - net))
    return tuple(result)


def share_between(parts: Sequence[VatPart], before: Money, after: Money) -> tuple[VatPart, ...]:
    """What a payment moving the paid total from `before` to `after` settles, part by part.

    Taking differences of cumulative shares makes the payments of a document add up exactly to its parts,
    whatever the number of payments (the last one takes the rounding remainders).
    """
    low = {(p.rate, p.nature): p for p in share(parts, before)} if not before.is_zero else {}
    result = []
    for part in share(parts, after):
        prev = low.get((part.rate, part.nature))
        if prev is not None:
            part = VatPart(part.rate, part.nature, part.net - prev.net, part.vat - prev.vat)
        result.append(part)
    return tuple(result)


def subtract_parts(parts: Sequence[VatPart], minus: Iterable[VatPart]) -> tuple[VatPart, ...]:
    """Parts less other parts of the same (rate, nature) (what remains open after deductions)."""
    remaining = {(p.rate, p.nature): p for p in parts}
    for m in minus:
        key = (normalize_rate(m.rate), m.nature)
        base = remaining.get(key)
        if base is None:
            base = VatPart(key[0], m.nature, Money.zero(m.net.currency), Money.zero(m.net.currency))
        remaining[key] = VatPart(base.rate, base.nature, base.net - m.net, base.vat - m.vat)
    return tuple(p for p in remaining.values() if not (p.net.is_zero and p.vat.is_zero))


# -- facts: what happened, as plain records ---------------------------------------------------------------------


class CreditReason(StrEnum):
    """A credit note either takes goods back / cancels (mirror of the invoice on 70x) or reduces the price (709)."""

    RETURN = "return"
    REDUCTION = "reduction"


@dataclass(frozen=True, slots=True)
class DocumentFact:
    """An issued invoice, deposit invoice or credit note (sale or purchase) as accounting needs it."""

    key: str
    kind: Kind
    flow: Flow
    number: str
    issue_date: date
    party: PartyRef
    currency: str
    lines: tuple[FactLine, ...]
    rounding: VatRounding = VatRounding.PER_RATE
    credit_reason: CreditReason = CreditReason.RETURN
    #: key of the deposit a recall line (or a deposit credit note) takes back, for matching its 4191 lines
    deposit_key: str | None = None
    #: the VAT breakdown as issued, when the lines cannot recompute it exactly (deposit invoices and deposit
    #: credit notes split a gross amount: their VAT is the gross less the net, not the net times the rate)
    issued_parts: tuple[VatPart, ...] | None = None

    @property
    def parts(self) -> tuple[VatPart, ...]:
        if self.issued_parts is not None:
            return self.issued_parts
        return vat_parts(self.lines, self.currency, self.rounding)

    @property
    def gross(self) -> Money:
        return parts_total(self.parts, self.currency)

    @property
    def label(self) -> str:
        return f"{KIND_WORDS[self.kind]} {self.number} {self.party.name}"


@dataclass(frozen=True, slots=True)
class CreditNoteFact:
    """A credit note (avoir) or deposit credit note (avoir d'acompte), independent of how credits are stored.

    `corrects` lists the numbers of the invoices it corrects; `deposit_key` the deposit a deposit credit note
    cancels (its 4191 lines then match the deposit's).
    """

    key: str
    number: str
    issue_date: date
    flow: Flow
    party: PartyRef
    currency: str
    parts: tuple[VatPart, ...]
    reason: CreditReason = CreditReason.RETURN
    deposit: bool = False
    deposit_key: str | None = None
    corrects: tuple[str, ...] = ()

    @property
    def gross(self) -> Money:
        return parts_total(self.parts, self.currency)


class Treatment(StrEnum):
    """How a payment's allocation is booked: against the receivable (411/401) or as a deposit (4191/4091)."""

    RECEIVABLE = "receivable"
    DEPOSIT = "deposit"


@dataclass(frozen=True, slots=True)
class AllocationFact:
    """Part of a payment settling one document.

    `content`: for a deposit, the net and VAT it carries (4191 + 44571). `release`: for a receivable whose VAT
    waits for payment, the VAT that this payment makes due (44574 -> 44571).
    """

    key: str
    number: str
    amount: Money
    treatment: Treatment = Treatment.RECEIVABLE
    content: tuple[VatPart, ...] = ()
    release: tuple[VatPart, ...] = ()


@dataclass(frozen=True, slots=True)
class PaymentFact:
    """A payment received (IN) or paid out (OUT) and how it was allocated; the rest is an overpayment (credit
    left on 411) or an advance to a supplier (debit left on 401). `flow` tells whose account it moves: a payment
    OUT to a customer is a refund (D 411)."""

    key: str
    number: str
    payment_date: date
    direction: Direction
    flow: Flow
    party: PartyRef
    amount: Money
    treasury: Treasury = Treasury.BANK
    allocations: tuple[AllocationFact, ...] = ()

    @property
    def unallocated(self) -> Money:
        return self.amount - total((a.amount for a in self.allocations), self.amount.currency)


@dataclass(frozen=True, slots=True)
class DeductionFact:
    """A deposit deducted from a final invoice (imputation): `parts` is the deposit's net and VAT content.

    `deposit_key` is what the deposit's 4191/4091 lines carry ("doc:<deposit invoice>" or "doc:<order>");
    `invoice_key` what the final invoice's 411/401 line carries.
    """

    key: str
    invoice_number: str
    invoice_key: str
    deposit_key: str
    deduction_date: date
    flow: Flow
    party: PartyRef
    parts: tuple[VatPart, ...]
    deposit_number: str = ""

    @property
    def gross(self) -> Money:
        currency = self.parts[0].net.currency if self.parts else "EUR"
        return parts_total(self.parts, currency)


@dataclass(frozen=True, slots=True)
class RefundFact:
    """Money given back: to a customer (D 411 / C 512) or by a supplier (D 512 / C 401).

    `refunded_key` names what was refunded (an overpayment "pay:<id>" or a credit note "doc:<id>").
    """

    key: str
    number: str
    refund_date: date
    flow: Flow
    party: PartyRef
    amount: Money
    refunded_key: str
    treasury: Treasury = Treasury.BANK


class WriteOffKind(StrEnum):
    GAIN = "gain"  # we keep money that is not ours: an overpayment, an unused credit note (758)
    LOSS = "loss"  # we give up money owed to us: a small shortfall (658)


def write_off_kind(what: str, flow: Flow) -> WriteOffKind:
    """Who gains when an amount is written off (`what`: "overpayment", "credit_note" or "shortfall").

    Sales: the company keeps what a customer overpaid or holds on a credit note (gain, 758) and gives up what a
    customer still owed (loss, 658). Purchases are the mirror: what we overpaid a supplier or hold on its credit
    note is lost (658), what we still owed it is gained (758).
    """
    keeps = what in {"overpayment", "credit_note"}
    return WriteOffKind.GAIN if keeps == (flow is Flow.SALE) else WriteOffKind.LOSS


@dataclass(frozen=True, slots=True)
class WriteOffFact:
    """A small difference written off (658/758) on a party's account; `written_key` names what it settles."""

    key: str
    reference: str
    write_off_date: date
    flow: Flow
    party: PartyRef
    amount: Money
    kind: WriteOffKind
    written_key: str


@dataclass(frozen=True, slots=True)
class ExchangeDifferenceFact:
    """The difference, in the company's currency, between what a foreign-currency item was booked at and what
    was settled. Positive `amount`: a gain (756); negative: a loss (656)."""

    key: str
    reference: str
    difference_date: date
    flow: Flow
    party: PartyRef
    amount: Money
    matched_key: str


@dataclass(frozen=True, slots=True)
class ReversalFact:
    """An entry already posted whose ground went away (a deduction removed when its final invoice was cancelled
    by a credit note): it is reversed by the mirror entry, never changed (PCG art. 420-5)."""

    key: str
    reversed_key: str  # the source key of the posted entry to reverse
    reversal_date: date
    reason: str = ""
    piece_ref: str = ""  # the document that caused it (the cancelling credit note); else the reversed entry's


KIND_WORDS = {
    Kind.INVOICE: "Facture",
    Kind.DEPOSIT_INVOICE: "Facture d'acompte",
    Kind.CREDIT_NOTE: "Avoir",
    Kind.DEPOSIT_CREDIT_NOTE: "Avoir d'acompte",
    Kind.ORDER: "Commande",
    Kind.QUOTE: "Devis",
    Kind.DELIVERY: "Bon de livraison",
}


def _party_role(flow: Flow) -> str:
    return "customers" if flow is Flow.SALE else "suppliers"


def _deposit_role(flow: Flow) -> str:
    return "customer_deposits" if flow is Flow.SALE else "supplier_deposits"


def _rate_label(rate: Decimal) -> str:
    text = format(rate.normalize(), "f") if rate != 0 else "0"
    return text.replace(".", ",")


# -- documents ---------------------------------------------------------------------------------------------------


def document_entries(fact: DocumentFact, settings: AccountingSettings) -> tuple[JournalEntry, ...]:
    """The entry of an issued document: invoices and credit notes; a deposit invoice alone makes none."""
    if fact.kind is Kind.INVOICE:
        return (invoice_entry(fact, settings),)
    if fact.kind in (Kind.CREDIT_NOTE, Kind.DEPOSIT_CREDIT_NOTE):
        return (credit_note_entry(credit_note_fact(fact), settings),)
    return ()


def invoice_entry(fact: DocumentFact, settings: AccountingSettings) -> JournalEntry:
    """Sale: D 411 gross / C 706-707 net / C 44571 (44574) VAT. Purchase: D 60x / D 44566 / C 401.

    Deduction lines (`recall`, quantity −1) take the deposit back from 4191 (4091) instead of revenue (AC-10).
    """
    sale = fact.flow is Flow.SALE
    b = _Builder(settings.accounts, fact.currency, fact.label)
    # a sale debits the customer and credits revenue and VAT; a purchase is the mirror
    party_amount = fact.gross if sale else -fact.gross
    b.add(_party_role(fact.flow), party_amount, party=fact.party, key=fact.key)
    for line in fact.lines:
        role = _deposit_role(fact.flow) if line.recall else settings.revenue_role(fact.flow, line.nature)
        net = line.net
        # a recall line has a negative net: it debits the deposit account on a sale
        b.add(role, -net if sale else net, **({"party": fact.party, "key": fact.deposit_key} if line.recall else {}))
    for part in fact.parts:
        role = settings.invoice_vat_role(fact.flow, part.nature)
        b.add(role, -part.vat if sale else part.vat, label=f"{fact.label} TVA {_rate_label(part.rate)} %")
    journal = Journal.SALES if sale else Journal.PURCHASES
    entry = b.entry(journal, fact.issue_date, fact.number, fact.issue_date, fact.key)
    assert entry is not None
    return entry


def credit_note_fact(fact: DocumentFact, corrects: tuple[str, ...] = ()) -> CreditNoteFact:
    return CreditNoteFact(
        key=fact.key,
        number=fact.number,
        issue_date=fact.issue_date,
        flow=fact.flow,
        party=fact.party,
        currency=fact.currency,
        parts=fact.parts,
        reason=fact.credit_reason,
        deposit=fact.kind is Kind.DEPOSIT_CREDIT_NOTE,
        deposit_key=fact.deposit_key,
        corrects=corrects,
    )


def credit_note_entry(fact: CreditNoteFact, settings: AccountingSettings) -> JournalEntry:
    """The mirror of an invoice. Sale: D 70x (709 for a price reduction) + D 44571 (44574) / C 411.

    A deposit credit note takes the deposit back: D 4191 net + D 44571 VAT / C 411 (AC-08).
    Purchase: D 401 / C 60x (609) + C 44566 (deposit: C 4091 + C 44566).
    """
    sale = fact.flow is Flow.SALE
    word = "Avoir d'acompte" if fact.deposit else "Avoir"
    b = _Builder(settings.accounts, fact.currency, f"{word} {fact.number} {fact.party.name}")
    b.add(_party_role(fact.flow), -fact.gross if sale else fact.gross, party=fact.party, key=fact.key)
    for part in fact.parts:
        if fact.deposit:
            role = _deposit_role(fact.flow)
            kw: dict[str, Any] = {"party": fact.party, "key": fact.deposit_key}
            vat_role = "output_vat" if sale else "input_vat"
        else:
            if fact.reason is CreditReason.REDUCTION:
                role = "sales_reductions" if sale else "purchase_reductions"
            else:
                role = settings.revenue_role(fact.flow, part.nature)
            kw = {}
            vat_role = settings.invoice_vat_role(fact.flow, part.nature)
        b.add(role, part.net if sale else -part.net, **kw)
        b.add(vat_role, part.vat if sale else -part.vat, label=f"{b.label} TVA {_rate_label(part.rate)} %")
    entry = b.entry(
        Journal.SALES if sale else Journal.PURCHASES, fact.issue_date, fact.number, fact.issue_date, fact.key
    )
    assert entry is not None
    return entry


# -- payments ---------------------------------------------------------------------------------------------------


def _treasury(settings: AccountingSettings, treasury: Treasury) -> tuple[str, Journal]:
    return ("cash", Journal.CASH) if treasury is Treasury.CASH else ("bank", Journal.BANK)


def payment_entries(fact: PaymentFact, settings: AccountingSettings) -> tuple[JournalEntry, ...]:
    """The treasury entry of a payment, plus (OD) the VAT it makes due on services invoiced without the debits
    option (D 44574 / C 44571, AC-02).

    Received: D 512 (53) amount / C 411 per invoice settled / C 4191 + C 44571 per deposit / C 411 overpayment.
    Paid out: mirror with 401, 4091 and 44566. A payment out to a customer is a refund: D 411 / C 512.
    """
    received = fact.direction is Direction.IN
    cur = fact.amount.currency
    treasury_role, journal = _treasury(settings, fact.treasury)
    word = "Règlement" if received else "Paiement"
    label = f"{word} {fact.number} {fact.party.name}"
    b = _Builder(settings.accounts, cur, label)
    b.add(treasury_role, fact.amount if received else -fact.amount)
    party_role = _party_role(fact.flow)
    for alloc in fact.allocations:
        if alloc.treatment is Treatment.DEPOSIT:
            content_total = parts_total(alloc.content, cur)
            if content_total != alloc.amount:
                raise UnbalancedEntry(piece=fact.number, debit=str(alloc.amount), credit=str(content_total))
            line_label = f"Acompte {alloc.number} {fact.party.name}"
            for part in alloc.content:
                b.add(
                    _deposit_role(fact.flow),
                    -part.net if received else part.net,
                    party=fact.party,
                    key=alloc.key,
                    label=line_label,
                )
                vat_role = "output_vat" if fact.flow is Flow.SALE else "input_vat"
                b.add(
                    vat_role, -part.vat if received else part.vat, label=f"{line_label} TVA {_rate_label(part.rate)} %"
                )
        else:
            b.add(
                party_role,
                -alloc.amount if received else alloc.amount,
                party=fact.party,
                key=alloc.key,
                label=f"{label} {alloc.number}",
            )
    rest = fact.unallocated
    if rest.is_negative:
        raise UnbalancedEntry(piece=fact.number, debit=str(fact.amount), credit=str(fact.amount - rest))
    if not rest.is_zero:
        b.add(party_role, -rest if received else rest, party=fact.party, key=fact.key)
    entry = b.entry(journal, fact.payment_date, fact.number, fact.payment_date, fact.key)
    entries = [entry] if entry is not None else []
    release = [p for a in fact.allocations for p in a.release if not p.vat.is_zero]
    if release:
        r = _Builder(settings.accounts, cur, f"TVA exigible {word.lower()} {fact.number} {fact.party.name}")
        for part in release:
            rate_label = f"{r.label} TVA {_rate_label(part.rate)} %"
            r.debit("output_vat_pending", part.vat, label=rate_label)
            r.credit("output_vat", part.vat, label=rate_label)
        vat_entry = r.entry(Journal.MISC, fact.payment_date, fact.number, fact.payment_date, f"{fact.key}:vat")
        if vat_entry is not None:
            entries.append(vat_entry)
    return tuple(entries)


def deposit_allocation(key: str, number: str, amount: Money, target_parts: Sequence[VatPart]) -> AllocationFact:
    """A payment taken as a deposit on an order, a quote or a deposit invoice: its net and VAT content follow
    the document's own VAT breakdown (VAT on a deposit is due on receipt, CGI art. 269-2-a and c)."""
    return AllocationFact(key, number, amount, Treatment.DEPOSIT, content=share(target_parts, amount))


def receivable_allocation(
    key: str,
    number: str,
    amount: Money,
    *,
    open_parts: Sequence[VatPart] = (),
    paid_before: Money | None = None,
    settings: AccountingSettings | None = None,
    flow: Flow = Flow.SALE,
) -> AllocationFact:
    """A payment settling an invoice. When some of its VAT waits for payment (services, no debits option),
    `open_parts` (the invoice's parts less deducted deposits) and `paid_before` give the VAT this payment
    makes due."""
    release: tuple[VatPart, ...] = ()
    if settings is not None and open_parts:
        pending = [p for p in open_parts if settings.vat_pending(flow, p.nature)]
        if pending:
            before = paid_before if paid_before is not None else Money.zero(amount.currency)
            moved = share_between(open_parts, before, before + amount)
            release = tuple(p for p in moved if settings.vat_pending(flow, p.nature) and not p.vat.is_zero)
    return AllocationFact(key, number, amount, Treatment.RECEIVABLE, release=release)


# -- deductions, refunds, write-offs, exchange differences -------------------------------------------------------


def deduction_entry(fact: DeductionFact, settings: AccountingSettings) -> JournalEntry:
    """Imputation of a deposit on the final invoice (AC-01, AC-02, AC-07).

    Sale: D 4191 net + D 44571 VAT (44574 where the final invoice left that VAT pending) / C 411 gross.
    Purchase: D 401 gross / C 4091 net + C 44566 VAT.
    """
    sale = fact.flow is Flow.SALE
    cur = fact.parts[0].net.currency
    what = f"Imputation acompte {fact.deposit_number} " if fact.deposit_number else "Imputation acompte "
    b = _Builder(settings.accounts, cur, f"{what}{fact.invoice_number} {fact.party.name}".replace("  ", " "))
    for part in fact.parts:
        b.add(_deposit_role(fact.flow), part.net if sale else -part.net, party=fact.party, key=fact.deposit_key)
        b.add(
            settings.invoice_vat_role(fact.flow, part.nature),
            part.vat if sale else -part.vat,
            label=f"{b.label} TVA {_rate_label(part.rate)} %",
        )
    gross = parts_total(fact.parts, cur)
    b.add(_party_role(fact.flow), -gross if sale else gross, party=fact.party, key=fact.invoice_key)
    entry = b.entry(
        settings.imputation_journal, fact.deduction_date, fact.invoice_number, fact.deduction_date, fact.key
    )
    assert entry is not None
    return entry


def refund_entry(fact: RefundFact, settings: AccountingSettings) -> JournalEntry:
    """A customer refunded: D 411 / C 512 (AC-08). A supplier refunding us: D 512 / C 401."""
    role, journal = _treasury(settings, fact.treasury)
    sale = fact.flow is Flow.SALE
    b = _Builder(settings.accounts, fact.amount.currency, f"Remboursement {fact.number} {fact.party.name}")
    b.add(_party_role(fact.flow), fact.amount if sale else -fact.amount, party=fact.party, key=fact.refunded_key)
    b.add(role, -fact.amount if sale else fact.amount)
    entry = b.entry(journal, fact.refund_date, fact.number, fact.refund_date, fact.key)
    assert entry is not None
    return entry


def write_off_entry(fact: WriteOffFact, settings: AccountingSettings) -> JournalEntry:
    """Customer: gain D 411 / C 758, loss D 658 / C 411. Supplier: gain D 401 / C 758, loss D 658 / C 401."""
    gain = fact.kind is WriteOffKind.GAIN
    b = _Builder(settings.accounts, fact.amount.currency, f"Écart de règlement {fact.reference} {fact.party.name}")
    # a gain debits the party (an overpayment kept, a small debt to a supplier not paid); a loss credits it
    party_side = fact.amount if gain else -fact.amount
    b.add(_party_role(fact.flow), party_side, party=fact.party, key=fact.written_key)
    b.add("write_off_gain" if gain else "write_off_loss", -fact.amount if gain else fact.amount)
    entry = b.entry(settings.write_off_journal, fact.write_off_date, fact.reference, fact.write_off_date, fact.key)
    assert entry is not None
    return entry


def exchange_difference_entry(fact: ExchangeDifferenceFact, settings: AccountingSettings) -> JournalEntry:
    """A gain: D 411 (or 401) / C 756. A loss: D 656 / C 411 (or 401). ANC 2015-05: trade items use 656/756."""
    if fact.amount.is_zero:
        raise InvalidSetting(reason="un écart de change nul ne se comptabilise pas")
    gain = fact.amount.is_positive
    amount = fact.amount if gain else -fact.amount
    b = _Builder(settings.accounts, amount.currency, f"Écart de change {fact.reference} {fact.party.name}")
    b.add(_party_role(fact.flow), amount if gain else -amount, party=fact.party, key=fact.matched_key)
    b.add("exchange_gain" if gain else "exchange_loss", -amount if gain else amount)
    entry = b.entry(Journal.MISC, fact.difference_date, fact.reference, fact.difference_date, fact.key)
    assert entry is not None
    return entry


def reversal_entry(entry: JournalEntry, fact: ReversalFact) -> JournalEntry:
    """The mirror of a posted entry: same accounts, parties and matching keys, debit and credit swapped."""
    mirrored = [
        replace(line, debit=line.credit, credit=line.debit, label=f"Annulation {line.label}") for line in entry.lines
    ]
    lines = tuple(sorted(mirrored, key=lambda line: 0 if line.debit.is_positive else 1))  # debits first
    label = f"Annulation {entry.label}" + (f" ({fact.reason})" if fact.reason else "")
    piece, piece_date = (fact.piece_ref, fact.reversal_date) if fact.piece_ref else (entry.piece_ref, entry.piece_date)
    return JournalEntry(entry.journal, fact.reversal_date, piece, piece_date, label, lines, fact.key)


# -- matching (lettrage) ---------------------------------------------------------------------------------------


MATCHED_ROLES = ("customers", "suppliers", "customer_deposits", "supplier_deposits")


@dataclass(frozen=True, slots=True)
class Match:
    letter: str
    matched_on: date


def letter_code(index: int) -> str:
    """0 -> 'AAA', 1 -> 'AAB', … : three capital letters, then more if ever needed."""
    letters = ""
    n = index
    for _ in range(3):
        letters = chr(ord("A") + n % 26) + letters
        n //= 26
    while n:
        letters = chr(ord("A") + n % 26) + letters
        n //= 26
    return letters


def match_lines(
    entries: Sequence[JournalEntry],
    accounts: Iterable[str],
    links: Iterable[tuple[str, str]] = (),
) -> dict[tuple[int, int], Match]:
    """Matching letters for the lines of `accounts` (411, 401, 4191, 4091), derived from allocations.

    Lines of one account and one party with the same match key form a group; a group whose lines net to zero
    is matched: it gets a letter and the date of its last line. Lines left over are then grouped through the
    links (a payment and each document it settles, a credit note and the invoice it pays) the same way.
    Returns {(entry index, line index): Match}; groups still open (a partial payment, an overpayment not yet
    refunded) get no letter.
    """
    wanted = set(accounts)
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for a, b in links:
        union(a, b)
    result: dict[tuple[int, int], Match] = {}
    count = 0
    # first the lines that share one key (an invoice and what paid it), then what allocations link together
    for grouping in (lambda key: key, find):
        groups: dict[tuple[str, str, str], list[tuple[int, int]]] = {}
        for i, entry in enumerate(entries):
            for j, line in enumerate(entry.lines):
                if line.account not in wanted or line.match_key is None or (i, j) in result:
                    continue
                group = (line.account, line.party.code if line.party else "", grouping(line.match_key))
                groups.setdefault(group, []).append((i, j))
        for members in groups.values():
            currency = entries[members[0][0]].currency
            net = total((entries[i].lines[j].signed for i, j in members), currency)
            if not net.is_zero or len(members) < 2:
                continue
            match = Match(letter_code(count), max(entries[i].entry_date for i, _ in members))
            count += 1
            for member in members:
                result[member] = match
    return result


def matched_accounts(settings: AccountingSettings) -> tuple[str, ...]:
    return tuple(getattr(settings.accounts, role) for role in MATCHED_ROLES if getattr(settings.accounts, role))


def balances(entries: Iterable[JournalEntry], currency: str) -> dict[str, Money]:
    """Debit minus credit per account over entries (the trial balance used by the worked examples)."""
    result: dict[str, Money] = {}
    for entry in entries:
        for line in entry.lines:
            result[line.account] = result.get(line.account, Money.zero(currency)) + line.signed
    return result


def with_label(entry: JournalEntry, label: str) -> JournalEntry:
    return replace(entry, label=label)


@dataclass(frozen=True, slots=True)
class PostedEntry:
    """An entry once validated by an export run: its number in its journal (EcritureNum) and validation date."""

    number: str
    valid_date: date
    entry: JournalEntry


def entry_number(journal: Journal, sequence: int) -> str:
    """`VE000001`: the journal code and the entry's place in that journal's continuous sequence for the year."""
    return f"{journal.value}{sequence:06d}"


def fiscal_year(day: date, year_end: tuple[int, int] = (12, 31)) -> tuple[date, date]:
    """The financial year containing `day`, for a year closing each year on `year_end` (month, day)."""
    month, dom = year_end
    end = _safe_date(day.year, month, dom)
    if day > end:
        end = _safe_date(day.year + 1, month, dom)
    previous_end = _safe_date(end.year - 1, month, dom)
    return previous_end + timedelta(days=1), end


def _safe_date(year: int, month: int, day: int) -> date:
    while True:
        try:
            return date(year, month, day)
        except ValueError:
            day -= 1  # 29 February on a common year -> 28
