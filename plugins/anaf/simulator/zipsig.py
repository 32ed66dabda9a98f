"""The simulator's signed ZIPs: ``<id_incarcare>.xml`` + ``semnatura_<id_incarcare>.xml``.

The signature is a real, detached XMLDSig (RSA-SHA256 over the inclusive-C14N ``SignedInfo``,
whose ``Reference`` carries the SHA-256 digest of the signed file) made with a self-signed
certificate generated once per process. It is not ANAF's certificate: clients must not require
ANAF's CA in tests. :func:`verify_signature` backs the ``/api/validate/signature`` stub.

Also here: the ``mesajEroriFactuta`` error report and the broken ZIPs of fault injection.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import io
import zipfile

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from lxml import etree

from core.errors import UnsafeXmlError
from core.xmlsafe import parse_untrusted
from plugins.anaf.simulator.texts import NS_DSIG, NS_ERORI

__all__ = ["build_zip", "broken_zip", "error_report", "sign", "verify_signature", "signer"]

_C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
_RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
_SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"


def _ds(tag: str) -> str:
    return f"{{{NS_DSIG}}}{tag}"


@functools.lru_cache(maxsize=1)
def signer() -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """The process-wide simulator key (RSA 2048) and its self-signed certificate."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "RO"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "ANAF e-Factura simulator"),
            x509.NameAttribute(NameOID.COMMON_NAME, "SPV e-Factura simulator (not ANAF)"),
        ]
    )
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    return key, cert


def sign(content: bytes, file_name: str) -> bytes:
    """A detached ``ds:Signature`` over ``content`` referenced as ``file_name``."""
    key, cert = signer()
    nsmap = {"ds": NS_DSIG}
    signature = etree.Element(_ds("Signature"), nsmap=nsmap)
    signed_info = etree.SubElement(signature, _ds("SignedInfo"))
    etree.SubElement(signed_info, _ds("CanonicalizationMethod"), Algorithm=_C14N)
    etree.SubElement(signed_info, _ds("SignatureMethod"), Algorithm=_RSA_SHA256)
    reference = etree.SubElement(signed_info, _ds("Reference"), URI=file_name)
    etree.SubElement(reference, _ds("DigestMethod"), Algorithm=_SHA256)
    etree.SubElement(reference, _ds("DigestValue")).text = base64.b64encode(hashlib.sha256(content).digest()).decode()
    value = key.sign(etree.tostring(signed_info, method="c14n"), padding.PKCS1v15(), hashes.SHA256())
    etree.SubElement(signature, _ds("SignatureValue")).text = base64.b64encode(value).decode()
    x509_data = etree.SubElement(etree.SubElement(signature, _ds("KeyInfo")), _ds("X509Data"))
    der = cert.public_bytes(serialization.Encoding.DER)
    etree.SubElement(x509_data, _ds("X509Certificate")).text = base64.b64encode(der).decode()
    return etree.tostring(signature, xml_declaration=True, encoding="UTF-8")


def verify_signature(content: bytes, signature_xml: bytes) -> bool:
    """True when ``signature_xml`` is this simulator's valid signature of ``content``."""
    try:
        root = parse_untrusted(signature_xml)
    except UnsafeXmlError:
        return False
    _, own_cert = signer()
    signed_info = root.find(_ds("SignedInfo"))
    digest = root.findtext(f"{_ds('SignedInfo')}/{_ds('Reference')}/{_ds('DigestValue')}")
    value = root.findtext(_ds("SignatureValue"))
    cert_b64 = root.findtext(f"{_ds('KeyInfo')}/{_ds('X509Data')}/{_ds('X509Certificate')}")
    if signed_info is None or not digest or not value or not cert_b64:
        return False
    try:
        cert = x509.load_der_x509_certificate(base64.b64decode(cert_b64))
        if cert != own_cert or base64.b64decode(digest) != hashlib.sha256(content).digest():
            return False
        cert.public_key().verify(  # type: ignore[union-attr,call-arg]
            base64.b64decode(value),
            etree.tostring(signed_info, method="c14n"),
            padding.PKCS1v15(),  # type: ignore[arg-type]
            hashes.SHA256(),  # type: ignore[arg-type]
        )
    except (ValueError, InvalidSignature, TypeError):
        return False
    return True


def _entry(name: str, when: tuple[int, int, int, int, int, int]) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=when)
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def build_zip(index: str, content: bytes, when: dt.datetime | None = None) -> bytes:
    """The download ZIP: exactly ``<index>.xml`` and ``semnatura_<index>.xml``.

    Entries are stamped ``when`` (local time of the message), so the same message always
    downloads as the same bytes.
    """
    stamp = (when or dt.datetime(2024, 1, 1)).timetuple()[:6]
    name = f"{index}.xml"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_entry(name, stamp), content)
        archive.writestr(_entry(f"semnatura_{index}.xml", stamp), sign(content, name))
    return buffer.getvalue()


def broken_zip(kind: str, index: str, content: bytes) -> bytes:
    """A faulty download body: ``zip_malformed`` (central directory cut off),
    ``zip_missing_entry`` (no signature), ``zip_extra_entry`` (a third file)."""
    if kind == "zip_malformed":
        whole = build_zip(index, content)
        return whole[: max(len(whole) - 30, 4)]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{index}.xml", content)
        if kind == "zip_extra_entry":
            archive.writestr(f"semnatura_{index}.xml", sign(content, f"{index}.xml"))
            archive.writestr("readme.txt", b"unexpected entry")
    return buffer.getvalue()


def error_report(index: int, cif: str, messages: list[str] | tuple[str, ...]) -> bytes:
    """The ``mesajEroriFactuta`` document of an ERORI FACTURA download (capitalised attributes)."""
    root = etree.Element(f"{{{NS_ERORI}}}header", nsmap={None: NS_ERORI})
    root.set("Index_incarcare", str(index))
    root.set("Cif_emitent", cif)
    for message in messages:
        etree.SubElement(root, f"{{{NS_ERORI}}}Error", errorMessage=message)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
