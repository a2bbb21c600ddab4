"""Certificates: uploads are read (PKCS#12 with or without a password, PEM with or without a key,
DER), the server fills in what the file says, and archive, replace and export behave as a real
server's do. Every certificate is made during the run."""

from __future__ import annotations

import base64

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12

from tests.simulator.conftest import error_of, put
from tests.support.certificates import Made, b64, make

URL = "/api/Spaces-1/certificates"


def upload(api: httpx.Client, name: str, data: bytes, password: "str | None" = None) -> httpx.Response:
    body = {"Name": name, "CertificateData": {"HasValue": True, "NewValue": b64(data)},
            "Password": {"HasValue": password is not None, "NewValue": password}}
    return api.post(URL, json=body)


@pytest.fixture(scope="module")
def chained() -> Made:
    return make("shop.example.com", "Shop Pty", issuer=make("Example Test CA", "Example CA Org", alternative_names=()))


def test_a_pfx_with_a_password_fills_what_the_file_says(api: httpx.Client, chained: Made) -> None:
    response = upload(api, "Shop", chained.pfx("pfx-Pa55"), "pfx-Pa55")
    assert response.status_code == 201, response.text
    certificate = response.json()
    assert certificate["Thumbprint"] == chained.thumbprint
    assert certificate["CertificateDataFormat"] == "Pkcs12"
    assert certificate["HasPrivateKey"] is True and certificate["SelfSigned"] is False
    assert certificate["SubjectCommonName"] == "shop.example.com" and certificate["SubjectOrganization"] == "Shop Pty"
    assert certificate["IssuerCommonName"] == "Example Test CA" and certificate["IssuerOrganization"] == "Example CA Org"
    assert certificate["SubjectDistinguishedName"] == "CN=shop.example.com, O=Shop Pty, C=AU"
    assert certificate["IssuerDistinguishedName"] == "CN=Example Test CA, O=Example CA Org, C=AU"
    assert certificate["SignatureAlgorithmName"] == "sha256ECDSA" and certificate["Version"] == 3
    assert int(certificate["SerialNumber"], 16) == chained.certificate.serial_number
    assert certificate["SubjectAlternativeNames"] == ["DNS Name=www.example.com", "DNS Name=example.com"]
    assert certificate["IsExpired"] is False
    assert certificate["NotAfter"].startswith(chained.certificate.not_valid_after_utc.strftime("%Y-%m-%dT%H:%M:%S"))
    assert [c["Thumbprint"] for c in certificate["CertificateChain"]] == [chained.issuer.thumbprint]
    # The file and its password never come back.
    assert certificate["CertificateData"] == {"HasValue": True, "NewValue": None}
    assert certificate["Password"] == {"HasValue": True, "NewValue": None}
    for answer in (api.get(certificate["Links"]["Self"]), api.get(URL), api.get(URL + "/all")):
        assert b64(chained.pfx("pfx-Pa55"))[:40] not in answer.text and "pfx-Pa55" not in answer.text


@pytest.mark.parametrize("kind", ["pfx-without-password", "pem-with-key", "pem-without-key", "der"])
def test_every_format_is_read(api: httpx.Client, kind: str) -> None:
    made = make(f"{kind}.example.com")
    data = {"pfx-without-password": made.pfx(), "pem-with-key": made.pem(with_key=True),
            "pem-without-key": made.pem(), "der": made.der()}[kind]
    certificate = upload(api, kind, data).json()
    assert certificate["Thumbprint"] == made.thumbprint
    assert certificate["SelfSigned"] is True
    assert certificate["CertificateDataFormat"] == {"pfx": "Pkcs12", "pem": "Pem", "der": "Der"}[kind[:3]]
    assert certificate["HasPrivateKey"] is (kind in ("pfx-without-password", "pem-with-key"))


def test_an_encrypted_pem_key_needs_its_password(api: httpx.Client) -> None:
    made = make("locked.example.com")
    data = made.pem(with_key=True, password="k3y")
    refused = upload(api, "Locked", data)
    assert refused.status_code == 400 and "encrypted" in " ".join(error_of(refused)["Errors"])
    assert upload(api, "Locked", data, "k3y").json()["HasPrivateKey"] is True


def test_what_cannot_be_read_is_a_400_saying_why(api: httpx.Client, chained: Made) -> None:
    wrong = upload(api, "Wrong", chained.pfx("right"), "wrong")
    assert wrong.status_code == 400 and "password" in " ".join(error_of(wrong)["Errors"]).lower()
    missing = upload(api, "Missing", chained.pfx("right"))
    assert missing.status_code == 400 and "password" in " ".join(error_of(missing)["Errors"]).lower()
    junk = upload(api, "Junk", b"this is not a certificate at all")
    assert junk.status_code == 400 and "not a certificate" in " ".join(error_of(junk)["Errors"])
    not_base64 = api.post(URL, json={"Name": "B", "CertificateData": {"HasValue": True, "NewValue": "%%%"}})
    assert not_base64.status_code == 400 and "base64" in " ".join(error_of(not_base64)["Errors"])
    nothing = api.post(URL, json={"Name": "None"})
    assert nothing.status_code == 400 and "No Certificate Data" in " ".join(error_of(nothing)["Errors"])


def test_an_expired_certificate_says_so(api: httpx.Client) -> None:
    assert upload(api, "Old", make("old.example.com", expired=True).der()).json()["IsExpired"] is True


def test_a_modify_keeps_what_the_file_says(api: httpx.Client) -> None:
    made = make("keep.example.com")
    uploaded = made.pfx()
    certificate = upload(api, "Keep", uploaded).json()
    forged = {**certificate, "Notes": "changed", "Thumbprint": "0000", "SubjectCommonName": "forged"}
    saved = put(api, certificate["Links"]["Self"], forged).json()
    assert saved["Notes"] == "changed"
    assert saved["Thumbprint"] == made.thumbprint and saved["SubjectCommonName"] == "keep.example.com"
    exported = api.get(certificate["Links"]["Export"].split("{")[0])
    assert exported.content == uploaded  # the kept file is untouched by the modify


def test_archive_and_unarchive(api: httpx.Client) -> None:
    certificate = upload(api, "Archivable", make("archive.example.com").der()).json()
    archived = api.post(certificate["Links"]["Archive"]).json()
    assert archived["Archived"] is not None
    assert certificate["Id"] not in [c["Id"] for c in api.get(URL).json()["Items"]]
    assert certificate["Id"] in [c["Id"] for c in api.get(URL + "?archived=true").json()["Items"]]
    assert api.post(certificate["Links"]["Unarchive"]).json()["Archived"] is None
    assert certificate["Id"] in [c["Id"] for c in api.get(URL).json()["Items"]]


def test_replace_keeps_the_id_and_archives_the_old_file(api: httpx.Client) -> None:
    first, second = make("first.example.com"), make("second.example.com")
    certificate = upload(api, "Rotating", first.pfx()).json()
    replaced = api.post(certificate["Links"]["Replace"], json={"CertificateData": b64(second.pfx("pw")),
                                                               "Password": "pw"})
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["Id"] == certificate["Id"] and replaced.json()["Thumbprint"] == second.thumbprint
    old = [c for c in api.get(URL + "?archived=true").json()["Items"] if c["ReplacedBy"] == certificate["Id"]]
    assert [c["Thumbprint"] for c in old] == [first.thumbprint]
    bad = api.post(certificate["Links"]["Replace"], json={"CertificateData": b64(b"junk")})
    assert bad.status_code == 400


def test_export_in_each_format(api: httpx.Client, chained: Made) -> None:
    uploaded = chained.pfx("orig")  # each serialization has fresh salts: keep the bytes sent
    certificate = upload(api, "Exported", uploaded, "orig").json()
    link = certificate["Links"]["Export"].split("{")[0]
    original = api.get(link)
    assert original.status_code == 200 and original.content == uploaded
    pem = api.get(link, params={"format": "Pem", "includePrivateKey": "true"}).text
    assert "PRIVATE KEY" in pem and pem.count("BEGIN CERTIFICATE") == 2
    assert "PRIVATE KEY" not in api.get(link, params={"format": "Pem"}).text
    der = api.get(link, params={"format": "Der"}).content
    assert x509.load_der_x509_certificate(der) == chained.certificate
    pfx = api.get(link, params={"format": "Pkcs12", "password": "new"}).content
    key, leaf, extra = pkcs12.load_key_and_certificates(pfx, b"new")
    assert leaf == chained.certificate and key is not None and extra == [chained.issuer.certificate]
    assert api.get(link, params={"format": "Jks"}).status_code == 400


def test_the_servers_own_certificate(api: httpx.Client) -> None:
    global_certificate = api.get("/api/certificates/certificate-global").json()
    assert global_certificate["Id"] == "certificate-global" and len(global_certificate["Thumbprint"]) == 40
    listed = api.get("/api/configuration/certificates").json()
    assert listed["Items"][0]["Thumbprint"] == global_certificate["Thumbprint"]
    assert api.get("/api/configuration/certificates/certificate-global").json() == listed["Items"][0]


def test_certificate_links_resolve(api: httpx.Client) -> None:
    certificate = upload(api, "Linked", make("links.example.com").der()).json()
    for name in ("Self", "Usages", "Export"):
        assert api.get(certificate["Links"][name].split("{")[0]).status_code == 200, name
    assert base64.b64decode(b64(b"x")) == b"x"


def test_generate_makes_a_self_signed_certificate_kept_like_an_upload(api: httpx.Client) -> None:
    response = api.post(f"{URL}/generate", json={
        "Name": "Test site", "CommonName": "test.example.com", "Organization": "Example Pty", "Country": "NZ",
        "SubjectAlternativeNames": ["test.example.com", "127.0.0.1"], "Notes": "For the test environment",
        "EnvironmentIds": ["Environments-2"], "Thumbprint": "ignored"})
    assert response.status_code == 200, response.text
    made = response.json()
    assert made["Name"] == "Test site" and made["Notes"] == "For the test environment"
    assert made["EnvironmentIds"] == ["Environments-2"]
    assert made["SubjectCommonName"] == made["IssuerCommonName"] == "test.example.com"
    assert made["SubjectOrganization"] == "Example Pty" and made["SelfSigned"] is True
    assert made["SubjectDistinguishedName"] == "CN=test.example.com, O=Example Pty, C=NZ"
    assert made["SubjectAlternativeNames"] == ["DNS Name=test.example.com", "IP Address=127.0.0.1"]
    assert made["HasPrivateKey"] is True and made["CertificateDataFormat"] == "Pkcs12" and not made["IsExpired"]
    assert len(made["Thumbprint"]) == 40 and made["Thumbprint"] != "ignored" and made["SerialNumber"]
    assert made["NotBefore"] < made["NotAfter"] and made["SignatureAlgorithmName"] == "sha256RSA"
    # The secrets stay with the server; the file it keeps is the certificate it describes, with its key.
    assert made["CertificateData"] == {"HasValue": True, "NewValue": None}
    assert made["Password"] == {"HasValue": False, "NewValue": None}
    assert api.get(made["Links"]["Self"]).json() == made
    pfx = api.get(made["Links"]["Export"].split("{")[0], params={"format": "Pkcs12", "password": "p"}).content
    key, leaf, _ = pkcs12.load_key_and_certificates(pfx, b"p")
    assert key is not None and leaf.subject.rfc4514_string() == "CN=test.example.com,O=Example Pty,C=NZ"
    # With an organization alone, and the resource's own field names.
    org_only = api.post(f"/api/certificates/generate", json={"Name": "Org only", "SubjectOrganization": "Acme"})
    assert org_only.status_code == 200 and org_only.json()["SubjectDistinguishedName"] == "O=Acme"


def test_generate_refuses_what_it_cannot_make(api: httpx.Client) -> None:
    nameless = api.post(f"{URL}/generate", json={"Name": "Nothing"})
    assert nameless.status_code == 400
    assert error_of(nameless)["ErrorMessage"] == "Please supply either the common name or organization."
    assert api.post(f"{URL}/generate", json={"CommonName": "x.example.com"}).status_code == 400  # no Name
    country = api.post(f"{URL}/generate", json={"Name": "Bad", "CommonName": "x", "Country": "New Zealand"})
    assert country.status_code == 400 and "subject cannot be written" in error_of(country)["Errors"][0]
    assert api.post(f"{URL}/generate", content=b"", headers={"Content-Type": "application/json"}).status_code == 400
    taken = api.post(f"{URL}/generate", json={"Name": "Twice", "CommonName": "a"})
    assert taken.status_code == 200
    assert api.post(f"{URL}/generate", json={"Name": "Twice", "CommonName": "b"}).status_code == 400
