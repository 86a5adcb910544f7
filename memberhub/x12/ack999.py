"""999 Implementation Acknowledgment (005010X231A1) for a received 834.

Built from the ``AckState`` the reader collected plus any record-level problems the apply layer
found (an invalid CIN or MBI is reported against the REF segment that carried it). One 999
transaction set per functional group received: AK1, then per transaction set AK2 / IK3 / IK4 / IK5,
then AK9. The bad data element copy (IK404) is never sent: it would carry PHI.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from memberhub.x12.records import AckState, GroupAck, Issue, SetAck, Status

ACK_IMPLEMENTATION = "005010X231A1"
_ELEMENT = "*"
_REPETITION = "^"
_COMPONENT = ":"
_TERMINATOR = "~"


@dataclass(frozen=True, slots=True)
class SetResult:
    group_control_number: str
    control_number: str
    status: Status
    codes: tuple[str, ...]
    error_count: int
    warning_count: int


@dataclass(frozen=True, slots=True)
class Acknowledgment999:
    text: str
    status: Status
    control_number: str
    sets: tuple[SetResult, ...]

    @property
    def accepted_sets(self) -> int:
        return sum(1 for item in self.sets if item.status in {"A", "E"})


def _clean(value: str) -> str:
    """Keep delimiters out of element values."""
    for char in (_ELEMENT, _REPETITION, _COMPONENT, _TERMINATOR, "\n", "\r"):
        value = value.replace(char, " ")
    return value.strip()


def _segment(*elements: str) -> str:
    parts = list(elements)
    while len(parts) > 1 and parts[-1] == "":
        parts.pop()
    return _ELEMENT.join(parts) + _TERMINATOR


def _set_status(
    item: SetAck, issues: Sequence[Issue], *, reject_sets_with_errors: bool, file_rejected: bool
) -> tuple[Status, list[str]]:
    if item.syntax_codes:
        return "R", list(dict.fromkeys(item.syntax_codes))
    if file_rejected:
        return "R", ["5"] if issues else []
    has_errors = any(issue.is_error for issue in issues)
    if has_errors:
        return ("R" if reject_sets_with_errors else "E"), ["5"]
    if issues:
        return "E", ["5"]
    return "A", []


def _issue_segments(issue: Issue) -> list[str]:
    position = str(issue.position.set_position or issue.position.segment_number)
    if issue.element_syntax_code:
        lines = [_segment("IK3", _clean(issue.segment_id), position, _clean(issue.loop_id), "8")]
        element = str(issue.element)
        if issue.component:
            element += f"{_COMPONENT}{issue.component}"
        lines.append(_segment("IK4", element, issue.element_reference, issue.element_syntax_code))
        return lines
    return [
        _segment("IK3", _clean(issue.segment_id), position, _clean(issue.loop_id), issue.segment_syntax_code)
    ]


def _group_body(
    group: GroupAck,
    extra: Mapping[tuple[str, str], Sequence[Issue]],
    *,
    reject_sets_with_errors: bool,
    file_rejected: bool,
) -> tuple[list[str], Status, list[SetResult]]:
    lines = [_segment("AK1", "BE", _clean(group.control_number), _clean(group.version))]
    results: list[SetResult] = []
    for item in group.sets:
        issues = [*item.issues, *extra.get((group.control_number, item.control_number), ())]
        lines.append(
            _segment("AK2", "834", _clean(item.control_number), _clean(item.implementation_reference))
        )
        seen: set[tuple[str, int, int, str]] = set()
        for issue in issues:
            key = (issue.segment_id, issue.position.segment_number, issue.element, issue.code)
            if key in seen:
                continue
            seen.add(key)
            lines.extend(_issue_segments(issue))
        status, codes = _set_status(
            item, issues, reject_sets_with_errors=reject_sets_with_errors, file_rejected=file_rejected
        )
        lines.append(_segment("IK5", status, *codes[:5]))
        results.append(
            SetResult(
                group_control_number=group.control_number,
                control_number=item.control_number,
                status=status,
                codes=tuple(codes),
                error_count=sum(1 for issue in issues if issue.is_error),
                warning_count=sum(1 for issue in issues if not issue.is_error),
            )
        )
    received = len(group.sets)
    accepted = sum(1 for result in results if result.status in {"A", "E"})
    group_codes = list(dict.fromkeys(group.syntax_codes))
    group_status: Status
    if group_codes or accepted == 0:
        group_status = "R"
    elif accepted < received:
        group_status = "P"
    elif any(result.status == "E" for result in results):
        group_status = "E"
    else:
        group_status = "A"
    included = group.declared_set_count if group.declared_set_count is not None else received
    lines.append(_segment("AK9", group_status, str(included), str(received), str(accepted), *group_codes[:5]))
    return lines, group_status, results


def build_999(
    state: AckState,
    *,
    control_number: int,
    created: datetime,
    extra_issues: Mapping[tuple[str, str], Sequence[Issue]] | None = None,
    reject_sets_with_errors: bool = True,
) -> Acknowledgment999:
    """The 999 text for what was received. ``extra_issues`` is keyed by (GS06, ST02).

    ``reject_sets_with_errors``: a transaction set with record errors is reported ``R`` (the file was
    refused) or ``E`` (accepted with errors, when the good records were applied).
    """
    if not 0 < control_number < 1_000_000_000:
        raise ValueError("control_number must be between 1 and 999999999")
    extra = extra_issues or {}
    interchange = state.interchange
    if interchange is not None:
        sender_qualifier, sender = interchange.receiver_qualifier, interchange.receiver_id
        receiver_qualifier, receiver = interchange.sender_qualifier, interchange.sender_id
        usage = interchange.usage or "P"
    else:
        sender_qualifier, sender, receiver_qualifier, receiver, usage = "ZZ", "UNKNOWN", "ZZ", "UNKNOWN", "P"
    control = f"{control_number:09d}"
    isa = _segment(
        "ISA",
        "00",
        " " * 10,
        "00",
        " " * 10,
        f"{_clean(sender_qualifier):<2.2}",
        f"{_clean(sender):<15.15}",
        f"{_clean(receiver_qualifier):<2.2}",
        f"{_clean(receiver):<15.15}",
        created.strftime("%y%m%d"),
        created.strftime("%H%M"),
        _REPETITION,
        "00501",
        control,
        "0",
        usage if usage in {"P", "T"} else "P",
        _COMPONENT,
    )
    groups = state.groups or [GroupAck(functional_id="BE", control_number="0", version="005010X220A1")]
    lines: list[str] = [isa]
    all_results: list[SetResult] = []
    statuses: list[Status] = []
    lines.append(
        _segment(
            "GS",
            "FA",
            _clean(sender),
            _clean(receiver),
            created.strftime("%Y%m%d"),
            created.strftime("%H%M"),
            str(control_number),
            "X",
            ACK_IMPLEMENTATION,
        )
    )
    for index, group in enumerate(groups, start=1):
        set_control = f"{index:04d}"
        body, status, results = _group_body(
            group, extra, reject_sets_with_errors=reject_sets_with_errors, file_rejected=bool(state.fatal)
        )
        if not state.groups:
            status = "R"
        statuses.append(status)
        all_results.extend(results)
        transaction = [_segment("ST", "999", set_control, ACK_IMPLEMENTATION), *body]
        transaction.append(_segment("SE", str(len(transaction) + 1), set_control))
        lines.extend(transaction)
    lines.append(_segment("GE", str(len(groups)), str(control_number)))
    lines.append(_segment("IEA", "1", control))
    overall: Status
    if all(status == "A" for status in statuses):
        overall = "A"
    elif all(status == "R" for status in statuses):
        overall = "R"
    elif any(status in {"R", "P"} for status in statuses):
        overall = "P"
    else:
        overall = "E"
    return Acknowledgment999(
        text="\n".join(lines) + "\n",
        status=overall,
        control_number=control,
        sets=tuple(all_results),
    )
