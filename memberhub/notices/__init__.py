"""Pure notices core: kinds, templates, catalogs, content builders and rules (no Django)."""

from memberhub.notices.builders import notice_content_build, notice_language_choose
from memberhub.notices.comailing import ComailPlan, Envelope, MailPiece, comail_plan_build
from memberhub.notices.config import NoticeConfig, notice_config_load
from memberhub.notices.content import Block, NoticeContent
from memberhub.notices.context import PlanPairInfo, Recipient, notice_context_key, notice_context_parse
from memberhub.notices.kinds import DeliveryChannel, NoticeFormat, NoticeKind
from memberhub.notices.rules import (
    DeliveryPreference,
    DeliveryRoute,
    LateRisk,
    notice_delivery_route,
    notice_due_date,
    notice_late_risk,
)

__all__ = [
    "Block",
    "ComailPlan",
    "DeliveryChannel",
    "DeliveryPreference",
    "DeliveryRoute",
    "Envelope",
    "LateRisk",
    "MailPiece",
    "NoticeConfig",
    "NoticeContent",
    "NoticeFormat",
    "NoticeKind",
    "PlanPairInfo",
    "Recipient",
    "comail_plan_build",
    "notice_config_load",
    "notice_content_build",
    "notice_context_key",
    "notice_context_parse",
    "notice_delivery_route",
    "notice_due_date",
    "notice_language_choose",
    "notice_late_risk",
]
