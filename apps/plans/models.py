from django.contrib.postgres.fields import ArrayField
from django.db import models

from apps.core.models import BaseModel


class ParentOrganization(BaseModel):
    code = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class PlanKind(models.TextChoices):
    MEDICARE_DSNP = "medicare_dsnp", "Medicare D-SNP"
    MEDI_CAL = "medi_cal", "Medi-Cal managed care plan"


class Plan(BaseModel):
    code = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=20, choices=PlanKind.choices)
    parent = models.ForeignKey(ParentOrganization, on_delete=models.PROTECT, related_name="plans")
    name = models.CharField(max_length=200)
    # Medicare D-SNP
    contract_id = models.CharField(max_length=5, blank=True)
    pbp_id = models.CharField(max_length=3, blank=True)
    segment_id = models.CharField(max_length=3, blank=True)
    rx_bin = models.CharField(max_length=6, blank=True)
    rx_pcn = models.CharField(max_length=20, blank=True)
    rx_group = models.CharField(max_length=20, blank=True)
    formulary_id = models.CharField(max_length=8, blank=True)
    # Medi-Cal plan
    dhcs_plan_code = models.CharField(max_length=10, blank=True)
    # Phone numbers
    phone_member_services = models.CharField(max_length=20, blank=True)
    phone_tty = models.CharField(max_length=20, blank=True, default="711")
    phone_nurse_line = models.CharField(max_length=20, blank=True)
    phone_behavioral_health = models.CharField(max_length=20, blank=True)
    phone_pharmacy_help = models.CharField(max_length=20, blank=True)
    website = models.URLField(blank=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                name="plan_dsnp_has_contract",
                condition=~models.Q(kind="medicare_dsnp")
                | (models.Q(contract_id__regex=r"^[HRSE][0-9]{4}$") & models.Q(pbp_id__regex=r"^[0-9]{3}$")),
            ),
            models.CheckConstraint(
                name="plan_medi_cal_has_dhcs_code",
                condition=~models.Q(kind="medi_cal") | ~models.Q(dhcs_plan_code=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_medicare(self) -> bool:
        return self.kind == PlanKind.MEDICARE_DSNP

    @property
    def display_key(self) -> str:
        """H1234-001 for a D-SNP, the DHCS plan code otherwise."""
        if self.is_medicare:
            key = f"{self.contract_id}-{self.pbp_id}"
            return key if self.segment_id in ("", "000") else f"{key}-{self.segment_id}"
        return self.dhcs_plan_code


class AlignedPlanPair(BaseModel):
    """One D-SNP and one Medi-Cal plan of the same parent, for one plan year, exclusively aligned."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200, help_text="Product name members see, e.g. 'Acme Medi-Medi Plan'")
    parent = models.ForeignKey(ParentOrganization, on_delete=models.PROTECT, related_name="pairs")
    medicare_plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="pairs_as_medicare")
    medi_cal_plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="pairs_as_medi_cal")
    plan_year = models.PositiveSmallIntegerField()
    counties = ArrayField(models.CharField(max_length=5), default=list, help_text="FIPS county codes (06xxx)")

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["medicare_plan", "medi_cal_plan", "plan_year"], name="pair_unique_plans_per_year"
            ),
            models.UniqueConstraint(fields=["medicare_plan", "plan_year"], name="pair_one_per_dsnp_year"),
            models.CheckConstraint(name="pair_plan_year_sane", condition=models.Q(plan_year__gte=2006)),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.plan_year})"
