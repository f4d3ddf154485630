"""The dashboard's tallies kept by the database (persistence/figure_tallies.py: documents by kind and state with the
deposits they hold, active payments by month) equal the facts after any history, and the dashboard's figures read
from them equal the lists behind them — the document list's counts, the deposits lists, the payments list summed
by month (SQLite and PostgreSQL); `acompte verify` names a tally changed behind the triggers' back.
"""

from __future__ import annotations

import contextlib
from datetime import date

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text

from acompte.domain.documents import Flow, Kind, State
from acompte.domain.errors import DomainError
from acompte.domain.money import total
from acompte.domain.payments import Direction
from acompte.services import companies, dashboard, deposit_figures, documents, payment_changes, payments, verification
from acompte.services.deposit_figures import DepositFigure
from acompte.services.ports import Ctx
from acompte.services.queries import EVERYTHING
from tests.services.test_bank_open_documents import HISTORY
from tests.services.test_document_list import DB, PERCENT, STEPS, History, reference

#: Steps beyond the lists' history that change what the tallies count: a draft issued or deleted, a payment
#: cancelled.
MORE = st.lists(
    st.tuples(st.sampled_from(["validate_draft", "delete_draft", "cancel_payment"]), st.integers(0, 7), PERCENT),
    max_size=4,
)


class TallyHistory(History):
    def play(self, step: str, which: int, percent: int) -> None:
        uow, ctx = self.uow, self.ctx
        with contextlib.suppress(DomainError):
            if step in ("validate_draft", "delete_draft"):
                drafts = [s for s in reference(uow, ctx) if s.state == State.DRAFT.value]
                if drafts:
                    draft = drafts[which % len(drafts)]
                    if step == "validate_draft":
                        documents.validate_document(uow, ctx, draft.id, today=self._today())
                    else:
                        documents.delete_draft(uow, ctx, draft.id)
                return
            if step == "cancel_payment":
                listed = payments.list_payments(uow, ctx, limit=EVERYTHING)
                if listed:
                    payment_changes.cancel_payment(uow, ctx, listed[which % len(listed)].payment.id)
                return
        super().play(step, which, percent)


def assert_the_tallies_are_the_facts_and_the_lists(app, ctx) -> None:  # type: ignore[no-untyped-def]
    uow = app.uow()
    with uow:
        assert uow.integrity.tallies_astray(ctx.company_id) == []
    figures = dashboard.dashboard(app.uow(), ctx)
    for drafts in figures.drafts:
        filters = {"kind": Kind(drafts.kind), "flow": Flow(drafts.flow), "state": State.DRAFT}
        assert documents.document_list_count(app.uow(), ctx, **filters) == drafts.count  # type: ignore[arg-type]
    for figure, tally in (
        (DepositFigure.NOT_INVOICED, figures.deposits_not_invoiced),
        (DepositFigure.NOT_DEDUCTED, figures.deposits_not_deducted),
    ):
        listed = deposit_figures.deposit_list(app.uow(), ctx, figure)
        assert (len(listed.held), listed.total) == (tally.count, tally.total), figure
    awaited = deposit_figures.deposit_list(app.uow(), ctx, DepositFigure.AWAITED)
    assert figures.deposits_awaited.tally.count == len(awaited.awaited)
    assert figures.deposits_awaited.tally.total == awaited.total
    assert [a.document_id for a in figures.deposits_awaited.oldest] == [a.document_id for a in awaited.awaited][:10]
    everything = payments.list_payments(app.uow(), ctx, limit=EVERYTHING)
    for month in figures.cash:
        after = date(month.month.year + month.month.month // 12, month.month.month % 12 + 1, 1)
        for direction, figure in ((Direction.IN, month.cash_in), (Direction.OUT, month.cash_out)):
            active = [
                v.payment.amount
                for v in everything
                if v.payment.state.value == "active"
                and v.payment.direction is direction
                and month.month <= v.payment.payment_date < after
                and v.payment.payment_date <= figures.as_of
            ]
            assert total(active, "EUR") == figure, (month.month, direction)


@DB
@given(steps=STEPS, more=MORE, order=st.randoms(use_true_random=False))
def test_the_tallies_are_the_facts_and_the_dashboard_the_lists_after_any_history(app, steps, more, order):  # type: ignore[no-untyped-def]
    ctx = Ctx(companies.create_company(app.uow(), name="Décomptes SARL"), actor="hypothesis")
    history = TallyHistory(app.uow(), ctx)
    played = [*steps, *more]
    order.shuffle(played)
    for step in played:
        history.play(*step)
    assert_the_tallies_are_the_facts_and_the_lists(app, ctx)


def test_a_varied_history_is_tallied_as_its_facts(app):  # type: ignore[no-untyped-def]
    ctx = Ctx(companies.create_company(app.uow(), name="Décomptes variés SARL"), actor="test")
    history = TallyHistory(app.uow(), ctx)
    extra = [("order", 0, 10), ("deposit_payment", 0, 30), ("draft", 0, 1), ("draft", 0, 1), ("validate_draft", 0, 1)]
    for step in [*HISTORY, *extra, ("delete_draft", 0, 1), ("draft", 0, 1)]:
        history.play(*step)
    history.play("cancel_payment", 1, 1)
    assert_the_tallies_are_the_facts_and_the_lists(app, ctx)
    figures = dashboard.dashboard(app.uow(), ctx)
    assert any(d.count for d in figures.drafts)
    assert sum(m.cash_in.minor_units for m in figures.cash) > 0


def test_verify_names_a_tally_changed_behind_the_triggers_back(app):  # type: ignore[no-untyped-def]
    ctx = Ctx(companies.create_company(app.uow(), name="Décomptes altérés SARL"), actor="test")
    history = TallyHistory(app.uow(), ctx)
    for step in HISTORY[:7]:
        history.play(*step)
    assert not [b for b in verification.verify(app.uow(), ctx.company_id).breaks if b.check == "tallies"]
    change = "UPDATE payment_months SET minor = minor {} 1 WHERE company_id = :c AND minor > 0"
    with app.engine.begin() as connection:
        connection.execute(text(change.format("+")), {"c": ctx.company_id})
    try:
        [found] = [b for b in verification.verify(app.uow(), ctx.company_id).breaks if b.check == "tallies"]
        assert found.code == "tally" and found.params["key"].startswith("payments EUR in ")
    finally:
        with app.engine.begin() as connection:
            connection.execute(text(change.format("-")), {"c": ctx.company_id})
