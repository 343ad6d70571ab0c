"""Vietnamese text: normalisation, legacy-encoding repair, folding for search, collation.

Why this module exists:

* Input arrives in NFC, in NFD (some IMEs, macOS, web forms) and, pasted from old Word files, in
  the legacy 8-bit encodings TCVN3 (ABC, ``.VnTime`` fonts) and VNI (``VNI-Times``) that show up
  as mojibake once read as Windows-1252 ("Hµ Néi", "Vieät Nam"). We store NFC, repair what is
  unambiguous and refuse what we cannot read, so nothing garbled enters the register.
* SQLite FTS5's ``remove_diacritics`` keeps ``đ`` (it is a letter, not ``d`` with a mark), so
  "dang" would not find "Đặng". :func:`fold` maps đ/Đ to d itself.
* People are listed by given name (the last word) first, in Vietnamese alphabet order
  (a ă â b c d đ e ê …; tones ordered none, huyền, hỏi, ngã, sắc, nặng as in ICU ``vi``).
"""
from __future__ import annotations

import re
import unicodedata

from .errors import ValidationError

# --- legacy encodings -------------------------------------------------------------------------

# TCVN3 (TCVN 5712:1993 VN3) byte -> Unicode, for the bytes 0xA1..0xFE as Windows-1252 shows
# them. Cross-checked with glibc iconv's TCVN5712-1 table (lower-case and Ă Â Ê Ô Ơ Ư Đ; VN3
# fonts have no other capitals, upper-case text used the separate ``.VnTimeH`` font).
_TCVN3_BYTES = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
}
_TCVN3 = {chr(b): u for b, u in _TCVN3_BYTES.items()}  # Latin-1 == cp1252 above 0x9F
# Characters that are symbols in Windows-1252 but letters in TCVN3: a symbol glued to letters
# ("Hµ", "x·", "c«ng") is the tell-tale sign of TCVN3 read as Windows-1252.
_TCVN3_SYMBOLS = frozenset("¡¢£¤¥¦§¨©ª«¬\u00ad®µ¶·¸¹»¼½¾×÷")

# VNI Windows: a base letter followed by a mark character (Windows-1252 letter).
_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_CIRC, _BREVE, _HORN = "\u0302", "\u0306", "\u031b"
_VNI_MARKS = {
    "ù": _ACUTE, "ø": _GRAVE, "û": _HOOK, "õ": _TILDE, "ï": _DOT,
    "â": _CIRC, "á": _CIRC + _ACUTE, "à": _CIRC + _GRAVE, "å": _CIRC + _HOOK,
    "ã": _CIRC + _TILDE, "ä": _CIRC + _DOT,
    "ê": _BREVE, "é": _BREVE + _ACUTE, "è": _BREVE + _GRAVE, "ú": _BREVE + _HOOK,
    "ü": _BREVE + _TILDE, "ë": _BREVE + _DOT,
}
_VNI_MARKS.update({k.upper(): v for k, v in list(_VNI_MARKS.items())})
_VNI_SINGLE = {
    "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ",
    "ô": "ơ", "ö": "ư", "ñ": "đ",
}
_VNI_SINGLE.update({k.upper(): v.upper() for k, v in list(_VNI_SINGLE.items())})
_TONE_ONLY = frozenset("ùøûõïÙØÛÕÏ")
_BREVE_MARKS = frozenset("êéèúüëÊÉÈÚÜË")

_CP1252_HIGH = frozenset("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ")

_ONSETS = "ngh|ng|gh|gi|ch|kh|nh|ph|qu|th|tr|b|c|d|đ|g|h|k|l|m|n|p|r|s|t|v|x"
_CODAS = "ng|nh|ch|c|k|m|n|p|t|i|y|o|u"  # k: Đắk Lắk and other minority place names
_NUCLEI = (
    "iêu|oai|oao|oay|oeo|uây|uôi|uya|uyê|uyu|ươi|ươu|yêu|"
    "ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|oa|oă|oe|oi|ôi|ơi|oo|ua|uâ|uê|ui|uô|uơ|uy|ưa|ưi|ưu|ươ|yê|"
    "a|ă|â|e|ê|i|o|ô|ơ|u|ư|y"
)
_SYLLABLE = re.compile(
    rf"^(?P<onset>{_ONSETS})?(?P<nucleus>{_NUCLEI})(?P<coda>{_CODAS})?$", re.IGNORECASE
)
_WORD = re.compile(r"[^\W\d_]+")


def _tcvn3_to_unicode(s: str) -> str:
    """Map TCVN3 bytes (seen as Windows-1252) to Unicode. Upper-case text was typed with the
    ``.VnTimeH`` font, which reuses the lower-case positions: a token whose ASCII letters are
    all capitals is upper-cased after mapping ("CéNG HßA" -> "CỘNG HÒA")."""
    def all_caps(text: str) -> bool:
        letters = [c for c in text if c.isascii() and c.isalpha()]
        return len(letters) >= 2 and all(c.isupper() for c in letters)

    caps_text = any(all_caps(t) for t in s.split()) and all(
        c.isupper() for c in s if c.isascii() and c.isalpha())
    out = []
    for token in re.split(r"(\s+)", s):
        mapped = "".join(_TCVN3.get(c, c) for c in token)
        if mapped != token and (caps_text or all_caps(token)):
            mapped = mapped.upper()
        out.append(mapped)
    return "".join(out)


def _vni_to_unicode(s: str) -> str:
    out: list[str] = []
    for c in s:
        prev = out[-1] if out else ""
        raw_base = unicodedata.normalize("NFD", prev)[:1] if prev else ""
        base = raw_base.lower()
        if c in _VNI_MARKS and base and base in "aeiouy" and raw_base.isupper() == c.isupper():
            marks = _VNI_MARKS[c]
            ok = (
                c in _TONE_ONLY
                or (c in _BREVE_MARKS and base == "a")
                or (c not in _BREVE_MARKS and base in "aeo")
            )
            decomposed = unicodedata.normalize("NFD", prev)
            already = any(m in decomposed for m in (_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT))
            quality = any(m in decomposed for m in (_CIRC, _BREVE))
            if ok and not already and not (quality and c not in _TONE_ONLY):
                out[-1] = unicodedata.normalize("NFC", prev + marks)
                continue
        out.append(_VNI_SINGLE.get(c, c))
    return unicodedata.normalize("NFC", "".join(out))


def _is_viet_word(word: str) -> bool:
    """Loose check that ``word`` is a Vietnamese syllable (or plain ASCII, e.g. a foreign name).

    Mojibake gives itself away by impossible letters ("Néi"), two tones ("hµà") or a capital
    inside a word ("ViÖt")."""
    if word.isascii():
        return True
    if not (word.islower() or word.isupper() or (word[0].isupper() and word[1:].islower())):
        return False
    decomposed = unicodedata.normalize("NFD", word)
    tones = sum(decomposed.count(m) for m in (_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT))
    if tones > 1:
        return False
    stripped = "".join(c for c in decomposed if c not in (_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT))
    base = unicodedata.normalize("NFC", stripped).lower()
    m = _SYLLABLE.match(base)
    if not m:
        return False
    if m["coda"] in ("nh", "ch") and m["nucleus"][-1] not in "aêiy":
        return False
    return True


def _bad_words(s: str) -> int:
    return sum(1 for w in _WORD.findall(s) if not _is_viet_word(w))


_BOTH_SIDES = frozenset("«»·×÷")


def _tcvn3_signs(s: str) -> int:
    """Count TCVN3 symbols glued to letters (guillemets, middle dot, × ÷: on both sides)."""
    n = 0
    for i, c in enumerate(s):
        if c in _TCVN3_SYMBOLS:
            left = s[i - 1].isalpha() if i > 0 else False
            right = s[i + 1].isalpha() if i + 1 < len(s) else False
            if (left and right) if c in _BOTH_SIDES else (left or right):
                n += 1
    return n


def _vni_signs(s: str) -> int:
    """Count VNI mark characters that directly follow a vowel they could modify."""
    n = sum(1 for c in s if c in "æîÆÎ")  # VNI ỉ / ỵ: letters Vietnamese never uses
    for i in range(1, len(s)):
        c, prev = s[i], s[i - 1].lower()
        if c in _VNI_MARKS and prev in "aeiouy" and s[i - 1].isupper() == c.isupper():
            if c in _TONE_ONLY or (c in _BREVE_MARKS and prev == "a") or (
                c not in _BREVE_MARKS and prev in "aeo"
            ):
                n += 1
    return n


def _classify(s: str) -> tuple[str | None, str | None]:
    """(encoding, repaired text). (None, None): not legacy text. (kind, None): almost surely
    legacy but no clean reading exists."""
    if s.isascii() or any(ord(c) > 0xFF and c not in _CP1252_HIGH for c in s):
        return None, None
    t_signs, v_signs, bad = _tcvn3_signs(s), _vni_signs(s), _bad_words(s)
    if not t_signs and not bad:
        return None, None
    tcvn = unicodedata.normalize("NFC", _tcvn3_to_unicode(s))
    t_bad = _bad_words(tcvn) + _tcvn3_signs(tcvn)
    vni = _vni_to_unicode(s)
    v_bad = _bad_words(vni) + _tcvn3_signs(vni)
    if t_signs:
        if t_bad == 0 or t_bad < bad:
            return ("tcvn3", tcvn) if t_bad == 0 else ("tcvn3", None)
        if t_signs >= 2 or bad:
            return "tcvn3", None
        return None, None
    if v_signs and v_bad == 0 and t_bad == 0 and vni != tcvn:
        return "tcvn3/vni", None  # both readings are Vietnamese: refuse to guess
    if v_signs and v_bad == 0:
        return "vni", vni
    if t_bad == 0:
        return "tcvn3", tcvn
    if v_signs >= 2 and v_bad < bad:
        return "vni", None
    return None, None


def detect_legacy(s: str) -> str | None:
    """Return "tcvn3", "vni" or "tcvn3/vni" (reads both ways) if ``s`` looks like
    legacy-encoded Vietnamese, else None.

    Only text made entirely of Windows-1252 characters can be legacy mojibake: real Unicode
    Vietnamese almost always contains a character above U+00FF (ư, ơ, đ, ạ, …).
    """
    return _classify(unicodedata.normalize("NFC", s))[0]


def repair_legacy(s: str) -> str:
    """Convert TCVN3/VNI mojibake to NFC Unicode; raise ValidationError if it stays unreadable."""
    s = unicodedata.normalize("NFC", s)
    kind, fixed = _classify(s)
    if kind is None:
        return s
    if fixed is None:
        sample = excerpt(s)
        if kind == "tcvn3/vni":
            raise ValidationError(
                "text_legacy_ambiguous",
                f"Văn bản «{sample}» dùng bảng mã cũ nhưng đọc được theo cả TCVN3 lẫn VNI. "
                "Hãy chuyển sang Unicode (ví dụ bằng Unikey) rồi nhập lại.",
                f"The text {sample!r} is in a legacy encoding that reads both as TCVN3 and as "
                "VNI. Convert it to Unicode (e.g. with Unikey) and enter it again.",
                encoding=kind, text=excerpt(s))
        raise ValidationError(
            "text_legacy_encoding",
            f"Văn bản dùng bảng mã cũ ({kind.upper()}) và không đọc được: «{sample}». "
            "Hãy chuyển sang Unicode (ví dụ bằng Unikey) rồi nhập lại.",
            f"The text is in a legacy encoding ({kind.upper()}) and cannot be read: {sample!r}. "
            "Convert it to Unicode (e.g. with Unikey) and enter it again.",
            encoding=kind,
            text=excerpt(s),
        )
    return fixed


def nfc(s: str) -> str:
    """Normalise to NFC (repairs NFD input) and repair or reject legacy TCVN3/VNI mojibake."""
    if not isinstance(s, str):
        raise ValidationError(
            "text_not_string", "Giá trị không phải văn bản.", "The value is not text.",
            type=type(s).__name__,
        )
    if s.isascii():
        return s
    return repair_legacy(unicodedata.normalize("NFC", s))


# --- folding and search --------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")
_TOKEN_SPLIT = re.compile(r"[^0-9a-z]+")


def fold(s: str) -> str:
    """Accent- and case-insensitive form: NFD, drop marks, đ/Đ -> d, lower, collapse spaces."""
    decomposed = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = stripped.replace("ð", "d").replace("Ð", "D")  # Icelandic eth pasted for Đ
    return _SPACES.sub(" ", stripped.casefold()).strip()


def search_tokens(query: str) -> list[str]:
    """Folded words of a search query ("Đỗ  Đức-Dũng" -> ["do", "duc", "dung"])."""
    return [t for t in _TOKEN_SPLIT.split(fold(query)) if t]


# --- collation -----------------------------------------------------------------------------------

_ALPHABET = [
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m", "n",
    "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
]
_LETTER_INDEX = {ch: i for i, ch in enumerate(_ALPHABET)}
_TONE_ORDER = {_GRAVE: 1, _HOOK: 2, _TILDE: 3, _ACUTE: 4, _DOT: 5}


def _word_levels(word: str) -> tuple[tuple, tuple, tuple]:
    primary: list[tuple[int, int]] = []
    tones: list[int] = []
    cases: list[int] = []
    for ch in unicodedata.normalize("NFC", word):
        decomposed = unicodedata.normalize("NFD", ch)
        base = decomposed[0]
        tone = 0
        quality = ""
        for m in decomposed[1:]:
            if m in _TONE_ORDER:
                tone = _TONE_ORDER[m]
            elif m in (_CIRC, _BREVE, _HORN):
                quality += m
        letter = unicodedata.normalize("NFC", base.lower() + quality)
        if letter in _LETTER_INDEX:
            primary.append((1, _LETTER_INDEX[letter]))
        elif base.isdigit():
            primary.append((0, ord(base)))
        else:
            primary.append((2, ord(letter[0]) if letter else 0))
        tones.append(tone)
        cases.append(0 if base == base.lower() else 1)
    return tuple(primary), tuple(tones), tuple(cases)


def vi_sort_key(name: str) -> tuple:
    """Sort key for people's names: given name (last word) first, then family and middle names.

    Each word is compared whole (letters in Vietnamese alphabet order, then tone, then case), so
    every "Anh" comes before every "Ánh" whatever the family name, as office lists are read.
    """
    words = [w for w in _SPACES.split(unicodedata.normalize("NFC", name).strip()) if w]
    ordered = words[-1:] + words[:-1]
    return (tuple(_word_levels(w) for w in ordered), name)


def vi_text_key(text: str) -> tuple:
    """Sort key for ordinary text (procedure names, addresses) in Vietnamese order, word by word."""
    words = [w for w in _SPACES.split(unicodedata.normalize("NFC", text).strip()) if w]
    levels = [_word_levels(w) for w in words]
    return (
        tuple(p for p, _, _ in levels),
        tuple(t for _, t, _ in levels),
        tuple(c for _, _, c in levels),
        text,
    )


# --- sanitising free text at the boundary (issue 17) ---------------------------------------------

# Bidirectional overrides/isolates/marks: they reorder what a clerk sees ("RTL override" tricks).
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
_MAX_MARKS_IN_A_ROW = 2          # NFC Vietnamese has none; "zalgo" text has dozens


def excerpt(value: object, n: int = 40) -> str:
    """A short, printable quote of ``value`` for an error message (never the whole input)."""
    s = value if isinstance(value, str) else str(value)
    if len(s) > n + 1:
        s = s[:n] + "…"
    return "".join(c if c.isprintable() else "?" for c in s)


def _refuse(code: str, field: str, label_vi: str, label_en: str, vi: str, en: str,
            value: str) -> ValidationError:
    return ValidationError(code, f"{label_vi}: {vi}", f"{label_en}: {en}", field=field,
                           value=excerpt(value))


def sanitize(value: str | None, *, field: str, max_len: int, label_vi: str = "",
             label_en: str = "", multiline: bool = False, name: bool = False) -> str:
    """The free text a person typed, made safe to store and print, or a ValidationError.

    - NUL, other control characters (ANSI escapes start with one), bidi overrides, lone
      surrogates and runs of combining marks are refused (they are never typed by mistake);
    - zero-width and other invisible format characters (U+200B, U+FEFF, soft hyphen …) are removed;
    - tabs and line breaks become spaces (``multiline``: line breaks stay, as ``\\n``);
    - the result is NFC (legacy TCVN3/VNI repaired), trimmed, spaces collapsed, at most
      ``max_len`` characters; a ``name`` needs a letter and no word starting with a mark.
    """
    label_vi = label_vi or field
    label_en = label_en or field
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _refuse("text_not_string", field, label_vi, label_en, "không phải văn bản.",
                      "not text.", repr(type(value)))
    if len(value) > 4 * max_len + 64:          # refuse before any per-character work
        raise _refuse("text_too_long", field, label_vi, label_en,
                      f"quá dài ({len(value)} ký tự, tối đa {max_len}).",
                      f"too long ({len(value)} characters, at most {max_len}).", value)
    out: list[str] = []
    for c in value:
        if c in "\t\n\r\x0b\x0c\x85\u2028\u2029":
            out.append("\n" if multiline and c in "\n\u2028\u2029" else " ")
            continue
        if c in _BIDI:
            raise _refuse("text_bidi", field, label_vi, label_en,
                          "có ký tự đảo chiều văn bản (bidi) — không được phép.",
                          "holds a text-direction override (bidi) character — not allowed.", value)
        cat = unicodedata.category(c)
        if c == "\x00":
            raise _refuse("text_nul", field, label_vi, label_en, "có ký tự NUL — không được phép.",
                          "holds a NUL character — not allowed.", value)
        if cat == "Cc":
            raise _refuse("text_control", field, label_vi, label_en,
                          f"có ký tự điều khiển U+{ord(c):04X} — không được phép.",
                          f"holds the control character U+{ord(c):04X} — not allowed.", value)
        if cat == "Cs":
            raise _refuse("text_surrogate", field, label_vi, label_en,
                          "có ký tự Unicode hỏng — không được phép.",
                          "holds a broken Unicode character — not allowed.", value)
        if cat == "Cf":
            continue                          # zero-width space/joiners, BOM, soft hyphen …
        out.append(c)
    s = nfc("".join(out))
    if multiline:
        lines = [" ".join(line.split()) for line in s.replace("\r", "").split("\n")]
        s = "\n".join(lines).strip("\n")
    else:
        s = " ".join(s.split())
    run = 0
    for c in s:
        run = run + 1 if unicodedata.combining(c) else 0
        if run > _MAX_MARKS_IN_A_ROW:
            raise _refuse("text_marks", field, label_vi, label_en,
                          "có quá nhiều dấu chồng lên nhau.", "holds too many stacked marks.",
                          value)
    if len(s) > max_len:
        raise _refuse("text_too_long", field, label_vi, label_en,
                      f"quá dài ({len(s)} ký tự, tối đa {max_len}).",
                      f"too long ({len(s)} characters, at most {max_len}).", value)
    if name and s:
        if not any(unicodedata.category(c).startswith("L") for c in s):
            raise _refuse("name_no_letter", field, label_vi, label_en,
                          "không có chữ cái nào (chỉ có dấu hoặc ký tự vô hình).",
                          "has no letter (only marks or invisible characters).", value)
        if any(unicodedata.combining(w[0]) for w in s.split()):
            raise _refuse("name_orphan_mark", field, label_vi, label_en,
                          "có dấu đứng riêng, không gắn với chữ cái nào.",
                          "holds a mark that belongs to no letter.", value)
    return s


# --- masking personal data in logs (issue 17) ----------------------------------------------------

_EMAIL = re.compile(r"[^\s@“”«»\"'<>()\[\]]+@[^\s@“”«»\"'<>()\[\]]+")
# 9+ digits, possibly grouped by spaces, dots or hyphens: CCCD/CMND numbers, phones, tax codes
_LONG_NUMBER = re.compile(r"(?<![\w.\-])\+?\d(?:[ .\-]?\d){8,}(?!\d)")
_QUOTED = re.compile(r"“[^”]*”|«[^»]*»|‘[^’]*’")


# English words that begin the desk's own messages, never a Vietnamese name
_NOT_NAMES = frozenset("The This That File Email Phone Error Internal No Not Unknown Dossier "
                       "Procedure Attachment Applicant Date Birth Name Address Could Cannot "
                       "Required Duplicate Quantity Number Pages Copies Delivery Reason".split())


def _name_like(word: str) -> bool:
    w = word.strip(".,;:!?()[]'\"")
    return (len(w) >= 2 and w.isalpha() and w not in _NOT_NAMES
            and (w.istitle() or (w.isupper() and not w.isascii())))


def mask_personal(text: str) -> str:
    """``text`` with what may identify a citizen replaced: e-mail addresses, ID and phone
    numbers (runs of 9+ digits), anything the messages quote (“…”, «…» — the desk quotes what
    a person typed), and runs of two or more capitalised words (a name: "Nguyễn Văn An")."""
    if not text:
        return text
    text = _QUOTED.sub(lambda m: m.group(0)[0] + "…" + m.group(0)[-1], text)
    text = _EMAIL.sub("<email>", text)
    text = _LONG_NUMBER.sub(lambda m: "<số " + str(sum(c.isdigit() for c in m.group(0)))
                            + " chữ số>", text)
    out: list[str] = []
    run: list[str] = []
    for token in re.split(r"(\s+)", text):
        if token.strip() and (_name_like(token) or (run and token.strip(".,;:!?").isupper()
                                                    and token.strip(".,;:!?").isalpha())):
            run.append(token)
            continue
        if token.isspace() and run:
            run.append(token)
            continue
        out.append(_flush(run))
        run = []
        out.append(token)
    out.append(_flush(run))
    return "".join(out)


def _flush(run: list[str]) -> str:
    words = [t for t in run if not t.isspace()]
    if len(words) >= 2:
        return "<tên>" + (run[-1] if run[-1].isspace() else "")
    return "".join(run)
