"""Reading the appliance's outgoing mail from the outbox directory (no SMTP in tests): the
messages to one address and the token in them, as a user would copy it from the link."""

from __future__ import annotations

import email
import email.policy
import re
from email.message import EmailMessage
from typing import Any

from core.mail.outbox import outbox_dir


def messages(settings: Any, to: str, kind: str | None = None) -> list[EmailMessage]:
    """Messages written to ``to`` (optionally of ``kind``), oldest first."""
    folder = outbox_dir(settings)
    found = []
    for path in sorted(folder.glob("*.eml")) if folder.is_dir() else []:
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if message["To"] == to and (kind is None or message["X-Storno-Kind"] == kind):
            found.append(message)
    return found


def link_token(message: EmailMessage, path: str) -> str:
    """The token at the end of the link to ``path`` (``/confirm-email?token=``, ``/invitations/accept/``…)."""
    match = re.search(re.escape(path) + r"([A-Za-z0-9_\-%]+)", message.get_content())
    assert match, message.get_content()
    return match.group(1)


def last_token(settings: Any, to: str, kind: str, path: str) -> str:
    """The token of the latest ``kind`` message to ``to``."""
    found = messages(settings, to, kind)
    assert found, f"no {kind} mail to {to}"
    return link_token(found[-1], path)
