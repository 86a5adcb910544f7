"""Typed records of the directory domain: what one plan says (SourceEntry) and read problems."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from memberhub.directory.address import PostalAddress

ProviderKind = Literal["practitioner", "organization"]
ProviderType = Literal["practitioner", "facility", "pharmacy"]
GeoSource = Literal["source", "zip_centroid"]
Severity = Literal["error", "warning"]

PLANNET = "http://hl7.org/fhir/us/davinci-pdex-plan-net"
NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi"
NUCC_SYSTEM = "http://nucc.org/provider-taxonomy"

# Accepting-new-patients codes (AcceptingPatientsCS), most open first.
ACCEPTING_CODES = ("newpt", "existptfam", "existptonly", "nopt")


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong in the input, with where it is: file, position (line or bundle entry), resource."""

    file: str
    position: str
    resource: str | None
    field: str | None
    message: str
    severity: Severity = "error"
    code: str = "directory.invalid_resource"

    def __str__(self) -> str:
        where = ":".join(part for part in (self.file, self.position) if part)
        what = " ".join(
            part for part in (self.resource or "", f"[{self.field}]" if self.field else "") if part
        )
        return f"{where} {what}: {self.message}".replace("  ", " ").strip()

    def as_dict(self) -> dict[str, str | None]:
        return {
            "file": self.file,
            "position": self.position,
            "resource": self.resource,
            "field": self.field,
            "message": self.message,
            "severity": self.severity,
            "code": self.code,
        }


@dataclass(frozen=True, slots=True)
class AvailableTime:
    days: tuple[str, ...]
    all_day: bool = False
    start: str | None = None
    end: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {"days": list(self.days), "all_day": self.all_day, "start": self.start, "end": self.end}


@dataclass(frozen=True, slots=True)
class SourceEntry:
    """One provider at one practice location, as one plan's directory states it.

    The key is (provider_type, identity, address_key): identity is the NPI when the directory gives
    one, else `ref:<ResourceType>/<id>`; address_key is the normalized address ('' for virtual-only).
    """

    provider_kind: ProviderKind
    provider_type: ProviderType
    identity: str
    npi: str | None
    npi_valid: bool
    name: str
    family_name: str = ""
    given_names: tuple[str, ...] = ()
    gender: str | None = None
    organization_name: str | None = None
    specialties: tuple[str, ...] = ()
    qualifications: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    accessibility: tuple[str, ...] = ()
    accepting: tuple[tuple[str, str | None], ...] = ()
    telehealth: bool = False
    virtual_modalities: tuple[str, ...] = ()
    phone: str | None = None
    address: PostalAddress | None = None
    address_key: str = ""
    location_name: str | None = None
    lat: float | None = None
    lon: float | None = None
    geo_source: GeoSource | None = None
    available_times: tuple[AvailableTime, ...] = ()
    networks: tuple[str, ...] = ()
    resource_refs: tuple[str, ...] = ()
    last_updated: datetime | None = None
    extra: tuple[tuple[str, str], ...] = field(default=())

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.provider_type, self.identity, self.address_key)

    @property
    def accepting_code(self) -> str | None:
        """This plan's answer to "accepting new patients?": the most open code over its networks."""
        codes = {code for _, code in self.accepting if code}
        for code in ACCEPTING_CODES:
            if code in codes:
                return code
        return None


def most_open(codes: list[str | None] | tuple[str | None, ...]) -> str | None:
    present = {code for code in codes if code}
    for code in ACCEPTING_CODES:
        if code in present:
            return code
    return None
