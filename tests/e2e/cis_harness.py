"""A real `cis serve` on loopback for end-to-end tests, and helpers to talk to it.

Every server binds 127.0.0.1 on a free port, uses its own data directory, and is
stopped when the test ends, also when it fails (see conftest.py).
"""
import json
import os
import urllib.error
import urllib.request
import pathlib
import signal
import smtplib
import socket
import subprocess
import time
from email import message_from_string
from email import policy as email_policy_module
from email.message import EmailMessage

email_policy = email_policy_module.default

CIS_BIN = os.environ.get("CIS_BIN", str(pathlib.Path(__file__).resolve().parents[2] / "build" / "cis"))
SHARED = pathlib.Path(os.environ.get("CIS_SHARED_DIR", pathlib.Path(__file__).resolve().parents[3] / "shared"))
CORPUS = SHARED / "corpus"
DOMAIN = "cis.test"


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    """Answers a redirect as it came: a test checks where CIS sends a visitor (a landing
    URL, Google Calendar) without following it off the machine."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_KeepRedirects)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PortTaken(Exception):
    pass


class Cis:
    def __init__(self, data_dir, **env):
        self.data_dir = str(data_dir)
        self.smtp_port = free_port()
        self.http_port = free_port()
        self.env = dict(os.environ)
        self.env.update({
            "CIS_DOMAIN": DOMAIN,
            "CIS_DATA_DIR": self.data_dir,
            "CIS_SMTP_LISTEN": f"127.0.0.1:{self.smtp_port}",
            "CIS_HTTP_LISTEN": f"127.0.0.1:{self.http_port}",
            "CIS_LOG_LEVEL": "warn",
        })
        self.env.update({k: str(v) for k, v in env.items()})
        self.proc = None
        self.log_path = pathlib.Path(self.data_dir) / "serve.log"

    # --- process -------------------------------------------------------------------
    def start(self):
        pathlib.Path(self.data_dir).mkdir(parents=True, exist_ok=True)
        # A port found free may be taken by a parallel test before cis binds it: then the
        # start is retried on other ports.
        for attempt in range(5):
            try:
                return self._start_once()
            except PortTaken:
                self.smtp_port, self.http_port = free_port(), free_port()
                self.env["CIS_SMTP_LISTEN"] = f"127.0.0.1:{self.smtp_port}"
                self.env["CIS_HTTP_LISTEN"] = f"127.0.0.1:{self.http_port}"
        raise RuntimeError(f"cis serve found no free port in 5 attempts: {self.log_text()}")

    def _start_once(self):
        self.log = open(self.log_path, "ab")  # restarts append: the whole story stays readable
        log_start = self.log_path.stat().st_size
        self.proc = subprocess.Popen([CIS_BIN, "serve"], env=self.env, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.proc.poll() is not None:
                self.log.close()
                if "Address already in use" in self.log_path.read_text(errors="replace")[log_start:]:
                    raise PortTaken()
                raise RuntimeError(f"cis serve exited with {self.proc.returncode}: {self.log_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.smtp_port), timeout=1) as s:
                    if s.recv(512).startswith(b"220"):
                        break
            except OSError:
                time.sleep(0.05)
        else:
            raise RuntimeError(f"cis serve did not answer on port {self.smtp_port}: {self.log_text()}")
        # The first start prints an admin key alone on a line.
        keys = [l for l in self.log_text().splitlines() if l.startswith("cis_")]
        if keys and not getattr(self, "admin_key", None):
            self.admin_key = keys[-1].strip()
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self.log.close()
            # Under ASan/UBSan (make test-asan) a memory error in the server must fail the test.
            log = self.log_path.read_text(errors="replace")
            for marker in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:"):
                if marker in log:
                    raise AssertionError(f"cis serve reported a sanitizer error:\n{log[-6000:]}")

    def log_text(self):
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    # --- command line --------------------------------------------------------------
    def cli(self, *args, input=None, check=True):
        r = subprocess.run([CIS_BIN, *args], env=self.env, input=input, capture_output=True)
        if check and r.returncode != 0:
            raise AssertionError(f"cis {' '.join(args)} exited {r.returncode}: "
                                 f"{r.stderr.decode(errors='replace')}")
        return r

    def json(self, *args):
        return json.loads(self.cli(*args, "--json").stdout)

    def add_organizer(self, email, *extra):
        self.cli("organizer", "add", email, *extra)

    def events(self):
        return self.json("event", "list", "--limit", "100000")["events"]

    def event(self, event_id):
        return self.json("event", "show", event_id)

    def inbound(self, status=None):
        args = ["inbound", "list", "--limit", "100000"]
        if status:
            args += ["--status", status]
        return self.json(*args)["inbound"]

    def outbox(self):
        return self.json("outbox", "list", "--limit", "100000")["outbox"]

    def notifications(self, rcpt=None):
        """Queued organizer notifications, parsed with Python's email package."""
        out = []
        for m in self.outbox():
            if m["kind"] != "notification" or (rcpt and m["rcpt"] != rcpt):
                continue
            msg = message_from_string(m["message"], policy=email_policy)
            out.append({"rcpt": m["rcpt"], "subject": str(msg["Subject"]),
                        "text": msg.get_content(), "message": msg})
        return out

    # --- HTTP ----------------------------------------------------------------------
    def api(self, method, path, key=None, body=None, raw=False, headers=None, response=None):
        """Calls the HTTP API; returns (status, parsed JSON or raw bytes). `headers` are
        added (a Content-Type there replaces the JSON one); `response`, a dict, receives
        the response's header fields."""
        data = json.dumps(body).encode() if isinstance(body, (dict, list)) else body
        req = urllib.request.Request(f"http://127.0.0.1:{self.http_port}{path}", data=data, method=method)
        if key:
            req.add_header("X-API-Key", key)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            req.add_header(name, value)
        try:
            with _opener.open(req, timeout=30) as r:
                payload = r.read()
                if response is not None:
                    response.update(r.headers.items())
                return r.status, payload if raw else json.loads(payload or b"null")
        except urllib.error.HTTPError as e:
            payload = e.read()
            if response is not None:
                response.update(e.headers.items())
            return e.code, payload if raw else json.loads(payload or b"null")

    def wait_for(self, predicate, timeout=30, what="condition"):
        deadline = time.time() + timeout
        while time.time() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; server log:\n{self.log_text()}")

    def sandbox(self):
        return self.api("GET", "/sandbox/messages?limit=10000", self.admin_key)[1]["messages"]

    def create_event(self, uid="u-event", organizer="org@example.org", **kw):
        """An event made the organizer's way: an invitation mailed to create@."""
        self.add_organizer(organizer)
        code, reply = self.send(make_invite(uid, organizer, **kw))
        assert code == 250, reply
        return next(e for e in self.events() if e["original_uid"] == uid)

    # --- SMTP ----------------------------------------------------------------------
    def send(self, raw: bytes, rcpt=None, mail_from="sender@example.net"):
        """Sends through the real SMTP listener; returns the server's final reply."""
        rcpt = rcpt or f"create@{DOMAIN}"
        with smtplib.SMTP("127.0.0.1", self.smtp_port, timeout=30) as s:
            s.ehlo("client.example.net")
            s.mail(mail_from)
            code, msg = s.rcpt(rcpt)
            if code != 250:
                return code, msg
            return s.data(raw)


def organizer_of(raw: bytes) -> str:
    """The From: address of a message, lower-cased."""
    from email import message_from_bytes
    from email.utils import parseaddr
    return parseaddr(message_from_bytes(raw).get("From", ""))[1].lower()


def mail_with_attachment(sender: str, rcpt: str, subject: str, text: str, data: bytes,
                         content_type: str, filename: str, params=None, message_id=None) -> bytes:
    """A minimal message: a line of text and one attached file."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = rcpt
    msg["Subject"] = subject
    msg["Message-ID"] = message_id or f"<{abs(hash(data))}@test.example>"
    msg.set_content(text)
    maintype, subtype = content_type.split("/")
    msg.add_attachment(data, maintype=maintype, subtype=subtype, params=params or {},
                       filename=filename)
    return msg.as_bytes()


def wrap_ics(ics: bytes, sender: str, method: str = "REQUEST", subject="Invitation") -> bytes:
    """A minimal message carrying a bare .ics file, as a calendar client would send it."""
    return mail_with_attachment(sender, f"create@{DOMAIN}", subject, "Invitation", ics,
                                "text/calendar", "invite.ics", {"method": method})


def make_ics(uid, organizer, summary="Team match", start="20300601T180000Z",
             end="20300601T200000Z", method="REQUEST", sequence=0, extra=""):
    """A small iCalendar object of our own, for tests that are about policy, not clients."""
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//CIS tests//EN", f"METHOD:{method}",
        "BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20260101T000000Z", f"DTSTART:{start}",
        f"DTEND:{end}", f"SUMMARY:{summary}", f"ORGANIZER;CN=Organizer:mailto:{organizer}",
        f"SEQUENCE:{sequence}",
    ]
    if method == "CANCEL":
        lines.append("STATUS:CANCELLED")
    if extra:
        lines.append(extra)
    lines += ["END:VEVENT", "END:VCALENDAR", ""]
    return "\r\n".join(lines).encode()


def make_invite(uid, sender, organizer=None, rcpt_local="create", **kw):
    """A whole message from `sender` carrying make_ics(...)."""
    ics = make_ics(uid, organizer or sender, **kw)
    return wrap_ics(ics, sender, kw.get("method", "REQUEST"), subject=kw.get("summary", "Invitation"))
