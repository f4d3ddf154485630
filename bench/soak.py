"""A bounded soak: concurrent clerks on one company through the HTTP API of a real `acompte serve`, then the books
are checked. Exit 0 when every answer was below 500 and every check held; 1 otherwise.

    .venv/bin/python bench/soak.py postgresql://postgres@127.0.0.1:5432/acompte_soak [--workers 8] [--seconds 20]

It creates a company, an admin and an API token (services, in this process), starts `acompte serve` on a free
port, and lets `--workers` threads work for `--seconds` on a few shared customers and documents so that they
collide: create parties and invoices, validate them, record payments allocated at once, allocate what is left,
remove allocations (several threads remove the same ones), take deposits on orders, issue credit notes and use
them. Then, through the API: no document is settled beyond its total and its balance is its total less what
settled it; no payment is allocated beyond its amount; and `acompte verify` (hash chain, allocations against the
history, gapless numbering) passes.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import typer

from acompte import bootstrap
from acompte.adapters.cli.verify import verify_command
from acompte.domain.users import Role
from acompte.services import companies, users
from acompte.services.ports import Ctx

ROOT = Path(__file__).resolve().parent.parent
ACOMPTE = str(Path(sys.executable).with_name("acompte"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Api:
    """One keep-alive HTTP connection (one per thread), JSON in and out."""

    def __init__(self, port: int, token: str) -> None:
        self.port, self.token = port, token
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        payload = None
        if body is not None:
            payload, headers["Content-Type"] = json.dumps(body), "application/json"
        for attempt in (1, 2):
            try:
                self.connection.request(method, "/api/v1" + path, body=payload, headers=headers)
                response = self.connection.getresponse()
                raw = response.read()
                return response.status, json.loads(raw) if raw else None
            except (http.client.HTTPException, OSError):
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt == 2:
                    return 599, None  # no answer: counted with the 5xx
        raise AssertionError("unreachable")


@dataclass
class Shared:
    """What the workers share (ids they pick at random, so that they collide)."""

    parties: list[str] = field(default_factory=list)
    invoices: list[str] = field(default_factory=list)
    orders: list[str] = field(default_factory=list)
    payments: list[str] = field(default_factory=list)
    allocations: list[str] = field(default_factory=list)
    credits: list[str] = field(default_factory=list)
    documents: set[str] = field(default_factory=set)
    party_of: dict[str, str] = field(default_factory=dict)  # invoice, payment or credit note -> its party
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    examples: dict[tuple[str, int], str] = field(default_factory=dict)  # the first answer of each kind
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def pick(self, items: list[str], rng: random.Random, party: str | None = None) -> str | None:
        """One of `items` at random (of `party`'s when given)."""
        with self.lock:
            if party is not None:
                items = [item for item in items if self.party_of.get(item) == party]
            return rng.choice(items) if items else None

    def note(self, op: str, status: int, detail: Any = None) -> None:
        with self.lock:
            self.statuses[(op, status)] += 1
            self.examples.setdefault((op, status), json.dumps(detail)[:160] if status >= 400 else "")
            if status >= 500 and len(self.failures) < 20:
                self.failures.append(f"{op}: {status} {json.dumps(detail)[:300]}")


def line(price: str) -> dict[str, str]:
    return {"designation": "Article", "quantity": "1", "unit_price": price, "vat_rate": "20"}


def euros(value: Decimal) -> dict[str, str]:
    return {"amount": str(value.quantize(Decimal("0.01"))), "currency": "EUR"}


def new_document(api: Api, shared: Shared, kind: str, party: str, price: str, validate: bool = True) -> str | None:
    status, draft = api.call("POST", "/documents", {"kind": kind, "party_id": party, "lines": [line(price)]})
    shared.note(f"create {kind}", status, draft)
    if status != 201:
        return None
    if validate:
        status, body = api.call("POST", f"/documents/{draft['id']}/validate")
        shared.note(f"validate {kind}", status, body)
    with shared.lock:
        shared.documents.add(draft["id"])
        shared.party_of[str(draft["id"])] = party
    return str(draft["id"])


def work(port: int, token: str, shared: Shared, seed: int, deadline: float) -> None:
    api, rng = Api(port, token), random.Random(seed)
    while time.monotonic() < deadline:
        op = rng.choices(
            ["party", "invoice", "pay", "allocate", "unallocate", "deposit", "credit", "use credit"],
            weights=[1, 3, 6, 3, 4, 2, 2, 2],
        )[0]
        party = shared.pick(shared.parties, rng)
        assert party is not None
        if op == "party":
            status, body = api.call("POST", "/parties", {"name": f"Client {seed}-{rng.randrange(10**6)}"})
            shared.note(op, status, body)
        elif op == "invoice":
            invoice = new_document(api, shared, "invoice", party, f"{rng.randint(20, 300)}.00")
            if invoice:
                with shared.lock:
                    shared.invoices.append(invoice)
        elif op == "pay":
            invoice = shared.pick(shared.invoices, rng)
            if invoice is None:
                continue
            status, doc = api.call("GET", f"/documents/{invoice}")
            shared.note("read document", status, doc)
            if status != 200:
                continue
            amount = Decimal(rng.randint(1, 80))
            share = rng.choice([Decimal(1), Decimal("0.5"), Decimal("0.25")])  # often leave money unallocated
            body = {
                "party_id": doc["party_id"],
                "amount": euros(amount),
                "method": "transfer",
                "allocations": [{"document_id": invoice, "amount": euros(amount * share)}],
            }
            status, payment = api.call("POST", "/payments", body)
            shared.note(op, status, payment)
            if status == 201:
                with shared.lock:
                    shared.payments.append(payment["id"])
                    shared.party_of[payment["id"]] = doc["party_id"]
                    shared.allocations += [a["id"] for a in payment["allocations"]]
        elif op == "allocate":
            payment = shared.pick(shared.payments, rng)
            invoice = shared.pick(shared.invoices, rng, shared.party_of.get(payment or ""))
            if payment is None or invoice is None:
                continue
            part = {"document_id": invoice, "amount": euros(Decimal(rng.randint(1, 20)))}  # often beyond what is left
            status, body = api.call("POST", f"/payments/{payment}/allocations", part)
            shared.note(op, status, body)
            if status in (200, 201) and isinstance(body, dict):
                with shared.lock:
                    shared.allocations += [a["id"] for a in body.get("allocations", [])]
        elif op == "unallocate":
            allocation = shared.pick(shared.allocations, rng)
            if allocation is None:
                continue
            status, body = api.call("DELETE", f"/allocations/{allocation}")
            shared.note(op, status, body)
        elif op == "deposit":
            order = shared.pick(shared.orders, rng)
            if order is None or rng.random() < 0.2:
                created = new_document(api, shared, "order", party, f"{rng.randint(100, 900)}.00")
                if created:
                    with shared.lock:
                        shared.orders.append(created)
                continue
            body = {"method": "transfer", "amount": euros(Decimal(rng.randint(5, 60)))}
            status, answer = api.call("POST", f"/documents/{order}/deposits", body)
            shared.note(op, status, answer)
            if status in (200, 201) and isinstance(answer, dict):
                with shared.lock:
                    shared.allocations += [a["id"] for a in answer.get("allocations", []) if "id" in a]
        elif op == "credit":
            invoice = shared.pick(shared.invoices, rng)
            if invoice is None:
                continue
            body = {"lines": [{"position": 1, "quantity": "0.1"}], "issue": True, "apply_to_origin": rng.random() < 0.5}
            status, answer = api.call("POST", f"/documents/{invoice}/credit-notes", body)
            shared.note(op, status, answer)
            if status in (200, 201) and isinstance(answer, dict) and "id" in answer:
                with shared.lock:
                    shared.credits.append(answer["id"])
                    shared.documents.add(answer["id"])
                    shared.party_of[answer["id"]] = shared.party_of.get(invoice, "")
        elif op == "use credit":
            credit = shared.pick(shared.credits, rng)
            invoice = shared.pick(shared.invoices, rng, shared.party_of.get(credit or ""))
            if credit is None or invoice is None:
                continue
            part = {"document_id": invoice, "amount": euros(Decimal(rng.randint(1, 15)))}
            status, body = api.call("POST", f"/credits/{credit}/uses", part)
            shared.note(op, status, body)


def check_books(port: int, token: str, shared: Shared, readers: int = 4) -> list[str]:
    """The money invariants, read through the API (`readers` connections at once)."""
    broken: list[str] = []
    documents = sorted(shared.documents, key=int)
    payments = sorted(set(shared.payments), key=int)

    def read(part: int) -> None:
        api = Api(port, token)
        for document_id in documents[part::readers]:
            broken.extend(_document_breaks(api, document_id))
        for payment_id in payments[part::readers]:
            broken.extend(_payment_breaks(api, payment_id))

    threads = [threading.Thread(target=read, args=(part,)) for part in range(readers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return broken


def _document_breaks(api: Api, document_id: str) -> list[str]:
    status, doc = api.call("GET", f"/documents/{document_id}")
    if status != 200:
        return [f"document {document_id}: GET answered {status}"]
    broken = []
    gross, settled, due = (Decimal(doc[k]["amount"]) for k in ("gross", "settled", "balance_due"))
    allocated = sum((Decimal(a["amount"]["amount"]) for a in doc["allocations"]), Decimal(0))
    position = doc.get("position") or {}
    if settled > abs(gross):
        broken.append(f"document {doc['number']}: settled {settled} beyond its total {gross}")
    credit = doc["kind"] in ("credit_note", "deposit_credit_note")  # owes nothing: it is a credit, used or not
    if position and credit and Decimal(position.get("used", {}).get("amount", "0")) > abs(gross):
        broken.append(f"credit note {doc['number']}: used {position['used']['amount']} beyond its total {gross}")
    if not credit and doc["state"] != "cancelled" and due != abs(gross) - settled:
        broken.append(f"document {doc['number']}: balance {due} is not total {gross} less settled {settled}")
    if position and allocated != Decimal(position["paid"]["amount"]) + Decimal(position["credited"]["amount"]):
        broken.append(f"document {doc['number']}: allocations {allocated} differ from paid + credited")
    return broken


def _payment_breaks(api: Api, payment_id: str) -> list[str]:
    status, payment = api.call("GET", f"/payments/{payment_id}")
    if status != 200:
        return [f"payment {payment_id}: GET answered {status}"]
    amount, allocated = Decimal(payment["amount"]["amount"]), Decimal(payment["allocated"]["amount"])
    listed = sum((Decimal(a["amount"]["amount"]) for a in payment["allocations"]), Decimal(0))
    if allocated > amount or listed != allocated:
        return [f"payment {payment['number']}: allocated {allocated} (listed {listed}) of {amount}"]
    return []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url")
    parser.add_argument("--workers", type=int, default=8, help="client threads")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--serve-workers", type=int, default=1, help="`acompte serve --workers N` (when N > 1)")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()

    application = bootstrap.build(args.database_url)  # migrates the database before the server starts
    port = free_port()
    command = [ACOMPTE, "serve", "--host", "127.0.0.1", "--port", str(port)]
    if args.serve_workers > 1:
        command += ["--workers", str(args.serve_workers)]  # several server processes
    env = {**os.environ, "ACOMPTE_DATABASE_URL": args.database_url}
    launched = time.monotonic()
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        # while the server starts: a company, its admin and an API token
        ctx = Ctx(companies.create_company(application.uow(), name="Soak SARL", currency="EUR"), actor="soak")
        email = f"soak-{ctx.company_id}@example.org"
        users.create_user(application.uow(), email=email, password="soak-password-1234", name="Soak")
        users.grant(application.uow(), ctx, email=email, role=Role.ADMIN)
        _, token = users.create_token(application.uow(), ctx, email=email, name="soak")
        application.close()
        api = Api(port, token)
        ready_by = time.monotonic() + 60
        while time.monotonic() < ready_by:
            if server.poll() is not None:
                print(server.stderr.read() if server.stderr else "", file=sys.stderr)
                print("FAIL: acompte serve stopped", file=sys.stderr)
                return 1
            if api.call("GET", "/me")[0] == 200:
                break
            time.sleep(0.2)
        print(f"acompte serve answered after {time.monotonic() - launched:.1f} s")
        shared = Shared()
        for n in range(3):
            status, party = api.call("POST", "/parties", {"name": f"Client partagé {n}"})
            assert status == 201, (status, party)
            shared.parties.append(party["id"])
        for n in range(6):
            invoice = new_document(api, shared, "invoice", shared.parties[n % 3], "500.00")
            assert invoice, "the first invoices could not be made"
            shared.invoices.append(invoice)

        started = time.monotonic()
        deadline = started + args.seconds
        threads = [
            threading.Thread(target=work, args=(port, token, shared, args.seed + n, deadline))
            for n in range(args.workers)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        broken = check_books(port, token, shared)
        checked = time.monotonic() - started - elapsed
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()

    calls = sum(shared.statuses.values())
    errors = sum(n for (_, status), n in shared.statuses.items() if status >= 500)
    print(
        f"{calls} calls in {elapsed:.1f} s by {args.workers} workers ({calls / elapsed:.0f}/s), {errors} answers ≥ 500"
    )
    print(f"{len(shared.documents)} documents and {len(set(shared.payments))} payments checked in {checked:.1f} s")
    for (op, status), n in sorted(shared.statuses.items()):
        print(f"  {op:<18} {status}  × {n:<4} {shared.examples.get((op, status), '')}")
    os.environ["ACOMPTE_DATABASE_URL"] = args.database_url
    try:  # `acompte verify --company ID`, in this process (a second interpreter would only add its start-up)
        verify_command(company=ctx.company_id)
        verified = 0
    except typer.Exit as exit_:
        verified = exit_.exit_code
    for failure in shared.failures:
        print("5xx:", failure)
    for finding in broken:
        print("BROKEN:", finding)
    ok = errors == 0 and not broken and verified == 0
    print("soak: OK" if ok else "soak: FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
