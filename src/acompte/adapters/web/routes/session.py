"""Login, logout and language switch (the home page is home.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from acompte.adapters.web import i18n, security
from acompte.adapters.web.errors import error_text
from acompte.adapters.web.templating import redirect, render, translate
from acompte.domain.errors import InvalidCredentials, LoginLocked, LoginThrottled, SecondFactorRequired
from acompte.services import users

router = APIRouter()


def _safe_next(target: str | None) -> str:
    """Only a path of this site (never `//host` or `https://...`): no open redirect after login."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> Response:
    return render(request, "login.html", {"next": _safe_next(next), "email": "", "ask_code": False})


def _client_address(request: Request) -> str:
    """The client's address as the server sees it (behind a reverse proxy: give uvicorn its proxy headers)."""
    return request.client.host if request.client else ""


@router.post("/login")
def login(
    request: Request,
    _form: security.Posted,
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    code: Annotated[str, Form(max_length=20)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    security.check_csrf(request)
    context: dict[str, object] = {"next": _safe_next(next), "email": email, "ask_code": bool(code)}
    try:
        _principal, secret = users.login(
            security.uow_of(request),
            email=email,
            password=password,
            code=code,
            address=_client_address(request),
            policy=request.app.state.acompte.login_policy,
        )
    except (LoginLocked, LoginThrottled) as refused:
        context["error"] = error_text(request, refused)
        page = render(request, "login.html", context, status=429)
        page.headers["Retry-After"] = str(refused.params.get("seconds", 60))
        return page
    except SecondFactorRequired as needed:
        context.update(error=error_text(request, needed), ask_code=True)
        return render(request, "login.html", context, status=401)
    except InvalidCredentials:
        if code:
            context["error"] = translate(request, "E-mail, mot de passe ou code incorrect.")
        else:
            context["error"] = translate(request, "E-mail ou mot de passe incorrect.")
        return render(request, "login.html", context, status=401)
    response = redirect(request, _safe_next(next))
    security.open_session(response, request, secret)
    user = users.get_user(security.uow_of(request), email=email)
    if user is not None and user.language in i18n.LANGUAGES:  # the language the user chose last time
        response.set_cookie(i18n.LANG_COOKIE, user.language, max_age=365 * 86400, samesite="lax", path="/")
    return response


@router.post("/logout")
def logout(request: Request, _form: security.Posted) -> Response:
    security.session_principal(request)
    security.check_csrf(request)
    users.logout(security.uow_of(request), request.cookies.get(security.SESSION_COOKIE, ""))
    response = redirect(request, "/login")
    response.delete_cookie(security.SESSION_COOKIE, path="/")
    return response


@router.post("/language")
def choose_language(
    request: Request,
    _form: security.Posted,
    lang: Annotated[str, Form()] = "fr",
    back: Annotated[str, Form()] = "/",
) -> Response:
    security.check_csrf(request)
    response = redirect(request, _safe_next(back))
    if lang in i18n.LANGUAGES:
        response.set_cookie(i18n.LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax", path="/")
        principal = security.optional_principal(request)
        if principal is not None:  # kept on the user: the next login, on any browser, opens in this language
            users.set_language(security.uow_of(request), principal.user_id, lang)
    return response
