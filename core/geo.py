"""Romanian counties: names as people write them -> ISO 3166-2:RO codes (CIUS-RO BT-39/BT-54)."""

from __future__ import annotations

import unicodedata

__all__ = ["county_code"]

_COUNTIES = {
    "AB": "Alba", "AR": "Arad", "AG": "Arges", "BC": "Bacau", "BH": "Bihor", "BN": "Bistrita-Nasaud",
    "BT": "Botosani", "BV": "Brasov", "BR": "Braila", "BZ": "Buzau", "CS": "Caras-Severin",
    "CL": "Calarasi", "CJ": "Cluj", "CT": "Constanta", "CV": "Covasna", "DB": "Dambovita", "DJ": "Dolj",
    "GL": "Galati", "GR": "Giurgiu", "GJ": "Gorj", "HR": "Harghita", "HD": "Hunedoara", "IL": "Ialomita",
    "IS": "Iasi", "IF": "Ilfov", "MM": "Maramures", "MH": "Mehedinti", "MS": "Mures", "NT": "Neamt",
    "OT": "Olt", "PH": "Prahova", "SM": "Satu Mare", "SJ": "Salaj", "SB": "Sibiu", "SV": "Suceava",
    "TR": "Teleorman", "TM": "Timis", "TL": "Tulcea", "VS": "Vaslui", "VL": "Valcea", "VN": "Vrancea",
    "B": "Bucuresti",
}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "".join(ch for ch in text if ch.isalnum())


_BY_NAME = {_fold(name): f"RO-{code}" for code, name in _COUNTIES.items()}
_BY_NAME.update({"municipiulbucuresti": "RO-B", "bucharest": "RO-B"})


def county_code(value: str | None) -> str | None:
    """ISO 3166-2:RO code for a county name or code (``"Cluj"``, ``"CJ"``, ``"RO-CJ"``); None if unknown."""
    if not value:
        return None
    text = value.strip().upper()
    if text.startswith("RO-") and text[3:] in _COUNTIES:
        return text
    if text in _COUNTIES:
        return f"RO-{text}"
    folded = _fold(value)
    if folded.startswith("sector") and folded[6:].isdigit():
        return "RO-B"
    return _BY_NAME.get(folded)
