"""In-memory state of the ANAF simulator: clock, configuration, tokens, uploads, mailboxes, quotas,
queued faults and scripts, and the request log.

One :class:`SimulatorState` serves one simulator app. It is shared between the server thread and
the test thread, so every public method takes ``self.lock``. Times are UTC ``datetime`` values;
ANAF's day boundaries (quotas) and ``data_creare`` use Romanian local time (Europe/Bucharest).
Upload and processing logic live in :mod:`plugins.anaf.simulator.processing`; this module only
holds the records and the small bookkeeping around them.
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

__all__ = [
    "BUCHAREST",
    "AuthCode",
    "Fault",
    "Message",
    "OAuthClient",
    "Script",
    "SimClock",
    "SimConfig",
    "SimulatorState",
    "TokenRecord",
    "Upload",
]

BUCHAREST = ZoneInfo("Europe/Bucharest")
UTC = dt.timezone.utc

#: Default OAuth application registered after every reset.
DEFAULT_CLIENT_ID = "sim-client"
DEFAULT_CLIENT_SECRET = "sim-secret"
DEFAULT_REDIRECT_URI = "http://127.0.0.1/anaf/callback"


class SimClock:
    """Simulated time: the real clock plus an offset, or a frozen instant (control plane)."""

    def __init__(self) -> None:
        self._offset = dt.timedelta(0)
        self._frozen: dt.datetime | None = None

    def now(self) -> dt.datetime:
        """Current simulated time (UTC, aware)."""
        if self._frozen is not None:
            return self._frozen
        return dt.datetime.now(UTC) + self._offset

    def local(self) -> dt.datetime:
        """Current simulated time in Europe/Bucharest."""
        return self.now().astimezone(BUCHAREST)

    def advance(self, seconds: float) -> None:
        if self._frozen is not None:
            self._frozen += dt.timedelta(seconds=seconds)
        else:
            self._offset += dt.timedelta(seconds=seconds)

    def set(self, when: dt.datetime, *, frozen: bool = False) -> None:
        """Jump to ``when`` (aware); ``frozen`` stops the clock there until the next set/advance."""
        when = when.astimezone(UTC)
        if frozen:
            self._frozen = when
        else:
            self._frozen = None
            self._offset = when - dt.datetime.now(UTC)

    def reset(self) -> None:
        self._offset, self._frozen = dt.timedelta(0), None


@dataclass
class SimConfig:
    """Tunables, all settable through ``POST /__sim/config``. Durations in seconds."""

    token_expires_in: int = 7_776_000  # 90 days
    refresh_expires_in: int = 31_536_000  # 365 days
    code_ttl: int = 60
    refresh_grace: int = 0  # a rotated refresh token stays usable this long
    authorize_denied: bool = False  # authorize answers error=access_denied
    subject: str = "SIM-USER-1"  # the person behind the tokens issued by authorize
    rights: dict[str, list[str]] | None = None  # token sub → CIFs; None: sandbox, every CIF
    default_polls: int = 2  # polls answered "in prelucrare" before the outcome
    processing_seconds: float = 30.0  # per scripted poll: unpolled uploads finish after polls × this
    rate_limit_per_minute: int = 1000
    rate_limit_mode: str = "429"  # or "204": empty 204 instead of 429
    executari_register: list[str] = field(default_factory=list)
    quota: dict[str, int] = field(
        default_factory=lambda: {
            "stareMesaj": 100,
            "descarcare": 10,
            "lista": 1000,
            "listaPaginatie": 100_000,
            "rasp": 1000,
        }
    )

    def update(self, values: dict[str, Any]) -> None:
        for key, value in values.items():
            if not hasattr(self, key):
                raise KeyError(f"unknown simulator setting {key!r}")
            if key == "quota":
                self.quota.update(value)
            else:
                setattr(self, key, value)


@dataclass
class OAuthClient:
    client_id: str
    client_secret: str
    redirect_uris: set[str]


@dataclass
class AuthCode:
    code: str
    client_id: str
    redirect_uri: str
    subject: str
    created_at: dt.datetime
    used: bool = False


@dataclass
class TokenRecord:
    """An issued token; ``kind`` is ``access`` or ``refresh``; ``rotated_at`` set once replaced."""

    token: str
    kind: str
    subject: str
    client_id: str
    expires_at: dt.datetime
    jwt: bool
    revoked: bool = False
    rotated_at: dt.datetime | None = None


@dataclass
class Upload:
    """One accepted upload; ``outcome`` is decided at the door, revealed when processed."""

    index: int
    env: str
    standard: str
    cif: str  # the ``cif`` query parameter (the uploader's mailbox)
    raw: bytes
    created_at: dt.datetime
    ready_at: dt.datetime
    polls_left: int
    outcome: str  # ok | nok | XML cu erori nepreluat de sistem
    errors: list[str] = field(default_factory=list)
    number: str | None = None
    issue_date: dt.date | None = None
    seller_cif: str | None = None
    buyer_cif: str | None = None
    rasp_index: str | None = None
    autofactura: bool = False
    stare: str = "in prelucrare"
    download_id: int | None = None


@dataclass
class Message:
    """One message of an SPV mailbox. ``cif`` None: visible to every CIF (sandbox inbox);
    ``env`` None: visible in test and prod. ``content`` is the ``<index>.xml`` of its ZIP."""

    id: int
    cif: str | None
    env: str | None
    tip: str
    id_solicitare: int
    detalii: str
    created_at: dt.datetime
    content: bytes


@dataclass
class Fault:
    """A queued fault for the next matching request of ``endpoint`` (or ``any``).

    ``kind``: ``delay`` (``delay_ms`` then answer), ``drop`` (process, then close the connection
    without a response), ``500``, ``waf``, ``429``, ``204``, and for ``descarcare`` also
    ``zip_malformed``, ``zip_missing_entry``, ``zip_extra_entry``, ``zip_json``.
    ``match``: invoice number (upload) or id (stareMesaj, descarcare); None matches all.
    """

    endpoint: str
    kind: str
    match: str | None = None
    delay_ms: int = 0
    times: int = 1


@dataclass
class Script:
    """A queued processing outcome for the next upload (or the one whose number is ``match``)."""

    outcome: str
    errors: list[str] = field(default_factory=list)
    polls: int | None = None
    match: str | None = None


class SimulatorState:
    """Everything the simulator remembers. ``validator`` is the optional business-validation hook.

    ``validator(xml_bytes) -> list[str]``: when set (the core plugs its XSD + schematron engine
    in), it is called for every upload and ``/validare``; a non-empty list makes the outcome
    ``nok`` with those messages. Unset (default), the simulator checks no business rules.
    """

    def __init__(self, *, validator: Callable[[bytes], list[str]] | None = None) -> None:
        self.lock = threading.RLock()
        self.clock = SimClock()
        self.validator = validator
        self.reset()

    def reset(self) -> None:
        """Forget everything (clock, config, tokens, uploads, mailboxes, registry records, faults, log) but ``validator``."""
        with self.lock:
            self.clock.reset()
            self.config = SimConfig()
            self.clients: dict[str, OAuthClient] = {
                DEFAULT_CLIENT_ID: OAuthClient(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, {DEFAULT_REDIRECT_URI})
            }
            self.codes: dict[str, AuthCode] = {}
            self.tokens: dict[str, TokenRecord] = {}
            self.uploads: dict[int, Upload] = {}
            self.messages: dict[int, Message] = {}
            self.faults: list[Fault] = []
            self.scripts: list[Script] = []
            self.requests: list[dict[str, Any]] = []
            # VAT-registry records added through /__sim/registry, by CUI; they win over the
            # built-in table of plugins.anaf.simulator.registry (ANAF PlatitorTvaRest v9 shape).
            self.registry: dict[int, dict[str, Any]] = {}
            self.counters: dict[tuple[str, str, dt.date], int] = {}
            self.minute_calls: dict[dt.datetime, int] = {}
            self._upload_ids = itertools.count(5_000_000_001)
            self._download_ids = itertools.count(3_000_000_001)

    # --- ids ---------------------------------------------------------------------------------

    def next_upload_id(self) -> int:
        """Monotonic 10-digit ``index_incarcare`` (5xxxxxxxxx)."""
        with self.lock:
            return next(self._upload_ids)

    def next_download_id(self) -> int:
        """Monotonic 10-digit download id (3xxxxxxxxx), never equal to an upload id."""
        with self.lock:
            while True:
                candidate = next(self._download_ids)
                if candidate not in self.messages:
                    return candidate

    # --- OAuth registrations and rights ------------------------------------------------------

    def register_client(self, client_id: str, client_secret: str, redirect_uris: list[str]) -> None:
        with self.lock:
            self.clients[client_id] = OAuthClient(client_id, client_secret, set(redirect_uris))

    def rights_error(self, subject: str, cif: str) -> str | None:
        """The SPV-rights text for ``subject`` acting for ``cif``, or None when allowed."""
        from plugins.anaf.simulator import texts

        with self.lock:
            if self.config.rights is None:
                return None
            cifs = self.config.rights.get(subject) or []
            if not cifs:
                return texts.NO_CIF_RIGHTS
            return None if cif in cifs else texts.no_rights_for(cif)

    # --- quotas and throttling ---------------------------------------------------------------

    def quota_take(self, kind: str, key: str) -> bool:
        """Count one call of ``kind`` for ``key`` today (Bucharest); False when already exhausted."""
        with self.lock:
            slot = (kind, key, self.clock.local().date())
            used = self.counters.get(slot, 0)
            if used >= self.config.quota[kind]:
                return False
            self.counters[slot] = used + 1
            return True

    def quota_set(self, kind: str, key: str, count: int) -> None:
        """Pre-set today's counter (e.g. "download id X already used 10 times today")."""
        with self.lock:
            self.counters[(kind, key, self.clock.local().date())] = count

    def rate_take(self) -> float | None:
        """Count one REST call in the current simulated minute; seconds to wait when over the limit."""
        with self.lock:
            now = self.clock.now()
            minute = now.replace(second=0, microsecond=0)
            self.minute_calls = {m: c for m, c in self.minute_calls.items() if m == minute}
            used = self.minute_calls.get(minute, 0) + 1
            self.minute_calls[minute] = used
            if used > self.config.rate_limit_per_minute:
                return 60 - now.second - now.microsecond / 1e6
            return None

    # --- faults and scripts ------------------------------------------------------------------

    def queue_fault(self, fault: Fault) -> None:
        with self.lock:
            self.faults.append(fault)

    def take_fault(
        self, endpoint: str, keys: tuple[str | None, ...] = (), kinds: frozenset[str] | None = None
    ) -> Fault | None:
        """Consume the first queued fault for ``endpoint`` whose ``match`` is in ``keys``."""
        with self.lock:
            for fault in self.faults:
                if fault.endpoint not in (endpoint, "any"):
                    continue
                if fault.match is not None and fault.match not in keys:
                    continue
                if kinds is not None and fault.kind not in kinds:
                    continue
                fault.times -= 1
                if fault.times <= 0:
                    self.faults.remove(fault)
                return fault
            return None

    def queue_script(self, script: Script) -> None:
        with self.lock:
            self.scripts.append(script)

    def take_script(self, number: str | None) -> Script | None:
        with self.lock:
            for script in self.scripts:
                if script.match is None or script.match == number:
                    self.scripts.remove(script)
                    return script
            return None

    # --- request log -------------------------------------------------------------------------

    def log_request(self, entry: dict[str, Any]) -> None:
        with self.lock:
            self.requests.append(entry)

    def request_log(self) -> list[dict[str, Any]]:
        with self.lock:
            return [dict(entry) for entry in self.requests]

    # --- inbox -------------------------------------------------------------------------------

    def load_inbox(self, directory: str | Path, *, cif: str | None = None, spread_days: float = 3.0) -> list[int]:
        """Turn every ``*.xml`` file of ``directory`` into a FACTURA PRIMITA message.

        Visible to ``cif``'s mailbox, or to every CIF when None (sandbox); message ids derive from
        the file names, so loading again adds nothing; ``data_creare`` is spread over the last
        ``spread_days`` days. Returns the message ids (download ids).
        """
        from plugins.anaf.simulator.processing import load_inbox

        return load_inbox(self, Path(directory), cif=cif, spread_days=spread_days)
