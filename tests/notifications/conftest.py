"""A real SMTP server for the notification tests: aiosmtpd on a spare loopback port, in a
thread of the test process, keeping every message it accepts (parsed, headers included)."""

from __future__ import annotations

import asyncio
import email
import re
import threading
from email import policy
from email.message import EmailMessage

import pytest

from tests.workers import free_port

LINK = re.compile(r"https?://\S+")


class Inbox:
    """The aiosmtpd handler: what the server accepted. ``hold_after``: accept that many
    messages, then keep the client waiting on the next ones until ``release()``."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []
        self.sessions: list = []  # one per connection that delivered something
        self.hold_after: int | None = None
        self.holding = False  # a message is being held
        self.dropped = 0  # held messages whose client went away
        self._released = threading.Event()
        self.port = 0

    async def handle_DATA(self, server, session, envelope):
        if self.hold_after is not None and len(self.messages) >= self.hold_after:
            self.holding = True
            try:
                while not self._released.is_set() and server.transport is not None:
                    await asyncio.sleep(0.05)
            except asyncio.CancelledError:  # the client went away
                self.dropped += 1
                raise
            if server.transport is None:
                self.dropped += 1
                return "421 Connection lost"
        if not any(session is seen for seen in self.sessions):
            self.sessions.append(session)
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"

    @property
    def connections(self) -> int:
        return len(self.sessions)

    def release(self) -> None:
        self._released.set()

    def to(self, address: str) -> list[EmailMessage]:
        pairs = zip(self.messages, self.recipients, strict=True)
        return [message for message, rcpt in pairs if address in rcpt]


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def links_in(message: EmailMessage) -> list[str]:
    return LINK.findall(text_of(message))


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port
    yield inbox
    inbox.release()
    controller.stop()


@pytest.fixture
def mail_server(smtp_server, settings):
    """Django sends through the SMTP backend to ``smtp_server``."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    return smtp_server
