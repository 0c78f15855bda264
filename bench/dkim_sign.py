"""Signs a message for the DKIM-on benchmark: writes WORK/signed.eml and the key file
CIS reads (OpenDKIM's file format). Usage: dkim_sign.py MESSAGE WORK DOMAIN"""
import base64
import subprocess
import sys

import dkim

message, work, domain = sys.argv[1], sys.argv[2], sys.argv[3]
private = subprocess.run(["openssl", "genrsa", "2048"], capture_output=True, check=True).stdout
public = subprocess.run(["openssl", "rsa", "-pubout", "-outform", "DER"], input=private,
                        capture_output=True, check=True).stdout
raw = open(message, "rb").read()
signature = dkim.sign(raw, b"bench", domain.encode(), private,
                      include_headers=[b"from", b"to", b"subject", b"date", b"message-id"])
open(f"{work}/signed.eml", "wb").write(signature + raw)
open(f"{work}/keys", "w").write(
    f"bench._domainkey.{domain} v=DKIM1; k=rsa; p={base64.b64encode(public).decode()}\n")
