"""Outgoing mail: kept in the outbox directory without SMTP, delivered to a real SMTP server with it."""

from __future__ import annotations

import asyncio
import email
import email.policy
import threading

import msgspec
import pytest

from core.db import engine as db
from core.mail.outbox import MAX_ATTEMPTS, deliver_pending, outbox_dir, send_mail
from core.mail.tables import OutgoingMail


async def test_without_smtp_every_message_lands_in_the_outbox_directory(settings):
    await db.connect(settings)
    try:
        await send_mail(settings, to="ana@example.ro", subject="Confirmă adresa", body="Codul: 123456 — mulțumim", kind="confirm_email")
        files = list(outbox_dir(settings).glob("*.eml"))
        assert len(files) == 1 and "confirm_email" in files[0].name
        message = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
        assert message["To"] == "ana@example.ro" and message["Subject"] == "Confirmă adresa"
        assert "Codul: 123456 — mulțumim" in message.get_content()
        assert await OutgoingMail.select(OutgoingMail.status).output(as_list=True) == ["stored"]
        assert await deliver_pending(settings) == 0
        with pytest.raises(ValueError):
            await send_mail(settings, to="x@example.ro\r\nBcc: all@example.ro", subject="s", body="b", kind="invitation")
    finally:
        await db.disconnect()


class _SmtpServer:
    """A minimal real SMTP server on loopback that accepts messages (RFC 5321 subset)."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.server: asyncio.base_events.Server | None = None

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"220 test ESMTP\r\n")
        while line := await reader.readline():
            verb = line.strip().split(b" ")[0].upper()
            if verb in (b"EHLO", b"HELO"):
                writer.write(b"250 test\r\n")
            elif verb == b"DATA":
                writer.write(b"354 go\r\n")
                await writer.drain()
                data = b""
                while (chunk := await reader.readline()) != b".\r\n":
                    data += chunk
                self.messages.append(data)
                writer.write(b"250 queued\r\n")
            elif verb == b"QUIT":
                writer.write(b"221 bye\r\n")
                await writer.drain()
                break
            else:
                writer.write(b"250 ok\r\n")
            await writer.drain()
        writer.close()


def _serve(smtp: _SmtpServer, ready: threading.Event, stop: threading.Event, port: list[int]) -> None:
    async def main() -> None:
        server = await asyncio.start_server(smtp.handle, "127.0.0.1", 0)
        port.append(server.sockets[0].getsockname()[1])
        ready.set()
        while not stop.is_set():
            await asyncio.sleep(0.05)
        server.close()

    asyncio.run(main())


async def test_with_smtp_pending_messages_are_delivered_and_failures_retried(settings):
    smtp, ready, stop, port = _SmtpServer(), threading.Event(), threading.Event(), []
    thread = threading.Thread(target=_serve, args=(smtp, ready, stop, port), daemon=True)
    thread.start()
    ready.wait(10)
    with_smtp = msgspec.structs.replace(settings, smtp_url=f"smtp://127.0.0.1:{port[0]}")
    await db.connect(with_smtp)
    try:
        await send_mail(with_smtp, to="ion@example.ro", subject="Invitație", body="Intră în organizație", kind="invitation")
        assert not outbox_dir(with_smtp).exists()
        assert await deliver_pending(with_smtp) == 1
        assert len(smtp.messages) == 1 and b"ion@example.ro" in smtp.messages[0]
        row = await OutgoingMail.select().first()
        assert row["status"] == "sent" and row["sent_at"] is not None

        closed = msgspec.structs.replace(settings, smtp_url="smtp://127.0.0.1:1")  # nothing listens there
        await send_mail(closed, to="maria@example.ro", subject="Cod", body="654321", kind="email_otp")
        for _ in range(MAX_ATTEMPTS):
            assert await deliver_pending(closed) == 0
        failed = await OutgoingMail.select().where(OutgoingMail.kind == "email_otp").first()
        assert failed["status"] == "failed" and failed["attempts"] == MAX_ATTEMPTS and failed["last_error"]
    finally:
        stop.set()
        await db.disconnect()
