"""The start page (login form or the rounds), login and logout."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from remiss.services import accounts
from remiss.web import templating
from remiss.web.routes import common
from remiss.web.routes.rounds import rounds_page
from remiss.web.security import PRE_COOKIE, SESSION_COOKIE, Viewer, current_session, login_token, pre_session

router = APIRouter()


@router.get("/", include_in_schema=False)
def start(request: Request) -> Response:
    found = current_session(request)
    if found is not None:
        return rounds_page(request, Viewer(found.identity, found.csrf))
    return _login_form(request)


def _login_form(request: Request, message: str = "", name: str = "", status_code: int = 200) -> Response:
    pre, token = pre_session(request)
    response = templating.page(
        request,
        "login.html",
        None,
        title="Logga in",
        login_csrf=token,
        message=message,
        name=name,
        status_code=status_code,
    )
    secure = common.desk(request).secure
    response.set_cookie(PRE_COOKIE, pre, httponly=True, samesite="strict", secure=secure, max_age=3600)
    return response


@router.post("/logga-in", include_in_schema=False)
def login(
    request: Request,
    name: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    desk = common.desk(request)
    pre = request.cookies.get(PRE_COOKIE, "")
    if not pre or not hmac.compare_digest(csrf, login_token(desk.secret, pre)):
        return _login_form(request, "Formuläret var för gammalt. Försök igen.", name, 403)
    address = request.client.host if request.client else "okänd"
    keys = (f"namn:{name.strip().lower()}", f"adress:{address}")
    if desk.throttle.blocked(*keys):
        return _login_form(
            request, "För många misslyckade inloggningar. Vänta en kvart och försök igen.", name, 429
        )
    with desk.db.session() as session:
        identity = accounts.authenticate(session, name, password)
        opened = accounts.open_session(session, identity) if identity else None
    if opened is None:
        desk.throttle.failed(*keys)
        return _login_form(request, "Fel användarnamn eller lösenord.", name, 401)
    desk.throttle.succeeded(keys[0])
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        opened.token,
        httponly=True,
        samesite="strict",
        secure=desk.secure,
        max_age=accounts.SESSION_HOURS * 3600,
    )
    response.delete_cookie(PRE_COOKIE)
    return response


@router.post("/logga-ut", include_in_schema=False)
def logout(request: Request, csrf: Annotated[str, Form()] = "") -> Response:
    found = current_session(request)
    if found is not None and hmac.compare_digest(csrf, found.csrf):
        with common.transaction(request) as session:
            accounts.close_session(session, found.token)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
