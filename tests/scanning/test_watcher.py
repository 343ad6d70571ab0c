"""The scan-to-folder watcher: slowly growing files, vanishing files, non-images, each taken once."""
from __future__ import annotations

import io
import threading

from PIL import Image

from desk_app.scanning.assemble import assemble, load_file
from desk_app.scanning.watcher import FolderWatcher, sniff_kind


def _jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (300, 400), (200, 210, 220)).save(buf, "JPEG", dpi=(150, 150))
    return buf.getvalue()


def _importer(calls):
    def imp(path):
        calls.append(path.name)
        return assemble(load_file(path), "color_jpeg").pages
    return imp


def test_a_slowly_growing_file_is_taken_once_when_stable(tmp_path) -> None:
    calls: list[str] = []
    w = FolderWatcher(tmp_path, _importer(calls), stable_polls=2, interval=0)
    data = _jpeg()
    target = tmp_path / "scan0001.jpg"
    chunks = [data[i:i + 1000] for i in range(0, len(data), 1000)]
    go, wrote = threading.Event(), threading.Event()

    def writer():   # a copier writing a chunk each time it is told to
        with open(target, "wb") as fh:
            for c in chunks:
                go.wait()
                go.clear()
                fh.write(c)
                fh.flush()
                wrote.set()

    t = threading.Thread(target=writer)
    t.start()
    events = []
    for _ in chunks:
        go.set()
        assert wrote.wait(5)
        wrote.clear()
        events += w.poll()
        events += w.poll()        # one poll with the same size: not yet stable (needs 2)
    t.join()
    assert events == [] and calls == []
    for _ in range(3):
        events += w.poll()
    assert [e.kind for e in events] == ["imported"] and calls == ["scan0001.jpg"]
    assert (tmp_path / "imported" / "scan0001.jpg").read_bytes() == data
    assert not target.exists()
    assert w.poll() == [] and calls == ["scan0001.jpg"]     # never twice


def test_vanishing_and_non_image_files(tmp_path) -> None:
    calls: list[str] = []
    w = FolderWatcher(tmp_path, _importer(calls), stable_polls=2, interval=0)
    (tmp_path / "gone.jpg").write_bytes(_jpeg())
    (tmp_path / "notes.txt").write_text("không phải ảnh", encoding="utf-8")
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0garbage" * 10)
    (tmp_path / "~$lock.jpg").write_bytes(b"x")
    (tmp_path / "half.pdf.part").write_bytes(b"%PDF-")
    assert w.poll() == []
    (tmp_path / "gone.jpg").unlink()
    events = w.poll() + w.poll() + w.poll()
    by = {e.name: e for e in events}
    assert by["gone.jpg"].kind == "vanished"
    assert by["notes.txt"].kind == "rejected" and "not an image" in by["notes.txt"].en
    assert by["broken.jpg"].kind == "rejected" and "damaged" in by["broken.jpg"].en
    assert (tmp_path / "rejected" / "notes.txt").exists()
    assert (tmp_path / "rejected" / "broken.jpg").exists()
    assert set(by) == {"gone.jpg", "notes.txt", "broken.jpg"} and calls == ["broken.jpg"]
    assert (tmp_path / "~$lock.jpg").exists() and (tmp_path / "half.pdf.part").exists()


def test_same_name_again_is_a_new_file(tmp_path) -> None:
    calls: list[str] = []
    w = FolderWatcher(tmp_path, _importer(calls), stable_polls=1, interval=0)
    for _ in range(2):
        (tmp_path / "scan.jpg").write_bytes(_jpeg())
        w.poll()
        w.poll()
    assert calls == ["scan.jpg", "scan.jpg"]
    assert sorted(p.name for p in (tmp_path / "imported").iterdir()) == ["scan-1.jpg", "scan.jpg"]


def test_run_is_a_cancellable_job(tmp_path) -> None:
    from desk_app.jobs import CancelToken

    token = CancelToken()
    seen = []
    w = FolderWatcher(tmp_path, lambda p: None, stable_polls=1, interval=0.01)
    (tmp_path / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)

    def on_event(ev):
        seen.append(ev.kind)
        token.cancel()

    w.run(on_event=on_event, cancel=token, max_polls=50)
    assert seen == ["imported"]


def test_sniff() -> None:
    assert sniff_kind(b"%PDF-1.7") == "pdf" and sniff_kind(b"RIFF\0\0\0\0WEBPVP8 ") == "webp"
    assert sniff_kind(b"hello") is None
