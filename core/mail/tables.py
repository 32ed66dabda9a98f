"""The mail outbox table (created by migration m0011 as raw SQL)."""

from __future__ import annotations

from piccolo.columns import Integer, Text, Varchar

from piccolo.table import Table

from core.db.columns import IdColumn, Stamp
from core.ids import new_id

__all__ = ["OutgoingMail"]


class OutgoingMail(Table, tablename="mail_outbox"):
    """One e-mail the appliance must send.

    ``status``: ``pending`` (waiting for SMTP delivery), ``sent`` (accepted by the SMTP server),
    ``stored`` (no SMTP configured: written to the outbox directory only) or ``failed`` (gave up
    after :data:`core.mail.outbox.MAX_ATTEMPTS`). ``kind`` names the message (``confirm_email``,
    ``password_reset``, ``invitation``, ``email_otp``…).
    """

    id = IdColumn(primary_key=True, default=new_id)
    kind = Varchar(length=40)
    to_address = Varchar(length=255)
    subject = Varchar(length=255)
    body = Text()
    status = Varchar(length=10, default="pending")
    attempts = Integer(default=0)
    last_error = Text(null=True, default=None)
    created_at = Stamp()
    sent_at = Stamp(null=True, default=None)
