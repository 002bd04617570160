"""An SMTP server for Carillon's tests (aiosmtpd).

    python smtp_sink.py DIRECTORY [--auth USER:PASSWORD] [--slow-seconds N] [--smtputf8]
                        [--tls-cert PEM --tls-key PEM [--implicit-tls]]

Listens on 127.0.0.1 on a free port, prints the port on stdout (one line), and runs until its
stdin closes (so it dies with the test that started it). Every accepted message is stored as
DIRECTORY/NNNNNN.eml (the bytes after DATA) beside NNNNNN.json ({"mail_from", "rcpt_tos",
"peer"}; peer is the client's address and port, one per SMTP session).

Recipients containing "reject" get 550, "tempfail" get 451; a message to a recipient containing
"slow" is answered after --slow-seconds (default 3). With --auth, clients must log in (PLAIN or
LOGIN, allowed without TLS) as USER:PASSWORD. With --smtputf8, SMTPUTF8 (RFC 6531) is offered,
so addresses may have non-ASCII local parts. With --tls-cert and --tls-key, STARTTLS is offered
with that certificate, or, with --implicit-tls, TLS starts with the connection (SMTPS).
"""

import argparse
import asyncio
import json
import logging
import os
import socket
import ssl
import sys
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Sink:
    def __init__(self, directory, slow_seconds):
        self.directory = directory
        self.slow_seconds = slow_seconds
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if "reject" in address:
            return "550 5.1.1 Mailbox unavailable"
        if "tempfail" in address:
            return "451 4.3.0 Temporary failure, try again later"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        if any("slow" in rcpt for rcpt in envelope.rcpt_tos):
            await asyncio.sleep(self.slow_seconds)
        self.count += 1
        stem = os.path.join(self.directory, f"{self.count:06d}")
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "peer": f"{session.peer[0]}:{session.peer[1]}",
        }
        # Written under temporary names, then renamed: a reader never sees half a message.
        for suffix, data in ((".json", json.dumps(meta).encode()), (".eml", envelope.content)):
            with open(stem + suffix + ".tmp", "wb") as f:
                f.write(data)
            os.replace(stem + suffix + ".tmp", stem + suffix)
        return "250 2.0.0 Message accepted"


def authenticator_for(credentials):
    user, _, password = credentials.partition(":")

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == user
            and auth_data.password.decode() == password
        )
        return AuthResult(success=ok, handled=False)

    return authenticate


async def main():
    # aiosmtpd warns about AUTH without TLS, which is the point here, and logs the TLS
    # handshakes the tests make fail; the tests check what happened.
    warnings.simplefilter("ignore")
    logging.getLogger("mail.log").setLevel(logging.CRITICAL)
    parser = argparse.ArgumentParser()
    parser.add_argument("directory")
    parser.add_argument("--auth")
    parser.add_argument("--slow-seconds", type=float, default=3.0)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--implicit-tls", action="store_true")
    parser.add_argument("--smtputf8", action="store_true")
    args = parser.parse_args()

    context = None
    if args.tls_cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.tls_cert, args.tls_key)

    handler = Sink(args.directory, args.slow_seconds)
    options = {
        "decode_data": False,
        "hostname": "carillon-test-sink",
        "enable_SMTPUTF8": args.smtputf8,
    }
    if args.auth:
        options.update(
            authenticator=authenticator_for(args.auth),
            auth_required=True,
            auth_require_tls=False,
        )
    if context and not args.implicit_tls:
        options["tls_context"] = context

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, **options),
        sock=sock,
        ssl=context if args.implicit_tls else None,
    )
    print(sock.getsockname()[1], flush=True)

    # Until the test closes our stdin (or exits).
    await loop.run_in_executor(None, sys.stdin.buffer.read)
    server.close()


if __name__ == "__main__":
    asyncio.run(main())
