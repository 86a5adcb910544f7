"""The stable code list of service categories and the search over it.

Codes are stable identifiers used in catalog files, the database, API paths and notices: never rename one;
add a new code instead. Labels and search words exist in English and Spanish.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum


class ServiceCategory(StrEnum):
    PRIMARY_CARE = "primary_care"
    SPECIALIST = "specialist"
    PREVENTIVE = "preventive"
    INPATIENT_HOSPITAL = "inpatient_hospital"
    OUTPATIENT_HOSPITAL = "outpatient_hospital"
    SKILLED_NURSING = "skilled_nursing"
    HOME_HEALTH = "home_health"
    DURABLE_MEDICAL_EQUIPMENT = "durable_medical_equipment"
    AMBULANCE = "ambulance"
    EMERGENCY_CARE = "emergency_care"
    URGENT_CARE = "urgent_care"
    OUTPATIENT_MENTAL_HEALTH = "outpatient_mental_health"
    SPECIALTY_MENTAL_HEALTH = "specialty_mental_health"
    SUBSTANCE_USE = "substance_use"
    LAB_AND_IMAGING = "lab_and_imaging"
    DIALYSIS = "dialysis"
    PRESCRIPTION_DRUGS = "prescription_drugs"
    VISION = "vision"
    HEARING = "hearing"
    DENTAL = "dental"
    TRANSPORTATION = "transportation"
    OVER_THE_COUNTER = "over_the_counter"
    LONG_TERM_SERVICES = "long_term_services"
    COMMUNITY_ADULT_SERVICES = "community_adult_services"
    IN_HOME_SUPPORTIVE_SERVICES = "in_home_supportive_services"
    HOSPICE = "hospice"


@dataclass(frozen=True)
class CategoryInfo:
    code: ServiceCategory
    label_en: str
    label_es: str
    keywords: tuple[str, ...]

    def label(self, language: str) -> str:
        return self.label_es if language == "es" else self.label_en


def _info(code: ServiceCategory, en: str, es: str, words: str) -> CategoryInfo:
    return CategoryInfo(
        code=code, label_en=en, label_es=es, keywords=tuple(w.strip() for w in words.split(","))
    )


_C = ServiceCategory
CATEGORIES: dict[ServiceCategory, CategoryInfo] = {
    info.code: info
    for info in (
        _info(_C.PRIMARY_CARE, "Primary care", "Atención primaria",
              "doctor, pcp, checkup, physician, family doctor, médico, medico, doctor de cabecera, consulta"),
        _info(_C.SPECIALIST, "Specialist visits", "Visitas al especialista",
              "specialist, cardiologist, podiatrist, foot, especialista, cardiólogo, podólogo"),
        _info(_C.PREVENTIVE, "Preventive care", "Atención preventiva",
              "preventive, screening, vaccine, flu shot, mammogram, wellness, annual, preventiva, vacuna, "
              "examen anual, mamografía"),
        _info(_C.INPATIENT_HOSPITAL, "Inpatient hospital care", "Atención hospitalaria para pacientes internados",
              "hospital, inpatient, surgery, admission, hospitalización, cirugía, internado"),
        _info(_C.OUTPATIENT_HOSPITAL, "Outpatient hospital and surgery", "Hospital y cirugía ambulatoria",
              "outpatient, surgery center, procedure, ambulatorio, cirugía ambulatoria"),
        _info(_C.SKILLED_NURSING, "Skilled nursing facility care", "Atención en un centro de enfermería especializada",
              "skilled nursing, snf, rehab, rehabilitation, nursing facility, enfermería especializada, rehabilitación"),
        _info(_C.HOME_HEALTH, "Home health care", "Atención médica en el hogar",
              "home health, nurse visit, home care, therapy at home, salud en el hogar, enfermera, cuidado en casa"),
        _info(_C.DURABLE_MEDICAL_EQUIPMENT, "Medical equipment and supplies", "Equipo y suministros médicos",
              "wheelchair, walker, cane, oxygen, hospital bed, dme, equipment, supplies, diabetic supplies, "
              "silla de ruedas, andadera, bastón, oxígeno, cama de hospital, equipo médico"),
        _info(_C.AMBULANCE, "Ambulance", "Ambulancia", "ambulance, 911, ambulancia"),
        _info(_C.EMERGENCY_CARE, "Emergency care", "Atención de emergencia",
              "emergency, er, emergency room, emergencia, sala de emergencias"),
        _info(_C.URGENT_CARE, "Urgent care", "Atención de urgencia",
              "urgent, urgent care, walk-in, after hours, urgencia, atención urgente"),
        _info(_C.OUTPATIENT_MENTAL_HEALTH, "Mental health care (outpatient)", "Atención de salud mental (ambulatoria)",
              "mental health, therapy, counseling, psychiatrist, psychologist, depression, anxiety, behavioral, "
              "salud mental, terapia, consejería, psiquiatra, psicólogo, depresión, ansiedad"),
        _info(_C.SPECIALTY_MENTAL_HEALTH, "Specialty mental health services", "Servicios especializados de salud mental",
              "specialty mental health, serious mental illness, crisis, county mental health, smhs, "
              "salud mental especializada, crisis, condado"),
        _info(_C.SUBSTANCE_USE, "Substance use disorder services", "Servicios para trastornos por consumo de sustancias",
              "substance use, alcohol, drug treatment, addiction, opioid, detox, recovery, alcohol, adicción, "
              "tratamiento de drogas, desintoxicación"),
        _info(_C.LAB_AND_IMAGING, "Lab tests, X-rays and imaging", "Análisis de laboratorio, radiografías e imágenes",
              "lab, blood test, x-ray, xray, mri, ct scan, imaging, ultrasound, laboratorio, análisis de sangre, "
              "radiografía, resonancia"),
        _info(_C.DIALYSIS, "Kidney dialysis", "Diálisis renal", "dialysis, kidney, renal, diálisis, riñón"),
        _info(_C.PRESCRIPTION_DRUGS, "Prescription drugs", "Medicamentos con receta",
              "drugs, prescription, medicine, pharmacy, pills, rx, medicamentos, receta, farmacia, medicina"),
        _info(_C.VISION, "Vision care", "Atención de la vista",
              "vision, eye, glasses, eyeglasses, contacts, eye exam, optometrist, vista, ojos, lentes, anteojos, "
              "gafas, examen de la vista"),
        _info(_C.HEARING, "Hearing care", "Atención auditiva",
              "hearing, hearing aid, ear, audiologist, audición, audífono, oído"),
        _info(_C.DENTAL, "Dental care", "Atención dental",
              "dental, dentist, teeth, tooth, cleaning, dentures, dentista, dientes, limpieza, dentadura"),
        _info(_C.TRANSPORTATION, "Rides to appointments", "Transporte a las citas",
              "ride, rides, transportation, transport, bus pass, taxi, van, trip, transporte, viaje, traslado"),
        _info(_C.OVER_THE_COUNTER, "Over-the-counter items allowance", "Asignación para artículos sin receta",
              "otc, over the counter, allowance, vitamins, flex card, sin receta, asignación, vitaminas, tarjeta"),
        _info(_C.LONG_TERM_SERVICES, "Long-term services and supports", "Servicios y apoyos a largo plazo",
              "long-term care, nursing home, ltss, custodial care, assisted living, cuidado a largo plazo, "
              "hogar de ancianos, asilo"),
        _info(_C.COMMUNITY_ADULT_SERVICES, "Community-Based Adult Services (CBAS)",
              "Servicios para adultos basados en la comunidad (CBAS)",
              "cbas, adult day, adult day health, day center, centro de día, servicios para adultos"),
        _info(_C.IN_HOME_SUPPORTIVE_SERVICES, "In-Home Supportive Services (IHSS)",
              "Servicios de apoyo en el hogar (IHSS)",
              "ihss, home care, caregiver, personal care, help at home, housework, cuidador, cuidado personal, "
              "ayuda en casa, servicios en el hogar"),
        _info(_C.HOSPICE, "Hospice care", "Cuidados paliativos (hospicio)",
              "hospice, end of life, comfort care, hospicio, cuidados paliativos"),
    )
}  # fmt: skip


def category_info(code: str) -> CategoryInfo:
    """The info for a category code; raises KeyError for an unknown code."""
    return CATEGORIES[ServiceCategory(code)]


def is_category(code: str) -> bool:
    return code in ServiceCategory._value2member_map_


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", " ", stripped).strip()


def category_search(query: str) -> list[ServiceCategory]:
    """Categories matching a free-text query ("dental", "ride", "silla de ruedas"), best match first.

    Matching ignores case and accents. Ranking: a keyword or label equal to the query, then one starting
    with it, then one containing it as a word; ties keep the code-list order. An empty query matches all.
    """
    folded = _fold(query)
    if not folded:
        return list(ServiceCategory)
    scored: list[tuple[int, int, ServiceCategory]] = []
    for position, info in enumerate(CATEGORIES.values()):
        best = 99
        candidates = (*info.keywords, info.label_en, info.label_es, info.code.value.replace("_", " "))
        for candidate in candidates:
            text = _fold(candidate)
            if text == folded:
                best = min(best, 0)
            elif text.startswith(folded):
                best = min(best, 1)
            elif f" {folded}" in f" {text}":
                best = min(best, 2)
        if best < 99:
            scored.append((best, position, info.code))
    scored.sort()
    return [code for _, _, code in scored]
