"""ANAF's own words: XML namespaces, message types and the Romanian texts the simulator answers with.

Texts are copied from ../shared/providers/anaf.md §3 including ANAF's typos (``inteorgare``,
``petru``, ``toatal``, ``zile`` for ``zilei``, ``Factuta``); a client that matches them here
matches them in production. Texts the brief marks unverified are built the same way and say so.
"""

from __future__ import annotations

NS_UPLOAD = "mfp:anaf:dgti:spv:respUploadFisier:v1"
NS_STARE = "mfp:anaf:dgti:efactura:stareMesajFactura:v1"
NS_ERORI = "mfp:anaf:dgti:efactura:mesajEroriFactuta:v1"
NS_RASP = "mfp:anaf:dgti:spv:reqMesaj:v1"
NS_DSIG = "http://www.w3.org/2000/09/xmldsig#"

NS_UBL_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
NS_UBL_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
NS_CII = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"

#: Root element (Clark notation) → the ``standard`` it belongs to.
ROOT_STANDARD = {
    f"{{{NS_UBL_INVOICE}}}Invoice": "UBL",
    f"{{{NS_UBL_CREDIT_NOTE}}}CreditNote": "CN",
    f"{{{NS_CII}}}CrossIndustryInvoice": "CII",
    f"{{{NS_RASP}}}header": "RASP",
}

# stareMesaj values (§3.2)
IN_PRELUCRARE = "in prelucrare"
OK = "ok"
NOK = "nok"
XML_ERORI = "XML cu erori nepreluat de sistem"

# message types (§3.5)
TIP_TRIMISA = "FACTURA TRIMISA"
TIP_PRIMITA = "FACTURA PRIMITA"
TIP_ERORI = "ERORI FACTURA"
TIP_MESAJ_PRIMIT = "MESAJ CUMPARATOR PRIMIT"
TIP_MESAJ_TRANSMIS = "MESAJ CUMPARATOR TRANSMIS"
FILTRU_TIP = {"T": (TIP_TRIMISA,), "P": (TIP_PRIMITA,), "E": (TIP_ERORI,), "R": (TIP_MESAJ_PRIMIT, TIP_MESAJ_TRANSMIS)}

# upload door (§3.1)
STANDARD_VALUES = "Valorile acceptate pentru parametrul standard sunt UBL, CN, CII sau RASP"
TOO_BIG_10 = "Marime fisier transmis mai mare de 10 MB."
TOO_BIG_5 = "Marime fisier transmis mai mare de 5 MB."
NO_CIF_RIGHTS = "Nu exista niciun CIF pentru care sa aveti drept in SPV"
NO_CIF_RIGHTS_STARE = "Nu exista niciun CIF petru care sa aveti drept"
UPLOAD_PARAMS_REQUIRED = "Parametrii standard si cif sunt obligatorii"
UPLOAD_BODY_REQUIRED = "Trebuie sa aveti atasat in request un fisier de tip xml"
FLAG_PARAM_NAMES = {"extern": "extern", "autofactura": "autofacturare", "executare": "executare"}
VALIDARE_STANDARD_VALUES = "Valorile acceptate pentru parametrul standard sunt FACT1 si FCN"

# lists (§3.3, §3.4)
LIST_TITLE = "Lista Mesaje"
LIST_PARAMS_REQUIRED = "Parametrii zile si cif sunt obligatorii"  # unverified wording
PAGED_PARAMS_REQUIRED = "Parametrii startTime, endTime, cif si pagina sunt obligatorii"
FILTRU_VALUES = "Valorile acceptate pentru parametrul filtru sunt E, T, P sau R"
DAYS_RANGE = "Numarul de zile trebuie sa fie intre 1 si 60"
TOO_MANY_MESSAGES = (
    "Lista de mesaje este mai mare decat numarul de 500 elemente permise in pagina. "
    "Folositi endpoint-ul cu paginatie."
)
NO_MESSAGES_INTERVAL = "Nu exista mesaje in intervalul selectat"

# download (§3.6)
DOWNLOAD_TITLE = "Descarcare mesaj"
DOWNLOAD_PARAM_REQUIRED = "Parametrul id este obligatoriu"  # unverified wording
DOWNLOAD_NO_RIGHTS = "Nu aveti dreptul sa descarcati acesta factura"
STARE_PARAM_REQUIRED = "Parametrul id_incarcare este obligatoriu"

# signature check (§3.9)
SIGNATURE_OK = (
    "Fisierele incarcate au fost validate cu succes, din perspectiva autenticitatii semnaturii "
    "aplicate si a certificatului utilizat pentru semnare."
)
SIGNATURE_NOK = (
    "Fisierele incarcate NU au putut fi validate cu succes, din perspectiva autenticitatii "
    "semnaturii aplicate si a certificatului utilizat pentru semnare."
)

WAF_HTML = (
    "<html><head><title>Request Rejected</title></head><body>The requested URL was rejected. "
    "Please consult with your administrator.<br><br>Your support ID is: {support_id}<br><br>"
    "<a href='javascript:history.back();'>[Go Back]</a></body></html>"
)

#: Default messages of a scripted ``nok`` (SIM-NOK-…), shaped like ANAF's (newline + tab, RO/EN).
DEFAULT_NOK_MESSAGES = (
    "E: validari globale  SCHEMATRON   eroare: [BR-CO-15]-Invoice total amount with VAT (BT-112) = "
    "Invoice total amount without VAT (BT-109) + Invoice total VAT amount (BT-110).\n\t"
    "Totalul facturii cu TVA (BT-112) trebuie sa fie egal cu totalul fara TVA (BT-109) plus TVA (BT-110).",
)


def cif_not_a_number(cif: str) -> str:
    return f"CIF introdus= {cif} nu este un numar"


def no_rights_for(cif: str) -> str:
    return f"Nu aveti drept in SPV pentru CIF={cif}"


def flag_value(param: str) -> str:
    return f"Daca parametrul {FLAG_PARAM_NAMES[param]} trebuie completat, valoarea acceptata este DA"


def not_in_executari_register(cif: str) -> str:
    return f"CIF introdus= {cif} nu este inregistrat in Registrul RO e-Factura executari silite"


def sax_error(line: int, column: int, detail: str) -> str:
    return (
        f"Fisierul transmis nu este valid. org.xml.sax.SAXParseException; lineNumber: {line}; "
        f"columnNumber: {column}; {detail}"
    )


def undeclared_root(local_name: str) -> str:
    return f"cvc-elt.1.a: Cannot find the declaration of element '{local_name}'."


def schema_mismatch(standard: str, local_name: str) -> str:
    """``nok`` text when the root does not belong to ``standard`` (exact ANAF wording unverified)."""
    return f"E: validari globale  SCHEMA   eroare: {undeclared_root(local_name)} (standard={standard})"


def duplicate(index: int, data_incarcare: str) -> str:
    """Duplicate-upload rejection (OCA/l10n-romania#936; exact wording unverified)."""
    return f"Factura a mai fost transmisa anterior cu index={index} si data incarcare={data_incarcare}"


def rasp_quota(limit: int, cif: str) -> str:
    return f"S-au incarcat deja {limit} de mesaje de tip RASP pentru cui={cif} in cursul zile"


def stare_not_integer(value: str) -> str:
    return f"Id_incarcare introdus= {value} nu este un numar intreg"


def stare_no_right(index: str) -> str:
    return f"Nu aveti dreptul de inteorgare pentru id_incarcare= {index}"


def stare_unknown(index: str) -> str:
    return f"Nu exista factura cu id_incarcare= {index}"


def stare_quota(limit: int, index: str) -> str:
    """Daily stareMesaj quota text (exact wording unverified; the *S-au facut deja* stem is)."""
    return f"S-au facut deja {limit} interogari de stare pentru id_incarcare= {index} in cursul zilei"


def days_not_integer(value: str) -> str:
    return f"Numarul de zile introdus= {value} nu este un numar intreg"


def no_messages_days(days: int) -> str:
    return f"Nu exista mesaje in ultimele {days} zile"


def list_quota(limit: int) -> str:
    return f"S-au facut deja {limit} interogari de lista mesaje de catre utilizator in cursul zilei"


def paged_quota(limit: int, cif: str) -> str:
    """Daily paginated-list quota (wording unverified)."""
    return f"S-au facut deja {limit} interogari de lista mesaje paginata pentru cui={cif} in cursul zilei"


def time_not_number(name: str, value: str) -> str:
    return f"{name} = {value} nu este un numar sau nu are o valoare acceptata de sistem"


def start_too_old(value: str) -> str:
    return f"startTime = {value} nu poate fi mai vechi de 60 de zile fata de momentul requestului"


def end_before_start(end: str, start: str) -> str:
    return f"endTime = {end} nu poate fi <= startTime = {start}"


def end_in_future(value: str) -> str:
    return f"endTime = {value} nu poate in viitor fata de momentul requestului"


def page_not_integer(value: str) -> str:
    return f"Pagina solicitata {value} nu este un numar intreg"  # unverified wording


def page_too_big(page: int, pages: int) -> str:
    return f"Pagina solicitata {page} este mai mare decat numarul toatal de pagini {pages}"


def download_not_integer(value: str) -> str:
    return f"Id descarcare introdus= {value} nu este un numar intreg"


def download_unknown(value: str) -> str:
    return f"Pentru id={value} nu exista inregistrata nici o factura"


def download_quota(limit: int) -> str:
    return f"S-au facut deja {limit} descarcari de mesaj in cursul zilei"


def detalii_factura(index: int, emitent: str, beneficiar: str, *, autofactura: bool = False) -> str:
    text = f"Factura cu id_incarcare={index} emisa de cif_emitent={emitent} pentru cif_beneficiar={beneficiar}"
    if autofactura:
        text += f" ca autofactutra in numele cif={emitent}"
    return text


def detalii_erori(index: int) -> str:
    return f"Erori de validare identificate la factura primita cu id_incarcare={index}"


def detalii_mesaj(index: int, cif: str) -> str:
    """Buyer-message detail (wording unverified)."""
    return f"Mesaj cumparator pentru factura cu id_incarcare={index} transmis de cif={cif}"


def list_title_days(days: int) -> str:
    return f"Lista Mesaje disponibile din ultimele {days} zile"


def list_title_interval(start: str, end: str) -> str:
    return f"Lista Mesaje disponibile din intervalul {start} - {end}"
