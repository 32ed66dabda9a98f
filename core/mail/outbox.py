"""Queueing and delivering the appliance's e-mail (confirmation, reset, invitations, one-time codes).

:func:`send_mail` writes the message to the ``mail_outbox`` table inside the caller's
transaction, so a message exists exactly when the action that caused it committed. Delivery:

- ``STORNO_SMTP_URL`` set: :func:`deliver_pending` (run by the job sweep) sends pending messages
  over SMTP (``smtp://`` with STARTTLS when offered, ``smtps://`` for implicit TLS), retrying up to
  :data:`MAX_ATTEMPTS` times.
- not set (development, air-gapped installs): nothing leaves the machine; every message is
  written at once as an RFC 5322 ``.eml`` file to ``<data dir>/mail-outbox/`` so an operator (or
  a test) can read what would have been sent, and is marked ``stored``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.message
import email.utils
import smtplib
import ssl
from pathlib import Path
from urllib.parse import unquote, urlsplit

from core.mail.tables import OutgoingMail
from core.settings import Settings

__all__ = ["send_mail", "deliver_pending", "outbox_dir", "MAX_ATTEMPTS"]

MAX_ATTEMPTS = 5


def outbox_dir(settings: Settings) -> Path:
    """The directory that receives every message when no SMTP server is configured."""
    return settings.data_dir / "mail-outbox"


def _message(settings: Settings, row: dict) -> email.message.EmailMessage:
    msg = email.message.EmailMessage()
    msg["From"] = settings.mail_from
    msg["To"] = row["to_address"]
    msg["Subject"] = row["subject"]
    msg["Date"] = email.utils.format_datetime(row["created_at"])
    msg["Message-ID"] = f"<{row['id']}@storno>"
    msg["X-Storno-Kind"] = row["kind"]
    msg.set_content(row["body"])
    return msg


async def send_mail(settings: Settings, *, to: str, subject: str, body: str, kind: str) -> str:
    """Queue one plain-text message to ``to``; returns the outbox row id.

    Raises :class:`ValueError` for an address with a line break (header injection).
    """
    if any(c in to + subject for c in "\r\n"):
        raise ValueError("e-mail address and subject must be one line")
    row = OutgoingMail(kind=kind, to_address=to, subject=subject, body=body, created_at=dt.datetime.now(dt.timezone.utc))
    await row.save()
    if not settings.smtp_url:
        folder = outbox_dir(settings)
        folder.mkdir(parents=True, exist_ok=True)
        data = row.to_dict()
        stamp = data["created_at"].strftime("%Y%m%dT%H%M%S%f")
        (folder / f"{stamp}-{kind}-{row.id}.eml").write_bytes(bytes(_message(settings, data)))
        await OutgoingMail.update({OutgoingMail.status: "stored"}).where(OutgoingMail.id == row.id)
    return str(row.id)


def _smtp_send(settings: Settings, msg: email.message.EmailMessage) -> None:
    url = urlsplit(settings.smtp_url)
    host, port = url.hostname or "localhost", url.port
    if url.scheme == "smtps":
        client: smtplib.SMTP = smtplib.SMTP_SSL(host, port or 465, timeout=30, context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(host, port or 587, timeout=30)
    with client:
        if url.scheme != "smtps" and client.has_extn("starttls"):
            client.starttls(context=ssl.create_default_context())
        if url.username:
            client.login(unquote(url.username), unquote(url.password or ""))
        client.send_message(msg)


async def deliver_pending(settings: Settings, limit: int = 50) -> int:
    """Send up to ``limit`` pending messages over SMTP; returns how many were accepted.

    A failure records ``last_error`` and counts an attempt; after :data:`MAX_ATTEMPTS` the
    message is marked ``failed``. Does nothing without ``STORNO_SMTP_URL``.
    """
    if not settings.smtp_url:
        return 0
    rows = await OutgoingMail.select().where(OutgoingMail.status == "pending").order_by(OutgoingMail.created_at).limit(limit)
    sent = 0
    for row in rows:
        try:
            await asyncio.to_thread(_smtp_send, settings, _message(settings, row))
        except (OSError, smtplib.SMTPException) as exc:
            attempts = row["attempts"] + 1
            await OutgoingMail.update(
                {OutgoingMail.attempts: attempts, OutgoingMail.last_error: str(exc)[:500],
                 OutgoingMail.status: "failed" if attempts >= MAX_ATTEMPTS else "pending"}
            ).where(OutgoingMail.id == row["id"])
            continue
        await OutgoingMail.update(
            {OutgoingMail.status: "sent", OutgoingMail.sent_at: dt.datetime.now(dt.timezone.utc), OutgoingMail.attempts: row["attempts"] + 1}
        ).where(OutgoingMail.id == row["id"])
        sent += 1
    return sent
