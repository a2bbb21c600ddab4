"""Certificates: what is uploaded is read (PKCS#12, PEM, DER) and the server fills in the rest.

The uploaded file and its password are sensitive (kept by :mod:`.secrets`, never sent back);
the thumbprint, names, dates and chain come from the file itself, read by
:mod:`octoclr.simulator.x509`. Archive, unarchive, replace and export are the routes a real
server has; ``certificates/certificate-global`` and ``configuration/certificates`` describe
the server's own certificate, made up here from the installation id.
"""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING, Any, Optional

from starlette.responses import Response

from octoclr.simulator import codec, resources
from octoclr.simulator.exceptions import BadRequest, NotFound, validation_failed
from octoclr.simulator.families import secrets
from octoclr.simulator.families.base import SYSTEM, Call, Family
from octoclr.simulator.resources import Collection

if TYPE_CHECKING:
    from octoclr.simulator.behaviours import Backend
    from octoclr.simulator.x509 import Certificate

#: Filled in from the file; whatever a client sends for these is ignored.
_FROM_THE_FILE = ("SubjectDistinguishedName", "SubjectCommonName", "SubjectOrganization", "IssuerDistinguishedName",
                  "IssuerCommonName", "IssuerOrganization", "SelfSigned", "Thumbprint", "NotAfter", "NotBefore",
                  "IsExpired", "HasPrivateKey", "Version", "SerialNumber", "SignatureAlgorithmName",
                  "SubjectAlternativeNames", "CertificateDataFormat", "CertificateChain")
_SERVER_OWNED = (*_FROM_THE_FILE, "Archived", "ReplacedBy")

CERTIFICATES = Collection(
    "certificates", "Certificates", "Certificates", "Certificate",
    query=("skip", "take", "search", "archived", "tenant", "firstResult", "orderBy", "ids", "partialName"),
    required=("Name",),
    references={"EnvironmentIds": "environments", "TenantIds": "tenants"},
    defaults={"Name": None, "Notes": "", "CertificateData": secrets.masked(False), "Password": secrets.masked(False),
              "EnvironmentIds": [], "TenantIds": [], "TenantTags": [], "TenantedDeploymentParticipation": "Untenanted",
              "CertificateDataFormat": "Pkcs12", "Archived": None, "ReplacedBy": None,
              "SubjectDistinguishedName": "", "SubjectCommonName": "", "SubjectOrganization": "",
              "IssuerDistinguishedName": "", "IssuerCommonName": "", "IssuerOrganization": "",
              "SelfSigned": False, "Thumbprint": "", "NotAfter": None, "NotBefore": None, "IsExpired": False,
              "HasPrivateKey": False, "Version": 3, "SerialNumber": "", "SignatureAlgorithmName": "",
              "SubjectAlternativeNames": [], "CertificateChain": []},
    links={"Export": "{self}/export{?format,password,includePrivateKey}", "Archive": "{self}/archive",
           "Unarchive": "{self}/unarchive", "Replace": "{self}/replace", "Usages": "{self}/usages",
           "Web": "/app#/{space}/library/certificates/{id}"},
    sensitive=("CertificateData", "Password"),
)

family = Family("certificates", collections=(CERTIFICATES,))


# --- reading uploads --------------------------------------------------------------------------

def _sent(value: Any) -> Optional[str]:
    """The new value of a SensitiveValue (or of a plain string) a client sent."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("NewValue"), str):
        return value["NewValue"]
    return None


def _parse(data_text: str, password: Optional[str]) -> "Certificate":
    from octoclr.simulator import x509

    try:
        data = base64.b64decode("".join(data_text.split()), validate=True)
    except (binascii.Error, ValueError):
        raise validation_failed(["CertificateData must be the certificate file encoded as base64."]) from None
    try:
        return x509.read(data, password)
    except x509.CertificateError as error:
        raise validation_failed([f"The certificate could not be read: {error}"]) from None


def _fill(certificate: dict[str, Any], data_text: str, password: Optional[str]) -> None:
    certificate.update(_parse(data_text, password).fields())


def kept_certificate(backend: "Backend", certificate: dict[str, Any]) -> "Certificate":
    """The certificate the server keeps for a resource, read again from its kept file."""
    data = secrets.reveal(backend.store, "certificates", certificate["Id"], "CertificateData")
    if not isinstance(data, str):
        raise BadRequest(f"The certificate '{certificate['Id']}' has no certificate data.")
    password = secrets.reveal(backend.store, "certificates", certificate["Id"], "Password")
    return _parse(data, password if isinstance(password, str) else None)


@family.hook("before_create", "certificates")
def _read_upload(backend: "Backend", certificate: dict[str, Any], actor: Optional[str]) -> None:
    data = _sent(certificate.get("CertificateData"))
    if data is None:
        raise validation_failed(["No Certificate Data was provided: send the file, base64-encoded, as "
                                 "CertificateData.NewValue."])
    for key in ("Archived", "ReplacedBy"):
        certificate[key] = None
    _fill(certificate, data, _sent(certificate.get("Password")))


@family.hook("before_modify", "certificates")
def _keep_what_the_file_says(backend: "Backend", certificate: dict[str, Any], stored: dict[str, Any],
                             actor: Optional[str]) -> None:
    for key in _SERVER_OWNED:
        certificate[key] = stored.get(key)
    data = _sent(certificate.get("CertificateData"))
    password = _sent(certificate.get("Password"))
    if data is not None:
        _fill(certificate, data, password)
    elif password is not None:
        # A new password for the kept file: it must open it.
        kept = secrets.reveal(backend.store, "certificates", stored["Id"], "CertificateData")
        if isinstance(kept, str):
            _fill(certificate, kept, password)


# --- routes -----------------------------------------------------------------------------------

def _json_response(body: Any, status: int = 200, headers: Optional[dict[str, str]] = None) -> Response:
    from octoclr.simulator.app import json_response

    return json_response(body, status, headers)


def _visible(call: Call, certificate: dict[str, Any]) -> bool:
    archived = call.query("archived")
    if archived is not None and archived != "":
        if (archived.strip().lower() == "true") != (certificate.get("Archived") is not None):
            return False
    elif certificate.get("Archived") is not None:
        return False  # a real server lists archived certificates only when asked
    search = (call.query("search") or "").strip().lower()
    if search and search not in str(certificate.get("Name") or "").lower() \
            and search not in str(certificate.get("Thumbprint") or "").lower():
        return False
    tenant = (call.query("tenant") or "").strip().lower()
    if tenant and tenant not in (t.lower() for t in certificate.get("TenantIds") or []):
        return False
    return True


def _listed(call: Call) -> list[bytes]:
    space = call.space()
    _, bodies = call.backend.query_collection(
        CERTIFICATES, spaces=[space], include_system=False, ids=call.query_list("ids"), name=None,
        partial_name=call.query("partialName"), filters={}, skip=0, take=None)
    return [body for body in bodies if _visible(call, codec.loads(body))]


@family.route("GET", "certificates")
async def list_certificates(call: Call) -> Any:
    skip = call.query_int("firstResult", None)
    return call.page(CERTIFICATES.item_type, _listed(call), resources.link_template(CERTIFICATES, call.space_id),
                     skip=None if skip is None else skip)


@family.route("POST", "certificates")
async def create_certificate(call: Call) -> Any:
    created = call.backend.create(CERTIFICATES, call.space_id, await call.json(), call.actor)
    return _json_response(created, 201, {"Location": created["Links"]["Self"]})


#: Where a generate command may name each subject field: its own name, or the resource's field name.
_SUBJECT_ALIASES = {"CommonName": ("CommonName", "SubjectCommonName"),
                    "Organization": ("Organization", "SubjectOrganization")}


def _subject(body: dict[str, Any]) -> dict[str, str]:
    from octoclr.simulator import x509

    subject = {}
    for field in x509.SUBJECT_FIELDS:
        for key in _SUBJECT_ALIASES.get(field, (field,)):
            value = body.get(key)
            if value is not None and not isinstance(value, str):
                raise validation_failed([f"{key} must be text."])
            if value and value.strip():
                subject[field] = value.strip()
                break
    return subject


@family.route("POST", "certificates/generate")
async def generate(call: Call) -> Any:
    """A self-signed certificate made from a common name or organization (and the other subject fields),
    kept exactly as an uploaded PFX without a password would be: a real server answers 200 with it."""
    from octoclr.simulator import x509

    body = await call.json()
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object with a Name and a CommonName or Organization.")
    subject = _subject(body)
    if not subject.get("CommonName") and not subject.get("Organization"):
        raise BadRequest("Please supply either the common name or organization.")
    names = body.get("SubjectAlternativeNames") or []
    if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
        raise validation_failed(["SubjectAlternativeNames must be a list of DNS names or IP addresses."])
    try:
        made = x509.self_signed(subject, [n.strip() for n in names])
    except x509.CertificateError as error:
        raise validation_failed([str(error)]) from None
    pfx = x509.export(made, x509.PKCS12, None, True)
    # The rest (Notes, environments, tenants…) is the new resource's; what the file says is filled in from it.
    resource = {key: value for key, value in body.items() if key not in x509.SUBJECT_FIELDS and key not in _SERVER_OWNED}
    resource["CertificateData"] = {"HasValue": True, "NewValue": base64.b64encode(pfx).decode("ascii")}
    resource["Password"] = {"HasValue": False, "NewValue": None}
    return call.backend.create(CERTIFICATES, call.space_id, resource, call.actor)


@family.route("GET", "certificates/all")
async def all_certificates(call: Call) -> Any:
    return b"[" + b",".join(_listed(call)) + b"]"


def _find(call: Call) -> dict[str, Any]:
    return call.backend.find(CERTIFICATES, call.params["id"], call.space_id)


def _save(call: Call, certificate: dict[str, Any]) -> dict[str, Any]:
    backend = call.backend
    with backend.store.transaction():
        backend._save(CERTIFICATES, certificate, call.actor)
        backend._record_event("Modified", CERTIFICATES, certificate, call.actor)
    return backend.find(CERTIFICATES, certificate["Id"], None)


@family.route("POST", "certificates/{id}/archive")
async def archive(call: Call) -> Any:
    certificate = _find(call)
    if certificate.get("Archived") is None:
        certificate["Archived"] = codec.now_iso()
        certificate = _save(call, certificate)
    return certificate


@family.route("POST", "certificates/{id}/unarchive")
async def unarchive(call: Call) -> Any:
    certificate = _find(call)
    if certificate.get("Archived") is not None:
        certificate["Archived"] = None
        certificate = _save(call, certificate)
    return certificate


def _member(body: dict[str, Any], name: str) -> Any:
    """A member of a request body whatever its case: a real server binds ``certificateData`` and
    ``password`` (as published scripts send them) to the same fields as ``CertificateData``."""
    if name in body:
        return body[name]
    wanted = name.lower()
    return next((value for key, value in body.items() if key.lower() == wanted), None)


@family.route("POST", "certificates/{id}/replace")
async def replace(call: Call) -> Any:
    """The certificate takes the new file; its old file lives on as an archived certificate."""
    backend = call.backend
    current = _find(call)
    body = await call.json()
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object with CertificateData and Password.")
    data = _sent(_member(body, "CertificateData"))
    if data is None:
        raise validation_failed(["No Certificate Data was provided."])
    password = _sent(_member(body, "Password"))
    fields = _parse(data, password).fields()
    with backend.store.transaction():
        old = dict(current)
        old.pop("Links", None)
        old["Id"] = backend._new_id(CERTIFICATES, old)
        old["Archived"] = codec.now_iso()
        old["ReplacedBy"] = current["Id"]
        old["Name"] = f"{current['Name']} (replaced {old['Archived'][:10]})"
        secrets.copy_kept(backend.store, "certificates", current["Id"], old["Id"])
        backend._save(CERTIFICATES, old, call.actor)
        current.update(fields)
        current["CertificateData"] = {"HasValue": True, "NewValue": data}
        current["Password"] = {"HasValue": password is not None, "NewValue": password}
        backend._save(CERTIFICATES, current, call.actor)
        backend._record_event("Modified", CERTIFICATES, current, call.actor)
    return backend.find(CERTIFICATES, current["Id"], None)


@family.route("GET", "certificates/{id}/export")
async def export(call: Call) -> Any:
    from octoclr.simulator import x509

    certificate = _find(call)
    wanted = call.query("format")
    if not wanted:
        # No format: the file exactly as it was uploaded.
        data = secrets.reveal(call.backend.store, "certificates", certificate["Id"], "CertificateData")
        content = base64.b64decode(str(data or ""))
        data_format = certificate.get("CertificateDataFormat") or x509.PKCS12
    else:
        data_format = next((f for f in x509.FORMATS if f.lower() == wanted.strip().lower()), None)
        if data_format is None:
            raise BadRequest(f"Invalid format option '{wanted}'. Use one of {', '.join(x509.FORMATS)}.")
        content = x509.export(kept_certificate(call.backend, certificate), data_format, call.query("password"),
                              call.query_bool("includePrivateKey"))
    extension = {"Pkcs12": "pfx", "Pem": "pem", "Der": "der"}[data_format]
    media = "application/x-pem-file" if data_format == x509.PEM else "application/octet-stream"
    name = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in str(certificate.get("Name") or "certificate"))
    return Response(content, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{name}.{extension}"'})


@family.route("GET", "certificates/{id}/usages")
async def usages(call: Call) -> Any:
    certificate = _find(call)
    return {"Id": None, "ProjectUsages": [], "LibraryVariableSetUsages": [], "TenantUsages": [],
            "DeploymentTargetUsages": [], "Links": {"Self": f"{certificate['Links']['Self']}/usages"}}


# --- the server's own certificate ----------------------------------------------------------------

def _server_certificate(call: Call) -> dict[str, Any]:
    from octoclr.simulator import x509

    return {"Id": "certificate-global", "Name": "Octopus Portal", "SignatureAlgorithm": "sha256RSA",
            "Thumbprint": x509.fingerprint(f"octoclr-simulator:{call.backend.installation_id}"),
            "LastModifiedOn": None, "LastModifiedBy": None,
            "Links": {"Self": "/api/configuration/certificates/certificate-global",
                      "PublicCer": "/api/configuration/certificates/certificate-global/public-cer"}}


@family.route("GET", "certificates/certificate-global", scope=SYSTEM)
async def certificate_global(call: Call) -> Any:
    return _server_certificate(call)


@family.route("GET", "configuration/certificates", scope=SYSTEM, system="read")
async def configuration_certificates(call: Call) -> Any:
    return call.page("CertificateConfiguration", [codec.dumps(_server_certificate(call))],
                     "/api/configuration/certificates{/id}{?skip,take,ids,partialName}")


@family.route("GET", "configuration/certificates/{id}", scope=SYSTEM, system="read")
async def configuration_certificate(call: Call) -> Any:
    if call.params["id"].lower() != "certificate-global":
        raise NotFound(f"The certificate configuration '{call.params['id']}' was not found.")
    return _server_certificate(call)
