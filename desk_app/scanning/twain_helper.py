"""The 32-bit TWAIN helper process (run by a 32-bit Python with ``pytwain``; see twain.py).

JSON lines on stdin/stdout. Not imported by the desk: it runs alone, on Windows only.
"""
from __future__ import annotations

import base64
import json
import sys


def main() -> int:  # pragma: no cover - Windows, 32-bit, a real TWAIN source
    try:
        import twain  # type: ignore[import-not-found]
    except ImportError:
        print(json.dumps({"error": {"code": 1, "message": "pytwain missing"}}), flush=True)
        return 1
    sm = twain.SourceManager(0)
    src = None
    pending = 0
    for line in sys.stdin:
        req = json.loads(line)
        op = req.get("op")
        try:
            if op == "quit":
                print(json.dumps({"ok": True}), flush=True)
                return 0
            if op == "list":
                ans = {"devices": [{"id": n, "model": n} for n in sm.source_list]}
            elif op == "options":
                ans = {"sources": ["Flatbed", "Feeder", "Duplex"],
                       "resolutions": [75, 100, 150, 200, 300, 600]}
            elif op == "open":
                src = sm.open_source(req["device"])
                feeder = req["source"] != "Flatbed"
                src.set_capability(twain.CAP_FEEDERENABLED, twain.TWTY_BOOL, feeder)
                src.set_capability(twain.CAP_DUPLEXENABLED, twain.TWTY_BOOL,
                                   req["source"] == "Duplex")
                src.set_capability(twain.ICAP_XRESOLUTION, twain.TWTY_FIX32, float(req["dpi"]))
                src.set_capability(twain.ICAP_YRESOLUTION, twain.TWTY_FIX32, float(req["dpi"]))
                pixel = {"bw": twain.TWPT_BW, "gray": twain.TWPT_GRAY, "color": twain.TWPT_RGB}
                src.set_capability(twain.ICAP_PIXELTYPE, twain.TWTY_UINT16, pixel[req["mode"]])
                src.request_acquire(0, 0)
                pending = 1
                ans = {"ok": True}
            elif op == "next":
                if not pending:
                    ans = {"end": True}
                else:
                    handle, pending = src.xfer_image_natively()
                    bmp = twain.dib_to_bm_file(handle)
                    twain.global_handle_free(handle)
                    ans = {"page": {"format": "BMP", "data_b64": base64.b64encode(bmp).decode()}}
            elif op == "close":
                if src is not None:
                    src.destroy()
                src, pending = None, 0
                ans = {"ok": True}
            else:
                ans = {"error": {"code": 1, "message": f"unknown op {op}"}}
        except Exception as exc:  # noqa: BLE001  (twain.excTWCC_* carry the condition code)
            ans = {"error": {"code": getattr(exc, "cc", 1), "message": str(exc)[:200]}}
        print(json.dumps(ans), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
