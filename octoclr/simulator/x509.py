"""Reading and writing certificate files as an Octopus Server does: PKCS#12, PEM and DER.

:func:`read` takes the bytes a client uploads (``CertificateData``, base64-decoded) and the
password, and gives the fields a real server fills in (thumbprint, names, dates…), in the
server's notation: .NET's distinguished names and algorithm names, upper-case hex.
:func:`export` writes a kept certificate again in the format a client asks for. Nothing
here knows about HTTP; what cannot be read raises :class:`CertificateError` saying why.
"""

from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Optional

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtensionOID, NameOID

PKCS12, PEM, DER = "Pkcs12", "Pem", "Der"
FORMATS = (PKCS12, PEM, DER)


class CertificateError(ValueError):
    """The data is not a certificate this server can read, or the password does not open it."""


@dataclass
class Certificate:
    """What one upload holds: its format, the certificate, the rest of its chain and its key."""

    data_format: str
    leaf: x509.Certificate
    chain: list[x509.Certificate]
    key: Any  # a private key object, or None

    def fields(self) -> dict[str, Any]:
        """The CertificateResource fields a real server fills in from the file."""
        leaf = self.leaf
        return {
            **_summary(leaf),
            "SubjectCommonName": _first(leaf.subject, NameOID.COMMON_NAME),
            "SubjectOrganization": _first(leaf.subject, NameOID.ORGANIZATION_NAME),
            "IssuerCommonName": _first(leaf.issuer, NameOID.COMMON_NAME),
            "IssuerOrganization": _first(leaf.issuer, NameOID.ORGANIZATION_NAME),
            "SelfSigned": leaf.subject == leaf.issuer,
            "IsExpired": _not_after(leaf) < datetime.now(timezone.utc),
            "HasPrivateKey": self.key is not None,
            "SubjectAlternativeNames": _alternative_names(leaf),
            "CertificateDataFormat": self.data_format,
            "CertificateChain": [_summary(c) for c in self.chain],
        }


# --- reading --------------------------------------------------------------------------------

def read(data: bytes, password: Optional[str]) -> Certificate:
    """Parse an uploaded certificate file, whichever of the three formats it is in."""
    if not data:
        raise CertificateError("The certificate data is empty.")
    secret = password.encode("utf-8") if password else None
    if b"-----BEGIN" in data[:4096] or data.lstrip().startswith(b"-----"):
        return _read_pem(data, secret)
    if _looks_like_pkcs12(data):
        return _read_pkcs12(data, secret)
    try:
        return Certificate(DER, x509.load_der_x509_certificate(data), [], None)
    except ValueError:
        raise CertificateError("The certificate data is not a certificate: it is neither a PKCS#12 (.pfx) file, "
                               "a PEM file nor a DER-encoded certificate.") from None


def _looks_like_pkcs12(data: bytes) -> bool:
    """A PFX is a DER SEQUENCE whose first member is the INTEGER 3 (its version)."""
    if len(data) < 8 or data[0] != 0x30:
        return False
    length_octets = data[1] - 0x80 if data[1] & 0x80 else 0
    start = 2 + length_octets
    return data[start:start + 3] == b"\x02\x01\x03"


def _read_pkcs12(data: bytes, secret: Optional[bytes]) -> Certificate:
    attempts = [secret] if secret else [None, b""]  # an unprotected PFX may use an empty password
    for attempt in attempts:
        try:
            key, leaf, extra = pkcs12.load_key_and_certificates(data, attempt)
        except ValueError:
            continue
        if leaf is None:
            raise CertificateError("The PKCS#12 file holds no certificate.")
        return Certificate(PKCS12, leaf, list(extra), key)
    if secret:
        raise CertificateError("The password does not open this PKCS#12 (.pfx) file, or the file is damaged.")
    raise CertificateError("This PKCS#12 (.pfx) file is protected by a password; supply it in Password.")


def _read_pem(data: bytes, secret: Optional[bytes]) -> Certificate:
    try:
        certificates = x509.load_pem_x509_certificates(data)
    except ValueError:
        raise CertificateError("The PEM data holds no readable certificate "
                               "(expected a -----BEGIN CERTIFICATE----- block).") from None
    key = None
    block = _pem_key_block(data)
    if block is not None:
        try:
            key = serialization.load_pem_private_key(block, secret)
        except TypeError:
            raise CertificateError("The private key in this PEM file is encrypted; supply its password in "
                                   "Password." if not secret else
                                   "The private key in this PEM file is not encrypted; leave Password empty.") from None
        except ValueError:
            raise CertificateError("The password does not open the private key in this PEM file, "
                                   "or the key is damaged.") from None
    return Certificate(PEM, certificates[0], certificates[1:], key)


def _pem_key_block(data: bytes) -> Optional[bytes]:
    text = data.decode("ascii", errors="replace")
    begin = text.find("-----BEGIN ")
    while begin >= 0:
        header_end = text.find("-----", begin + 11)
        label = text[begin + 11:header_end]
        if "PRIVATE KEY" in label:
            end_marker = f"-----END {label}-----"
            end = text.find(end_marker, header_end)
            if end < 0:
                return None
            return text[begin:end + len(end_marker)].encode("ascii")
        begin = text.find("-----BEGIN ", header_end)
    return None


# --- the server's notation -------------------------------------------------------------------

#: .NET's short names where they differ from RFC 4514's.
_DOTNET_NAMES = {NameOID.EMAIL_ADDRESS: "E", NameOID.STATE_OR_PROVINCE_NAME: "S", NameOID.SERIAL_NUMBER: "SERIALNUMBER",
                 NameOID.GIVEN_NAME: "G", NameOID.TITLE: "T"}


def distinguished_name(name: x509.Name) -> str:
    """As .NET's X500DistinguishedName writes it: most specific first, ``", "`` between parts."""
    parts = []
    for rdn in reversed(name.rdns):
        pieces = []
        for attribute in rdn:
            short = _DOTNET_NAMES.get(attribute.oid)
            text = attribute.rfc4514_string()
            if short:
                text = f"{short}={text.split('=', 1)[1]}"
            pieces.append(text)
        parts.append(" + ".join(pieces))
    return ", ".join(parts)


def _first(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    found = name.get_attributes_for_oid(oid)
    return str(found[0].value) if found else ""


def thumbprint(certificate: x509.Certificate) -> str:
    """The SHA-1 of the DER form, in upper-case hex, as Octopus shows it."""
    return hashlib.sha1(certificate.public_bytes(serialization.Encoding.DER)).hexdigest().upper()  # noqa: S324


def _serial(certificate: x509.Certificate) -> str:
    text = format(certificate.serial_number, "X")
    return text if len(text) % 2 == 0 else "0" + text


def signature_algorithm_name(certificate: x509.Certificate) -> str:
    """.NET's friendly name, e.g. ``sha256RSA``, ``sha384ECDSA``."""
    algorithm = certificate.signature_hash_algorithm
    public_key = certificate.public_key()
    if isinstance(public_key, (ed25519.Ed25519PublicKey, ed448.Ed448PublicKey)):
        return "Ed25519" if isinstance(public_key, ed25519.Ed25519PublicKey) else "Ed448"
    kind = ("RSA" if isinstance(public_key, rsa.RSAPublicKey) else "ECDSA" if isinstance(public_key, ec.EllipticCurvePublicKey)
            else "DSA" if isinstance(public_key, dsa.DSAPublicKey) else "")
    return f"{algorithm.name if algorithm else ''}{kind}" or certificate.signature_algorithm_oid.dotted_string


def _date(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _not_after(certificate: x509.Certificate) -> datetime:
    value = getattr(certificate, "not_valid_after_utc", None)
    return value if value is not None else certificate.not_valid_after.replace(tzinfo=timezone.utc)


def _not_before(certificate: x509.Certificate) -> datetime:
    value = getattr(certificate, "not_valid_before_utc", None)
    return value if value is not None else certificate.not_valid_before.replace(tzinfo=timezone.utc)


def _summary(certificate: x509.Certificate) -> dict[str, Any]:
    """The fields a certificate of a chain has (CertificateResource.X509Certificate)."""
    return {
        "SubjectDistinguishedName": distinguished_name(certificate.subject),
        "IssuerDistinguishedName": distinguished_name(certificate.issuer),
        "Thumbprint": thumbprint(certificate),
        "NotAfter": _date(_not_after(certificate)),
        "NotBefore": _date(_not_before(certificate)),
        "SerialNumber": _serial(certificate),
        "SignatureAlgorithmName": signature_algorithm_name(certificate),
        "Version": certificate.version.value + 1,
    }


def _alternative_names(certificate: x509.Certificate) -> list[str]:
    """Subject alternative names, labelled as .NET labels them (``DNS Name=…``, ``IP Address=…``)."""
    try:
        extension = certificate.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_ALTERNATIVE_NAME)
    except x509.ExtensionNotFound:
        return []
    labels = ((x509.DNSName, "DNS Name"), (x509.IPAddress, "IP Address"), (x509.RFC822Name, "RFC822 Name"),
              (x509.UniformResourceIdentifier, "URL"))
    names = []
    for general_name in extension.value:
        label = next((text for kind, text in labels if isinstance(general_name, kind)), "Other Name")
        names.append(f"{label}={general_name.value}")
    return names


# --- writing ------------------------------------------------------------------------------------

def export(certificate: Certificate, data_format: str, password: Optional[str], include_private_key: bool) -> bytes:
    """The certificate in ``data_format``: a PFX (with its key and chain, under ``password``),
    PEM (the chain, and the key when asked), or the DER of the certificate alone."""
    if data_format == DER:
        return certificate.leaf.public_bytes(serialization.Encoding.DER)
    secret = password.encode("utf-8") if password else None
    if data_format == PKCS12:
        protection = (serialization.BestAvailableEncryption(secret) if secret else serialization.NoEncryption())
        return pkcs12.serialize_key_and_certificates(None, certificate.key, certificate.leaf,
                                                     certificate.chain or None, protection)
    if data_format == PEM:
        text = b"".join(c.public_bytes(serialization.Encoding.PEM) for c in [certificate.leaf, *certificate.chain])
        if include_private_key and certificate.key is not None:
            protection = (serialization.BestAvailableEncryption(secret) if secret else serialization.NoEncryption())
            text = certificate.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                 protection) + text
        return text
    raise CertificateError(f"Invalid format option '{data_format}'; one of {', '.join(FORMATS)}.")


#: The subject fields a self-signed certificate may be given, by the names the generate command takes,
#: in the order they are written (most general first, so the distinguished name reads CN=…, O=…, C=…).
SUBJECT_FIELDS = {"Country": NameOID.COUNTRY_NAME, "State": NameOID.STATE_OR_PROVINCE_NAME,
                  "Locality": NameOID.LOCALITY_NAME, "Organization": NameOID.ORGANIZATION_NAME,
                  "OrganizationalUnit": NameOID.ORGANIZATIONAL_UNIT_NAME, "CommonName": NameOID.COMMON_NAME,
                  "EmailAddress": NameOID.EMAIL_ADDRESS}


def self_signed(subject: dict[str, str], alternative_names: list[str], days: int = 365) -> Certificate:
    """A new RSA 2048 certificate signed by its own key (SHA-256), valid from now for ``days``.

    ``subject`` maps :data:`SUBJECT_FIELDS` names to values; ``alternative_names`` are DNS names
    or IP addresses. What cannot be written (a country that is not two letters…) raises
    :class:`CertificateError`.
    """
    unknown = set(subject) - set(SUBJECT_FIELDS)
    if unknown:
        raise CertificateError(f"Unknown subject fields: {', '.join(sorted(unknown))}.")
    try:
        name = x509.Name([x509.NameAttribute(oid, subject[field]) for field, oid in SUBJECT_FIELDS.items()
                          if subject.get(field)])
    except ValueError as error:
        raise CertificateError(f"The subject cannot be written: {error}") from None
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.now(timezone.utc)
    builder = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
               .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(minutes=1))
               .not_valid_after(now + timedelta(days=days))
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True))
    general_names: list[x509.GeneralName] = []
    for text in alternative_names:
        try:
            general_names.append(x509.IPAddress(ipaddress.ip_address(text)))
        except ValueError:
            general_names.append(x509.DNSName(text))
    if general_names:
        builder = builder.add_extension(x509.SubjectAlternativeName(general_names), critical=False)
    return Certificate(PKCS12, builder.sign(key, hashes.SHA256()), [], key)


def fingerprint(text: str) -> str:
    """An upper-case hex SHA-1 of any text: thumbprints for made-up certificates (discovery)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest().upper()  # noqa: S324


__all__ = ["Certificate", "CertificateError", "DER", "FORMATS", "PEM", "PKCS12", "SUBJECT_FIELDS", "export",
           "fingerprint", "read", "self_signed", "thumbprint"]
