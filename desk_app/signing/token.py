"""PKCS#11 tokens: load the module, list tokens and certificates, log in, sign raw digests.

Every function that touches the module is ``@runs_on("token")``: PKCS#11 modules of Vietnamese
tokens are not thread-safe and some keep per-thread state, so one thread (``device_thread("token")``)
makes every call, enumeration included. Callers on other threads use ``on_token(fn, ...)``.

The PIN comes from the :class:`DeviceHandler` (``ask_pin``), goes to ``C_Login`` and is dropped:
it is never stored, logged, put in an exception or a repr. A PIN-pad reader (protected
authentication path) gets no PIN at all: the person types it on the reader.
"""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from asn1crypto import x509 as asn1_x509

from desk_app.devices import DeviceHandler, PinRequest, device_thread, runs_on
from desk_app.signing import errors as E
from desk_app.signing.middleware import process_bits

__all__ = [
    "CertInfo", "TokenConfig", "TokenInfo", "TokenSession", "cert_info", "list_tokens",
    "load_module", "map_token_error", "on_token", "open_session", "pin_state",
]

log = logging.getLogger(__name__)
FAMILY = "token"


def on_token(fn, *args: Any, **kwargs: Any):
    """Run ``fn`` on the token thread and wait for it (at once when already there)."""
    return device_thread(FAMILY).call(fn, *args, **kwargs)


@dataclass(frozen=True)
class TokenConfig:
    """Which module, token and certificate to use (from the desk's settings or the CLI)."""

    lib: str
    token_label: str | None = None
    cert_subject: str | None = None     # a piece of the subject, e.g. the person's name
    cert_id: str | None = None          # CKA_ID in hex


@dataclass(frozen=True)
class CertInfo:
    label: str
    id_hex: str
    subject: str
    common_name: str
    organisation: str
    issuer: str
    not_before: datetime
    not_after: datetime
    key_usage: tuple[str, ...]
    serial: int
    sha256: str
    is_ca: bool
    has_key: bool = True
    der: bytes = field(default=b"", repr=False, compare=False)

    def asn1(self) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(self.der)

    def check_validity(self, at: datetime | None = None) -> None:
        """Raise the person's error when the certificate is expired or not yet valid at ``at``."""
        at = at or datetime.now(timezone.utc)
        if at > self.not_after:
            raise E.cert_expired(self.common_name, self.not_after)
        if at < self.not_before:
            raise E.cert_not_yet_valid(self.common_name, self.not_before)


def _name_part(name: asn1_x509.Name, key: str) -> str:
    value = name.native.get(key, "")
    return ", ".join(value) if isinstance(value, list) else str(value or "")


def cert_info(der: bytes, *, label: str = "", id_hex: str = "", has_key: bool = True) -> CertInfo:
    c = asn1_x509.Certificate.load(der)
    tbs = c["tbs_certificate"]
    validity = tbs["validity"]
    ku = c.key_usage_value.native if c.key_usage_value is not None else set()
    return CertInfo(
        label=label, id_hex=id_hex, subject=c.subject.human_friendly,
        common_name=_name_part(c.subject, "common_name"),
        organisation=_name_part(c.subject, "organization_name"),
        issuer=c.issuer.human_friendly,
        not_before=validity["not_before"].native, not_after=validity["not_after"].native,
        key_usage=tuple(sorted(ku)), serial=c.serial_number,
        sha256=hashlib.sha256(der).hexdigest(), is_ca=bool(c.ca), has_key=has_key, der=der)


@dataclass(frozen=True)
class TokenInfo:
    slot_id: int
    label: str
    manufacturer: str
    model: str
    serial: str
    pinpad: bool
    pin_state: str                       # "ok" | "count_low" | "final_try" | "locked"
    tries_left: int | None
    certificates: tuple[CertInfo, ...] = ()

    @property
    def device(self) -> str:
        return f"“{self.label}” ({self.manufacturer.strip()} {self.serial.strip()})".replace(" )", ")")


def pin_state(flags: int) -> tuple[str, int | None]:
    """The user PIN's state from the token flags: (state, tries left when the token says)."""
    from pkcs11.constants import TokenFlag

    if flags & TokenFlag.USER_PIN_LOCKED:
        return "locked", 0
    if flags & TokenFlag.USER_PIN_FINAL_TRY:
        return "final_try", 1
    if flags & TokenFlag.USER_PIN_COUNT_LOW:
        return "count_low", None
    return "ok", None


# --------------------------------------------------------------------------- the module

_libs: dict[str, Any] = {}
_live: dict[tuple[str, int], "TokenSession"] = {}     # one login per token at a time


@runs_on(FAMILY)
def load_module(path: str):
    """The loaded PKCS#11 module (once per path per process)."""
    import pkcs11

    lib = _libs.get(path)
    if lib is None:
        try:
            lib = pkcs11.lib(path)
        except (OSError, RuntimeError) as exc:  # dlopen / LoadLibrary text says why
            raise E.module_load_failed(path, str(exc), bits=process_bits()) from None
        except pkcs11.exceptions.PKCS11Error as exc:
            raise E.module_load_failed(path, type(exc).__name__, bits=process_bits()) from None
        _libs[path] = lib
    return lib


def _token_info(slot, token, certs=()) -> TokenInfo:
    from pkcs11.constants import TokenFlag

    state, tries = pin_state(int(token.flags))
    return TokenInfo(slot_id=int(slot.slot_id), label=token.label.strip(),
                     manufacturer=str(token.manufacturer_id).strip(), model=str(token.model).strip(),
                     serial=(token.serial.decode("ascii", "replace")
                             if isinstance(token.serial, bytes) else str(token.serial)).strip(),
                     pinpad=bool(token.flags & TokenFlag.PROTECTED_AUTHENTICATION_PATH),
                     pin_state=state, tries_left=tries, certificates=tuple(certs))


def _read_certs(session) -> list[CertInfo]:
    from pkcs11 import Attribute, ObjectClass

    key_ids = set()
    for key in session.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY}):
        try:
            key_ids.add(bytes(key[Attribute.ID]))
        except Exception:  # noqa: BLE001  (a key without CKA_ID cannot be matched)
            pass
    out: list[CertInfo] = []
    for obj in session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE}):
        try:
            der = bytes(obj[Attribute.VALUE])
            cid = bytes(obj[Attribute.ID])
            label = obj[Attribute.LABEL]
        except Exception:  # noqa: BLE001
            continue
        out.append(cert_info(der, label=label, id_hex=cid.hex(),
                             has_key=cid in key_ids or not key_ids))
    return out


@runs_on(FAMILY)
def list_tokens(lib_path: str, *, with_certs: bool = True) -> list[TokenInfo]:
    """The tokens present and their certificates (public objects: no PIN needed). Keys are
    private objects on most tokens, so before login ``has_key`` means "not known to be missing"."""
    lib = load_module(lib_path)
    out: list[TokenInfo] = []
    try:
        for slot, token in _present_tokens(lib):
            certs: list[CertInfo] = []
            if with_certs:
                with token.open() as s:
                    certs = _read_certs(s)
            out.append(_token_info(slot, token, certs))
    except Exception as exc:
        log.debug("listing tokens failed", exc_info=True)
        raise map_token_error(exc, lib_path) from exc
    return out


def _present_tokens(lib) -> list:
    """(slot, token) for every initialised token present (a blank slot is not a token)."""
    from pkcs11.constants import TokenFlag

    out = []
    for slot in lib.get_slots(token_present=True):
        token = slot.get_token()
        if token.flags & TokenFlag.TOKEN_INITIALIZED:
            out.append((slot, token))
    return out


def map_token_error(exc: BaseException, device: str) -> BaseException:
    """A PKCS#11 failure as the person's error (anything else unchanged)."""
    import pkcs11.exceptions as X

    seen = exc
    while seen is not None:
        if isinstance(seen, (X.DeviceRemoved, X.TokenNotPresent, X.SessionHandleInvalid,
                             X.SessionClosed, X.DeviceError, X.TokenNotRecognised,
                             X.SlotIDInvalid, X.UserNotLoggedIn, X.ObjectHandleInvalid,
                             X.KeyHandleInvalid)):
            return E.token_removed(device, cause=type(seen).__name__)
        if isinstance(seen, X.PinLocked):
            return E.pin_locked(device)
        seen = seen.__cause__ or seen.__context__
    return exc


# --------------------------------------------------------------------------- a logged-in session

class TokenSession:
    """One login on one token, for many signatures (a batch logs in once)."""

    def __init__(self, session, info: TokenInfo, cert: CertInfo, chain: list, key) -> None:
        self._session = session
        self.info = info
        self.cert = cert
        self.chain = chain          # the other certificates on the token (issuing CAs)
        self._key = key
        self.closed = False

    @property
    def device(self) -> str:
        return self.info.device

    def __repr__(self) -> str:
        return f"TokenSession({self.device}, cert={self.cert.common_name!r}, closed={self.closed})"

    @runs_on(FAMILY)
    def sign_raw(self, data: bytes, mechanism_kwargs: dict[str, Any]) -> bytes:
        if self.closed:
            raise E.token_removed(self.device)
        try:
            return self._key.sign(data, **mechanism_kwargs)
        except Exception as exc:
            raise map_token_error(exc, self.device) from None

    def signer(self):
        """A pyhanko Signer that signs through this session on the token thread."""
        from desk_app.signing.pyhanko_signer import TokenSigner

        return TokenSigner(self)

    @runs_on(FAMILY)
    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        try:
            self._session.close()
        except Exception:  # noqa: BLE001  (a removed token cannot close its session)
            log.info("closing the session of %s failed (token removed?)", self.device)

    def _break(self) -> None:
        """Tests only: end the session behind our back, as pulling the token out does."""
        self._session.close()


def _pick_cert(certs: list[CertInfo], cfg: TokenConfig, device: str, at: datetime) -> CertInfo:
    usable = [c for c in certs if not c.is_ca and c.has_key]
    if cfg.cert_id:
        usable = [c for c in usable if c.id_hex.lower() == cfg.cert_id.lower()]
    if cfg.cert_subject:
        needle = cfg.cert_subject.casefold()
        usable = [c for c in usable if needle in c.subject.casefold()]
    if not usable:
        raise E.no_certificate(device, cfg.cert_subject)
    # prefer a certificate valid now with non-repudiation (a signing certificate)
    usable.sort(key=lambda c: (not (c.not_before <= at <= c.not_after),
                               "non_repudiation" not in c.key_usage, -c.not_after.timestamp()))
    return usable[0]


@runs_on(FAMILY)
def open_session(cfg: TokenConfig, handler: DeviceHandler, *,
                 at: datetime | None = None) -> TokenSession:
    """Find the token and the certificate, check the certificate's dates, ask the PIN (or the
    PIN pad), log in. Raises the person's SigningError for every failure; nothing is signed."""
    import pkcs11
    import pkcs11.exceptions as X
    from pkcs11 import Attribute, ObjectClass

    at = at or datetime.now(timezone.utc)
    lib = load_module(cfg.lib)
    try:
        found = _present_tokens(lib)
    except Exception as exc:
        raise map_token_error(exc, cfg.token_label or cfg.lib) from None
    if cfg.token_label:
        found = [(s, t) for s, t in found if t.label.strip() == cfg.token_label]
    if not found:
        raise E.no_token(cfg.token_label)
    slot, token = found[0]
    info = _token_info(slot, token)
    device = info.device
    if info.pin_state == "locked":
        raise E.pin_locked(device)
    busy = _live.get((cfg.lib, info.slot_id))
    if busy is not None and not busy.closed:
        raise E.SigningError("token_busy",
                             f"Thiết bị ký số {device} đang được dùng cho một lượt ký khác; "
                             "chờ lượt đó xong.",
                             f"The signing token {device} is in use by another signing run; "
                             "wait for it to finish.", device=device)
    try:
        with token.open() as public:
            certs = _read_certs(public)
    except Exception as exc:
        raise map_token_error(exc, device) from None
    cert = _pick_cert(certs, cfg, device, at)
    cert.check_validity(at)

    label_vi, label_en = "Nhập mã PIN của thiết bị ký số", "Enter the PIN of the signing token"
    if info.pin_state == "count_low":
        label_vi += " (đã có lần nhập sai — cẩn thận)"
        label_en += " (a wrong PIN was entered before — careful)"
    pin = handler.ask_pin(PinRequest(device=device, label_vi=label_vi, label_en=label_en,
                                     tries_left=info.tries_left, pinpad=info.pinpad))
    if pin is None:
        raise E.pin_cancelled(device)
    try:
        session = token.open(user_pin=pkcs11.PROTECTED_AUTH if info.pinpad else pin)
    except X.PinIncorrect:
        del pin
        state, tries = pin_state(int(slot.get_token().flags))
        if state == "locked":
            raise E.pin_locked(device) from None
        raise E.pin_wrong(device, tries) from None
    except X.PinLocked:
        raise E.pin_locked(device) from None
    except X.UserAlreadyLoggedIn:
        raise E.SigningError("token_busy",
                             f"Thiết bị ký số {device} đang được một chương trình khác dùng.",
                             f"The signing token {device} is in use by another program.",
                             device=device) from None
    except (X.PinInvalid, X.PinLenRange):
        raise E.pin_wrong(device, info.tries_left) from None
    except Exception as exc:
        raise map_token_error(exc, device) from None
    del pin
    try:
        key = session.get_key(object_class=ObjectClass.PRIVATE_KEY, id=bytes.fromhex(cert.id_hex))
        chain = []
        for obj in session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE}):
            der = bytes(obj[Attribute.VALUE])
            other = asn1_x509.Certificate.load(der)
            if der != cert.der and other.ca:
                chain.append(other)
    except X.NoSuchKey:
        session.close()
        raise E.no_certificate(device, cfg.cert_subject) from None
    except Exception as exc:
        raise map_token_error(exc, device) from None
    log.info("logged in to %s for %s", device, cert.common_name)
    ts = TokenSession(session, info, cert, chain, key)
    _live[(cfg.lib, info.slot_id)] = ts
    return ts
