"""Provider directory: the source layer (what each plan said) and the unified layer (per aligned pair).

Source layer: `PlanDirectory` (the plan's current directory: which import run, its fingerprint),
`SourceEntry` (one provider at one practice location as the plan states it, the full statement in
`data`, with provenance) and `SourceResource` (catalog resources kept as-is for the FHIR endpoint:
networks, organizations, services, insurance plans, endpoints).

Unified layer (rebuilt from the source layer by memberhub.directory.merge): `UnifiedEntry`, one per
(provider type, NPI, normalized address) per pair, with its id derived from those values so that a
rebuild keeps ids stable; `UnifiedSpecialty`, a narrow search table, one row per entry and taxonomy
code, indexed (pair, taxonomy_code, lat, lon) for the specialty + distance search.
"""

import hashlib
import uuid

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Upper

from apps.core.models import BaseModel

ENTRY_NAMESPACE = uuid.UUID("5d0c8f0e-7d57-4d35-9a4b-3c1a1d3e2a10")


class ProviderType(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    FACILITY = "facility", "Facility"
    PHARMACY = "pharmacy", "Pharmacy"


class GeoSource(models.TextChoices):
    SOURCE = "source", "Stated by the plan"
    ZIP_CENTROID = "zip_centroid", "ZIP code centroid"


class PlanDirectory(BaseModel):
    """The directory currently applied for one plan (the latest successful import)."""

    plan = models.OneToOneField("plans.Plan", on_delete=models.CASCADE, related_name="directory")
    import_run = models.ForeignKey("ingest.ImportRun", on_delete=models.PROTECT, related_name="+")
    fingerprint = models.CharField(max_length=64)
    network_id = models.CharField(max_length=64, blank=True)
    networks = models.JSONField(
        default=dict, blank=True, help_text="network id -> name, as the directory names them"
    )
    entry_count = models.PositiveIntegerField(default=0)
    applied_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "plan directories"

    def __str__(self) -> str:
        return f"{self.plan_id} directory ({self.entry_count} entries)"


class SourceEntry(models.Model):
    """One provider at one location as one plan's directory states it (never edited by hand).

    Few indexes on purpose (bulk-loaded by COPY): the unique key starts with the plan.
    """

    id = models.BigAutoField(primary_key=True)
    plan = models.ForeignKey(
        "plans.Plan", on_delete=models.CASCADE, related_name="directory_entries", db_index=False
    )
    import_run = models.ForeignKey(
        "ingest.ImportRun", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    provider_type = models.CharField(max_length=20, choices=ProviderType.choices)
    identity = models.CharField(
        max_length=200, help_text="NPI, or ref:<Resource>/<id> when the plan gives none"
    )
    address_key = models.CharField(max_length=300, blank=True)
    npi = models.CharField(max_length=20, blank=True)
    npi_valid = models.BooleanField(default=False)
    name = models.CharField(max_length=300)
    last_updated = models.DateTimeField(
        null=True, blank=True, help_text="meta.lastUpdated of the newest resource"
    )
    data = models.JSONField(help_text="The full statement (memberhub.directory.codec), with resource ids")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "provider_type", "identity", "address_key"], name="directory_source_entry_key"
            )
        ]
        indexes = [models.Index(fields=["plan", "npi"], name="directory_source_plan_npi")]
        verbose_name_plural = "source entries"

    def __str__(self) -> str:
        return f"{self.name} ({self.identity})"


class SourceResource(models.Model):
    """A catalog resource (Network, Organization, HealthcareService, InsurancePlan, Endpoint) as imported."""

    id = models.BigAutoField(primary_key=True)
    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="directory_resources")
    import_run = models.ForeignKey("ingest.ImportRun", on_delete=models.PROTECT, related_name="+")
    resource_type = models.CharField(max_length=40)
    resource_id = models.CharField(max_length=64)
    last_updated = models.DateTimeField(null=True, blank=True)
    content = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "resource_type", "resource_id"], name="directory_source_resource_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.resource_type}/{self.resource_id}"


class UnifiedEntry(models.Model):
    """One provider at one practice location in an aligned pair's unified directory."""

    id = models.UUIDField(primary_key=True, editable=False)
    pair = models.ForeignKey(
        "plans.AlignedPlanPair", on_delete=models.CASCADE, related_name="directory_entries"
    )
    provider_id = models.UUIDField(null=True, blank=True, help_text="same for every location of one provider")
    location_id = models.UUIDField(null=True, blank=True, help_text="same for every provider at one address")
    organization_id = models.UUIDField(
        null=True,
        blank=True,
        help_text="provider id of the organization a practitioner works for here (matched by name in the pair)",
    )
    provider_kind = models.CharField(max_length=20)
    provider_type = models.CharField(max_length=20, choices=ProviderType.choices)
    identity = models.CharField(max_length=200)
    npi = models.CharField(max_length=20, blank=True)
    npi_valid = models.BooleanField(default=False)
    name = models.CharField(max_length=300)
    search_name = models.CharField(max_length=300, help_text="lower-case name words for typo-tolerant search")
    name_key = models.CharField(
        max_length=100, blank=True, help_text="lower-case family name (first name word for organizations)"
    )
    family_name = models.CharField(max_length=200, blank=True)
    given_names = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    gender = models.CharField(max_length=10, blank=True)
    organization_name = models.CharField(max_length=300, blank=True)
    specialties = ArrayField(models.CharField(max_length=10), default=list, blank=True)
    languages = ArrayField(models.CharField(max_length=10), default=list, blank=True)
    accessibility = ArrayField(models.CharField(max_length=20), default=list, blank=True)
    telehealth = models.BooleanField(default=False)
    phone = models.CharField(max_length=20, blank=True)
    address_lines = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=20, blank=True)
    postal_code = models.CharField(max_length=10, blank=True)
    address_key = models.CharField(max_length=300, blank=True)
    location_name = models.CharField(max_length=300, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    geo_source = models.CharField(max_length=20, choices=GeoSource.choices, blank=True)
    in_medicare = models.BooleanField()
    in_medi_cal = models.BooleanField()
    medicare_accepting = models.CharField(max_length=20, blank=True)
    medi_cal_accepting = models.CharField(max_length=20, blank=True)
    accepting_new_patients = models.BooleanField(default=False)
    needs_review = models.BooleanField(default=False)
    conflicts = models.JSONField(default=list, blank=True)
    sources = models.JSONField(default=list, blank=True)
    details = models.JSONField(default=dict, blank=True, help_text="hours, virtual modalities")
    last_updated = models.DateTimeField(null=True, blank=True)

    class Meta:
        # No unique constraint on (pair, provider_type, identity, address_key): the primary key is derived
        # from exactly those values (unified_entry_id), so the pk index already enforces it.
        constraints = [
            models.CheckConstraint(
                name="directory_unified_in_a_network",
                condition=models.Q(in_medicare=True) | models.Q(in_medi_cal=True),
            ),
        ]
        indexes = [
            models.Index(fields=["pair", "lat", "lon"], name="directory_unified_pair_latlon"),
            models.Index(fields=["pair", "provider_type", "identity"], name="directory_unified_pair_ident"),
            GinIndex(OpClass("search_name", name="gin_trgm_ops"), name="directory_unified_name_trgm"),
            models.Index("pair", "name_key", Upper("name"), "id", name="directory_unified_name_key"),
            models.Index(fields=["provider_id"], name="directory_unified_provider"),
            models.Index(fields=["location_id"], name="directory_unified_location"),
            models.Index(
                fields=["organization_id"],
                name="directory_unified_organization",
                condition=models.Q(organization_id__isnull=False),
            ),
        ]
        verbose_name_plural = "unified entries"

    def __str__(self) -> str:
        return f"{self.name} ({self.identity})"

    @property
    def network(self) -> str:
        if self.in_medicare and self.in_medi_cal:
            return "both"
        return "medicare" if self.in_medicare else "medi_cal"


class UnifiedSpecialty(models.Model):
    """Search table: one row per unified entry and taxonomy code, with the filter columns copied.

    Only the search index (bulk-loaded by COPY on every rebuild): it also serves deletes by pair.
    """

    id = models.BigAutoField(primary_key=True)
    # No FK constraint: both tables are replaced together in one transaction by the rebuild (faster COPY).
    entry = models.ForeignKey(
        UnifiedEntry,
        on_delete=models.DO_NOTHING,
        related_name="specialty_rows",
        db_constraint=False,
        db_index=False,
    )
    pair = models.ForeignKey(
        "plans.AlignedPlanPair", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    taxonomy_code = models.CharField(max_length=10)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    provider_type = models.CharField(max_length=20)
    languages = ArrayField(models.CharField(max_length=10), default=list, blank=True)
    accepting_new_patients = models.BooleanField(default=False)
    medicare_accepting = models.CharField(max_length=20, blank=True)
    medi_cal_accepting = models.CharField(max_length=20, blank=True)
    in_medicare = models.BooleanField()
    in_medi_cal = models.BooleanField()

    class Meta:
        indexes = [
            # INCLUDE the filter columns: after the rebuild's VACUUM the search is an index-only scan
            models.Index(
                fields=["pair", "taxonomy_code", "lat", "lon"],
                include=[
                    "entry",
                    "languages",
                    "accepting_new_patients",
                    "medicare_accepting",
                    "medi_cal_accepting",
                    "in_medicare",
                    "in_medi_cal",
                    "provider_type",
                ],
                name="directory_spec_search",
            )
        ]
        verbose_name_plural = "unified specialties"

    def __str__(self) -> str:
        return f"{self.taxonomy_code} {self.entry_id}"


class UnifiedNameKey(models.Model):
    """The distinct name keys of a pair's unified directory: a small dictionary to correct typos against."""

    id = models.BigAutoField(primary_key=True)
    pair = models.ForeignKey("plans.AlignedPlanPair", on_delete=models.CASCADE, related_name="+")
    name_key = models.CharField(max_length=100)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pair", "name_key"], name="directory_name_key_unique")]
        indexes = [
            GinIndex(OpClass("name_key", name="gin_trgm_ops"), name="directory_name_key_trgm"),
            models.Index(
                fields=["name_key"], opclasses=["varchar_pattern_ops"], name="directory_name_key_prefix"
            ),
        ]

    def __str__(self) -> str:
        return self.name_key


def uuid5_text(name: str) -> str:
    """str(uuid.uuid5(ENTRY_NAMESPACE, name)), about 3x faster (used for every row of a rebuild)."""
    digest = bytearray(
        hashlib.sha1(ENTRY_NAMESPACE.bytes + name.encode(), usedforsecurity=False).digest()[:16]
    )
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    x = digest.hex()
    return f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}"


def unified_entry_id(*, pair_code: str, provider_type: str, identity: str, address_key: str) -> uuid.UUID:
    """Stable id of a unified entry: the same provider at the same address keeps its id across rebuilds."""
    return uuid.uuid5(ENTRY_NAMESPACE, f"{pair_code}|{provider_type}|{identity}|{address_key}")


def unified_provider_id(*, pair_code: str, provider_type: str, identity: str) -> uuid.UUID:
    """Stable id of a provider (all its locations) in a pair: the FHIR Practitioner / Organization id."""
    return uuid.uuid5(ENTRY_NAMESPACE, f"{pair_code}|provider|{provider_type}|{identity}")


def unified_location_id(*, pair_code: str, address_key: str) -> uuid.UUID:
    """Stable id of a practice address in a pair: the FHIR Location id."""
    return uuid.uuid5(ENTRY_NAMESPACE, f"{pair_code}|location|{address_key}")
