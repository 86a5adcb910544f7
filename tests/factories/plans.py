import factory
from factory.django import DjangoModelFactory

from apps.plans.models import AlignedPlanPair, ParentOrganization, Plan, PlanKind


class ParentOrganizationFactory(DjangoModelFactory[ParentOrganization]):
    class Meta:
        model = ParentOrganization
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"parent-{n}")
    name = factory.LazyAttribute(lambda o: f"{o.code.title()} Health")


class DsnpPlanFactory(DjangoModelFactory[Plan]):
    class Meta:
        model = Plan

    kind = PlanKind.MEDICARE_DSNP
    parent = factory.SubFactory(ParentOrganizationFactory)
    contract_id = factory.Sequence(lambda n: f"H{7000 + n}")
    pbp_id = "001"
    segment_id = "000"
    code = factory.LazyAttribute(lambda o: f"{o.contract_id}-{o.pbp_id}-{o.segment_id}")
    name = factory.LazyAttribute(lambda o: f"{o.parent.name} Medi-Medi Plan (HMO D-SNP)")
    rx_bin = "610011"
    rx_pcn = "TESTPCN"
    rx_group = factory.Sequence(lambda n: f"GRP{n:04d}")
    formulary_id = factory.Sequence(lambda n: f"{26000 + n:08d}")
    phone_member_services = "1-800-555-0100"
    phone_tty = "711"
    phone_nurse_line = "1-800-555-0102"
    phone_behavioral_health = "1-800-555-0103"
    phone_pharmacy_help = "1-800-555-0104"


class MediCalPlanFactory(DjangoModelFactory[Plan]):
    class Meta:
        model = Plan

    kind = PlanKind.MEDI_CAL
    parent = factory.SubFactory(ParentOrganizationFactory)
    dhcs_plan_code = factory.Sequence(lambda n: f"{300 + n}")
    code = factory.Sequence(lambda n: f"MC-TEST-{n}")
    name = factory.LazyAttribute(lambda o: f"{o.parent.name} Medi-Cal")
    phone_member_services = "1-800-555-0110"
    phone_tty = "711"


class AlignedPlanPairFactory(DjangoModelFactory[AlignedPlanPair]):
    class Meta:
        model = AlignedPlanPair

    parent = factory.SubFactory(ParentOrganizationFactory)
    medicare_plan = factory.SubFactory(DsnpPlanFactory, parent=factory.SelfAttribute("..parent"))
    medi_cal_plan = factory.SubFactory(MediCalPlanFactory, parent=factory.SelfAttribute("..parent"))
    plan_year = 2026
    code = factory.Sequence(lambda n: f"pair-{n}")
    name = factory.LazyAttribute(lambda o: f"{o.parent.name} Medi-Medi Plan")
    counties = factory.LazyFunction(lambda: ["06037"])
