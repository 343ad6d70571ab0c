"""The SANE driver in a helper process (as NAPS2 runs its drivers out of process).

Why: a SANE driver can hang inside a call and never return. Debian's libsane runs each backend's
reader through ``sanei_thread`` with pthreads, and ``sanei_thread_kill`` is an *asynchronous*
``pthread_cancel``; ``finish_pass`` (called by ``sane_read`` at the end of every page and by
``sane_cancel``) cancels the reader and joins it. When the cancel lands while the reader thread is
inside ``free``/``malloc`` it dies holding its malloc arena lock, its own thread exit
(``tcache_thread_shutdown`` → ``free``) then waits for that lock forever, and so does the
``pthread_join`` in ``sane_read``/``sane_cancel``. In the process that did it the backend is wedged
for good. In a helper process the desk kills the helper, reports "the scanner is not responding"
with the pages kept, and the next scan starts a fresh helper.

This module has two halves:

* :class:`LocalSane` — the raw SANE calls (python-sane), by handle. The helper runs it; the desk
  can also run it in its own process (``SaneScanner(in_process=True)``, for the bench).
* :func:`main` — the helper: ``python -m desk_app.scanning.sane_helper``. One JSON request per line
  on stdin (``{"op": …}``), one JSON answer per line on stdout; an answer with ``"data": N`` is
  followed by exactly N raw bytes (the page's pixels, so no base64 and no image encoding).
  Errors are ``{"error": "<sane_strstatus text>"}``. stdin at EOF (the desk is gone) ends the
  helper even while a driver call hangs.

The deadlock itself can be prevented: ``build_cancel_shim(folder)`` compiles (with the C compiler
python-sane's build needs anyway) a tiny library that makes ``pthread_setcanceltype`` a no-op, so
the readers keep *deferred* cancellation (cancelled only at a cancellation point — the ``write``,
``read`` or ``usleep`` they block in — never inside ``malloc``). ``DESK_SANE_CANCEL_SHIM=<path>``
makes the desk start the helper with it in ``LD_PRELOAD`` (Linux only; the desk's own process is
untouched). ``python -m desk_app.scanning.sane_helper --build-shim DIR`` builds it (the installer).

Test faults (only when ``DESK_SANE_HELPER_FAULTS=1`` is in the helper's environment):
``{"op": "fault", "kind": "hang"|"exit"}`` makes the next ``page`` block forever, or end the
process, after sending a ``{"notice": "fault"}`` line.
"""
from __future__ import annotations

import json
import os
import queue
import sys
import threading
from typing import Any

__all__ = ["LocalSane", "build_cancel_shim", "decode_constraint", "encode_constraint", "main"]

FAULTS_ENV = "DESK_SANE_HELPER_FAULTS"
SHIM_ENV = "DESK_SANE_CANCEL_SHIM"
SHIM_NAME = "desk_sane_deferred_cancel.so"
CANCEL_SHIM_C = r"""
/* Loaded (LD_PRELOAD) into the desk's SANE helper process only. sanei_thread's reader threads ask
   for PTHREAD_CANCEL_ASYNCHRONOUS and are then cancelled at the end of every page; a cancel that
   lands inside malloc/free leaves the malloc arena locked and the reader's own exit deadlocks on
   it (and so does sane_read/sane_cancel, joining it). Keep deferred cancellation instead. */
#include <pthread.h>
int pthread_setcanceltype(int type, int *oldtype) {
    (void)type;
    if (oldtype) *oldtype = PTHREAD_CANCEL_DEFERRED;
    return 0;
}
"""


def build_cancel_shim(folder: str | os.PathLike[str]) -> str | None:
    """Compile the deferred-cancel shim into ``folder``; its path, or None (not Linux, no C
    compiler, or the compiler failed)."""
    import shutil
    import subprocess

    if not sys.platform.startswith("linux"):
        return None
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        return None
    folder = os.fspath(folder)
    os.makedirs(folder, exist_ok=True)
    src = os.path.join(folder, "desk_sane_deferred_cancel.c")
    out = os.path.join(folder, SHIM_NAME)
    with open(src, "w", encoding="utf-8") as fh:
        fh.write(CANCEL_SHIM_C)
    done = subprocess.run([cc, "-shared", "-fPIC", "-O2", "-o", out, src],
                          capture_output=True, text=True)
    return out if done.returncode == 0 and os.path.exists(out) else None


def encode_constraint(c: Any) -> Any:
    """JSON keeps no tuple/list difference, python-sane's constraints do (range vs values)."""
    if isinstance(c, tuple):
        return {"range": list(c)}
    if isinstance(c, list):
        return {"list": c}
    return None


def decode_constraint(c: Any) -> Any:
    if isinstance(c, dict):
        if "range" in c:
            return tuple(c["range"])
        if "list" in c:
            return list(c["list"])
    return None


class LocalSane:
    """python-sane by handle, in this process. Errors are python-sane's own (``_sane.error``,
    RuntimeError, AttributeError): callers map ``str(exc)`` (``sane_strstatus`` text)."""

    def __init__(self) -> None:
        import sane  # noqa: PLC0415  (Linux only; the caller checked it is there)

        self._sane = sane
        self.version = sane.init()
        self._devs: dict[int, Any] = {}
        self._next = 1

    def list(self) -> list[list[str]]:
        return [list(d) for d in self._sane.get_devices()]

    def open(self, name: str) -> int:
        dev = self._sane.open(name)
        h = self._next
        self._next += 1
        self._devs[h] = dev
        return h

    def describe(self, handle: int) -> dict[str, Any]:
        dev = self._devs[handle]
        names = list(dev.opt)
        cons = {}
        for n in ("source", "resolution", "mode", "br_x", "br_y", "depth"):
            if n in dev.opt:
                cons[n] = encode_constraint(getattr(dev[n], "constraint", None))
        return {"names": names, "constraints": cons}

    def set(self, handle: int, name: str, value: Any) -> None:
        setattr(self._devs[handle], name, value)

    def get(self, handle: int, name: str) -> Any:
        return getattr(self._devs[handle], name)

    def page(self, handle: int) -> tuple[str, int, int, bytes]:
        """``sane_start`` + read to EOF (no cancel after: the next start is the next sheet)."""
        dev = self._devs[handle]
        dev.start()
        data, width, height, samples, _size = dev.dev.snap(True, False, None)
        if not data:
            raise RuntimeError("Scanner returned no data")
        return ("RGB" if samples == 3 else "L"), width, height, data

    def cancel(self, handle: int) -> None:
        dev = self._devs.get(handle)
        if dev is not None:
            dev.cancel()

    def close(self, handle: int) -> None:
        dev = self._devs.pop(handle, None)
        if dev is not None:
            dev.close()

    def exit(self) -> None:
        for h in list(self._devs):
            try:
                self.close(h)
            except Exception:  # noqa: BLE001  (a device already gone)
                pass
        self._sane.exit()


# --------------------------------------------------------------------------- the helper process

_EXIT_GRACE_S = 10.0      # after stdin's EOF, how long the main thread gets to close the devices


def _stdin_lines(q: queue.SimpleQueue, done: threading.Event) -> None:
    """Requests into ``q``; at EOF (the desk closed the pipe or died) end the process, even when
    the main thread hangs in a driver call (it would never read the queue again)."""
    for line in sys.stdin.buffer:
        q.put(line)
    q.put(None)
    if not done.wait(_EXIT_GRACE_S):
        os._exit(4)


def main() -> int:
    # the protocol owns the real stdout; anything a C library prints goes to stderr instead
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    def send(msg: dict[str, Any], data: bytes | bytearray | memoryview | None = None) -> None:
        if data is not None:
            msg["data"] = len(data)
        out.write(json.dumps(msg).encode() + b"\n")
        if data is not None:
            out.write(data)
        out.flush()

    faults = os.environ.get(FAULTS_ENV) == "1"
    fault: str | None = None
    try:
        drv = LocalSane()
    except Exception as exc:  # noqa: BLE001  (python-sane or libsane missing)
        send({"error": f"{type(exc).__name__}: {exc}", "fatal": True})
        return 1
    send({"ready": True, "version": list(drv.version), "pid": os.getpid()})

    requests: queue.SimpleQueue = queue.SimpleQueue()
    done = threading.Event()
    threading.Thread(target=_stdin_lines, args=(requests, done), name="sane-helper-stdin",
                     daemon=True).start()
    while True:
        line = requests.get()
        if line is None:                       # the desk is gone
            break
        req = json.loads(line)
        op = req.get("op")
        h = req.get("handle")
        try:
            if op == "quit":
                send({"ok": True})
                break
            if op == "list":
                send({"devices": drv.list()})
            elif op == "open":
                send({"handle": drv.open(req["name"])})
            elif op == "describe":
                send(drv.describe(h))
            elif op == "set":
                drv.set(h, req["name"], req["value"])
                send({"ok": True})
            elif op == "get":
                send({"value": drv.get(h, req["name"])})
            elif op == "page":
                if fault is not None:
                    send({"notice": "fault", "kind": fault})
                    if fault == "exit":
                        os._exit(3)
                    threading.Event().wait()   # a driver call that never returns
                mode, w, hgt, data = drv.page(h)
                send({"mode": mode, "width": w, "height": hgt}, data)
            elif op == "cancel":
                drv.cancel(h)
                send({"ok": True})
            elif op == "close":
                drv.close(h)
                send({"ok": True})
            elif op == "fault" and faults:
                fault = req["kind"]
                send({"ok": True})
            else:
                send({"error": f"unknown op {op!r}"})
        except Exception as exc:  # noqa: BLE001  (_sane.error, RuntimeError, AttributeError)
            send({"error": str(exc), "type": type(exc).__name__})
    try:
        drv.exit()
    finally:
        out.close()
        done.set()
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--build-shim"] and len(sys.argv) == 3:
        built = build_cancel_shim(sys.argv[2])
        print(built or "cannot build the SANE cancel shim (Linux with a C compiler needed)")
        sys.exit(0 if built else 1)
    code = main()
    # not sys.exit: the stdin thread is blocked in a read holding stdin's lock, and the normal
    # interpreter shutdown aborts on that ("could not acquire lock … at interpreter shutdown")
    sys.stderr.flush()
    os._exit(code)
