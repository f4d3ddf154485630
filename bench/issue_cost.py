"""What issuing costs now that an issued document's files are produced at issue (services/exports/issued_files.py).

    .venv/bin/python bench/issue_cost.py --url sqlite:////tmp/acompte-issue-bench.db --repeat 20
    .venv/bin/python bench/issue_cost.py --url postgresql://postgres@127.0.0.1:5432/acompte_issue_bench

Times `documents.validate_document` through the service layer, median and worst of `--repeat` documents each:
a validated order (no file: the baseline of numbering and history), a purchase invoice (its PDF), a sale invoice
(its Factur-X: PDF/A-3 + CII XML), and the same sale invoice with the renderer alone, then a download of the
stored Factur-X. Three lines of goods at 20 % per document.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

if __package__ in (None, ""):  # run as `python bench/issue_cost.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from acompte import bootstrap
from acompte.domain.documents import Flow, Kind, LineInput
from acompte.domain.issued_files import FileKind
from acompte.services import companies, documents, parties
from acompte.services.exports import einvoicing, issued_files, printing
from acompte.services.ports import Ctx

LINES = [LineInput(f"Article {n}", Decimal(n), Decimal("100.00"), Decimal(20)) for n in (1, 2, 3)]


def timed(action: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median and worst wall time in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def main(argv: list[str] | None = None) -> list[tuple[str, float, float]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    app = bootstrap.build(args.url, pool_size=1)
    company_id = companies.create_company(app.uow(), name="Banc d'essai SARL", currency="EUR", siren="123456782")
    ctx = Ctx(company_id, actor="bench")
    with app.uow() as uow:
        uow.companies.update(company_id, vat_number="FR44123456782", address="12 rue des Artisans, 69003 Lyon")
        uow.commit()
    customer = parties.create_party(
        app.uow(), ctx, name="Client SA", siren="552100554", address="3 place du Marché, 75011 Paris"
    )
    supplier = parties.create_party(app.uow(), ctx, name="Fournisseur", customer=False, supplier=True)

    def issue(kind: Kind, flow: Flow, party_id: int) -> Callable[[], object]:
        def action() -> object:
            draft = documents.create_document(app.uow(), ctx, kind=kind, flow=flow, party_id=party_id, lines=LINES)
            start = time.perf_counter()
            documents.validate_document(app.uow(), ctx, draft.id)
            return time.perf_counter() - start

        return action

    def only_validation(kind: Kind, flow: Flow, party_id: int) -> tuple[float, float]:
        times = [issue(kind, flow, party_id)() * 1000 for _ in range(args.repeat)]
        return statistics.median(times), max(times)  # type: ignore[operator]

    issue(Kind.INVOICE, Flow.SALE, customer.id)()  # warm up: imports, fonts, templates
    results = [
        ("validate an order (no file)", *only_validation(Kind.ORDER, Flow.SALE, customer.id)),
        ("validate a purchase invoice (its PDF)", *only_validation(Kind.INVOICE, Flow.PURCHASE, supplier.id)),
        ("validate a sale invoice (its Factur-X)", *only_validation(Kind.INVOICE, Flow.SALE, customer.id)),
    ]
    draft = documents.create_document(
        app.uow(), ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=customer.id, lines=LINES
    )
    invoice = documents.validate_document(app.uow(), ctx, draft.id)
    printable = printing.printable_document(app.uow(), ctx, invoice.id)
    einvoice = einvoicing.einvoice_for(app.uow(), ctx, invoice.id)
    results += [
        ("renderer alone: PDF", *timed(lambda: app.renderer.pdf(printable), args.repeat)),
        ("renderer alone: Factur-X", *timed(lambda: app.renderer.facturx(printable, einvoice), args.repeat)),
        (
            "download the stored Factur-X",
            *timed(lambda: issued_files.document_file(app.uow(), ctx, invoice.id, FileKind.FACTURX), args.repeat),
        ),
    ]
    sizes = {k: len(issued_files.document_file(app.uow(), ctx, invoice.id, k).content) for k in FileKind if k != "pdf"}
    app.close()
    print(f"{'case':45} {'median ms':>10} {'worst ms':>10}")
    for label, median, worst in results:
        print(f"{label:45} {median:10.1f} {worst:10.1f}")
    print("stored sizes (bytes):", sizes)
    return results


if __name__ == "__main__":
    main()
