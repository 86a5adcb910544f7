"""X12 for memberhub: a streaming tokenizer, the 005010X220A1 834 reader and the 999 generator."""

from memberhub.x12.ack999 import Acknowledgment999, SetResult, build_999
from memberhub.x12.errors import X12Error, X12StructureError, X12SyntaxError
from memberhub.x12.layout import DEFAULT_LAYOUT, PackedLayout
from memberhub.x12.reader834 import Parsed834, Reader834, parse_d8, read_834
from memberhub.x12.records import (
    AckState,
    Coverage,
    Issue,
    MemberRecord,
    Provider,
    TransactionHeader,
)
from memberhub.x12.tokenizer import Delimiters, Position, Segment, Tokenizer

__all__ = [
    "DEFAULT_LAYOUT",
    "AckState",
    "Acknowledgment999",
    "Coverage",
    "Delimiters",
    "Issue",
    "MemberRecord",
    "PackedLayout",
    "Parsed834",
    "Position",
    "Provider",
    "Reader834",
    "Segment",
    "SetResult",
    "Tokenizer",
    "TransactionHeader",
    "X12Error",
    "X12StructureError",
    "X12SyntaxError",
    "build_999",
    "parse_d8",
    "read_834",
]
