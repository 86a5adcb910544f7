import factory
from factory.django import DjangoModelFactory

from apps.accounts.models import Role, User
from apps.documents.models import MailingVendor
from tests.factories.members import MemberFactory
from tests.factories.plans import ParentOrganizationFactory


class MailingVendorFactory(DjangoModelFactory[MailingVendor]):
    class Meta:
        model = MailingVendor

    code = factory.Sequence(lambda n: f"vendor-{n}")
    name = factory.LazyAttribute(lambda o: f"{o.code} Print & Mail")
    kinds = factory.LazyFunction(lambda: ["id_card", "notice"])


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def _save(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            self.save()


class MemberUserFactory(UserFactory):
    role = Role.MEMBER
    member = factory.SubFactory(MemberFactory)


class RepUserFactory(UserFactory):
    role = Role.REP
    parent_organization = factory.SubFactory(ParentOrganizationFactory)


class VendorUserFactory(UserFactory):
    role = Role.VENDOR
    vendor = factory.SubFactory(MailingVendorFactory)


class AdminUserFactory(UserFactory):
    role = Role.ADMIN
    is_staff = True
    is_superuser = True
