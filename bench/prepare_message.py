"""Prepares one corpus message for the intake benchmark: prints its From: address and
writes it to OUT, DKIM-signed for that domain when asked (appending the public key to
KEYS in OpenDKIM's file format). Usage: prepare_message.py MESSAGE OUT on|off KEYS SELECTOR"""
import base64
import email
import subprocess
import sys
from email.utils import parseaddr

import dkim

source, out, signing, keys, selector = sys.argv[1:6]
# smtp-source turns each LF into CRLF on the wire: the file must end its lines in LF only
# (corpus files mix CRLF and LF), and a signature is made over the CRLF wire form.
raw = open(source, "rb").read().replace(b"\r\n", b"\n")
sender = parseaddr(email.message_from_bytes(raw).get("From", ""))[1].lower()
domain = sender.split("@")[1]
if signing == "on":
    private = subprocess.run(["openssl", "genrsa", "2048"], capture_output=True, check=True).stdout
    public = subprocess.run(["openssl", "rsa", "-pubout", "-outform", "DER"], input=private,
                            capture_output=True, check=True).stdout
    wire = raw.replace(b"\n", b"\r\n")
    signature = dkim.sign(wire, selector.encode(), domain.encode(), private,
                          include_headers=[b"from", b"to", b"subject", b"date", b"message-id"])
    raw = signature.replace(b"\r\n", b"\n") + raw
    with open(keys, "a") as k:
        k.write(f"{selector}._domainkey.{domain} v=DKIM1; k=rsa; p={base64.b64encode(public).decode()}\n")
open(out, "wb").write(raw)
print(sender)
