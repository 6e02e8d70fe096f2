"""A real SMTP server on loopback (aiosmtpd) that keeps every message it accepts."""

import asyncio
import email
import email.policy
import socket
import threading

from aiosmtpd.controller import Controller

from relcrm.settings import mailer_from_url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpSink:
    """Accepts mail on ``127.0.0.1:port``; ``messages`` are parsed ``email.message.EmailMessage``.

    ``hold()`` makes the next DATA wait (``receiving`` is set meanwhile) until
    ``release()``; ``hang_up()`` makes the next DATA drop the connection
    instead of answering, as a server that dies mid-message would.
    """

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.messages = []
        self.controller = None
        self.receiving = threading.Event()
        self._gate = threading.Event()
        self._gate.set()
        self._hang_up = False

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def mailer(self) -> dict:
        return mailer_from_url(self.url, timeout=10)

    def start(self):
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self):
        if self.controller is not None:
            self._gate.set()
            self.controller.stop()
            self.controller = None

    def hold(self):
        self._gate.clear()

    def release(self):
        self._gate.set()

    def hang_up(self):
        self._hang_up = True

    async def handle_DATA(self, server, session, envelope):
        self.receiving.set()
        await asyncio.get_running_loop().run_in_executor(None, self._gate.wait)
        if self._hang_up:
            self._hang_up = False
            server.transport.close()
            return "421 closing"
        self.messages.append(email.message_from_bytes(envelope.original_content, policy=email.policy.default))
        return "250 Message accepted"

    def to(self) -> list[str]:
        return sorted(message["To"] for message in self.messages)
