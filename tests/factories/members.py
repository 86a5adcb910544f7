import datetime as dt

import factory
from factory.django import DjangoModelFactory

from apps.members.models import CareCoordinatorAssignment, Enrollment, Member, PcpAssignment
from tests.factories import identifiers
from tests.factories.plans import DsnpPlanFactory


class MemberFactory(DjangoModelFactory[Member]):
    class Meta:
        model = Member

    member_id = factory.Sequence(lambda n: f"MH{n:08d}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = dt.date(1950, 6, 15)
    sex = "F"
    mbi = factory.LazyFunction(identifiers.mbi)
    medi_cal_cin = factory.LazyFunction(identifiers.cin)
    medi_cal_aid_code = "10"
    dual_status = "full_benefit"
    lis_level = 1
    address_line1 = "123 Main St"
    city = "Los Angeles"
    state = "CA"
    zip_code = "90012"
    county_fips = "06037"
    phone = "(213) 555-0100"
    spoken_language = "en"
    written_language = "en"


class EnrollmentFactory(DjangoModelFactory[Enrollment]):
    class Meta:
        model = Enrollment

    member = factory.SubFactory(MemberFactory)
    plan = factory.SubFactory(DsnpPlanFactory)
    start_date = dt.date(2026, 1, 1)
    end_date = None
    subscriber_id = factory.Sequence(lambda n: f"S{n:09d}")
    source = "manual"


class PcpAssignmentFactory(DjangoModelFactory[PcpAssignment]):
    class Meta:
        model = PcpAssignment

    member = factory.SubFactory(MemberFactory)
    npi = factory.LazyFunction(identifiers.npi)
    name = "Ana Morales, MD"
    phone = "(800) 555-1234"
    medical_group = "Eastside Family Medical Group"
    start_date = dt.date(2026, 1, 1)


class CareCoordinatorFactory(DjangoModelFactory[CareCoordinatorAssignment]):
    class Meta:
        model = CareCoordinatorAssignment

    member = factory.SubFactory(MemberFactory)
    name = "Jordan Ellis, RN"
    phone = "1-800-555-0199"
    start_date = dt.date(2026, 1, 1)


def aligned_member(pair, *, start=dt.date(2026, 1, 1), **member_fields) -> Member:  # type: ignore[no-untyped-def]
    """A member enrolled in both plans of `pair` (exclusively aligned), with a PCP and a care coordinator."""
    member = MemberFactory.create(**member_fields)
    EnrollmentFactory(member=member, plan=pair.medicare_plan, start_date=start)
    EnrollmentFactory(member=member, plan=pair.medi_cal_plan, start_date=start)
    PcpAssignmentFactory(member=member, start_date=start)
    CareCoordinatorFactory(member=member, start_date=start)
    return member
