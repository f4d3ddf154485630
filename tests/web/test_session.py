"""Login, logout, CSRF, language and error pages."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.conftest import CSRF


def test_pages_need_a_session_and_come_back_after_login(web_app, web):
    anonymous = TestClient(web_app, base_url="https://testserver")
    response = anonymous.get("/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/"
    home = web.get("/")
    assert home.status_code == 200 and "Test SARL" in home.text and web.email in home.text


def test_a_wrong_password_is_refused_without_a_session(web_app, web):
    anonymous = TestClient(web_app, base_url="https://testserver")
    token = CSRF.search(anonymous.get("/login").text).group(1)
    response = anonymous.post("/login", data={"csrf_token": token, "email": web.email, "password": "faux mot de passe"})
    assert response.status_code == 401 and "E-mail ou mot de passe incorrect." in response.text
    assert "acompte_session" not in anonymous.cookies


def test_the_session_cookie_is_httponly_and_samesite(web_app, web):
    anonymous = TestClient(web_app, base_url="https://testserver")
    token = CSRF.search(anonymous.get("/login").text).group(1)
    response = anonymous.post(
        "/login",
        data={"csrf_token": token, "email": web.email, "password": "mot de passe de test"},
        follow_redirects=False,
    )
    cookie = response.headers["set-cookie"].lower()
    assert "acompte_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie and "secure" in cookie


def test_login_refuses_a_form_without_its_csrf_token_and_an_outside_redirect(web_app, web):
    anonymous = TestClient(web_app, base_url="https://testserver")
    refused = anonymous.post("/login", data={"email": web.email, "password": "mot de passe de test"})
    assert refused.status_code == 403 and "acompte_session" not in anonymous.cookies
    token = CSRF.search(anonymous.get("/login").text).group(1)
    response = anonymous.post(
        "/login",
        data={"csrf_token": token, "email": web.email, "password": "mot de passe de test", "next": "//evil.example"},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/"


def test_logout_ends_the_session(web):
    assert web.post("/logout").status_code == 303
    assert web.get("/").status_code == 303


def test_a_post_with_a_wrong_csrf_token_is_refused(web):
    response = web.client.post("/logout", data={"csrf_token": "forged"}, follow_redirects=False)
    assert response.status_code == 403 and "Formulaire expiré" in response.text
    assert web.get("/").status_code == 200  # still logged in


def test_english_is_available_and_french_is_the_default(web):
    assert "Créer un règlement" in web.get("/").text
    web.post("/language", {"lang": "en", "back": "/"})
    page = web.get("/")
    assert page.headers["content-language"] == "en" and "Record a payment" in page.text


def test_an_unknown_page_is_a_404_page_not_json(web):
    response = web.get("/nulle-part")
    assert response.status_code == 404 and "text/html" in response.headers["content-type"]


def test_the_language_a_user_chooses_follows_them_to_another_browser(web_app, web):
    web.post("/language", {"lang": "en", "back": "/"})
    elsewhere = TestClient(web_app, base_url="https://testserver")
    token = CSRF.search(elsewhere.get("/login").text).group(1)
    elsewhere.post(
        "/login",
        data={"csrf_token": token, "email": web.email, "password": "mot de passe de test", "next": "/"},
        follow_redirects=False,
    )
    page = elsewhere.get("/")
    assert page.headers["content-language"] == "en" and "Record a payment" in page.text
