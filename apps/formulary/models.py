"""Formulary data.

Reference: ``Drug`` (one row per RxCUI, names from RxNorm) and ``DrugNdc`` (NDC -> RxCUI).
Source layer: immutable, versioned ``FormularySnapshot`` rows (one per imported release) owning what
the file said: Part D plan->formulary map, formulary entries, excluded-drug (supplemental) entries,
beneficiary cost shares, insulin costs, and Medi-Cal Rx Contract Drugs List entries. Rows of a
snapshot are written once (COPY) and never updated; only ``is_current`` moves, atomically.
Unified layer: ``UnifiedCoverage`` per aligned pair and drug, rebuilt from the current snapshots.

Source tables use big-integer keys (not the UUID BaseModel): they are bulk-loaded with COPY, never
referenced from outside the app and never exposed by id.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models

from apps.core.models import BaseModel


class SnapshotSource(models.TextChoices):
    PART_D = "partd", "CMS Part D formulary files"
    MEDI_CAL_RX = "medi_cal_rx", "Medi-Cal Rx Contract Drugs List"
    RXNORM = "rxnorm", "RxNorm"


class Drug(models.Model):
    """A drug concept (RxCUI) with its human name, ingredient and brand/generic status."""

    rxcui = models.CharField(max_length=8, primary_key=True)
    name = models.CharField(max_length=3000)
    tty = models.CharField(
        max_length=10, blank=True, help_text="RxNorm term type (SCD, SBD, GPCK, BPCK, IN, BN)"
    )
    ingredient_key = models.CharField(max_length=1000, blank=True, db_index=True)
    strength = models.CharField(max_length=500, blank=True)
    dose_form = models.CharField(max_length=200, blank=True)
    brand_name = models.CharField(max_length=300, blank=True)
    is_brand = models.BooleanField(default=False)
    is_pack = models.BooleanField(default=False)
    search_text = models.CharField(max_length=3500, help_text="normalized name + brand, for trigram search")
    is_placeholder = models.BooleanField(default=False, help_text="seen in a formulary, name not yet known")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        # + a GIN full-text index on to_tsvector('simple', search_text) for word-prefix search
        #   (migration 0002, raw SQL: the selector's query must use the same expression).
        indexes = [
            models.Index(
                OpClass("search_text", name="varchar_pattern_ops"), name="formulary_drug_search_prefix"
            ),
        ]
        constraints = [
            models.CheckConstraint(name="drug_rxcui_digits", condition=models.Q(rxcui__regex=r"^[0-9]{1,8}$"))
        ]

    def __str__(self) -> str:
        return f"{self.rxcui} {self.name}"


class DrugWord(models.Model):
    """Every word of every known drug name: the vocabulary that typo'd words are corrected against
    (pg_trgm similarity over ~15k short words is fast and discriminating)."""

    word = models.CharField(max_length=100, primary_key=True)

    class Meta:
        indexes = [GinIndex(OpClass("word", name="gin_trgm_ops"), name="formulary_drugword_trgm")]

    def __str__(self) -> str:
        return self.word


class DrugNdc(models.Model):
    ndc = models.CharField(max_length=11)
    drug = models.ForeignKey(Drug, on_delete=models.CASCADE, related_name="ndcs", db_column="rxcui")
    source = models.CharField(max_length=20, choices=SnapshotSource.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ndc", "drug"], name="drugndc_unique"),
            models.CheckConstraint(
                name="drugndc_ndc_11_digits", condition=models.Q(ndc__regex=r"^[0-9]{11}$")
            ),
        ]
        indexes = [models.Index(fields=["ndc"], name="formulary_drugndc_ndc")]

    def __str__(self) -> str:
        return f"{self.ndc} -> {self.drug_id}"


class FormularySnapshot(BaseModel):
    """One imported release, immutable. ``is_current`` marks the one in force now (per source and
    contract year); older snapshots stay for "as of" questions."""

    source = models.CharField(max_length=20, choices=SnapshotSource.choices)
    contract_year = models.PositiveSmallIntegerField(null=True, blank=True)
    release_date = models.DateField(null=True, blank=True)
    effective_from = models.DateField(help_text="first day this release answers for")
    source_name = models.CharField(max_length=500)
    source_sha256 = models.CharField(max_length=64)
    import_run = models.ForeignKey(
        "ingest.ImportRun",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="formulary_snapshots",
    )
    is_current = models.BooleanField(default=False)
    counts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["source", "-contract_year", "-effective_from", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_sha256"], name="snapshot_unique_content"),
            models.UniqueConstraint(
                fields=["source", "contract_year"],
                condition=models.Q(is_current=True, contract_year__isnull=False),
                name="snapshot_one_current_per_year",
            ),
            models.UniqueConstraint(
                fields=["source"],
                condition=models.Q(is_current=True, contract_year__isnull=True),
                name="snapshot_one_current_per_source",
            ),
            models.CheckConstraint(
                name="snapshot_partd_has_year",
                condition=~models.Q(source="partd") | models.Q(contract_year__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["source", "contract_year", "effective_from"], name="snapshot_asof_idx")
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.contract_year or ''} {self.release_date or ''}".strip()


class PartDPlanFormulary(models.Model):
    snapshot = models.ForeignKey(FormularySnapshot, on_delete=models.CASCADE, related_name="plan_formularies")
    contract_id = models.CharField(max_length=5)
    plan_id = models.CharField(max_length=3)
    segment_id = models.CharField(max_length=3)
    formulary_id = models.CharField(max_length=8)
    plan_name = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "contract_id", "plan_id", "segment_id"], name="partdplanformulary_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contract_id}-{self.plan_id}-{self.segment_id} -> {self.formulary_id}"


class PartDFormularyEntry(models.Model):
    snapshot = models.ForeignKey(FormularySnapshot, on_delete=models.CASCADE, related_name="partd_entries")
    formulary_id = models.CharField(max_length=8)
    formulary_version = models.IntegerField(null=True)
    rxcui = models.CharField(max_length=8)
    ndc = models.CharField(max_length=11)
    tier = models.PositiveSmallIntegerField()
    has_quantity_limit = models.BooleanField(default=False)
    quantity_limit_amount = models.DecimalField(max_digits=12, decimal_places=5, null=True)
    quantity_limit_days = models.PositiveIntegerField(null=True)
    has_prior_authorization = models.BooleanField(default=False)
    has_step_therapy = models.BooleanField(default=False)
    is_selected_drug = models.BooleanField(default=False)
    source_line = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "formulary_id", "ndc"], name="partdentry_unique_ndc"),
            models.CheckConstraint(
                name="partdentry_tier_range", condition=models.Q(tier__gte=1, tier__lte=7)
            ),
        ]
        indexes = [models.Index(fields=["snapshot", "formulary_id", "rxcui"], name="partdentry_lookup")]

    def __str__(self) -> str:
        return f"{self.formulary_id} {self.rxcui} tier {self.tier}"


class PartDExcludedEntry(models.Model):
    """Supplemental coverage of Part D-excluded drugs by an enhanced plan (Excluded Drugs table)."""

    snapshot = models.ForeignKey(FormularySnapshot, on_delete=models.CASCADE, related_name="excluded_entries")
    contract_id = models.CharField(max_length=5)
    plan_id = models.CharField(max_length=3)
    rxcui = models.CharField(max_length=8)
    tier = models.PositiveSmallIntegerField(null=True)
    has_quantity_limit = models.BooleanField(default=False)
    quantity_limit_amount = models.DecimalField(max_digits=12, decimal_places=5, null=True)
    quantity_limit_days = models.PositiveIntegerField(null=True)
    has_prior_authorization = models.BooleanField(default=False)
    has_step_therapy = models.BooleanField(default=False)
    is_capped_benefit = models.BooleanField(default=False)
    source_line = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["snapshot", "contract_id", "plan_id", "rxcui"], name="partdexcl_lookup")
        ]

    def __str__(self) -> str:
        return f"{self.contract_id}-{self.plan_id} {self.rxcui}"


class PartDCostShare(models.Model):
    snapshot = models.ForeignKey(FormularySnapshot, on_delete=models.CASCADE, related_name="cost_shares")
    contract_id = models.CharField(max_length=5)
    plan_id = models.CharField(max_length=3)
    segment_id = models.CharField(max_length=3)
    coverage_level = models.PositiveSmallIntegerField()
    tier = models.PositiveSmallIntegerField()
    days_supply_code = models.PositiveSmallIntegerField()
    pref_kind = models.PositiveSmallIntegerField()
    pref_amount = models.DecimalField(max_digits=10, decimal_places=4, null=True)
    pref_min = models.DecimalField(max_digits=10, decimal_places=2, null=True)
    pref_max = models.DecimalField(max_digits=10, decimal_places=2, null=True)
    std_kind = models.PositiveSmallIntegerField()
    std_amount = models.DecimalField(max_digits=10, decimal_places=4, null=True)
    std_min = models.DecimalField(max_digits=10, decimal_places=2, null=True)
    std_max = models.DecimalField(max_digits=10, decimal_places=2, null=True)
    mail_pref_kind = models.PositiveSmallIntegerField()
    mail_pref_amount = models.DecimalField(max_digits=10, decimal_places=4, null=True)
    mail_std_kind = models.PositiveSmallIntegerField()
    mail_std_amount = models.DecimalField(max_digits=10, decimal_places=4, null=True)
    is_specialty_tier = models.BooleanField(default=False)
    deductible_applies = models.BooleanField(default=False)
    source_line = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(
                fields=["snapshot", "contract_id", "plan_id", "segment_id", "coverage_level", "tier"],
                name="partdcost_lookup",
            )
        ]

    def __str__(self) -> str:
        return f"{self.contract_id}-{self.plan_id}-{self.segment_id} L{self.coverage_level} T{self.tier}"


class PartDInsulinCost(models.Model):
    snapshot = models.ForeignKey(FormularySnapshot, on_delete=models.CASCADE, related_name="insulin_costs")
    contract_id = models.CharField(max_length=5)
    plan_id = models.CharField(max_length=3)
    segment_id = models.CharField(max_length=3)
    tier = models.PositiveSmallIntegerField(null=True, help_text="null = every tier")
    days_supply_code = models.PositiveSmallIntegerField()
    copay_pref = models.DecimalField(max_digits=10, decimal_places=2, null=True)
    copay_std = models.DecimalField(max_digits=10, decimal_places=2, null=True)
    coinsurance_pref = models.DecimalField(max_digits=6, decimal_places=4, null=True)
    coinsurance_std = models.DecimalField(max_digits=6, decimal_places=4, null=True)
    source_line = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(
                fields=["snapshot", "contract_id", "plan_id", "segment_id"], name="partdinsulin_lookup"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contract_id}-{self.plan_id}-{self.segment_id} insulin"


class MediCalRxDrug(models.Model):
    """One Contract Drugs List entry (memberhub CSV layout, see memberhub.formulary.medi_cal_rx)."""

    snapshot = models.ForeignKey(FormularySnapshot, on_delete=models.CASCADE, related_name="medi_cal_entries")
    rxcui = models.CharField(
        max_length=8, blank=True, db_index=False, help_text="resolved RxCUI; blank if unmatched"
    )
    drug_name = models.CharField(max_length=300)
    strength = models.CharField(max_length=200, blank=True)
    dosage_form = models.CharField(max_length=200)
    billing_unit = models.CharField(max_length=4)
    ndc = models.CharField(max_length=11, blank=True)
    cdl_part = models.PositiveSmallIntegerField(default=1)
    is_code_1 = models.BooleanField(default=False)
    restriction_text = models.TextField(blank=True)
    age_min = models.PositiveSmallIntegerField(null=True)
    age_max = models.PositiveSmallIntegerField(null=True)
    quantity_limit_amount = models.DecimalField(max_digits=12, decimal_places=5, null=True)
    quantity_limit_days = models.PositiveIntegerField(null=True)
    labeler_codes = models.CharField(max_length=200, blank=True, help_text="';'-separated")
    diagnosis_restriction = models.CharField(max_length=300, blank=True)
    has_step_therapy = models.BooleanField(default=False)
    has_prior_authorization = models.BooleanField(default=False)
    part_d_excluded_category = models.CharField(max_length=40, blank=True)
    effective_from = models.DateField()
    effective_to = models.DateField(null=True)
    revision_date = models.DateField(null=True)
    match_method = models.CharField(max_length=10, blank=True, help_text="rxcui | ndc | name | ''")
    source_line = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["snapshot", "rxcui"], name="medicalrx_lookup")]

    def __str__(self) -> str:
        return f"{self.drug_name} {self.strength} {self.dosage_form}"


class CoverageStatus(models.TextChoices):
    PART_D = "part_d", "Part D"
    MEDI_CAL_RX = "medi_cal_rx", "Medi-Cal Rx"
    BOTH = "both", "Part D and Medi-Cal Rx"
    NOT_COVERED = "not_covered", "Not covered"


class UnifiedCoverage(models.Model):
    """Who pays for a drug in an aligned pair, from the current Part D and Medi-Cal Rx snapshots."""

    pair = models.ForeignKey("plans.AlignedPlanPair", on_delete=models.CASCADE, related_name="drug_coverage")
    drug = models.ForeignKey(Drug, on_delete=models.CASCADE, related_name="coverage", db_column="rxcui")
    part_d_snapshot = models.ForeignKey(
        FormularySnapshot, on_delete=models.CASCADE, null=True, related_name="+"
    )
    medi_cal_snapshot = models.ForeignKey(
        FormularySnapshot, on_delete=models.CASCADE, null=True, related_name="+"
    )
    status = models.CharField(max_length=20, choices=CoverageStatus.choices)
    primary_payer = models.CharField(max_length=20, blank=True)
    secondary_payer = models.CharField(max_length=20, blank=True)
    tier = models.PositiveSmallIntegerField(null=True)
    has_prior_authorization = models.BooleanField(default=False)
    has_step_therapy = models.BooleanField(default=False)
    has_quantity_limit = models.BooleanField(default=False)
    medi_cal_code_1 = models.BooleanField(default=False)
    notes = models.JSONField(default=list, blank=True, help_text="note codes")
    built_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pair", "drug"], name="unifiedcoverage_unique")]
        indexes = [models.Index(fields=["pair", "status"], name="unifiedcoverage_pair_status")]

    def __str__(self) -> str:
        return f"{self.pair_id} {self.drug_id} {self.status}"
