"""Company settings read through the services: payment methods, offered or turned off."""

import pytest

from acompte.domain.errors import NotFound
from acompte.domain.payments import DEFAULT_METHODS, Method
from acompte.services import companies
from acompte.services.ports import Ctx


def test_payment_methods_lists_the_offered_ones_and_on_request_the_ones_turned_off(uow, ctx):
    assert [m.code for m in companies.payment_methods(uow, ctx)] == sorted(m.code for m in DEFAULT_METHODS)
    companies.set_payment_method(uow, ctx, Method("lcr", "Lettre de change", False))
    companies.set_payment_method(uow, ctx, Method("lcr", "Lettre de change", False), active=False)
    companies.set_payment_method(uow, ctx, Method("cash", "Espèces", False), active=False)

    offered = companies.payment_methods(uow, ctx)
    assert "lcr" not in {m.code for m in offered} and "cash" not in {m.code for m in offered}
    assert all(m.active for m in offered)
    assert [m.code for m in offered] == [m.code for m in companies.get_company(uow, ctx).methods]

    every = companies.payment_methods(uow, ctx, include_inactive=True)
    assert [(m.code, m.active) for m in every][-2:] == [("cash", False), ("lcr", False)]  # turned off: last
    lcr = next(m for m in every if m.code == "lcr")
    assert (lcr.label, lcr.digital, lcr.method) == ("Lettre de change", False, Method("lcr", "Lettre de change", False))
    assert len(every) == len(DEFAULT_METHODS) + 1


def test_payment_methods_of_an_unknown_company_are_not_found(uow, ctx):
    with pytest.raises(NotFound):
        companies.payment_methods(uow, Ctx(10_000_000 + ctx.company_id), include_inactive=True)
