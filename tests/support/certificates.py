"""Certificates made during the run with ``cryptography``: self-signed or issued by a made-up CA,
written as PKCS#12 (with or without a password), PEM (with or without the key) or DER."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Optional

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID


@dataclass
class Made:
    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey
    issuer: Optional["Made"] = None

    @property
    def thumbprint(self) -> str:
        return hashlib.sha1(self.certificate.public_bytes(serialization.Encoding.DER)).hexdigest().upper()

    def pfx(self, password: Optional[str] = None) -> bytes:
        protection = (serialization.BestAvailableEncryption(password.encode()) if password
                      else serialization.NoEncryption())
        chain = [self.issuer.certificate] if self.issuer else None
        return pkcs12.serialize_key_and_certificates(b"test", self.key, self.certificate, chain, protection)

    def pem(self, with_key: bool = False, password: Optional[str] = None) -> bytes:
        text = self.certificate.public_bytes(serialization.Encoding.PEM)
        if self.issuer:
            text += self.issuer.certificate.public_bytes(serialization.Encoding.PEM)
        if with_key:
            protection = (serialization.BestAvailableEncryption(password.encode()) if password
                          else serialization.NoEncryption())
            text += self.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, protection)
        return text

    def der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def make(common_name: str = "www.example.com", organization: str = "Example Ltd", *,
         issuer: Optional[Made] = None, days: int = 365, expired: bool = False,
         alternative_names: tuple[str, ...] = ("www.example.com", "example.com")) -> Made:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "AU"),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
                         x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.now(timezone.utc).replace(microsecond=0)
    start = now - timedelta(days=days + 10) if expired else now - timedelta(days=1)
    end = now - timedelta(days=10) if expired else now + timedelta(days=days)
    builder = (x509.CertificateBuilder().subject_name(subject)
               .issuer_name(issuer.certificate.subject if issuer else subject)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(start).not_valid_after(end))
    if alternative_names:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in alternative_names]),
                                        critical=False)
    certificate = builder.sign(issuer.key if issuer else key, hashes.SHA256())
    return Made(certificate, key, issuer)
