from django.contrib.auth.models import AbstractUser
from django.contrib.postgres.fields import ArrayField
from django.db import models


class Role(models.TextChoices):
    MEMBER = "member", "Member"
    REP = "rep", "Member services rep"
    VENDOR = "vendor", "Mailing vendor"
    ADMIN = "admin", "Administrator"


class User(AbstractUser):
    """One user model for every door: members (mobile apps), reps (console), vendors (API), admins."""

    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    member = models.OneToOneField(
        "members.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="user"
    )
    parent_organization = models.ForeignKey(
        "plans.ParentOrganization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reps",
        help_text="A rep sees members of this organization's plans",
    )
    vendor = models.ForeignKey(
        "documents.MailingVendor", on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="user_member_role_has_member",
                condition=~models.Q(role="member")
                | models.Q(member__isnull=False)
                | models.Q(is_superuser=True),
            ),
            models.CheckConstraint(
                name="user_vendor_role_has_vendor",
                condition=~models.Q(role="vendor") | models.Q(vendor__isnull=False),
            ),
            models.CheckConstraint(
                name="user_rep_role_has_organization",
                condition=~models.Q(role="rep") | models.Q(parent_organization__isnull=False),
            ),
        ]

    @property
    def is_member_role(self) -> bool:
        return self.role == Role.MEMBER

    @property
    def is_rep(self) -> bool:
        return self.role == Role.REP

    @property
    def is_vendor(self) -> bool:
        return self.role == Role.VENDOR

    @property
    def is_admin_role(self) -> bool:
        return self.role == Role.ADMIN or self.is_superuser


class OAuthScope(models.Model):
    """OAuth scopes as data (Blue Button's capabilities): name, description, default for new apps, and the
    API resources (URL names, fnmatch patterns such as "v1:cards-me*") a token with this scope may call."""

    name = models.CharField(max_length=50, unique=True)
    description = models.CharField(max_length=200)
    is_default = models.BooleanField(default=False)
    resources = ArrayField(
        models.CharField(max_length=100),
        default=list,
        blank=True,
        help_text="URL names (fnmatch patterns) this scope opens, e.g. v1:me-summary, v1:cards-me*",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
