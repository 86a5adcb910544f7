from django.contrib.postgres.fields import ArrayField
from django.db import models

from apps.core.models import BaseModel


class MailingVendor(BaseModel):
    """A print-and-mail vendor: which pairs and document kinds it prints. Vendor users belong to one."""

    code = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=200)
    pairs = models.ManyToManyField("plans.AlignedPlanPair", related_name="mailing_vendors", blank=True)
    kinds = ArrayField(models.CharField(max_length=40), default=list, blank=True, help_text="Document kinds printed")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name
