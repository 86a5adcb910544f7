from enum import StrEnum


class NoticeErrorCode(StrEnum):
    CONTEXT_INVALID = "notices.context_invalid"
    TEMPLATE_INVALID = "notices.template_invalid"
    UNKNOWN_KIND = "notices.unknown_kind"
    NO_PLAN_PAIR = "notices.no_plan_pair"
    NOT_READY = "notices.not_ready"
    RESEND_NOT_ALLOWED = "notices.resend_not_allowed"
    MANIFEST_INVALID = "notices.manifest_invalid"
    PDF_UNREADABLE = "notices.pdf_unreadable"
    MEMBER_UNKNOWN = "notices.member_unknown"
    DUPLICATE_FILE = "notices.duplicate_file"
    FILE_INVALID = "notices.file_invalid"
