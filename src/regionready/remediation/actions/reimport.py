"""reimport (ACM-004, and ACM-001 for IMPORTED sources): import certificate material the
user supplies into the target.

ACM never hands out a private key it holds (and regionready never calls
ExportCertificate), so the material comes from the user, in a directory passed as
``regionready remediate --pem-dir DIR`` (``ctx.options["pem_dir"]``). Layout, one folder
per certificate, named by the certificate's domain name::

    DIR/shop.example.com/cert.pem     the certificate (PEM), required
    DIR/shop.example.com/key.pem      its private key (PEM, unencrypted), required
    DIR/shop.example.com/chain.pem    the intermediate chain (PEM), optional

A wildcard certificate's folder is ``DIR/*.example.com`` or ``DIR/_.example.com``.

- ACM-004 (a stale imported copy in the target, whether the source was imported or is
  an exported Amazon-issued certificate): the material is re-imported *over the
  target certificate's ARN* (ImportCertificate with CertificateArn), so the load
  balancers and APIs it is attached to pick up the renewed certificate. Tags stay as
  they are (AWS refuses tags on a re-import).
- ACM-001 (an imported source certificate with no twin in the target): a new import,
  with the source certificate's tags.

The plan reads only the public certificate (cert.pem): it checks that the files are
there, that the certificate names the same domain, SANs and key algorithm as the source
and, for ACM-004, that it expires no earlier than the source copy. Without a pem_dir or
without usable material the plan still lists the change, ``blocked`` with what is needed
(the runner skips it and says so); apply, if it is reached anyway, refuses before any
call (``NeedsInput``). The private key is read by apply only, checked against the
certificate, sent to ACM and never kept, logged or printed.

Idempotent: a target certificate that already carries the supplied material (same
serial and NotAfter) is left alone; for a new import, any usable target certificate
with the same domain, SANs and key algorithm means ACM-001 is already satisfied.

The ACM helpers this shares with ``request-certificate`` (finding a usable twin, the
pairing names, the tags a caller may set) are in :mod:`regionready.remediation.actions.common`.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from regionready import inputfile
from regionready.model import Result
from regionready.remediation import Change, PlanContext, TargetClients
from regionready.remediation.actions.common import find_twins, names_of, user_tags
from regionready.remediation.actions.errors import NeedsInput, RemediationError

ACTION = "reimport"
PERMISSIONS = (
    "acm:ListCertificates",
    "acm:DescribeCertificate",
    "acm:ImportCertificate",
    "acm:AddTagsToCertificate",  # tags given to ImportCertificate need it
)

CERT_FILE = "cert.pem"
KEY_FILE = "key.pem"
CHAIN_FILE = "chain.pem"

_CURVES = {"secp256r1": "EC_prime256v1", "secp384r1": "EC_secp384r1", "secp521r1": "EC_secp521r1"}


# --------------------------------------------------------------------------- material


@dataclass
class Material:
    """What the public certificate of a material folder says (never the key)."""

    folder: Path
    domain: str
    names: frozenset[str]
    key_algorithm: str
    serial: int
    not_after: dt.datetime


def material_folder(pem_dir: str | Path, domain: str) -> Path:
    """DIR/<domain>, or DIR/_.<rest> for a wildcard domain when only that one exists."""
    base = Path(pem_dir).expanduser()
    exact = base / domain
    if domain.startswith("*.") and not exact.is_dir():
        alternative = base / ("_" + domain[1:])
        if alternative.is_dir():
            return alternative
    return exact


def _key_algorithm(public_key: Any) -> str:
    if isinstance(public_key, rsa.RSAPublicKey):
        return f"RSA_{public_key.key_size}"
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        return _CURVES.get(public_key.curve.name, f"EC_{public_key.curve.name}")
    return type(public_key).__name__


def read_pem(path: Path) -> bytes:
    """The bytes of a PEM file, through :mod:`regionready.inputfile` (kind ``material``):
    a FIFO, a device, a dangling link or a file over the limit is NeedsInput naming the
    path (the message never quotes the file). A symlink may lead anywhere (certbot's
    ``live/`` folders are symlinks into ``archive/``)."""
    try:
        return inputfile.read_bytes(path, "material")
    except inputfile.InputFileError as exc:
        raise NeedsInput(str(exc)) from None


def read_material(folder: Path) -> Material:
    """Parse ``folder/cert.pem`` (public data only); RemediationError when unusable."""
    cert_path = folder / CERT_FILE
    try:
        cert = x509.load_pem_x509_certificate(read_pem(cert_path))
    except ValueError:
        raise NeedsInput(f"{cert_path} is not a PEM certificate") from None
    common = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
        names = frozenset(str(n) for n in san.value.get_values_for_type(x509.DNSName))
    except x509.ExtensionNotFound:
        names = frozenset()
    domain = str(common[0].value) if common else (sorted(names)[0] if names else "")
    return Material(
        folder=folder,
        domain=domain,
        names=names or frozenset({domain}),
        key_algorithm=_key_algorithm(cert.public_key()),
        serial=cert.serial_number,
        not_after=cert.not_valid_after_utc,
    )


def _missing(folder: Path) -> list[str]:
    """The required files that are not there (anything at the name is read, and refused
    then if it is not a regular file)."""
    return [name for name in (CERT_FILE, KEY_FILE) if not os.path.lexists(folder / name)]


def _problem(
    pem_dir: str | None, domain: str, expect: dict[str, Any]
) -> tuple[str | None, Material | None]:
    """(what is wrong with the supplied material or None, the material if readable)."""
    wanted = f"{CERT_FILE} and {KEY_FILE} (and {CHAIN_FILE} if there is a chain)"
    if not pem_dir:
        return (
            f"needs the certificate material: run with --pem-dir DIR holding DIR/{domain}/ "
            f"with {wanted}",
            None,
        )
    folder = material_folder(pem_dir, domain)
    missing = _missing(folder)
    if missing:
        return f"needs {', '.join(missing)} in {folder}/ ({wanted})", None
    try:
        material = read_material(folder)
    except RemediationError as exc:
        return str(exc), None
    if material.names != frozenset(expect["Names"]):
        return (
            f"{folder}/{CERT_FILE} names {', '.join(sorted(material.names))}, "
            f"not {', '.join(sorted(expect['Names']))}",
            material,
        )
    if material.key_algorithm != expect["KeyAlgorithm"]:
        return (
            f"{folder}/{CERT_FILE} has a {material.key_algorithm} key, "
            f"not {expect['KeyAlgorithm']}",
            material,
        )
    not_before = expect.get("NotAfterAtLeast")
    if not_before and material.not_after < snapshot_time(not_before):
        return (
            f"{folder}/{CERT_FILE} expires {_iso(material.not_after)}, before the source copy "
            f"({not_before}): supply the renewed certificate",
            material,
        )
    return None, material


# --------------------------------------------------------------------------- plan


def _source_cert(finding: Result, ctx: PlanContext) -> dict[str, Any] | None:
    arn = str(finding.details.get("source") or finding.resource_id)
    return ctx.find(ctx.source, "acm", "certificate", "CertificateArn", arn)


def plan(finding: Result, ctx: PlanContext) -> list[Change]:
    source = _source_cert(finding, ctx)
    if source is None:
        return []
    if finding.rule_id != "ACM-004" and source.get("Type") != "IMPORTED":
        return []  # ACM-001: Amazon-issued sources are requested (request-certificate)
    target_arn = finding.details.get("target") if finding.rule_id == "ACM-004" else None
    domain = str(source.get("DomainName"))
    expect: dict[str, Any] = {
        "Names": sorted(names_of(source)),
        "KeyAlgorithm": source.get("KeyAlgorithm"),
        "NotAfterAtLeast": source.get("NotAfter") if target_arn else None,
    }
    pem_dir = ctx.options.get("pem_dir")
    problem, material = _problem(pem_dir, domain, expect)
    what = (
        f"re-import {domain} over {target_arn}"
        if target_arn
        else f"import {domain} ({source.get('KeyAlgorithm')}) into {ctx.target}"
    )
    summary = what
    if not problem:
        assert material is not None
        summary = (
            f"{what} from {material.folder}/ (serial {material.serial:x}, "
            f"expires {_iso(material.not_after)})"
        )
    params: dict[str, Any] = {
        "DomainName": domain,
        "PemDir": str(pem_dir) if pem_dir else None,
        "CertificateArn": target_arn,
        "Expect": expect,
        "Tags": [] if target_arn else user_tags(source),
    }
    return [
        Change.fixing(
            finding,
            ACTION,
            region=ctx.target,
            resource=str(target_arn or source["CertificateArn"]),
            summary=summary,
            params=params,
            blocked=problem,
        )
    ]


# --------------------------------------------------------------------------- apply


def _read_key(folder: Path, material: Material) -> bytes:
    """key.pem's bytes, after checking it is the certificate's key. Messages never quote it."""
    path = folder / KEY_FILE
    data = read_pem(path)
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except TypeError:
        raise NeedsInput(f"{path} is encrypted: ACM needs an unencrypted PEM key") from None
    except ValueError:
        raise NeedsInput(f"{path} is not a PEM private key") from None
    cert = x509.load_pem_x509_certificate(read_pem(folder / CERT_FILE))
    mine = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    theirs = cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    if mine != theirs:
        raise NeedsInput(f"{path} is not the private key of {folder / CERT_FILE}")
    return data


def _same_material(cert: dict[str, Any], material: Material) -> bool:
    not_after = cert.get("NotAfter")
    if not isinstance(not_after, dt.datetime) or not serial_matches(
        cert.get("Serial"), material.serial
    ):
        return False
    return abs((not_after - material.not_after).total_seconds()) < 1


def apply(change: Change, clients: TargetClients) -> str:
    p = change.params
    domain = str(p["DomainName"])
    acm = clients("acm")
    if not p.get("CertificateArn"):
        twins = find_twins(
            acm, domain, frozenset(p["Expect"]["Names"]), p["Expect"]["KeyAlgorithm"]
        )
        if twins:
            arn, status = twins[0]
            return f"already present: {domain} as {arn} ({status}) in {clients.target}"
    problem, material = _problem(p.get("PemDir"), domain, p["Expect"])
    if problem or material is None:
        raise NeedsInput(f"reimport {domain}: {problem}; nothing was changed")
    if p.get("CertificateArn"):
        current = acm.describe_certificate(CertificateArn=p["CertificateArn"])["Certificate"]
        if _same_material(current, material):
            return (
                f"already present: {p['CertificateArn']} holds serial {material.serial:x} "
                f"(expires {_iso(material.not_after)})"
            )
    kwargs: dict[str, Any] = {
        "Certificate": read_pem(material.folder / CERT_FILE),
        "PrivateKey": _read_key(material.folder, material),
    }
    chain = material.folder / CHAIN_FILE
    if os.path.lexists(chain):  # a chain.pem that cannot be read is refused, not dropped
        kwargs["CertificateChain"] = read_pem(chain)
    if p.get("CertificateArn"):
        kwargs["CertificateArn"] = p["CertificateArn"]
    elif p.get("Tags"):
        kwargs["Tags"] = p["Tags"]
    arn = acm.import_certificate(**kwargs)["CertificateArn"]
    kwargs.clear()  # drop the key material as soon as ACM has it
    verb = "re-imported" if p.get("CertificateArn") else "imported"
    return (
        f"{verb} {domain} as {arn} (serial {material.serial:x}, expires {_iso(material.not_after)})"
    )


# --------------------------------------------------------------------------- time and serials


def serial_matches(reported: Any, serial: int) -> bool:
    """ACM reports serials as colon-separated hex (``0a:1b:...``); moto as decimal."""
    if reported is None:
        return False
    text = str(reported).strip().lower()
    if ":" in text:
        try:
            return int(text.replace(":", ""), 16) == serial
        except ValueError:
            return False
    return text in (str(serial), f"{serial:x}", f"{serial:02x}")


def snapshot_time(value: Any) -> dt.datetime:
    """A time as the snapshot holds it (ISO 8601 text with a Z, or a datetime), in UTC."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return dt.datetime.strptime(str(value), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
