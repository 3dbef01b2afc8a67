"""Analyses computed when data lands, stored beside the incident store for every process.

When months are ingested (``python -m cli.ingest``, the Data page, the first start, the update
command) the default county analyses (``models.analysis.default_requests``) are computed
once and stored here, so the first user after a restart, or of a second app process, reads
them instead of waiting for Gi* with permutations. A result is keyed by the store's commit
id (``geo.store.Store.token``, which every ingest changes) and a digest of the request
(filters and statistics), so a result of another state of the store is never found: it is
never shown stale. Results of earlier commits are removed when a newer one is stored.

Each file is ``<store>/results/<commit>/<digest>.result``: a format line, an HMAC-SHA256 of
the payload, and the payload, a pickle of the analysis. The HMAC is keyed from the sign-in
signing secret (``security.signin_store.signing_secret``: ``PRECISION_COOKIE_SECRET``, or
the store's owner-only ``session_secret`` file). A file whose HMAC does not match is never
unpickled (it is logged and computed again), so someone who can write to the results folder
but not read the secret cannot make the app run code by planting a result. Without
a usable secret nothing is stored or read, and every analysis is computed on demand.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import pickle
import shutil
from pathlib import Path

from core.files import atomic_write_bytes, content_digest
from core.settings import Settings, get_settings
from security import signin_store

__all__ = ["FORMAT", "load_result", "request_key", "results_dir", "save_result"]

_log = logging.getLogger(__name__)

#: First line of every result file.
FORMAT = b"precision-analysis-result 1\n"

_KEY_CONTEXT = b"precision-hotspots analysis results v1"


def request_key(*parts: object) -> str:
    """A digest naming a request: the ``repr`` of its frozen parts (filters, statistics)."""
    return content_digest(*(repr(p) for p in parts), length=32)


def results_dir(settings: Settings | None = None) -> Path:
    """The folder of stored results (``<store>/results`` of the incidents shown: the
    demonstration history's store in that demo)."""
    return (settings or get_settings()).data_store_dir / "results"


def _key(settings: Settings) -> bytes | None:
    secret = signin_store.signing_secret(settings)
    if secret is None:
        return None
    return hmac.new(secret, _KEY_CONTEXT, hashlib.sha256).digest()


def _path(settings: Settings, commit: str, key: str) -> Path:
    if not commit or not commit.replace("-", "").isalnum():
        raise ValueError(f"not a store commit id: {commit!r}")
    return results_dir(settings) / commit / f"{key}.result"


def save_result(commit: str, key: str, result: object, settings: Settings | None = None) -> bool:
    """Store ``result`` for the store commit ``commit`` under ``key``; remove the results of
    every other commit. Returns False (storing nothing) without a usable signing secret.

    Parameters
    ----------
    commit : str
        The store's commit id when the result was computed.
    key : str
        :func:`request_key` of the request.
    result : object
        The analysis (any picklable value).
    settings : Settings, optional
        Default :func:`core.settings.get_settings`.
    """
    settings = settings or get_settings()
    mac_key = _key(settings)
    if mac_key is None:
        return False
    payload = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    mac = hmac.new(mac_key, payload, hashlib.sha256).hexdigest().encode("ascii")
    path = _path(settings, commit, key)
    atomic_write_bytes(path, FORMAT + mac + b"\n" + payload)
    for other in results_dir(settings).iterdir():
        if other.is_dir() and other.name != commit:
            shutil.rmtree(other, ignore_errors=True)
    return True


def load_result(commit: str, key: str, settings: Settings | None = None) -> object | None:
    """The result stored for ``commit`` and ``key``, or None (none stored, no secret, or a
    file that is not one this product signed: that one is logged and ignored)."""
    settings = settings or get_settings()
    try:
        path = _path(settings, commit, key)
        content = path.read_bytes()
    except (ValueError, FileNotFoundError):
        return None
    except OSError as exc:
        _log.warning("stored analysis %s cannot be read: %s", key, exc)
        return None
    mac_key = _key(settings)
    if mac_key is None:
        return None
    head, _, rest = content.partition(b"\n")
    mac, _, payload = rest.partition(b"\n")
    expected = hmac.new(mac_key, payload, hashlib.sha256).hexdigest().encode("ascii")
    if head + b"\n" != FORMAT or not hmac.compare_digest(mac, expected):
        _log.error("%s: not a result this product signed; ignored (the analysis is computed again)", path)
        return None
    result: object = pickle.loads(payload)  # signed: checked above
    return result
