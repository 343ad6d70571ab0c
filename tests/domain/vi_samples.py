"""Real Vietnamese syllables and legacy encoders used to build test phrases."""
from __future__ import annotations

import unicodedata

from desk_app.domain.text import _TCVN3_BYTES

WORDS = (
    "nguyễn trần lê phạm hoàng huỳnh phan vũ võ đặng bùi đỗ hồ ngô dương lý đinh đào đoàn "
    "văn thị hữu đức minh thanh hồng ngọc anh tuấn hùng dũng thủy hương lan phương quỳnh "
    "trang nhung hiền thảo xuân thu đông hạ bảo châu khánh long sơn hải hà nội phố xã huyện "
    "tỉnh thành phường thôn bản ấp làng đường số nhà ngõ ngách khu tổ cụm chợ cầu bến sông "
    "núi rừng đồng bằng miền bắc trung nam tây việt cộng hòa hội chủ nghĩa độc lập tự do "
    "hạnh phúc giấy khai sinh kết hôn chứng thực bản sao trích lục hộ tịch người ủy quyền "
    "tiếp nhận hẹn trả kết quả yêu cầu bổ sung từ chối điện biên lai châu lào cai quảng "
    "ninh thái nguyên cần thơ đắk lắk khuê ngoãn quyết khuyến nghiêng ươm rượu"
).split()

_TCVN3_ENC = {u: chr(b) for b, u in _TCVN3_BYTES.items()}

_TONES = {"\u0301": 0, "\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0323": 4}
_VNI_TONE = "ùøûõï"
_VNI_CIRC = "áàåãä"
_VNI_BREVE = "éèúüë"
_VNI_I = "íìæóò"


def to_tcvn3(text: str) -> str | None:
    """Encode as TCVN3 seen through Windows-1252; None if a character has no TCVN3 form."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch.isascii():
            out.append(ch)
        elif ch in _TCVN3_ENC:
            out.append(_TCVN3_ENC[ch])
        else:
            return None
    return "".join(out)


def to_vni(text: str) -> str:
    """Encode as VNI Windows seen through Windows-1252."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        upper = ch.isupper()
        d = unicodedata.normalize("NFD", ch.lower())
        if ch.lower() == "đ":
            out.append("Ñ" if upper else "ñ")
            continue
        base, marks = d[0], d[1:]
        tone = next((_TONES[m] for m in marks if m in _TONES), None)
        if "\u031b" in marks:  # horn: ơ -> ô, ư -> ö, then the tone
            piece = "ô" if base == "o" else "ö"
            piece += _VNI_TONE[tone] if tone is not None else ""
        elif "\u0302" in marks:
            piece = base + ("â" if tone is None else _VNI_CIRC[tone])
        elif "\u0306" in marks:
            piece = base + ("ê" if tone is None else _VNI_BREVE[tone])
        elif tone is not None and base == "i":
            piece = _VNI_I[tone]
        elif tone == 4 and base == "y":
            piece = "î"
        elif tone is not None:
            piece = base + _VNI_TONE[tone]
        else:
            piece = base
        out.append(piece.upper() if upper else piece)
    return "".join(out)
