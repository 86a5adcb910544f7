"""Benefit catalogs (source layer): one catalog per plan and plan year, one entry per (category, kind).

The unified answer is not stored: it is a pure function (memberhub.benefits.rules) of the two catalogs
of a pair and the member's dual status, computed on read.
"""

from django.db import models

from apps.core.models import BaseModel
from memberhub.benefits.catalog import CarveOutProgram, EntryKind, Program, Unit
from memberhub.benefits.categories import CATEGORIES

CATEGORY_CHOICES = [(info.code.value, info.label_en) for info in CATEGORIES.values()]
KIND_CHOICES = [(k.value, k.value.replace("_", " ").title()) for k in EntryKind]
PROGRAM_CHOICES = [(p.value, p.value.replace("_", "-").title()) for p in Program]
UNIT_CHOICES = [(u.value, u.value) for u in Unit]
CARVE_OUT_CHOICES = [(c.value, c.value.replace("_", " ")) for c in CarveOutProgram]


class BenefitCatalog(BaseModel):
    """What one plan's Summary of Benefits says for one plan year, as loaded from a catalog file."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.PROTECT, related_name="benefit_catalogs")
    plan_year = models.PositiveSmallIntegerField()
    program = models.CharField(max_length=20, choices=PROGRAM_CHOICES)
    plan_name = models.CharField(max_length=200, blank=True)
    member_services = models.JSONField(help_text="{phone, tty, name, hours, url}")
    layout_version = models.PositiveSmallIntegerField(default=1)
    source_name = models.CharField(max_length=500)
    source_sha256 = models.CharField(max_length=64)
    source_text = models.TextField(help_text="The catalog file as loaded (provenance; re-readable)")
    import_run = models.ForeignKey(
        "ingest.ImportRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["plan__code", "plan_year"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "plan_year"], name="benefit_catalog_one_per_plan_year"),
            models.CheckConstraint(
                name="benefit_catalog_plan_year_sane",
                condition=models.Q(plan_year__gte=2006, plan_year__lte=2100),
            ),
            models.CheckConstraint(
                name="benefit_catalog_program_valid",
                condition=models.Q(program__in=[p.value for p in Program]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.plan_year}"


class BenefitEntry(BaseModel):
    catalog = models.ForeignKey(BenefitCatalog, on_delete=models.CASCADE, related_name="entries")
    position = models.PositiveSmallIntegerField(help_text="Order in the catalog file")
    category = models.CharField(max_length=40, choices=CATEGORY_CHOICES)
    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    covered = models.BooleanField()
    copay = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    coinsurance_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    cost_per = models.CharField(max_length=20, choices=UNIT_CHOICES, blank=True)
    prior_authorization = models.BooleanField(default=False)
    referral_required = models.BooleanField(default=False)
    limits = models.JSONField(default=list, blank=True, help_text="[{kind, amount, per, note: {en, es}}]")
    access = models.JSONField(null=True, blank=True, help_text="{arranged_by, contact: {phone, ...}}")
    carve_out_program = models.CharField(max_length=30, choices=CARVE_OUT_CHOICES, blank=True)
    carve_out = models.JSONField(null=True, blank=True, help_text="{program, contact, cost_sharing, notes}")
    description = models.JSONField(null=True, blank=True, help_text="{en, es}")
    notes = models.JSONField(null=True, blank=True, help_text="{en, es}")
    source_line = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["catalog", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["catalog", "category", "kind"], name="benefit_entry_one_per_category_kind"
            ),
            models.CheckConstraint(
                name="benefit_entry_category_known",
                condition=models.Q(category__in=[c[0] for c in CATEGORY_CHOICES]),
            ),
            models.CheckConstraint(
                name="benefit_entry_kind_known", condition=models.Q(kind__in=[k.value for k in EntryKind])
            ),
            models.CheckConstraint(
                name="benefit_entry_copay_not_negative",
                condition=models.Q(copay__isnull=True) | models.Q(copay__gte=0),
            ),
            models.CheckConstraint(
                name="benefit_entry_coinsurance_range",
                condition=models.Q(coinsurance_percent__isnull=True)
                | models.Q(coinsurance_percent__gte=0, coinsurance_percent__lte=100),
            ),
            models.CheckConstraint(
                name="benefit_entry_uncovered_has_no_cost",
                condition=models.Q(covered=True)
                | models.Q(copay__isnull=True, coinsurance_percent__isnull=True),
            ),
        ]
        indexes = [models.Index(fields=["category", "kind"], name="benefit_entry_category_idx")]

    def __str__(self) -> str:
        return f"{self.category} ({self.kind})"
