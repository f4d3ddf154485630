"""`acompte export-data` / `import-data` from the command line: a damaged or foreign archive is refused with a
French sentence and nothing is written, not even the rows before the fault."""

from __future__ import annotations

import hashlib
import io
import json
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from acompte import bootstrap
from acompte.adapters.cli.main import app as cli
from acompte.domain.users import Role
from acompte.services import companies, users
from acompte.services.ports import Ctx
from tests.cli.paid_order import company_with_a_paid_order

Parts = dict[str, list[dict[str, Any]]]


@pytest.fixture
def company(app: bootstrap.App) -> Ctx:
    """A small company with a name no other test uses: counting it tells whether an import wrote anything."""
    return company_with_a_paid_order(app, "Archive", price="100.00", paid=["30.00"])


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, database_url: str) -> CliRunner:
    monkeypatch.setenv("ACOMPTE_DATABASE_URL", database_url)
    monkeypatch.setenv("COLUMNS", "200")
    return CliRunner()


def named(app: bootstrap.App, ctx: Ctx) -> int:
    name = companies.get_company(app.uow(), ctx).name
    return sum(1 for c in companies.list_companies(app.uow()) if c.name == name)


def exported(runner: CliRunner, ctx: Ctx, tmp_path: Path) -> Path:
    path = tmp_path / "societe.zip"
    result = runner.invoke(cli, ["export-data", "--company", str(ctx.company_id), str(path)])
    assert result.exit_code == 0, result.output
    assert "1 tiers, 1 pièces, 1 règlements, 1 rapprochements" in result.output
    return path


def repack(path: Path, edit: Callable[[dict[str, Any], Parts], None], *, checksums: bool = True) -> Path:
    """The archive with `edit` applied to its manifest and rows; its checksums recomputed unless told not to."""
    with zipfile.ZipFile(path) as source:
        manifest = json.loads(source.read("manifest.json"))
        parts = {
            p["table"]: [json.loads(line) for line in source.read(p["file"]).splitlines()] for p in manifest["parts"]
        }
    edit(manifest, parts)
    out = path.with_name("edited.zip")
    with zipfile.ZipFile(out, "w") as target:
        for part in manifest["parts"]:
            data = b"".join(line(r) for r in parts[part["table"]])
            target.writestr(part["file"], data)
            if checksums:
                part["sha256"], part["rows"] = hashlib.sha256(data).hexdigest(), len(parts[part["table"]])
        target.writestr("manifest.json", json.dumps(manifest))
    return out


def line(row: dict[str, Any]) -> bytes:
    """A row as export-data writes it (so that only the edited part changes)."""
    return json.dumps(row, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode() + b"\n"


def refused(runner: CliRunner, path: Path, words: str) -> None:
    result = runner.invoke(cli, ["import-data", str(path)])
    assert result.exit_code == 1, result.output
    assert "Refusé" in result.output and words in " ".join(result.output.split()), result.output


def test_an_exported_company_is_imported_beside_itself_under_new_ids(app, company, cli_env, tmp_path):
    path = exported(cli_env, company, tmp_path)
    result = cli_env.invoke(cli, ["import-data", str(path)])
    assert result.exit_code == 0, result.output
    assert "importée sous le n°" in result.output
    assert named(app, company) == 2


def test_a_foreign_file_is_refused(app, company, cli_env, tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("pas une archive")
    refused(cli_env, text, "n'est pas une sauvegarde ou une archive acompte")
    other_zip = tmp_path / "photos.zip"
    with zipfile.ZipFile(other_zip, "w") as z:
        z.writestr("photo.jpg", b"\xff\xd8")
    refused(cli_env, other_zip, "n'est pas une sauvegarde ou une archive acompte")
    path = exported(cli_env, company, tmp_path)
    refused(cli_env, repack(path, lambda m, _p: m.update(format="autre-chose")), "n'est pas une sauvegarde")
    assert named(app, company) == 1


def test_an_unknown_format_version_is_refused(app, company, cli_env, tmp_path):
    path = repack(exported(cli_env, company, tmp_path), lambda m, _p: m.update(format_version=99))
    refused(cli_env, path, "format d'archive inconnu (version 99)")
    assert named(app, company) == 1


def test_a_damaged_archive_is_refused_and_writes_nothing(app, company, cli_env, tmp_path):
    path = exported(cli_env, company, tmp_path)
    truncated = tmp_path / "tronquee.zip"
    truncated.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    refused(cli_env, truncated, "fichier endommagé")

    def change_amount(_manifest: dict[str, Any], parts: Parts) -> None:
        parts["payments"][0]["amount_minor"] = 300000

    refused(cli_env, repack(path, change_amount, checksums=False), "payments : empreinte SHA-256 différente")

    def drop_a_row(manifest: dict[str, Any], parts: Parts) -> None:
        parts["events"].pop()

    refused(cli_env, repack(path, drop_a_row, checksums=False), "fichier endommagé (events")
    assert named(app, company) == 1


def test_a_fault_found_while_writing_undoes_the_whole_import(app, company, cli_env, tmp_path):
    """Checksums right, but an allocation names a payment the archive does not hold: found only when the
    allocations are written, after the company, its parties, documents and payments: all of them are undone."""

    def orphan(_manifest: dict[str, Any], parts: Parts) -> None:
        parts["allocations"][0]["payment_id"] = 987654321

    refused(cli_env, repack(exported(cli_env, company, tmp_path), orphan), "allocations.payment_id = 987654321")
    assert named(app, company) == 1


def test_an_archive_with_columns_this_version_does_not_know_is_refused(app, company, cli_env, tmp_path):
    def newer(_manifest: dict[str, Any], parts: Parts) -> None:
        parts["parties"][0]["loyalty_points"] = 3

    refused(cli_env, repack(exported(cli_env, company, tmp_path), newer), "colonnes inconnues dans parties")
    assert named(app, company) == 1


def test_exporting_an_unknown_company_says_so(cli_env, tmp_path):
    result = cli_env.invoke(cli, ["export-data", "--company", "987654321", str(tmp_path / "x.zip")])
    assert result.exit_code == 1
    assert "aucune société n° 987654321" in result.output
    assert not (tmp_path / "x.zip").exists()


def test_money_travels_exact(app, company, tmp_path):
    from acompte.services import archive

    out = io.BytesIO()
    archive.export_company(app.uow(), company.company_id, out)
    tables = archive.read_archive(io.BytesIO(out.getvalue())).tables
    assert tables["payments"][0]["amount_minor"] == 3000
    assert tables["document_lines"][0]["unit_price"] == "100.00"
    assert tables["documents"][0]["gross_minor"] == 12000


def test_members_move_with_their_company_and_log_in_with_the_same_password(app, company, cli_env, tmp_path):
    email = f"membre-{uuid.uuid4().hex[:8]}@example.fr"
    users.create_user(app.uow(), email=email, password="mot de passe du membre")
    users.grant(app.uow(), company, email=email, role=Role.CLERK)
    path = exported(cli_env, company, tmp_path)

    target_url = f"sqlite:///{tmp_path / 'serveur-2.db'}"
    cli_env.env = {"ACOMPTE_DATABASE_URL": target_url}  # another server
    result = cli_env.invoke(cli, ["import-data", str(path)])
    assert result.exit_code == 0, result.output
    target = bootstrap.build(target_url)
    try:
        principal, _secret = users.login(target.uow(), email=email, password="mot de passe du membre")
        assert principal.role is Role.CLERK
        assert companies.get_company(target.uow(), Ctx(principal.company_id)).name.startswith("Archive ")
    finally:
        target.close()

    # beside itself, the member is the same user, now a member of both companies
    cli_env.env = {}
    result = cli_env.invoke(cli, ["import-data", str(path)])
    assert result.exit_code == 0, result.output
    user = users.get_user(app.uow(), email=email)
    assert user is not None and len(users.memberships(app.uow(), user.id)) == 2


def test_an_archive_from_before_structured_addresses_is_imported_with_its_address_read(app, company, cli_env, tmp_path):
    def older(_manifest: dict[str, Any], parts: Parts) -> None:
        for table in ("companies", "parties"):
            for row in parts[table]:
                for field in ("street", "street2", "postcode", "city", "country"):
                    row.pop(field)
                row["address"] = "Bâtiment B\n3 place du Marché\n75011 Paris"

    result = cli_env.invoke(cli, ["import-data", str(repack(exported(cli_env, company, tmp_path), older))])
    assert result.exit_code == 0, result.output
    imported = [
        c for c in companies.list_companies(app.uow()) if c.name == companies.get_company(app.uow(), company).name
    ]
    newest = max(imported, key=lambda c: c.id)
    assert (newest.street, newest.street2, newest.postcode, newest.city, newest.country) == (
        "Bâtiment B",
        "3 place du Marché",
        "75011",
        "Paris",
        "FR",
    )
