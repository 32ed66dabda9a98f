"""ANAF OAuth2 (``/anaf-oauth2/v1/{authorize,token,revoke}``) as the simulator plays it (§2, §7.1).

- authorize auto-approves (302 to ``redirect_uri`` with ``code`` and ``state``) unless
  ``config.authorize_denied`` (then ``error=access_denied``); unknown client or unregistered
  redirect → 400.
- token accepts HTTP Basic or body client credentials (wrong → 401 ``invalid_client``); codes are
  single-use and live ``config.code_ttl`` seconds; ``refresh_token`` rotates the refresh token,
  the old one dying after ``config.refresh_grace`` seconds (reuse → 400 ``invalid_grant``).
- tokens are JWT-looking (HS256 over ``sub``/``exp``/``iat``/``jti``) when
  ``token_content_type=jwt``, opaque otherwise; ``expires_in`` = ``config.token_expires_in``.
"""

from __future__ import annotations

import base64
import datetime as dt
import secrets
from urllib.parse import urlencode

import jwt
from litestar import Request, Response, get, post
from litestar.response import Redirect

from plugins.anaf.simulator.state import AuthCode, SimulatorState, TokenRecord
from plugins.anaf.simulator.wire import json_response, sim_state

__all__ = ["oauth_handlers", "issue_tokens"]

_SIGNING_KEY = secrets.token_bytes(32)


def _oauth_error(error: str, description: str, status: int = 400) -> Response:
    return json_response({"error": error, "error_description": description}, status)


def _new_token(
    state: SimulatorState, kind: str, subject: str, client_id: str, seconds: int, jwt_form: bool
) -> TokenRecord:
    now = state.clock.now()
    expires = now + dt.timedelta(seconds=seconds)
    if jwt_form:
        claims = {
            "iss": "anaf-simulator",
            "sub": subject,
            "aud": client_id,
            "iat": int(now.timestamp()),
            "exp": int(expires.timestamp()),
            "jti": secrets.token_hex(8),
            "token_type": kind,
        }
        value = jwt.encode(claims, _SIGNING_KEY, algorithm="HS256")
    else:
        value = secrets.token_hex(32)
    record = TokenRecord(value, kind, subject, client_id, expires, jwt_form)
    state.tokens[value] = record
    return record


def issue_tokens(state: SimulatorState, *, subject: str, client_id: str, jwt_form: bool = True) -> dict[str, object]:
    """A fresh access + refresh token pair, as the token endpoint's JSON body."""
    with state.lock:
        access = _new_token(state, "access", subject, client_id, state.config.token_expires_in, jwt_form)
        refresh = _new_token(state, "refresh", subject, client_id, state.config.refresh_expires_in, jwt_form)
        return {
            "access_token": access.token,
            "refresh_token": refresh.token,
            "expires_in": state.config.token_expires_in,
            "token_type": "Bearer",
            "scope": "e-factura",
        }


def _client_credentials(request: Request, form: dict[str, str]) -> tuple[str, str]:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("basic "):
        try:
            user, _, password = base64.b64decode(header[6:].strip()).decode().partition(":")
            return user, password
        except (ValueError, UnicodeDecodeError):
            return "", ""
    return form.get("client_id", ""), form.get("client_secret", "")


def _authenticated_client(request: Request, state: SimulatorState, form: dict[str, str]) -> str | None:
    """The client id of a token or revoke call when its credentials (HTTP Basic or body, RFC 6749
    §2.3.1) name a registered client with the right secret; None otherwise (401 ``invalid_client``)."""
    client_id, client_secret = _client_credentials(request, form)
    client = state.clients.get(client_id)
    if client is None or not secrets.compare_digest(client.client_secret, client_secret):
        return None
    return client_id


@get("/anaf-oauth2/v1/authorize")
async def authorize(request: Request) -> Response:
    state = sim_state(request)
    query = request.query_params
    client = state.clients.get(query.get("client_id", ""))
    redirect_uri = query.get("redirect_uri", "")
    if client is None:
        return _oauth_error("invalid_client", "Unknown client_id")
    if redirect_uri not in client.redirect_uris:
        return _oauth_error("invalid_request", "redirect_uri is not registered for this client")
    params: dict[str, str] = {}
    if query.get("response_type") != "code":
        params["error"] = "unsupported_response_type"
    elif state.config.authorize_denied:
        params["error"] = "access_denied"
    else:
        code = secrets.token_urlsafe(24)
        with state.lock:
            state.codes[code] = AuthCode(code, client.client_id, redirect_uri, state.config.subject, state.clock.now())
        params["code"] = code
    if "state" in query:
        params["state"] = query["state"]
    separator = "&" if "?" in redirect_uri else "?"
    return Redirect(path=f"{redirect_uri}{separator}{urlencode(params)}", status_code=302)


@post("/anaf-oauth2/v1/token", status_code=200)
async def token(request: Request) -> Response:
    state = sim_state(request)
    form = {key: str(value) for key, value in (await request.form()).items()}
    client_id = _authenticated_client(request, state, form)
    if client_id is None:
        return json_response({"error": "invalid_client"}, 401)
    jwt_form = form.get("token_content_type") == "jwt"
    grant = form.get("grant_type")
    with state.lock:
        now = state.clock.now()
        if grant == "authorization_code":
            code = state.codes.get(form.get("code", ""))
            if code is None or code.used or code.client_id != client_id:
                return _oauth_error("invalid_grant", "Invalid authorization code")
            code.used = True
            if (now - code.created_at).total_seconds() > state.config.code_ttl:
                return _oauth_error("invalid_grant", "Authorization code expired")
            if form.get("redirect_uri", code.redirect_uri) != code.redirect_uri:
                return _oauth_error("invalid_grant", "redirect_uri mismatch")
            return json_response(issue_tokens(state, subject=code.subject, client_id=client_id, jwt_form=jwt_form))
        if grant == "refresh_token":
            record = state.tokens.get(form.get("refresh_token", ""))
            if record is None or record.kind != "refresh" or record.revoked or record.client_id != client_id:
                return _oauth_error("invalid_grant", "Invalid refresh token")
            if record.expires_at <= now:
                return _oauth_error("invalid_grant", "Refresh token expired")
            if (
                record.rotated_at is not None
                and (now - record.rotated_at).total_seconds() >= state.config.refresh_grace
            ):
                return _oauth_error("invalid_grant", "Refresh token was already used")
            if record.rotated_at is None:
                record.rotated_at = now
            return json_response(issue_tokens(state, subject=record.subject, client_id=client_id, jwt_form=jwt_form))
    return _oauth_error("unsupported_grant_type", f"grant_type={grant!r} is not supported")


@post("/anaf-oauth2/v1/revoke", status_code=200)
async def revoke(request: Request) -> Response:
    state = sim_state(request)
    form = {key: str(value) for key, value in (await request.form()).items()}
    client_id = _authenticated_client(request, state, form)
    if client_id is None:
        return json_response({"error": "invalid_client"}, 401)
    with state.lock:
        record = state.tokens.get(form.get("token", ""))
        if record is not None:
            record.revoked = True
    return Response(content=b"", status_code=200)


oauth_handlers = [authorize, token, revoke]
