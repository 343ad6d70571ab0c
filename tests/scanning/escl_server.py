"""A small eSCL scanner on 127.0.0.1 for tests (real HTTP, http.server in a thread).

It serves ScannerCapabilities (platen + ADF simplex/duplex), ScannerStatus, POST ScanJobs and
NextDocument with generated JPEG (colour/grey) or PNG (black and white) pages, 404 after the last.
Knobs: ``sheets`` in the feeder, ``jam_after`` (pages, then the ADF reports a jam),
``vanish_after`` (pages, then the server shuts down: the device disappears mid-batch).
"""
from __future__ import annotations

import io
import re
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from PIL import Image, ImageDraw

CAPS = b"""<?xml version="1.0" encoding="UTF-8"?>
<scan:ScannerCapabilities xmlns:scan="http://schemas.hp.com/imaging/escl/2011/05/03"
  xmlns:pwg="http://www.pwg.org/schemas/2010/12/sm">
 <pwg:Version>2.63</pwg:Version><pwg:MakeAndModel>TestCo AirScan 3000</pwg:MakeAndModel>
 <scan:Platen><scan:PlatenInputCaps><scan:SettingProfiles><scan:SettingProfile>
  <scan:ColorModes><scan:ColorMode>RGB24</scan:ColorMode><scan:ColorMode>Grayscale8</scan:ColorMode>
  <scan:ColorMode>BlackAndWhite1</scan:ColorMode></scan:ColorModes>
  <scan:DocumentFormats><pwg:DocumentFormat>image/jpeg</pwg:DocumentFormat>
  <pwg:DocumentFormat>image/png</pwg:DocumentFormat></scan:DocumentFormats>
  <scan:SupportedResolutions><scan:DiscreteResolutions>
   <scan:DiscreteResolution><scan:XResolution>75</scan:XResolution><scan:YResolution>75</scan:YResolution></scan:DiscreteResolution>
   <scan:DiscreteResolution><scan:XResolution>150</scan:XResolution><scan:YResolution>150</scan:YResolution></scan:DiscreteResolution>
   <scan:DiscreteResolution><scan:XResolution>300</scan:XResolution><scan:YResolution>300</scan:YResolution></scan:DiscreteResolution>
  </scan:DiscreteResolutions></scan:SupportedResolutions>
 </scan:SettingProfile></scan:SettingProfiles></scan:PlatenInputCaps></scan:Platen>
 <scan:Adf><scan:AdfSimplexInputCaps/><scan:AdfDuplexInputCaps/></scan:Adf>
</scan:ScannerCapabilities>"""

STATUS = """<?xml version="1.0" encoding="UTF-8"?>
<scan:ScannerStatus xmlns:scan="http://schemas.hp.com/imaging/escl/2011/05/03"
  xmlns:pwg="http://www.pwg.org/schemas/2010/12/sm">
 <pwg:Version>2.63</pwg:Version><pwg:State>{state}</pwg:State><scan:AdfState>{adf}</scan:AdfState>
</scan:ScannerStatus>"""


def make_page(n: int, dpi: int, mode: str, fmt: str) -> bytes:
    w, h = int(8.27 * dpi), int(11.69 * dpi)
    img = Image.new("RGB", (w, h), "white")
    d = ImageDraw.Draw(img)
    for y in range(dpi, h - dpi, max(8, dpi // 6)):
        d.rectangle((dpi, y, w - dpi, y + max(2, dpi // 25)), fill=(20, 40, 120))
    d.text((dpi, dpi // 3), f"page {n}", fill=(0, 0, 0))
    if mode == "Grayscale8":
        img = img.convert("L")
    elif mode == "BlackAndWhite1":
        img = img.convert("L").point(lambda v: 255 if v > 128 else 0).convert("1")
    buf = io.BytesIO()
    if fmt == "image/png":
        img.save(buf, "PNG", dpi=(dpi, dpi))
    else:
        img.save(buf, "JPEG", quality=85, dpi=(dpi, dpi))
    return buf.getvalue()


class EsclServer:
    def __init__(self, *, sheets: int = 5, jam_after: int | None = None,
                 vanish_after: int | None = None, busy_first: int = 0) -> None:
        self.sheets, self.jam_after, self.vanish_after = sheets, jam_after, vanish_after
        self.busy_first = busy_first
        self.jobs: dict[str, dict] = {}
        self.requests: list[str] = []
        self.served = 0
        self.jammed = False
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):  # quiet
                pass

            def _send(self, code: int, body: bytes = b"", ctype: str = "text/xml",
                      headers: dict | None = None) -> None:
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                outer.requests.append(f"GET {self.path}")
                if self.path == "/eSCL/ScannerCapabilities":
                    return self._send(200, CAPS)
                if self.path == "/eSCL/ScannerStatus":
                    adf = "ScannerAdfJam" if outer.jammed else (
                        "ScannerAdfLoaded" if outer.sheets else "ScannerAdfEmpty")
                    return self._send(200, STATUS.format(state="Idle", adf=adf).encode())
                m = re.fullmatch(r"/eSCL/ScanJobs/([^/]+)/NextDocument", self.path)
                if not m or m.group(1) not in outer.jobs:
                    return self._send(404)
                return self._next(outer.jobs[m.group(1)])

            def _next(self, job: dict) -> None:
                if outer.busy_first > 0:
                    outer.busy_first -= 1
                    return self._send(503)
                if outer.vanish_after is not None and outer.served >= outer.vanish_after:
                    threading.Thread(target=outer.stop, daemon=True).start()
                    self.close_connection = True
                    return self.connection.shutdown(2)
                if outer.jam_after is not None and outer.served >= outer.jam_after:
                    outer.jammed = True
                    return self._send(404)
                if job["source"] == "Platen":
                    if job["done"]:
                        return self._send(404)
                else:
                    sides = 2 if job["duplex"] else 1
                    if outer.sheets <= 0 and job["pending_back"] is False:
                        return self._send(404)
                    if sides == 2 and job["pending_back"]:
                        job["pending_back"] = False
                    else:
                        outer.sheets -= 1
                        job["pending_back"] = sides == 2
                job["done"] += 1
                outer.served += 1
                body = make_page(job["done"], job["dpi"], job["mode"], job["format"])
                ctype = job["format"]
                return self._send(200, body, ctype)

            def do_POST(self):
                outer.requests.append(f"POST {self.path}")
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                if self.path != "/eSCL/ScanJobs":
                    return self._send(404)
                source = re.search(r"<pwg:InputSource>(\w+)<", body).group(1)
                if source == "Feeder" and outer.sheets <= 0:
                    return self._send(409)
                job_id = uuid.uuid4().hex
                outer.jobs[job_id] = {
                    "source": source, "duplex": "<scan:Duplex>true" in body,
                    "dpi": int(re.search(r"<scan:XResolution>(\d+)<", body).group(1)),
                    "mode": re.search(r"<scan:ColorMode>(\w+)<", body).group(1),
                    "format": re.search(r"<pwg:DocumentFormat>([\w/]+)<", body).group(1),
                    "done": 0, "pending_back": False}
                return self._send(201, headers={"Location": f"/eSCL/ScanJobs/{job_id}"})

            def do_DELETE(self):
                outer.requests.append(f"DELETE {self.path}")
                job_id = self.path.rsplit("/", 1)[-1]
                return self._send(200 if outer.jobs.pop(job_id, None) else 404)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/eSCL"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._stopped = False

    def start(self) -> EsclServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        if not self._stopped:
            self._stopped = True
            self.httpd.shutdown()
            self.httpd.server_close()
