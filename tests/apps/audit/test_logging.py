"""No PHI in logs: the filter masks MBIs, CINs, SSN-shaped numbers and dates of birth in messages,
arguments and tracebacks, and the configured handlers use it."""

from __future__ import annotations

import logging

import pytest

from apps.audit.logging import MaskPhiFilter, RequestLogMiddleware, mask_phi


@pytest.mark.parametrize(
    ("_case", "text", "expected"),
    [
        ("mbi", "member 1EG4TE5MK73 called", "member [MBI] called"),
        ("mbi with dashes", "MBI 1EG4-TE5-MK73.", "MBI [MBI]."),
        ("mbi lower case", "mbi=1eg4te5mk73", "mbi=[MBI]"),
        ("cin", "CIN 91234567S on file", "CIN [CIN] on file"),
        ("bic id", "BIC 91234567S12345", "BIC [CIN]"),
        ("ssn", "ssn 123-45-6789", "ssn [SSN]"),
        ("ssn bare", "ssn 123456789 x", "ssn [SSN] x"),
        ("dob iso", "born 1950-06-15", "born [DATE]"),
        ("dob us", "dob 06/15/1950", "dob [DATE]"),
        ("dob compact", "DOB=19500615", "DOB=[DATE]"),
    ],
)
def test_mask_phi(_case, text, expected):
    assert mask_phi(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "member 3cfcc3eb-3527-4225-93ad-c6fd168d7a8b viewed",  # UUIDs (our ids) stay readable
        "npi 1558598797",
        "request req-123456789ab",
        "GET /api/v1/me 200 12.5ms",
    ],
)
def test_ids_are_left_alone(text):
    assert mask_phi(text) == text


def _record(msg, *args, exc_info=None):  # type: ignore[no-untyped-def]
    return logging.LogRecord("memberhub.test", logging.ERROR, __file__, 1, msg, args, exc_info)


def test_filter_masks_arguments_and_tracebacks():
    try:
        raise ValueError("duplicate key (mbi)=(1EG4TE5MK73)")
    except ValueError:
        import sys

        record = _record("lookup of %s for %s failed", "91234567S", "1950-06-15", exc_info=sys.exc_info())
    assert MaskPhiFilter().filter(record) is True
    formatted = logging.Formatter("%(message)s").format(record)
    assert "91234567S" not in formatted
    assert "1950-06-15" not in formatted
    assert "1EG4TE5MK73" not in formatted
    assert "lookup of [CIN] for [DATE] failed" in formatted
    assert "duplicate key (mbi)=([MBI])" in formatted


def test_configured_handlers_mask_phi():
    import io

    # the project LOGGING config puts the filter on the console handler
    handlers = [
        h for h in logging.getLogger().handlers if any(isinstance(f, MaskPhiFilter) for f in h.filters)
    ]
    assert handlers, "no root handler masks PHI"
    stream = io.StringIO()
    previous = handlers[0].setStream(stream)  # type: ignore[attr-defined]
    try:
        logging.getLogger("apps.anything").warning("member %s with MBI %s", "MH00000001", "1EG4TE5MK73")
    finally:
        handlers[0].setStream(previous)  # type: ignore[attr-defined]
    out = stream.getvalue()
    assert "1EG4TE5MK73" not in out
    assert "member MH00000001 with MBI [MBI]" in out


@pytest.mark.django_db
def test_request_log_line_has_ids_not_names_or_query(rf, member_user, caplog):
    from django.http import HttpResponse

    request = rf.get("/api/v1/me?q=Rosa+Martinez")
    request.user = member_user
    middleware = RequestLogMiddleware(lambda r: HttpResponse(status=200))
    with caplog.at_level(logging.INFO, logger="memberhub.request"):
        middleware(request)
    line = caplog.records[-1].getMessage()
    assert line.startswith("GET /api/v1/me 200 ")
    assert f"user={member_user.pk} role=member" in line
    assert "Rosa" not in line
    assert "Martinez" not in line
