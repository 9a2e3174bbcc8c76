"""One RSA key per size for moto: seeding speed, not an AWS behaviour.

moto makes a fresh RSA key for every ACM certificate it issues and for every KMS key, a
symmetric one included (it never uses that key): tens of milliseconds of CPU each, most
of the time a seed or a test spends creating certificates and keys. Within
:func:`shared_keys`, moto's calls reuse one key per (public exponent, size); a call from
anywhere else (regionready's own test certificates, the code under test) gets a fresh
key as usual. Nothing regionready reads depends on moto's key material: collectors never
read private keys, and certificates still differ by their names, serials and ARNs.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa


@contextmanager
def shared_keys() -> Iterator[None]:
    """Within the block, moto reuses one RSA key per (public exponent, key size)."""
    original = rsa.generate_private_key
    cache: dict[tuple[int, int], rsa.RSAPrivateKey] = {}
    lock = threading.Lock()

    def generate_private_key(
        public_exponent: int, key_size: int, backend: Any = None
    ) -> rsa.RSAPrivateKey:
        frame = inspect.currentframe()
        caller = frame.f_back if frame is not None else None
        module = str(caller.f_globals.get("__name__", "")) if caller is not None else ""
        if not module.startswith("moto."):
            return original(public_exponent=public_exponent, key_size=key_size)
        with lock:
            key = cache.get((public_exponent, key_size))
            if key is None:
                key = original(public_exponent=public_exponent, key_size=key_size)
                cache[(public_exponent, key_size)] = key
        return key

    rsa.generate_private_key = generate_private_key
    try:
        yield
    finally:
        rsa.generate_private_key = original
