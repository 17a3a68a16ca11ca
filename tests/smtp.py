"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, recording what it accepts."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller


@dataclass
class Received:
    to: list[str]
    message: email.message.EmailMessage
    raw: bytes = b""  # the bytes as they came over the wire
    peer: tuple = field(default=())  # the client's address and port: one per connection

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        return self.message.get_body(("plain",)).get_content()

    @property
    def html(self) -> str:
        return self.message.get_body(("html",)).get_content()


class SmtpServer:
    """A local SMTP server that records what it accepts; it can refuse (4xx) or go down."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.received: list[Received] = []
        self.refuse: str | None = None
        self.delay = 0.0  # seconds before accepting each message (a slow server)
        self.accept: int | None = None  # accept this many more, then answer 421 and hang up
        self._lock = threading.Lock()
        self._controller = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return self.refuse
        if self.delay:
            await asyncio.sleep(self.delay)
        with self._lock:
            if self.accept is not None:
                if self.accept <= 0:
                    return "421 4.3.2 Shutting down"
                self.accept -= 1
            parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
            self.received.append(Received(list(envelope.rcpt_tos), parsed, envelope.content, session.peer))
        return "250 Message accepted for delivery"

    def start(self) -> None:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.to]

    def recipients(self) -> list[str]:
        return sorted(address for r in self.received for address in r.to)
