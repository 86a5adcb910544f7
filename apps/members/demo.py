"""Demo members: deterministic, idempotent synthetic data (seed_demo)."""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.members.models import CareCoordinatorAssignment, Enrollment, EnrollmentSource, Member, PcpAssignment
from apps.plans.models import AlignedPlanPair, Plan
from memberhub.demo.members import DemoMember, PairChoice, generate_members

MEMBER_FIELDS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "sex",
    "mbi",
    "medi_cal_cin",
    "medi_cal_aid_code",
    "dual_status",
    "lis_level",
    "address_line1",
    "city",
    "zip_code",
    "county_fips",
    "phone",
    "email",
    "spoken_language",
    "written_language",
    "alternate_format",
    "delivery_preference",
)


def demo_pair_choices(*, plan_year: int) -> list[PairChoice]:
    pairs = AlignedPlanPair.objects.filter(plan_year=plan_year).select_related(
        "medicare_plan", "medi_cal_plan"
    )
    return [
        PairChoice(
            pair_code=p.code,
            medicare_plan_code=p.medicare_plan.code,
            medi_cal_plan_code=p.medi_cal_plan.code,
            counties=tuple(p.counties) or ("06037",),
            phone=p.medicare_plan.phone_member_services,
        )
        for p in pairs.order_by("code")
    ]


def _batches(items: Iterable[DemoMember], size: int) -> Iterable[list[DemoMember]]:
    batch: list[DemoMember] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


@transaction.atomic
def members_seed_demo(*, count: int, seed: int, plan_year: int | None = None) -> int:
    """Create or update `count` demo members with enrollments, PCPs and care coordinators. Idempotent."""
    plan_year = plan_year or timezone.localdate().year
    choices = demo_pair_choices(plan_year=plan_year)
    if not choices:
        raise ValueError(f"no aligned pairs for plan year {plan_year}: load plans first")
    plans = dict(Plan.objects.values_list("code", "pk"))
    generated = generate_members(
        count=count,
        seed=seed,
        pairs=choices,
        member_id_prefix=settings.MEMBERHUB_MEMBER_ID_PREFIX,
        plan_year=plan_year,
    )
    total = 0
    for batch in _batches(generated, 1000):
        Member.objects.bulk_create(
            [Member(member_id=d.member_id, **{f: getattr(d, f) for f in MEMBER_FIELDS}) for d in batch],
            update_conflicts=True,
            unique_fields=["member_id"],
            update_fields=list(MEMBER_FIELDS),
        )
        pks = dict(
            Member.objects.filter(member_id__in=[d.member_id for d in batch]).values_list("member_id", "pk")
        )
        enrollments, pcps, coordinators = [], [], []
        for d in batch:
            member_pk = pks[d.member_id]
            for e in d.enrollments:
                enrollments.append(
                    Enrollment(
                        member_id=member_pk,
                        plan_id=plans[e.plan_code],
                        start_date=e.start_date,
                        end_date=e.end_date,
                        subscriber_id=e.subscriber_id,
                        source=EnrollmentSource.DEMO,
                    )
                )
            start = min(e.start_date for e in d.enrollments)
            if d.pcp_npi:
                pcps.append(
                    PcpAssignment(
                        member_id=member_pk,
                        npi=d.pcp_npi,
                        name=d.pcp_name,
                        phone=d.pcp_phone,
                        medical_group=d.pcp_group,
                        start_date=start,
                    )
                )
            coordinators.append(
                CareCoordinatorAssignment(
                    member_id=member_pk, name=d.coordinator_name, phone=d.coordinator_phone, start_date=start
                )
            )
        Enrollment.objects.bulk_create(
            enrollments,
            update_conflicts=True,
            unique_fields=["member", "plan", "start_date"],
            update_fields=["end_date", "subscriber_id"],
        )
        PcpAssignment.objects.bulk_create(
            pcps,
            update_conflicts=True,
            unique_fields=["member", "start_date"],
            update_fields=["npi", "name", "phone", "medical_group"],
        )
        CareCoordinatorAssignment.objects.bulk_create(
            coordinators,
            update_conflicts=True,
            unique_fields=["member", "start_date"],
            update_fields=["name", "phone"],
        )
        total += len(batch)
    return total


def demo_plan_year_start(plan_year: int) -> dt.date:
    return dt.date(plan_year, 1, 1)
