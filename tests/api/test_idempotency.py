"""Idempotency-Key: a shop that retries never records a payment twice."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from acompte.persistence.access_rows import IdempotencyRow
from tests.api.conftest import eur
from tests.helpers import snapshot, validated


def payment_body(customer, amount="50.00", **extra):
    return {"party_id": str(customer.id), "amount": eur(amount), "method": "card", **extra}


def payments_of(api):
    return api.get("payments").json()["items"]


def test_a_retry_with_the_same_key_and_body_replays_the_first_response(api, customer):
    first = api.post("payments", json=payment_body(customer), headers={"Idempotency-Key": "till-1-0001"})
    assert first.status_code == 201
    retry = api.post("payments", json=payment_body(customer), headers={"Idempotency-Key": "till-1-0001"})
    assert retry.status_code == 201
    assert retry.content == first.content
    assert retry.headers["idempotent-replayed"] == "true"
    assert retry.headers["location"] == first.headers["location"]
    assert "idempotent-replayed" not in first.headers
    assert len(payments_of(api)) == 1


def test_the_same_json_written_differently_is_the_same_request(api, customer):
    key = {"Idempotency-Key": "same-json", "Content-Type": "application/json"}
    first = api.post(
        "payments",
        content=b'{"party_id": "%d", "amount": {"amount": "5.00", "currency": "EUR"}, "method": "card"}' % customer.id,
        headers=key,
    )
    retry = api.post(
        "payments",
        content=b'{"method":"card","amount":{"currency":"EUR","amount":"5.00"},"party_id":"%d"}' % customer.id,
        headers=key,
    )
    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.json()["id"] == first.json()["id"]


def test_the_same_key_with_another_body_or_path_is_refused_and_writes_nothing(api, uow, customer):
    api.post("payments", json=payment_body(customer), headers={"Idempotency-Key": "k-1"})
    before = snapshot(uow, api.ctx)
    other_body = api.post("payments", json=payment_body(customer, "51.00"), headers={"Idempotency-Key": "k-1"})
    assert other_body.status_code == 409
    assert other_body.json()["type"] == "/api/v1/errors/idempotency-key-reused"
    assert other_body.json()["key"] == "k-1"
    other_path = api.post("parties", json={"name": "X"}, headers={"Idempotency-Key": "k-1"})
    assert other_path.status_code == 409
    assert snapshot(uow, api.ctx) == before


def test_a_business_refusal_is_replayed_too_so_a_retry_cannot_change_the_outcome(api, uow, customer):
    invoice = validated(uow, api.ctx, customer.id)
    payment = api.post("payments", json=payment_body(customer, "30.00")).json()
    key = {"Idempotency-Key": "alloc-1"}
    body = {"document_id": str(invoice.id), "amount": eur("40.00")}
    before = snapshot(uow, api.ctx)
    refused = api.post(f"payments/{payment['id']}/allocations", json=body, headers=key)
    assert refused.status_code == 422 and refused.json()["code"] == "over-allocation"
    assert snapshot(uow, api.ctx) == before
    again = api.post(f"payments/{payment['id']}/allocations", json=body, headers=key)
    assert (again.status_code, again.content, again.headers["idempotent-replayed"]) == (422, refused.content, "true")


def test_an_invalid_request_does_not_use_up_the_key(api, customer):
    key = {"Idempotency-Key": "fix-and-retry"}
    invalid = api.post("payments", json=payment_body(customer, amount="50.001"), headers=key)
    assert invalid.status_code == 422
    fixed = api.post("payments", json=payment_body(customer), headers=key)
    assert fixed.status_code == 201


def test_keys_belong_to_one_company(api, intruder, customer):
    api.post("payments", json=payment_body(customer), headers={"Idempotency-Key": "shared"})
    other = intruder.post("parties", json={"name": "Autre client"}, headers={"Idempotency-Key": "shared"})
    assert other.status_code == 201


def test_a_key_is_kept_24_hours(api, app, customer):
    api.post("payments", json=payment_body(customer), headers={"Idempotency-Key": "old"})
    with app.session_factory() as session:
        session.execute(
            update(IdempotencyRow)
            .where(IdempotencyRow.company_id == api.ctx.company_id, IdempotencyRow.key == "old")
            .values(created_at=datetime.now(UTC) - timedelta(hours=24, minutes=1))
        )
        session.commit()
    again = api.post("payments", json=payment_body(customer), headers={"Idempotency-Key": "old"})
    assert again.status_code == 201 and "idempotent-replayed" not in again.headers
    assert len(payments_of(api)) == 2


def test_a_malformed_key_is_an_invalid_request(api, uow, customer):
    before = snapshot(uow, api.ctx)
    for key in ["x" * 256, "clé-é".encode(), "with space", ""]:
        refused = api.post("payments", json=payment_body(customer), headers={"Idempotency-Key": key})
        assert refused.status_code == 422, key
        assert refused.json()["errors"][0]["location"] == "header"
    assert snapshot(uow, api.ctx) == before


def test_concurrent_retries_record_one_payment(api, customer):
    def send(_):
        return api.post("payments", json=payment_body(customer, "77.00"), headers={"Idempotency-Key": "burst"})

    with ThreadPoolExecutor(max_workers=4) as pool:
        responses = list(pool.map(send, range(4)))
    assert [r.status_code for r in responses] == [201] * 4
    assert len({r.json()["id"] for r in responses}) == 1
    assert [p["amount"] for p in payments_of(api)] == [eur("77.00")]
