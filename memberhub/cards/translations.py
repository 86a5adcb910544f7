"""Back-of-card and carrier-letter text per written language.

A translation exists for English and Spanish; any other preferred language falls back to English
(the card then carries the multi-language "free language help" tagline, which is printed for every
member). Keys are stable identifiers used by the templates.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

DEFAULT_LANGUAGE = "en"

_EN: dict[str, str] = {
    "card_title": "Member ID Card",
    "member": "Member",
    "member_id": "Member ID",
    "medicare_plan": "Medicare plan",
    "medi_cal_cin": "Medi-Cal CIN",
    "medi_cal_plan": "Medi-Cal plan",
    "effective": "Effective",
    "issued": "Issued",
    "pcp": "PCP",
    "pcp_phone": "PCP phone",
    "medical_group": "Medical group",
    "mbi": "Medicare ID",
    "part_d": "Part D",
    "medi_cal_rx": "Medi-Cal Rx",
    "issuer": "Issuer",
    "rx_routing": (
        "Part D drugs bill to the Part D numbers. Drugs Medi-Cal covers but Part D does not bill to "
        "Medi-Cal Rx; also show your Medi-Cal BIC."
    ),
    "phones_title": "Call us",
    "member_services": "Member Services",
    "tty": "TTY",
    "nurse_line": "24/7 Nurse Advice Line",
    "behavioral_health": "Behavioral Health",
    "pharmacy_help": "Pharmacy Help Desk",
    "medi_cal_rx_help": "Medi-Cal Rx Customer Service",
    "emergency": (
        "In an emergency, call 911 or go to the nearest emergency room. You do not need approval "
        "first. Call your PCP within 48 hours after emergency care."
    ),
    "providers": "Providers: verify eligibility and send claims as shown at",
    "qr_hint": "Scan for your digital card",
    "not_guarantee": "This card does not guarantee eligibility or payment.",
    # carrier letter
    "carrier_subject": "Your new member ID card",
    "carrier_greeting": "Dear",
    "carrier_body": (
        "Here is your ID card for {product}. This one card works for both your Medicare and your "
        "Medi-Cal benefits. Show it every time you get care or pick up a prescription. Keep your "
        "Medi-Cal Benefits Identification Card (BIC) too."
    ),
    "carrier_lost": "If your card is lost or wrong, call Member Services at {phone} (TTY 711).",
    "carrier_card_here": "Your ID card is attached here",
    "carrier_closing": "Welcome, and thank you for being our member.",
}

_ES: dict[str, str] = {
    "card_title": "Tarjeta de identificación",
    "member": "Miembro",
    "member_id": "N.º de miembro",
    "medicare_plan": "Plan Medicare",
    "medi_cal_cin": "CIN de Medi-Cal",
    "medi_cal_plan": "Plan Medi-Cal",
    "effective": "Vigencia",
    "issued": "Emitida",
    "pcp": "PCP",
    "pcp_phone": "Tel. del PCP",
    "medical_group": "Grupo médico",
    "mbi": "ID de Medicare",
    "part_d": "Parte D",
    "medi_cal_rx": "Medi-Cal Rx",
    "issuer": "Emisor",
    "rx_routing": (
        "Los medicamentos de la Parte D se facturan a los números de la Parte D. Los que cubre "
        "Medi-Cal y no la Parte D se facturan a Medi-Cal Rx; muestre también su BIC de Medi-Cal."
    ),
    "phones_title": "Llámenos",
    "member_services": "Servicios al Miembro",
    "tty": "TTY",
    "nurse_line": "Línea de enfermería 24/7",
    "behavioral_health": "Salud del comportamiento",
    "pharmacy_help": "Ayuda de farmacia",
    "medi_cal_rx_help": "Servicio al cliente de Medi-Cal Rx",
    "emergency": (
        "En una emergencia, llame al 911 o vaya a la sala de emergencias más cercana. No necesita "
        "aprobación previa. Llame a su PCP dentro de 48 horas después de la atención de emergencia."
    ),
    "providers": "Proveedores: verifiquen la elegibilidad y envíen reclamos según se indica en",
    "qr_hint": "Escanee para ver su tarjeta digital",
    "not_guarantee": "Esta tarjeta no garantiza la elegibilidad ni el pago.",
    "carrier_subject": "Su nueva tarjeta de identificación de miembro",
    "carrier_greeting": "Estimado(a)",
    "carrier_body": (
        "Aquí está su tarjeta de identificación de {product}. Esta única tarjeta sirve para sus "
        "beneficios de Medicare y de Medi-Cal. Muéstrela cada vez que reciba atención o recoja una "
        "receta. Conserve también su Tarjeta de Identificación de Beneficios (BIC) de Medi-Cal."
    ),
    "carrier_lost": (
        "Si pierde su tarjeta o tiene un error, llame a Servicios al Miembro al {phone} (TTY 711)."
    ),
    "carrier_card_here": "Su tarjeta de identificación está adherida aquí",
    "carrier_closing": "Bienvenido(a), y gracias por ser nuestro miembro.",
}

TRANSLATIONS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {"en": MappingProxyType(_EN), "es": MappingProxyType(_ES)}
)

# "Free language help" taglines printed on every carrier letter, in the threshold-language scripts
# the shipped fonts cover (the card itself has no room for them).
LANGUAGE_TAGLINES: tuple[tuple[str, str], ...] = (
    ("es", "Ayuda gratuita en su idioma: llame a Servicios al Miembro."),
    ("zh", "免費語言協助：請致電會員服務部。"),
    ("vi", "Hỗ trợ ngôn ngữ miễn phí: hãy gọi Dịch vụ Hội viên."),
    ("tl", "Libreng tulong sa wika: tawagan ang Member Services."),
    ("ko", "무료 언어 지원: 회원 서비스에 전화하십시오."),
    ("hy", "Անվճար լեզվական օգնություն. զանգահարեք Անդամների ծառայություն։"),
    ("ru", "Бесплатная языковая помощь: звоните в службу поддержки участников."),
    ("fa", "کمک زبانی رایگان: با خدمات اعضا تماس بگیرید."),
    ("ar", "مساعدة لغوية مجانية: اتصل بخدمات الأعضاء."),
    ("km", "ជំនួយភាសាឥតគិតថ្លៃ៖ ហៅសេវាសមាជិក។"),
    ("hi", "निःशुल्क भाषा सहायता: सदस्य सेवा को कॉल करें।"),
    ("pa", "ਮੁਫ਼ਤ ਭਾਸ਼ਾ ਸਹਾਇਤਾ: ਮੈਂਬਰ ਸੇਵਾਵਾਂ ਨੂੰ ਕਾਲ ਕਰੋ।"),
    ("lo", "ຄວາມຊ່ວຍເຫຼືອດ້ານພາສາຟຣີ: ໂທຫາບໍລິການສະມາຊິກ."),
    ("uk", "Безкоштовна мовна допомога: телефонуйте до служби підтримки учасників."),
    ("hmn", "Kev pab txhais lus dawb: hu rau Member Services."),
)

_ALIASES: Mapping[str, str] = MappingProxyType(
    {
        "en": "en",
        "eng": "en",
        "english": "en",
        "es": "es",
        "spa": "es",
        "spanish": "es",
        "español": "es",
        "espanol": "es",
    }
)


def normalize_language(code: str | None) -> str:
    """Map a preferred-language value (ISO 639-1/-2 code, BCP 47 tag or English name) to a
    language we have a translation for; anything else falls back to English."""
    if not code:
        return DEFAULT_LANGUAGE
    base = code.strip().lower().replace("_", "-").split("-")[0]
    resolved = _ALIASES.get(base)
    if resolved is None or resolved not in TRANSLATIONS:
        return DEFAULT_LANGUAGE
    return resolved


def card_text(language: str) -> Mapping[str, str]:
    return TRANSLATIONS[normalize_language(language)]
