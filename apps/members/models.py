from django.db import models

from apps.core.models import BaseModel


class Sex(models.TextChoices):
    FEMALE = "F", "Female"
    MALE = "M", "Male"
    UNKNOWN = "U", "Unknown"


class AlternateFormat(models.TextChoices):
    NONE = "", "Standard print"
    LARGE_PRINT = "large_print", "Large print"
    BRAILLE = "braille", "Braille"
    AUDIO = "audio", "Audio"
    DATA_CD = "data_cd", "Data CD"


class DeliveryPreference(models.TextChoices):
    MAIL = "mail", "Mail"
    ELECTRONIC = "electronic", "Electronic (with consent)"
    BOTH = "both", "Mail and electronic"


class DualStatus(models.TextChoices):
    """Medicare Savings Program / Medi-Cal dual status (drives member cost sharing)."""

    FULL_BENEFIT = "full_benefit", "Full-benefit dual (QMB+ / SLMB+ / other full)"
    QMB_ONLY = "qmb_only", "QMB only (partial dual)"
    SLMB_ONLY = "slmb_only", "SLMB only (partial dual)"
    QI = "qi", "QI (partial dual)"
    QDWI = "qdwi", "QDWI (partial dual)"
    NONE = "none", "Not dual"


class Member(BaseModel):
    member_id = models.CharField(
        max_length=20, unique=True, help_text="Unified memberhub member id (on the card)"
    )
    first_name = models.CharField(max_length=80)
    middle_name = models.CharField(max_length=80, blank=True)
    last_name = models.CharField(max_length=80, db_index=True)
    suffix = models.CharField(max_length=20, blank=True)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    date_of_death = models.DateField(null=True, blank=True)
    mbi = models.CharField(max_length=11, null=True, blank=True, unique=True)
    medi_cal_cin = models.CharField(max_length=9, null=True, blank=True, unique=True)
    medi_cal_aid_code = models.CharField(max_length=2, blank=True)
    dual_status = models.CharField(max_length=20, choices=DualStatus.choices, default=DualStatus.FULL_BENEFIT)
    lis_level = models.PositiveSmallIntegerField(
        default=0,
        help_text="Extra Help level: 0 none, 1 full duals <=100% FPL, 2 full duals >100% FPL, 3 institutionalized/HCBS, 4 partial",
    )
    # Mailing address (standardized), with county.
    address_line1 = models.CharField(max_length=120, blank=True)
    address_line2 = models.CharField(max_length=120, blank=True)
    city = models.CharField(max_length=80, blank=True)
    state = models.CharField(max_length=2, blank=True, default="CA")
    zip_code = models.CharField(max_length=10, blank=True)
    county_fips = models.CharField(max_length=5, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    spoken_language = models.CharField(max_length=8, default="en", help_text="ISO 639 code")
    written_language = models.CharField(max_length=8, default="en", help_text="ISO 639 code")
    alternate_format = models.CharField(
        max_length=20, choices=AlternateFormat.choices, blank=True, default=""
    )
    delivery_preference = models.CharField(
        max_length=20, choices=DeliveryPreference.choices, default=DeliveryPreference.MAIL
    )
    electronic_consent_at = models.DateTimeField(null=True, blank=True)
    needs_address_check = models.BooleanField(default=False)

    class Meta:
        ordering = ["last_name", "first_name", "member_id"]
        indexes = [
            models.Index(fields=["last_name", "first_name", "date_of_birth"], name="member_name_dob_idx"),
            models.Index(fields=["date_of_birth"], name="member_dob_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="member_mbi_format",
                condition=models.Q(mbi__isnull=True)
                | models.Q(
                    mbi__regex=r"^[1-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9][0-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9][0-9][AC-HJKMNP-RT-Y]{2}[0-9]{2}$"
                ),
            ),
            models.CheckConstraint(
                name="member_cin_format",
                condition=models.Q(medi_cal_cin__isnull=True)
                | models.Q(medi_cal_cin__regex=r"^[0-9]{8}[A-Z]$"),
            ),
            models.CheckConstraint(name="member_lis_level_range", condition=models.Q(lis_level__lte=4)),
        ]

    def __str__(self) -> str:
        # No PHI beyond the unified id in string representations (they end up in logs and admin history).
        return self.member_id

    @property
    def full_name(self) -> str:
        parts = [self.first_name, self.middle_name, self.last_name, self.suffix]
        return " ".join(p for p in parts if p)


class EnrollmentSource(models.TextChoices):
    X12_834 = "834", "X12 834 file"
    MANUAL = "manual", "Entered by staff"
    DEMO = "demo", "Demo data"


class Enrollment(BaseModel):
    """Effective-dated coverage of a member in one plan. Terminated by end_date, never deleted."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="enrollments")
    plan = models.ForeignKey("plans.Plan", on_delete=models.PROTECT, related_name="enrollments")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True, help_text="Last day of coverage (inclusive)")
    subscriber_id = models.CharField(max_length=40, blank=True, help_text="The plan's own member id")
    source = models.CharField(
        max_length=10, choices=EnrollmentSource.choices, default=EnrollmentSource.MANUAL
    )
    import_run_id = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["member", "start_date"]
        indexes = [
            models.Index(fields=["plan", "start_date"], name="enrollment_plan_start_idx"),
            models.Index(fields=["subscriber_id"], name="enrollment_subscriber_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["member", "plan", "start_date"], name="enrollment_unique_start"),
            models.CheckConstraint(
                name="enrollment_end_after_start",
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}:{self.plan_id} {self.start_date}..{self.end_date or ''}"


class PcpAssignment(BaseModel):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="pcp_assignments")
    npi = models.CharField(max_length=10)
    name = models.CharField(max_length=200)
    phone = models.CharField(max_length=20, blank=True)
    medical_group = models.CharField(max_length=200, blank=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["member", "-start_date"]
        constraints = [
            models.UniqueConstraint(fields=["member", "start_date"], name="pcp_unique_start"),
            models.CheckConstraint(name="pcp_npi_digits", condition=models.Q(npi__regex=r"^[12][0-9]{9}$")),
            models.CheckConstraint(
                name="pcp_end_after_start",
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
            ),
        ]


class CareCoordinatorAssignment(BaseModel):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="care_coordinators")
    name = models.CharField(max_length=200)
    phone = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["member", "-start_date"]
        constraints = [
            models.UniqueConstraint(fields=["member", "start_date"], name="coordinator_unique_start"),
            models.CheckConstraint(
                name="coordinator_end_after_start",
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
            ),
        ]
