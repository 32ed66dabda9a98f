"""Units of measure: the labels people type (``buc``, ``ore``) -> UN/ECE Rec 20/21 codes (BT-130)."""

from __future__ import annotations

__all__ = ["unit_code"]

_UNITS = {
    "buc": "H87", "bucata": "H87", "bucati": "H87", "pcs": "H87", "piece": "H87", "stk": "H87",
    "ora": "HUR", "ore": "HUR", "h": "HUR", "hour": "HUR", "hours": "HUR",
    "zi": "DAY", "zile": "DAY", "day": "DAY", "days": "DAY",
    "luna": "MON", "luni": "MON", "month": "MON",
    "an": "ANN", "ani": "ANN", "year": "ANN",
    "kg": "KGM", "g": "GRM", "t": "TNE", "tona": "TNE",
    "l": "LTR", "litru": "LTR", "litri": "LTR", "ml": "MLT",
    "m": "MTR", "ml.": "MTR", "km": "KMT", "m2": "MTK", "mp": "MTK", "m3": "MTQ", "mc": "MTQ",
    "set": "SET", "pachet": "PK", "cutie": "BX", "kwh": "KWH",
    "serviciu": "C62", "servicii": "C62", "buc.": "H87", "unitate": "C62",
}


def unit_code(label: str | None) -> str:
    """The UN/ECE code for ``label``; a label that already is a 2–3 character code is kept; else C62 (one)."""
    if not label:
        return "H87"
    key = label.strip().lower()
    if key in _UNITS:
        return _UNITS[key]
    raw = label.strip()
    if 2 <= len(raw) <= 3 and raw.isalnum() and raw.upper() == raw:
        return raw
    return "C62"
