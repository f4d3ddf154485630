"""`acompte serve`: the web application and the API (uvicorn), on a database created or migrated at start.

The address is tried before anything else: a port already taken (or not allowed, or an address that is not
this machine's) is told in French with what to do, before any login is printed and before the database is
touched, and the command ends with its own exit code.

With `--demo` the demo company is built once and then reused: its login (e-mail, password, API token) is kept
in a file readable by the user only, `$XDG_STATE_HOME/acompte/demo-<database>.json` (by default under
`~/.local/state`), one per database, and printed again at each start. `--reset-demo` builds a new demo company
with a new login. The password stays random (never a well-known one: a demo started on a reachable address is
not an open door); the file is what lets the same password be shown at the next start.

With `--workers N` (N > 1) uvicorn starts N processes; each builds its own application and engine from the
environment through the factory `FACTORY` (the parent has migrated the database and printed any demo login
once). Behind a reverse proxy, `--forwarded-allow-ips` names the proxies whose X-Forwarded-* headers are
trusted (uvicorn's default: 127.0.0.1).

Each server process also renders the files of the documents issued (a thread: adapters/file_worker.py), unless
ACOMPTE_FILE_WORKER=0 (then `acompte files render --follow` runs on its own, on this machine or another).
"""

from __future__ import annotations

import errno
import functools
import hashlib
import json
import os
import secrets
import socket
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from acompte import bootstrap
from acompte.adapters.cli.demo import DEMO_COMPANY, build_demo
from acompte.config import Settings
from acompte.domain.errors import DomainError
from acompte.domain.users import Role
from acompte.services import companies, idempotency, users
from acompte.services.ports import Ctx

DEMO_EMAIL = "demo@acompte.example"


@dataclass(frozen=True, slots=True)
class DemoLogin:
    company_id: int
    email: str
    password: str
    token: str
    reused: bool = False


def demo_login_file(database_url: str) -> Path:
    """Where the demo login of this database is kept (the URL is hashed: it may hold a password)."""
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    digest = hashlib.sha256(database_url.encode()).hexdigest()[:16]
    return Path(state) / "acompte" / f"demo-{digest}.json"


def _read_saved(path: Path) -> dict[str, Any]:
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return saved if isinstance(saved, dict) else {}


def _save(path: Path, login: DemoLogin) -> None:
    """Write the login for the user only (0600 in a 0700 directory), replacing the file in one step."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partiel")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        json.dump({k: v for k, v in asdict(login).items() if k != "reused"}, out)
    partial.replace(path)


def _token_of(uow: Any, token: str, company_id: int) -> None:
    """Refuse (as an unknown token) a token that works but opens another company."""
    from acompte.domain.errors import InvalidCredentials

    if users.authenticate_token(uow(), token).company_id != company_id:
        raise InvalidCredentials()


def _works(check: Any) -> bool:
    try:
        check()
    except DomainError:
        return False
    return True


def companies_named(uow: Any, company_id: int) -> str | None:
    return next((c.name for c in companies.list_companies(uow()) if c.id == company_id), None)


def demo_login(application: bootstrap.App, *, reset: bool = False) -> DemoLogin:
    """The demo company and a login to it (an admin user with a password, and an API token).

    Without `reset`, the demo company of an earlier start is reused with the same password and token, as long
    as they still work (a password changed since, a token revoked: a new one is made and shown). With `reset`,
    or when there is none, a new demo company is built; its user is `DEMO_EMAIL` unless that user already
    belongs to an earlier demo (a login opens the user's first company), then `demo-<id>@acompte.example`.
    """
    uow = application.uow
    path = demo_login_file(application.settings.database_url)
    saved = _read_saved(path)

    def first_company(email: str) -> int | None:  # the company a login of this user opens
        user = users.get_user(uow(), email=email)
        member_of = users.memberships(uow(), user.id) if user is not None else []
        return member_of[0].company_id if member_of else None

    company_id: int | None = None
    email = DEMO_EMAIL
    saved_email = saved.get("email")
    earlier = first_company(DEMO_EMAIL)
    if not reset and isinstance(saved_email, str) and first_company(saved_email) == saved.get("company_id"):
        company_id, email = saved["company_id"], saved_email
    elif not reset and earlier is not None and companies_named(uow, earlier) == DEMO_COMPANY:
        company_id = earlier  # the demo of an earlier start, whose login file is lost
    reused = company_id is not None
    if company_id is None:
        company_id = build_demo(uow())
        if earlier is not None:
            email = f"demo-{company_id}@acompte.example"

    same = saved.get("company_id") == company_id and saved.get("email") == email
    password = saved.get("password") if same and isinstance(saved.get("password"), str) else None
    if password is None or not _works(lambda: users.authenticate_password(uow(), email=email, password=password)):
        password = secrets.token_urlsafe(12)
        if users.get_user(uow(), email=email) is None:
            users.create_user(uow(), email=email, password=password, name="Démo")
        else:
            users.set_password(uow(), email=email, password=password)
    ctx = Ctx(company_id, actor="demo")
    users.grant(uow(), ctx, email=email, role=Role.ADMIN)
    token = saved.get("token") if same and isinstance(saved.get("token"), str) else None
    if token is None or not _works(lambda: _token_of(uow, token, company_id)):
        _credential, token = users.create_token(uow(), ctx, email=email, name="démo")
    login = DemoLogin(company_id, email, password, token, reused)
    _save(path, login)
    return login


def address_problem(host: str, port: int) -> str | None:
    """What stops a server from listening on host:port, in French with what to do; None when it can.

    The socket is opened as uvicorn opens it (SO_REUSEADDR: a port left in TIME_WAIT by a server just stopped is
    free) and closed at once."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError):
        return f"l'adresse d'écoute « {host} » est inconnue : indiquez une adresse IP de cette machine (--host)."
    except OverflowError:
        return f"le port {port} n'existe pas : choisissez un port entre 1024 et 65535 (--port)."
    family, kind, proto, _name, where = found[0]
    try:
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(where)
    except OverflowError:
        return f"le port {port} n'existe pas : choisissez un port entre 1024 et 65535 (--port)."
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            free = _free_port(host, port)
            instead = f" : `acompte serve --port {free}`" if free else ""
            return (
                f"le port {port} est déjà utilisé sur {host} (une autre application, ou acompte déjà démarré). "
                f"Arrêtez-la ou choisissez un autre port{instead}."
            )
        if error.errno == errno.EACCES:
            return (
                f"le port {port} est réservé à l'administrateur sur cette machine : "
                "choisissez un port à partir de 1024 (--port)."
            )
        if error.errno == errno.EADDRNOTAVAIL:
            return f"l'adresse {host} n'est pas une adresse de cette machine : corrigez --host (ex. 127.0.0.1)."
        return f"impossible d'écouter sur {host}:{port} ({error.strerror})."
    return None


def _free_port(host: str, taken: int) -> int | None:
    """A port just after `taken` that is free now (a suggestion: it may be taken by the time it is used)."""
    for candidate in range(taken + 1, min(taken + 20, 65536)):
        try:
            with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                probe.bind((host, candidate))
        except OSError:
            continue
        return candidate
    return None


def serve(
    *,
    host: str,
    port: int,
    demo: bool,
    reset_demo: bool,
    workers: int,
    proxy_headers: bool,
    forwarded_allow_ips: str | None,
    unavailable_exit_code: int,
) -> None:
    """`acompte serve`: check the address, prepare the database (and the demo), print how to connect, serve."""
    console = Console()
    problem = address_problem(host, port)
    if problem is not None:
        Console(stderr=True).print(f"[red]Impossible de démarrer :[/red] {problem}", soft_wrap=True)
        raise typer.Exit(code=unavailable_exit_code)
    url = Settings.from_env().database_url
    application = bootstrap.build(url)
    idempotency.purge_expired(application.uow())
    address = f"http://{host}:{port}"
    console.print(f"Base de données : {url}")
    if demo:
        login = demo_login(application, reset=reset_demo)
        if login.reused:
            console.print(
                f"Société de démonstration n° {login.company_id} reprise telle quelle "
                "(--reset-demo pour repartir de zéro)."
            )
        else:
            console.print(f"Société de démonstration n° {login.company_id} chargée.")
        say = functools.partial(console.print, soft_wrap=True)  # never cut a token in two
        say(f"Connexion : [bold]{login.email}[/bold] / mot de passe : [bold]{login.password}[/bold]")
        say(f"Jeton d'API (Authorization: Bearer …) : [bold]{login.token}[/bold]")
        say(f"Accès conservé pour les prochains lancements dans {demo_login_file(url)} (lisible par vous seul).")
        say(f"Essai : curl -H 'Authorization: Bearer {login.token}' {address}/api/v1/documents")
    elif not companies.list_companies(application.uow()):
        console.print("Aucune société : `acompte init`, puis `acompte user create` et `acompte token create`.")
    if workers > 1 and is_sqlite_url(url):
        console.print("SQLite avec plusieurs processus : pour un usage léger ; PostgreSQL en production.")
    console.print(f"Application : [bold]{address}/[/bold] — API : {address}/api/docs")
    run_server(
        application,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=proxy_headers,
        forwarded_allow_ips=forwarded_allow_ips,
    )


#: The import string of the application factory every worker process calls.
FACTORY = "acompte.adapters.api.app:create_app_from_env"
#: Seconds a worker may take to answer the parent's health check. uvicorn's 5 s are too few for a worker that
#: is still importing the application (WeasyPrint...) on a busy machine: it would be killed and started again
#: in a loop.
WORKER_HEALTHCHECK_TIMEOUT = 60


def is_sqlite_url(url: str) -> bool:
    return url.startswith("sqlite")


def run_server(
    application: bootstrap.App,
    *,
    host: str,
    port: int,
    workers: int = 1,
    proxy_headers: bool = True,
    forwarded_allow_ips: str | None = None,
) -> None:
    """Serve until stopped: this process's application, or `workers` processes each with its own."""
    import uvicorn

    from acompte.adapters.api import create_app

    options: dict[str, Any] = {"host": host, "port": port, "log_level": "info", "proxy_headers": proxy_headers}
    if forwarded_allow_ips is not None:
        options["forwarded_allow_ips"] = forwarded_allow_ips
    if workers <= 1:
        try:
            uvicorn.run(create_app(application, file_worker=True), **options)
        finally:
            application.close()
        return
    # the workers read the environment: the same database as this process, however it was found
    os.environ["ACOMPTE_DATABASE_URL"] = application.settings.database_url
    application.close()
    uvicorn.run(
        FACTORY, factory=True, workers=workers, timeout_worker_healthcheck=WORKER_HEALTHCHECK_TIMEOUT, **options
    )
