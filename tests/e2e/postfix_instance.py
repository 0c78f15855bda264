"""A private Postfix instance relaying to Postfix's `smtp-sink`, for end-to-end tests.

`PostfixRelay` runs a complete Postfix (master, smtpd, qmgr, smtp, ...) from its own
configuration, queue and data directories under the test's tmp_path. It never reads or
writes /etc/postfix/main.cf or the system's queue, so it works on a machine without a
configured Postfix and next to a running system instance. It listens on 127.0.0.1 at a
free port and relays every message to `relayhost`; nothing is delivered locally.

`SmtpSink` is `smtp-sink` writing every mail transaction it accepts to a file of its own,
with the envelope (X-Mail-Args, X-Rcpt-Args) in front of the message as received.

Both need root for the way they run here (Postfix's master starts as root and switches to
`mail_owner`; smtp-sink then chroots and switches to `nobody`): `missing()` says why they
cannot run, for a skip message.
"""
import dataclasses
import email
import os
import pathlib
import pwd
import re
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from email import policy

POSTFIX = "/usr/sbin/postfix"
SMTP_SINK = "/usr/sbin/smtp-sink"

# Debian's postfix package: postfix-script, post-install and the list of files and
# directories a queue needs (postfix-files) live here. Only read.
META_DIRECTORY = "/etc/postfix"


def missing():
    """Why a private Postfix + smtp-sink cannot run here, or None."""
    for tool in (POSTFIX, SMTP_SINK):
        if not os.access(tool, os.X_OK):
            return f"{tool} is absent (Debian package postfix; scripts/install-deps.sh installs it)"
    if os.geteuid() != 0:
        return "a private Postfix instance needs root (its master starts as root)"
    for user in ("postfix", "nobody"):
        try:
            pwd.getpwnam(user)
        except KeyError:
            return f"user {user!r} is missing"
    return None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_greeting(port, timeout, describe):
    """Waits until something on 127.0.0.1:port greets with 220; describe() explains a failure."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
                if s.recv(512).startswith(b"220"):
                    return
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"nothing greeted on 127.0.0.1:{port} within {timeout} s\n{describe()}")


def run_on_pty(argv, timeout=60):
    """Runs a Postfix command and returns (exit status, what it printed).

    Postfix commands print their errors only when stderr is a terminal; otherwise they
    go to syslog or the maillog alone, and a configuration error that stops the maillog
    from opening (say maillog_file outside maillog_file_prefixes) is then invisible. So
    the command gets a pseudo-terminal for stdout and stderr.
    """
    master_fd, slave_fd = os.openpty()
    try:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=slave_fd, stderr=slave_fd,
                                start_new_session=True)
    finally:
        os.close(slave_fd)
    output = bytearray()
    deadline = time.monotonic() + timeout
    try:
        while True:
            readable, _, _ = select.select([master_fd], [], [], 0.1)
            chunk = b""
            if readable:
                try:
                    chunk = os.read(master_fd, 65536)
                except OSError:  # EIO: every writer has closed the terminal
                    pass
                output += chunk
            if not chunk and proc.poll() is not None:
                break
            if not chunk and readable:
                time.sleep(0.05)  # nothing left to read but the command still runs
            if time.monotonic() > deadline:
                proc.kill()
                output += f"\n[{argv[0]} killed after {timeout} s]".encode()
                break
    finally:
        os.close(master_fd)
    return proc.wait(), output.decode(errors="replace").replace("\r\n", "\n")


def _group_members(pgid):
    """Live processes (zombies excepted: they hold nothing) of process group pgid."""
    members = []
    for stat in pathlib.Path("/proc").glob("[0-9]*/stat"):
        try:
            # pid (comm) state ppid pgrp ...; comm may contain spaces and parentheses.
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z" and int(fields[2]) == pgid:
            members.append(int(stat.parent.name))
    return members


class PostfixRelay:
    """A private Postfix on 127.0.0.1:<port> that relays everything to relayhost."""

    hostname = "postfix-relay.cis.test"

    def __init__(self, base_dir, relayhost, **params):
        self.base = pathlib.Path(base_dir)
        self.config_dir = self.base / "conf"
        self.queue_dir = self.base / "queue"
        # Master and the daemons use data_directory (master.lock, caches) as mail_owner,
        # by its absolute path: under pytest's tmp_path (/tmp/pytest-of-root is 0700) the
        # postfix user could not reach it. So this one directory lives in /tmp, made at
        # start() and removed at stop(). The queue can stay here: the daemons chdir into
        # it as root and then use relative paths.
        self.data_dir = None
        self.maillog_path = self.base / "maillog"
        self.port = free_port()
        self.relayhost = relayhost
        self.params = params  # extra or overriding main.cf parameters
        self.master_pid = None
        self.started = False

    def main_cf(self):
        return {
            # Only this directory's files: the queue, the pid lock, the sockets of the
            # daemons (relative to the queue) and the maillog are all ours.
            "compatibility_level": "3.6",
            "queue_directory": str(self.queue_dir),
            "data_directory": str(self.data_dir),
            "meta_directory": META_DIRECTORY,
            "mail_owner": "postfix",
            "setgid_group": "postdrop",
            "syslog_name": "postfix-cis-test",
            # Logging to a file of ours instead of syslog, written by the postlog service
            # (master.cf) or, before that runs, by the postfix command itself. Postfix
            # refuses log files outside maillog_file_prefixes.
            "maillog_file": str(self.maillog_path),
            "maillog_file_prefixes": str(self.base),
            "myhostname": self.hostname,
            "mydomain": "cis.test",
            "myorigin": "$myhostname",
            # No local delivery at all: every domain is remote and goes to the relayhost.
            "mydestination": "",
            "local_recipient_maps": "",
            "local_transport": "error:5.1.1 local delivery is disabled",
            "alias_maps": "",
            "alias_database": "",
            "relay_domains": "",
            "relayhost": self.relayhost,
            "mynetworks": "127.0.0.0/8",
            "smtpd_relay_restrictions": "permit_mynetworks, reject",
            "inet_interfaces": "loopback-only",
            "inet_protocols": "ipv4",
            # CIS sends ASCII addresses; SMTPUTF8 stays on (Postfix's default) so that a
            # message which needs it would be refused loudly by the sink, not mangled.
            "smtputf8_enable": "yes",
            "smtpd_tls_security_level": "none",
            "smtp_tls_security_level": "none",
            # No reverse DNS of 127.0.0.1: a CI container without DNS would stall on it.
            "smtpd_peername_lookup": "no",
            # Deferred mail is retried within seconds, and a burst from CIS is accepted at
            # full speed (in_flow_delay would pause the client when the queue grows).
            "queue_run_delay": "1s",
            "minimal_backoff_time": "1s",
            "maximal_backoff_time": "2s",
            "in_flow_delay": "0",
            # Postmaster notices would be relayed to the sink as unexpected messages.
            "notify_classes": "",
            "biff": "no",
            **self.params,
        }

    def master_cf(self):
        # Not chrooted (chroot = n): the daemons need nothing copied into the queue.
        # The postlog service is what makes maillog_file work.
        services = [
            f"127.0.0.1:{self.port} inet n - n - - smtpd",
            "cleanup   unix n - n - 0 cleanup",
            "qmgr      unix n - n 300 1 qmgr",
            "rewrite   unix - - n - - trivial-rewrite",
            "bounce    unix - - n - 0 bounce",
            "defer     unix - - n - 0 bounce",
            "trace     unix - - n - 0 bounce",
            "verify    unix - - n - 1 verify",
            "flush     unix n - n 1000? 0 flush",
            "proxymap  unix - - n - - proxymap",
            "smtp      unix - - n - - smtp",
            "relay     unix - - n - - smtp",
            "showq     unix n - n - - showq",
            "error     unix - - n - - error",
            "retry     unix - - n - - error",
            "discard   unix - - n - - discard",
            "anvil     unix - - n - 1 anvil",
            "scache    unix - - n - 1 scache",
            "postlog   unix-dgram n - n - 1 postlogd",
        ]
        return "\n".join(services) + "\n"

    # --- process -------------------------------------------------------------------
    def start(self):
        self.started = True  # from here on stop() has something to clean up
        self.config_dir.mkdir(parents=True)
        postfix_user = pwd.getpwnam("postfix")
        self.data_dir = pathlib.Path(tempfile.mkdtemp(prefix="cis-postfix-data-"))
        os.chown(self.data_dir, postfix_user.pw_uid, 0)
        main = "".join(f"{k} = {v}\n" for k, v in self.main_cf().items())
        (self.config_dir / "main.cf").write_text(main)
        (self.config_dir / "master.cf").write_text(self.master_cf())
        # Root-owned and not group/world-writable, as postfix-script checks; `postfix
        # start` then creates the subdirectories (post-install create-missing, from
        # postfix-files) with their owners: postfix, and postdrop for maildrop and public.
        self.queue_dir.mkdir(mode=0o755)
        os.chmod(self.queue_dir, 0o755)
        # `postfix -c DIR` as root reads DIR alone: alternate_config_directories in the
        # default main.cf only matters to other users.
        status, output = run_on_pty([POSTFIX, "-c", str(self.config_dir), "start"])
        if status != 0:
            raise RuntimeError(f"postfix start exited {status}:\n{output}\n{self.diagnostics()}")
        self.master_pid = self._read_master_pid()
        wait_for_greeting(self.port, 15, self.diagnostics)
        return self

    def _read_master_pid(self):
        try:
            return int((self.queue_dir / "pid" / "master.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def stop(self):
        """Stops master and every process it started. Safe to call twice."""
        if not self.started:
            return
        self.started = False
        pid = self.master_pid or self._read_master_pid()
        if pid and _group_members(pid):
            run_on_pty([POSTFIX, "-c", str(self.config_dir), "stop"], timeout=20)
        # master runs in a session (and process group) of its own with all its daemons:
        # whatever `postfix stop` left behind goes with the group.
        if pid:
            deadline = time.monotonic() + 5
            while _group_members(pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            if _group_members(pid):
                try:
                    os.killpg(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        self.master_pid = None
        if self.data_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)
            self.data_dir = None

    # --- what happened ---------------------------------------------------------------
    def maillog(self):
        try:
            return self.maillog_path.read_text(errors="replace")
        except OSError:
            return ""

    def diagnostics(self, tail=8000):
        return f"--- Postfix maillog ({self.maillog_path}) ---\n{self.maillog()[-tail:]}"

    _delivery = re.compile(r" (?P<queue_id>[0-9A-Za-z]+): to=<(?P<to>[^>]*)>, .*?"
                           r"relay=(?P<relay>\S+), .*status=(?P<status>\w+) \((?P<reply>.*)\)$")

    def deliveries(self):
        """Every delivery attempt in the maillog: queue_id, to, relay, status, reply."""
        out = []
        for line in self.maillog().splitlines():
            m = self._delivery.search(line)
            if m:
                out.append(m.groupdict())
        return out


@dataclasses.dataclass
class SinkMessage:
    path: pathlib.Path
    mail_from: str       # the envelope sender, without <>
    rcpts: list          # the envelope recipients, without <>
    raw: bytes           # the message as received (LF line endings, dot-unstuffed)

    @property
    def message(self):
        return email.message_from_bytes(self.raw, policy=policy.default)


class SmtpSink:
    """smtp-sink on 127.0.0.1:<port>, one dump file per accepted mail transaction."""

    def __init__(self, base_dir, *options):
        self.base = pathlib.Path(base_dir)
        self.root = self.base / "root"
        self.dump_dir = self.root / "dump"
        self.log_path = self.base / "smtp-sink.log"
        self.port = free_port()
        self.options = options  # e.g. ("-r", "RCPT") for soft refusals
        self.proc = None

    def start(self):
        self.dump_dir.mkdir(parents=True)
        argv = [SMTP_SINK]
        if os.geteuid() == 0:
            # Refuses to run as root without -u. As nobody it could not reach the dump
            # files under pytest's tmp_path (/tmp/pytest-of-root is 0700), so it chroots
            # into a directory of ours first and writes below that new root.
            os.chown(self.dump_dir, pwd.getpwnam("nobody").pw_uid, -1)
            argv += ["-R", str(self.root), "-u", "nobody", "-d", "/dump/m."]
        else:
            argv += ["-d", str(self.dump_dir / "m.")]
        argv += [*self.options, f"127.0.0.1:{self.port}", "256"]
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        wait_for_greeting(self.port, 10, self.diagnostics)
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self.log.close()
            self.proc = None

    def diagnostics(self):
        try:
            log = self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            log = ""
        status = "running" if self.proc and self.proc.poll() is None else "not running"
        return f"--- smtp-sink ({status}) ---\n{log}"

    def messages(self):
        """Every dump file, parsed. A transaction still under way is in there too, cut
        short: read after the client (Postfix) has logged its delivery as sent."""
        out = []
        for path in sorted(self.dump_dir.iterdir()):
            out.append(self._parse(path))
        return out

    @staticmethod
    def _parse(path):
        data = path.read_bytes()
        mail_from, rcpts, pos = "", [], 0
        while pos < len(data):
            end = data.find(b"\n", pos)
            end = len(data) if end < 0 else end
            line = data[pos:end].decode(errors="replace")
            pos = end + 1
            if line.startswith("X-Mail-Args: "):
                mail_from = line.split(" ")[1].strip("<>")
            elif line.startswith("X-Rcpt-Args: "):
                rcpts.append(line.split(" ")[1].strip("<>"))
            elif line.startswith("Received: "):
                # smtp-sink's own Received: ends its records; its continuation lines
                # start with a tab, and the message follows.
                while pos < len(data) and data[pos:pos + 1] == b"\t":
                    pos = data.find(b"\n", pos) + 1 or len(data)
                break
        raw = data[pos:]
        if raw.endswith(b"\n\n"):
            raw = raw[:-1]  # the empty line smtp-sink adds after each message
        return SinkMessage(path, mail_from, rcpts, raw)
