from enum import StrEnum


class DocumentErrorCode(StrEnum):
    TEMPLATE_ERROR = "documents.template_error"
    DATA_ERROR = "documents.data_error"
    STORAGE_RETRIES_EXHAUSTED = "documents.storage_unavailable"
    UNKNOWN_KIND = "documents.unknown_kind"
    BATCH_COUNT_MISMATCH = "documents.batch_count_mismatch"
    BATCH_NOT_READY = "documents.batch_not_ready"
    UNKNOWN_PIECES = "documents.unknown_pieces"
    PAGE_COUNT_MISMATCH = "documents.page_count_mismatch"
