"""CCCD QR decode rate and time on a generated set of noisy, rotated, blurred scanned cards.

Each image is a chip-card side drawn at scan resolution (the ``id_card`` profile: 300 dpi on a
105×74 mm window; some as a whole A4 page at 200 or 300 dpi with both sides of the card, some as
a phone-photo-sized frame) carrying a REAL card payload (valid 12-digit number whose century/sex
and year digits agree with the birth date, Vietnamese name and address with diacritics, the
pipe-separated layout of shared/domain.md §4) encoded by ``segno`` (installed in the venv; pure
Python, no system library — chosen over ``qrcode`` for that and for its exact version/error
level control), then: a random rotation (any angle), Gaussian noise, blur, brightness/contrast
change, JPEG compression. Decoded by ``desk_app.services.scanning.qr.find_card`` (zxing-cpp +
the clean-up ladder); the baseline is one zxing-cpp call on the raw grey image, same images,
same run.

    python bench/bench_qr.py [--n 300] [--seed 14]

Target: ≥ 99 % decoded with the ladder.
"""
from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
MIDDLE = ["Văn", "Thị", "Đức", "Thanh", "Minh", "Ngọc", "Quốc", "Hữu", "Thu"]
GIVEN = ["An", "Bình", "Dũng", "Hương", "Hà", "Khánh", "Linh", "Nam", "Phúc", "Quỳnh", "Sơn",
         "Thảo", "Tuấn", "Yến", "Đạt", "Ánh"]
PLACES = ["Xã Tân Phú, Tỉnh Đồng Nai", "Phường Bến Nghé, Thành phố Hồ Chí Minh",
          "Xã Mường Hoa, Tỉnh Lào Cai", "Thôn Đông, Xã Quảng Phú, Tỉnh Thanh Hóa",
          "Số 12 ngõ 34 phố Đội Cấn, Phường Ba Đình, Thành phố Hà Nội",
          "Ấp 3, Xã Long Hậu, Tỉnh Cần Thơ"]
PROVINCES = ["001", "002", "004", "008", "022", "031", "036", "038", "040", "046", "048", "066",
             "075", "079", "087", "092", "096"]


def card_payload(rng: random.Random) -> tuple[str, str]:
    """(payload, id number) of a plausible chip card."""
    sex = rng.choice(["Nam", "Nữ"])
    born = date(1940, 1, 1) + timedelta(days=rng.randrange(0, 365 * 66))
    century = {19: 0, 20: 2}[born.year // 100] + (1 if sex == "Nữ" else 0)
    idn = f"{rng.choice(PROVINCES)}{century}{born.year % 100:02d}{rng.randrange(10**6):06d}"
    old = f"{rng.randrange(10**9):09d}" if rng.random() < 0.5 else ""
    name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
    issued = date(2021, 1, 1) + timedelta(days=rng.randrange(0, 365 * 4))
    parts = [idn, old, name, born.strftime("%d%m%Y"), sex, rng.choice(PLACES),
             issued.strftime("%d%m%Y")]
    return "|".join(parts), idn


def qr_image(payload: str, side: int):
    """The payload's QR (segno, error level M, 2-module quiet zone) as a side×side RGB image."""
    import numpy as np
    import segno
    from PIL import Image

    qr = segno.make_qr(payload, error="m")
    m = np.array([list(row) for row in qr.matrix], dtype=np.uint8)
    m = np.pad(m, 2)
    img = Image.fromarray(((1 - m) * 255).astype(np.uint8), "L")
    return img.resize((side, side), Image.NEAREST).convert("RGB")


def card_side(payload: str, rng: random.Random, dpi: int = 300, with_qr: bool = True):
    """One side of a card (85.6×54 mm) at ``dpi``: tinted background, text bars, photo, QR."""
    import segno
    from PIL import Image, ImageDraw

    w, h = round(85.6 / 25.4 * dpi), round(54 / 25.4 * dpi)
    base = (rng.randint(200, 240), rng.randint(215, 245), rng.randint(200, 235))
    card = Image.new("RGB", (w, h), base)
    d = ImageDraw.Draw(card)
    for i in range(h):                         # the printed guilloche-ish gradient
        if i % 7 == 0:
            d.line([(0, i), (w, i)], fill=tuple(max(0, c - rng.randint(5, 25)) for c in base))
    d.rectangle((int(w * 0.04), int(h * 0.25), int(w * 0.28), int(h * 0.85)),
                fill=(rng.randint(90, 160),) * 3)
    for k in range(6):
        y = int(h * (0.2 + 0.11 * k))
        d.rectangle((int(w * 0.32), y, int(w * rng.uniform(0.55, 0.95)), y + max(2, dpi // 50)),
                    fill=(30, 30, 60))
    if with_qr:
        side = int(20 / 25.4 * dpi)           # the QR is about 20 mm wide on the card
        img = qr_image(payload, side)
        x = int(w * 0.70) if rng.random() < 0.5 else int(w * 0.03)
        card.paste(img, (min(x, w - side - 4), int(h * 0.08)))
    return card


def degrade(img, rng: random.Random, *, angle: float | None = None):
    """Scanner/phone artefacts: rotation, blur, brightness/contrast, noise, JPEG."""
    import numpy as np
    from PIL import Image, ImageEnhance, ImageFilter

    img = img.rotate(rng.uniform(0, 360) if angle is None else angle, expand=True,
                     fillcolor=(245, 245, 240), resample=Image.BILINEAR)
    if rng.random() < 0.8:
        img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.8)))
    img = ImageEnhance.Brightness(img).enhance(rng.uniform(0.75, 1.2))
    img = ImageEnhance.Contrast(img).enhance(rng.uniform(0.45, 1.2))
    a = np.asarray(img, dtype=np.float32)
    a = a + np.random.default_rng(rng.randrange(2**32)).normal(0, rng.uniform(4, 28), a.shape)
    img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=rng.randint(45, 90))
    buf.seek(0)
    return Image.open(buf).convert("RGB")


def scanned_image(rng: random.Random):
    """(image, expected id number, kind): an id_card-profile scan, an A4 page with both sides,
    or a phone-photo-sized frame."""
    from PIL import Image

    payload, idn = card_payload(rng)
    kind = rng.choices(["card", "a4", "photo"], weights=[6, 2, 2])[0]
    if kind == "card":
        dpi = rng.choice([300, 300, 300, 200])                      # a desk that lowered it
        side = card_side(payload, rng, dpi)
        ww, wh = round(105 / 25.4 * dpi), round(74 / 25.4 * dpi)    # the id_card window
        window = Image.new("RGB", (ww, wh), (250, 250, 247))
        window.paste(side, (rng.randint(0, ww - side.size[0]), rng.randint(0, wh - side.size[1])))
        return degrade(window, rng, angle=rng.uniform(-12, 12) if rng.random() < 0.7 else None), idn, kind
    if kind == "a4":
        dpi = rng.choice([200, 300])
        page = Image.new("RGB", (round(210 / 25.4 * dpi), round(297 / 25.4 * dpi)), (250, 250, 248))
        front = card_side(payload, rng, dpi, with_qr=False)
        back = card_side(payload, rng, dpi, with_qr=True)
        page.paste(front.rotate(rng.uniform(-8, 8), expand=True, fillcolor=(250, 250, 248)),
                   (int(page.size[0] * 0.1), int(page.size[1] * 0.08)))
        page.paste(back.rotate(rng.uniform(-8, 8), expand=True, fillcolor=(250, 250, 248)),
                   (int(page.size[0] * 0.1), int(page.size[1] * 0.5)))
        return degrade(page, rng, angle=rng.choice([0, 90, 180, 270]) + rng.uniform(-2, 2)), idn, kind
    side = card_side(payload, rng, dpi=rng.choice([350, 450]))
    frame = Image.new("RGB", (int(side.size[0] * 1.4), int(side.size[1] * 1.6)),
                      (rng.randint(60, 140),) * 3)                     # a table under the card
    frame.paste(side, (int(side.size[0] * 0.2), int(side.size[1] * 0.3)))
    return degrade(frame, rng), idn, kind


def main(argv: list[str] | None = None) -> int:
    from desk_app.services.scanning.qr import _decode, find_card

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--seed", type=int, default=14)
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    raw_ok = ok = 0
    raw_t: list[float] = []
    t_all: list[float] = []
    misses = []
    wrong = 0
    by_kind: dict[str, list[int]] = {}
    attempts: dict[str, int] = {}
    for i in range(args.n):
        img, idn, kind = scanned_image(rng)
        grey = img.convert("L")
        t0 = time.perf_counter()
        texts = _decode(grey)
        raw_t.append(time.perf_counter() - t0)
        raw_ok += any(t.split("|", 1)[0] == idn for t in texts)
        t0 = time.perf_counter()
        found, _ = find_card(img)
        t_all.append(time.perf_counter() - t0)
        good = found is not None and found.card.id_number == idn
        wrong += found is not None and not good
        ok += good
        by_kind.setdefault(kind, [0, 0])
        by_kind[kind][0] += good
        by_kind[kind][1] += 1
        if found is not None:
            attempts[found.attempt] = attempts.get(found.attempt, 0) + 1
        else:
            misses.append((i, kind))

    def ms(xs: list[float], q: float) -> float:
        return 1000 * sorted(xs)[min(len(xs) - 1, int(q * len(xs)))]

    n = args.n
    print(f"CCCD QR on generated scans: {n} images (seed {args.seed})")
    print(f"  one zxing-cpp call on the raw page : {100 * raw_ok / n:.1f} % decoded,"
          f" median {ms(raw_t, .5):.1f} ms, p95 {ms(raw_t, .95):.1f} ms")
    print(f"  find_card (clean-up ladder)        : {100 * ok / n:.1f} % decoded,"
          f" median {ms(t_all, .5):.1f} ms, p95 {ms(t_all, .95):.1f} ms,"
          f" mean {1000 * statistics.mean(t_all):.1f} ms"
          f" ({statistics.mean(t_all) / statistics.mean(raw_t):.2f}× the raw call's mean)")
    print(f"  wrong cards: {wrong}; by kind: "
          + ", ".join(f"{k} {v[0]}/{v[1]}" for k, v in sorted(by_kind.items())))
    print("  found at: " + ", ".join(f"{k} {v}" for k, v in sorted(attempts.items(), key=lambda x: -x[1])))
    if misses:
        print(f"  missed: {misses[:20]}")
    return 0 if ok / n >= 0.99 else 1


if __name__ == "__main__":
    raise SystemExit(main())
