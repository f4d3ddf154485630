"""Posting rules: issued documents, payments, deductions, credit notes, refunds and write-offs -> journal entries.

Pure functions over facts (facts.py). The services read documents, payments and allocations, turn them into
facts, and ask these rules for balanced `JournalEntry` values; the FEC writer prints them.
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
- write-off                OD  D 411 / C 758 (gain) or D 658 / C 411 (loss); a shortfall written off at receipt,
                               in the payment's own bank entry: D 512 + D 658 / C 411
- exchange difference      OD  656 (loss) / 756 (gain) against 411 or 401
- bank fee                 BQ  D 627 / C 512 (the commission a card settlement keeps)

A deposit invoice alone makes no entry: the deposit is booked when its cash comes in (CONVENTION of the
reference). Every entry balances; `JournalEntry` refuses to exist otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

from acompte.domain.accounting.chart import AccountingSettings, AccountMapping, Journal, Treasury
from acompte.domain.accounting.entries import EntryBuilder, JournalEntry
from acompte.domain.accounting.facts import (
    AllocationFact,
    BankFeeFact,
    CreditNoteFact,
    CreditReason,
    DeductionFact,
    DocumentFact,
    ExchangeDifferenceFact,
    PaymentFact,
    RefundFact,
    ReversalFact,
    Treatment,
    WriteOffFact,
    WriteOffKind,
)
from acompte.domain.accounting.parts import VatPart, parts_total, share, share_between
from acompte.domain.documents import Flow, Kind
from acompte.domain.errors import InvalidSetting, Reason, UnbalancedEntry
from acompte.domain.money import Money
from acompte.domain.payments import Direction


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
    b = EntryBuilder(settings.accounts, fact.currency, fact.label)
    # a sale debits the customer and credits revenue and VAT; a purchase is the mirror
    party_amount = fact.gross if sale else -fact.gross
    b.add(_party_role(fact.flow), party_amount, party=fact.party, key=fact.key)
    for line in fact.lines:
        role = _deposit_role(fact.flow) if line.recall else settings.revenue_role(fact.flow, line.nature)
        net = line.net
        # a recall line has a negative net: it debits the deposit account on a sale
        amount = -net if sale else net
        if line.recall:
            b.add(role, amount, party=fact.party, key=line.deposit_key or fact.deposit_key)
        else:
            b.add(role, amount)
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
    b = EntryBuilder(settings.accounts, fact.currency, f"{word} {fact.number} {fact.party.name}")
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


def _treasury_accounts(settings: AccountingSettings, treasury: Treasury, own: str) -> AccountMapping:
    """The chart with the treasury role pointing at the account's own ledger account (5121, 5122…), if it has one:
    each bank account then has its own balance in the books, as its statements have."""
    if not own:
        return settings.accounts
    if treasury is Treasury.CASH:
        return replace(settings.accounts, cash=own)
    return replace(settings.accounts, bank=own)


def payment_entries(fact: PaymentFact, settings: AccountingSettings) -> tuple[JournalEntry, ...]:
    """The treasury entry of a payment, plus (OD) the VAT it makes due on services invoiced without the debits
    option (D 44574 / C 44571, AC-02).

    Received: D 512 (53) amount / C 411 per invoice settled / C 4191 + C 44571 per deposit / C 411 overpayment.
    Paid out: mirror with 401, 4091 and 44566. A payment out to a customer is a refund: D 411 / C 512.
    A shortfall written off at this receipt joins the same entry: D 512 44.98 + D 658 0.02 / C 411 45.00; paid
    out to a supplier, D 401 45.00 / C 512 44.98 + C 758 0.02 (french-rules §1.3, « Small shortfall »).
    """
    received = fact.direction is Direction.IN
    cur = fact.amount.currency
    treasury_role, journal = _treasury(settings, fact.treasury)
    word = "Règlement" if received else "Paiement"
    label = f"{word} {fact.number} {fact.party.name}"
    b = EntryBuilder(_treasury_accounts(settings, fact.treasury, fact.treasury_account), cur, label)
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
    for written in fact.write_offs:
        # a shortfall written off at receipt: the party is credited (debited, paid out) for the whole document, on
        # the same line as the payment's part, and the difference goes to 658 (758) in the same bank entry
        gain = written.kind is WriteOffKind.GAIN
        b.add(
            party_role,
            written.amount if gain else -written.amount,
            party=fact.party,
            key=written.written_key,
            label=f"{label} {written.reference}",
        )
        b.add("write_off_gain" if gain else "write_off_loss", -written.amount if gain else written.amount)
    rest = fact.unallocated
    if rest.is_negative:
        raise UnbalancedEntry(piece=fact.number, debit=str(fact.amount), credit=str(fact.amount - rest))
    if not rest.is_zero:
        b.add(party_role, -rest if received else rest, party=fact.party, key=fact.key)
    entry = b.entry(journal, fact.payment_date, fact.number, fact.payment_date, fact.key)
    entries = [entry] if entry is not None else []
    release = [p for a in fact.allocations for p in a.release if not p.vat.is_zero]
    if release:
        r = EntryBuilder(settings.accounts, cur, f"TVA exigible {word.lower()} {fact.number} {fact.party.name}")
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
    b = EntryBuilder(settings.accounts, cur, f"{what}{fact.invoice_number} {fact.party.name}".replace("  ", " "))
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
    accounts = _treasury_accounts(settings, fact.treasury, fact.treasury_account)
    b = EntryBuilder(accounts, fact.amount.currency, f"Remboursement {fact.number} {fact.party.name}")
    b.add(_party_role(fact.flow), fact.amount if sale else -fact.amount, party=fact.party, key=fact.refunded_key)
    b.add(role, -fact.amount if sale else fact.amount)
    entry = b.entry(journal, fact.refund_date, fact.number, fact.refund_date, fact.key)
    assert entry is not None
    return entry


def write_off_entry(fact: WriteOffFact, settings: AccountingSettings) -> JournalEntry:
    """Customer: gain D 411 / C 758, loss D 658 / C 411. Supplier: gain D 401 / C 758, loss D 658 / C 401."""
    gain = fact.kind is WriteOffKind.GAIN
    b = EntryBuilder(settings.accounts, fact.amount.currency, f"Écart de règlement {fact.reference} {fact.party.name}")
    # a gain debits the party (an overpayment kept, a small debt to a supplier not paid); a loss credits it
    party_side = fact.amount if gain else -fact.amount
    b.add(_party_role(fact.flow), party_side, party=fact.party, key=fact.written_key)
    b.add("write_off_gain" if gain else "write_off_loss", -fact.amount if gain else fact.amount)
    entry = b.entry(settings.write_off_journal, fact.write_off_date, fact.reference, fact.write_off_date, fact.key)
    assert entry is not None
    return entry


def bank_fee_entry(fact: BankFeeFact, settings: AccountingSettings) -> JournalEntry:
    """D 627 / C 512: what the bank kept of a card settlement, booked when the line is reconciled."""
    role, journal = _treasury(settings, fact.treasury)
    label = f"Frais bancaires {fact.reference}".strip()
    b = EntryBuilder(settings.accounts, fact.amount.currency, label)
    b.add("bank_fees", fact.amount)
    b.add(role, -fact.amount)
    entry = b.entry(journal, fact.fee_date, fact.reference, fact.fee_date, fact.key)
    assert entry is not None
    return entry


def exchange_difference_entry(fact: ExchangeDifferenceFact, settings: AccountingSettings) -> JournalEntry:
    """A gain: D 411 (or 401) / C 756. A loss: D 656 / C 411 (or 401). ANC 2015-05: trade items use 656/756."""
    if fact.amount.is_zero:
        raise InvalidSetting(reason=Reason.ZERO_EXCHANGE_DIFFERENCE)
    gain = fact.amount.is_positive
    amount = fact.amount if gain else -fact.amount
    b = EntryBuilder(settings.accounts, amount.currency, f"Écart de change {fact.reference} {fact.party.name}")
    b.add(_party_role(fact.flow), amount if gain else -amount, party=fact.party, key=fact.matched_key)
    b.add("exchange_gain" if gain else "exchange_loss", -amount if gain else amount)
    entry = b.entry(Journal.MISC, fact.difference_date, fact.reference, fact.difference_date, fact.key)
    assert entry is not None
    return entry


def reversal_entry(entry: JournalEntry, fact: ReversalFact) -> JournalEntry:
    """The mirror of a posted entry: same accounts, parties and matching keys, debit and credit swapped."""
    mirrored = [
        replace(
            line,
            debit=line.credit,
            credit=line.debit,
            label=f"Annulation {line.label}",
            foreign_amount=-line.foreign_amount if line.foreign_amount is not None else None,
        )
        for line in entry.lines
    ]
    lines = tuple(sorted(mirrored, key=lambda line: 0 if line.debit.is_positive else 1))  # debits first
    label = f"Annulation {entry.label}" + (f" ({fact.reason})" if fact.reason else "")
    piece, piece_date = (fact.piece_ref, fact.reversal_date) if fact.piece_ref else (entry.piece_ref, entry.piece_date)
    return JournalEntry(entry.journal, fact.reversal_date, piece, piece_date, label, lines, fact.key)
