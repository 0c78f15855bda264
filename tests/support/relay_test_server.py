#!/usr/bin/python3
"""A scripted SMTP server for the relay client's component tests (aiosmtpd).

Listens on 127.0.0.1 at a free port and prints "PORT <n>" once ready. Each event is appended
to --record as one JSON line. It exits when its stdin closes, so a crashed test cannot leave
it behind.

A sender whose local part starts with "blocked" gets 553 5.7.1 at MAIL. What the server does
with a message otherwise depends on the recipient's local part:
  unknown...@      550 5.1.1 at RCPT
  closing...@      421 4.3.2 at RCPT, then hangs up
  tempfail-once...@ 451 4.3.0 at the end of data the first time (per address), then 250
  full...@         552 5.3.4 at the end of data
  drop-data...@    hangs up after the first line of data (no reply)
  stall...@        never answers the end of data
  anything else    250, recorded
--mode silent accepts connections and never says a word; --mode garbage greets with junk.
"""
import argparse
import asyncio
import json
import os
import ssl
import sys
import threading

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def local(addr):
    return addr.split("@", 1)[0].lower()


class Recorder:
    def __init__(self, path):
        self.path = path

    def __call__(self, **event):
        if self.path:
            with open(self.path, "a", encoding="utf-8") as f:
                f.write(json.dumps(event) + "\n")


class Handler:
    def __init__(self, record, pipelining, slow_seconds):
        self.record = record
        self.pipelining = pipelining
        self.slow_seconds = slow_seconds
        self.tempfailed = set()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if self.pipelining:
            responses.insert(1, "250-PIPELINING")
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if local(address).startswith("blocked"):
            return "553 5.7.1 <%s>: Sender address rejected: not allowed" % address
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 2.1.0 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if local(address).startswith("slow"):
            # A relay slow to answer (a busy ESP, a DNS check): longer than a lease.
            await asyncio.sleep(self.slow_seconds)
        if local(address).startswith("unknown"):
            return "550 5.1.1 <%s>: Recipient address rejected: no such user" % address
        if local(address).startswith("closing"):
            await server.push("421 4.3.2 Service shutting down")
            server.transport.close()
            return "421 4.3.2 gone"  # never reaches the client
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        rcpt = envelope.rcpt_tos[0]
        if local(rcpt).startswith("stall"):
            await asyncio.sleep(3600)
        if local(rcpt).startswith("full"):
            return "552 5.3.4 Message too big for this mailbox"
        if local(rcpt).startswith("tempfail-once") and rcpt not in self.tempfailed:
            self.tempfailed.add(rcpt)
            return "451 4.3.0 Temporary local problem, try again later"
        auth = session.auth_data
        self.record(
            event="message",
            peer="%s:%d" % session.peer[:2],
            mail_from=envelope.mail_from,
            mail_options=envelope.mail_options,
            rcpts=envelope.rcpt_tos,
            data_hex=envelope.original_content.hex(),
            tls=session.ssl is not None,
            user=auth.login.decode() if isinstance(auth, LoginPassword) else None,
        )
        return "250 2.0.0 Ok: queued"


class ScriptedSMTP(SMTP):
    async def smtp_DATA(self, arg):
        if any(local(r).startswith("drop-data") for r in self.envelope.rcpt_tos):
            await self.push("354 End data with <CR><LF>.<CR><LF>")
            await self._reader.readline()
            self.transport.close()
            return
        await super().smtp_DATA(arg)


def authenticator(record, user, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == user
            and auth_data.password.decode() == password
        )
        record(event="auth", mechanism=mechanism, user=auth_data.login.decode(), ok=ok)
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    return check


async def silent(reader, writer):
    await asyncio.sleep(3600)


async def garbage(reader, writer):
    writer.write(b"hello there\r\n")
    await writer.drain()
    await asyncio.sleep(3600)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--record")
    ap.add_argument("--mode", choices=["normal", "silent", "garbage"], default="normal")
    ap.add_argument("--pipelining", action="store_true")
    ap.add_argument("--size", type=int, default=None, help="SIZE limit; 0 = none advertised")
    ap.add_argument("--smtputf8", action="store_true")
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    ap.add_argument("--auth", metavar="USER:PASSWORD")
    ap.add_argument("--auth-mechanisms", default="LOGIN,PLAIN")
    ap.add_argument("--auth-require-tls", action="store_true")
    ap.add_argument("--timeout", type=float, default=300, help="idle timeout in seconds")
    ap.add_argument("--slow-seconds", type=float, default=12,
                    help="how long RCPT of a slow* recipient waits")
    args = ap.parse_args()

    record = Recorder(args.record)
    handler = Handler(record, args.pipelining, args.slow_seconds)
    kwargs = dict(
        hostname="relay-test.example",
        timeout=args.timeout,
        enable_SMTPUTF8=args.smtputf8,
        # Without --auth nothing is offered in plaintext (aiosmtpd's default after TLS).
        auth_require_tls=args.auth_require_tls or not args.auth,
    )
    if args.size is not None:
        kwargs["data_size_limit"] = args.size
    if args.tls:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(*args.tls)
        kwargs["tls_context"] = ctx
    if args.auth:
        user, password = args.auth.split(":", 1)
        kwargs["authenticator"] = authenticator(record, user, password)
        offered = {m.strip().upper() for m in args.auth_mechanisms.split(",")}
        kwargs["auth_exclude_mechanism"] = {"LOGIN", "PLAIN"} - offered

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    if args.mode == "silent":
        server = loop.run_until_complete(asyncio.start_server(silent, "127.0.0.1", 0))
    elif args.mode == "garbage":
        server = loop.run_until_complete(asyncio.start_server(garbage, "127.0.0.1", 0))
    else:
        server = loop.run_until_complete(
            loop.create_server(lambda: ScriptedSMTP(handler, loop=loop, **kwargs), "127.0.0.1", 0)
        )
    print("PORT %d" % server.sockets[0].getsockname()[1], flush=True)

    def exit_with_parent():
        sys.stdin.read()
        os._exit(0)

    threading.Thread(target=exit_with_parent, daemon=True).start()
    loop.run_forever()


if __name__ == "__main__":
    main()
