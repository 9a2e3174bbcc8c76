"""Self-signed test certificates for moto (tests and the demo), with cached keys.

Key generation is the slow part (RSA 2048 takes tens of milliseconds), so one key per
key type is made per process and reused for every certificate of that type. These keys
only ever live in memory and in moto; they are test material, not secrets.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey

_CURVES: dict[str, ec.EllipticCurve] = {
    "EC_prime256v1": ec.SECP256R1(),
    "EC_secp384r1": ec.SECP384R1(),
    "EC_secp521r1": ec.SECP521R1(),
}


@cache
def private_key(key_algorithm: str) -> PrivateKey:
    """One cached key per ACM key algorithm name (RSA_2048, EC_prime256v1, ...)."""
    if key_algorithm.startswith("RSA_"):
        return rsa.generate_private_key(public_exponent=65537, key_size=int(key_algorithm[4:]))
    if key_algorithm in _CURVES:
        return ec.generate_private_key(_CURVES[key_algorithm])
    raise ValueError(f"unknown key algorithm {key_algorithm!r}")


def self_signed(
    domain: str,
    sans: list[str] | None = None,
    *,
    key_algorithm: str = "RSA_2048",
    not_before: dt.datetime,
    not_after: dt.datetime,
    serial: int | None = None,
) -> tuple[bytes, bytes]:
    """A (certificate PEM, private key PEM) pair for ``import_certificate``."""
    key = private_key(key_algorithm)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, domain)])
    names = [domain, *[s for s in (sans or []) if s != domain]]
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(serial if serial is not None else x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False
        )
    )
    cert = builder.sign(key, hashes.SHA256())
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    return cert_pem, key_pem
