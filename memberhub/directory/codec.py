"""JSON round trip of SourceEntry, for storing what a plan said in the source layer (a JSONB column)."""

from datetime import datetime
from typing import Any

from memberhub.directory.address import PostalAddress
from memberhub.directory.records import AvailableTime, SourceEntry


def entry_to_json(entry: SourceEntry) -> dict[str, Any]:
    return {
        "provider_kind": entry.provider_kind,
        "provider_type": entry.provider_type,
        "identity": entry.identity,
        "npi": entry.npi,
        "npi_valid": entry.npi_valid,
        "name": entry.name,
        "family_name": entry.family_name,
        "given_names": list(entry.given_names),
        "gender": entry.gender,
        "organization_name": entry.organization_name,
        "specialties": list(entry.specialties),
        "qualifications": list(entry.qualifications),
        "languages": list(entry.languages),
        "accessibility": list(entry.accessibility),
        "accepting": [[network, code] for network, code in entry.accepting],
        "telehealth": entry.telehealth,
        "virtual_modalities": list(entry.virtual_modalities),
        "phone": entry.phone,
        "address": (
            None
            if entry.address is None
            else {
                "lines": list(entry.address.lines),
                "city": entry.address.city,
                "state": entry.address.state,
                "postal_code": entry.address.postal_code,
            }
        ),
        "address_key": entry.address_key,
        "location_name": entry.location_name,
        "lat": entry.lat,
        "lon": entry.lon,
        "geo_source": entry.geo_source,
        "available_times": [t.as_dict() for t in entry.available_times],
        "networks": list(entry.networks),
        "resource_refs": list(entry.resource_refs),
        "last_updated": entry.last_updated.isoformat() if entry.last_updated else None,
    }


def entry_from_json(data: dict[str, Any]) -> SourceEntry:
    address = data.get("address")
    return SourceEntry(
        provider_kind=data["provider_kind"],
        provider_type=data["provider_type"],
        identity=data["identity"],
        npi=data.get("npi"),
        npi_valid=bool(data.get("npi_valid")),
        name=data["name"],
        family_name=data.get("family_name") or "",
        given_names=tuple(data.get("given_names") or ()),
        gender=data.get("gender"),
        organization_name=data.get("organization_name"),
        specialties=tuple(data.get("specialties") or ()),
        qualifications=tuple(data.get("qualifications") or ()),
        languages=tuple(data.get("languages") or ()),
        accessibility=tuple(data.get("accessibility") or ()),
        accepting=tuple((network, code) for network, code in data.get("accepting") or ()),
        telehealth=bool(data.get("telehealth")),
        virtual_modalities=tuple(data.get("virtual_modalities") or ()),
        phone=data.get("phone"),
        address=(
            None
            if not address
            else PostalAddress(
                tuple(address.get("lines") or ()),
                address.get("city") or "",
                address.get("state") or "",
                address.get("postal_code") or "",
            )
        ),
        address_key=data.get("address_key") or "",
        location_name=data.get("location_name"),
        lat=data.get("lat"),
        lon=data.get("lon"),
        geo_source=data.get("geo_source"),
        available_times=tuple(
            AvailableTime(tuple(t.get("days") or ()), bool(t.get("all_day")), t.get("start"), t.get("end"))
            for t in data.get("available_times") or ()
        ),
        networks=tuple(data.get("networks") or ()),
        resource_refs=tuple(data.get("resource_refs") or ()),
        last_updated=datetime.fromisoformat(data["last_updated"]) if data.get("last_updated") else None,
    )
