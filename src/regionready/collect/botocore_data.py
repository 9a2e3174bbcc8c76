"""botocore's data files (service models, endpoint rules), read once per process.

A new botocore session reads and parses each service's model and the endpoint rules
again (tens of milliseconds a client); an organisation's accounts each have their own
session. The files do not change while the run lasts, and the loader only caches what
it parsed, so every assumed-role session shares one loader (:func:`shared_loader`), and
the names of calls not made come from the same parsed models (:func:`service_model`).
"""

from __future__ import annotations

import threading

import botocore.loaders
import botocore.session
from botocore.model import ServiceModel

# Many collector threads ask at once when a scan starts: one of them parses.
_LOCK = threading.Lock()
_LOADER: list[botocore.loaders.Loader] = []
_MODELS: dict[str, ServiceModel] = {}


def shared_loader() -> botocore.loaders.Loader:
    """The loader every assumed-role session of the run is given."""
    with _LOCK:
        if not _LOADER:
            _LOADER.append(botocore.session.get_session().get_component("data_loader"))
        return _LOADER[0]


def service_model(service: str) -> ServiceModel:
    """The model of ``service`` (``kms``, ``sso-admin``), parsed once."""
    loader = shared_loader()
    with _LOCK:
        if service not in _MODELS:
            raw = loader.load_service_model(service, "service-2")
            _MODELS[service] = ServiceModel(raw, service_name=service)
        return _MODELS[service]
