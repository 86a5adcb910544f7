import datetime as dt
import uuid

import pytest

from apps.ingest.models import EnrollmentWorkItem, ImportAcknowledgment, ImportStatus
from apps.members.models import Enrollment, Member, PcpAssignment
from apps.members.selectors import member_alignment
from tests.factories import identifiers
from tests.factories.members import MemberFactory, aligned_member
from tests.fixtures.enrollment import Member834, build_834


def test_medicare_file_adds_members_enrollments_and_pcp(pair, import_834):
    # given a D-SNP 834 with two new members
    mbi1, mbi2 = identifiers.mbi(), identifiers.mbi()
    data = build_834(
        [
            Member834("S1", mbi=mbi1, last="GARCIA", first="MARIA", npi="1234567893"),
            Member834("S2", mbi=mbi2, last="LEE", first="DAVID", start="20260201"),
        ]
    )

    run = import_834(pair.medicare_plan, data)

    assert run.status == ImportStatus.SUCCEEDED, run.errors
    maria = Member.objects.get(mbi=mbi1)
    assert (maria.first_name, maria.last_name, maria.date_of_birth) == (
        "MARIA",
        "GARCIA",
        dt.date(1945, 2, 6),
    )
    assert maria.member_id.startswith("MH")
    assert (maria.county_fips, maria.zip_code, maria.spoken_language, maria.phone) == (
        "06037",
        "90012-1234",
        "es",
        "2135550100",
    )
    enrollment = Enrollment.objects.get(member=maria)
    assert (enrollment.plan, enrollment.start_date, enrollment.end_date) == (
        pair.medicare_plan,
        dt.date(2026, 1, 1),
        None,
    )
    assert (enrollment.subscriber_id, enrollment.source, enrollment.import_run_id) == ("S1", "834", run.pk)
    pcp = PcpAssignment.objects.get(member=maria)
    assert (pcp.npi, pcp.name, pcp.start_date) == ("1234567893", "Ana Morales", dt.date(2026, 1, 1))
    assert Enrollment.objects.get(member__mbi=mbi2).start_date == dt.date(2026, 2, 1)
    assert run.counts["members_added"] == 2
    assert run.counts["enrollments_added"] == 2
    assert run.counts["pcp_assigned"] == 1
    # a Medicare-only member is not "lost" anything: no work item
    assert EnrollmentWorkItem.objects.count() == 0
    ack = ImportAcknowledgment.objects.get(run=run)
    assert ack.status == "A"
    assert "AK9*A*1*1*1~" in ack.text


def test_medi_cal_file_completes_the_pair_and_requests_a_card(pair, import_834, monkeypatch):
    # given a member known only on the Medicare side
    member = MemberFactory(medi_cal_cin=None)
    Enrollment.objects.create(
        member=member, plan=pair.medicare_plan, start_date=dt.date(2026, 1, 1), source="manual"
    )
    requested = []

    class FakeCards:
        @staticmethod
        def id_card_request(*, member, reason):
            requested.append((member.pk, reason))

    import apps.ingest.enrollment.services as services

    real_import = services.importlib.import_module
    monkeypatch.setattr(
        services.importlib,
        "import_module",
        lambda name: FakeCards if name == "apps.cards.services" else real_import(name),
    )
    cin = identifiers.cin()
    data = build_834(
        [Member834("X", cin=cin, mbi=member.mbi, last=member.last_name, first=member.first_name)]
    )

    # when the Medi-Cal plan's file adds the CIN with the member's MBI
    run = import_834(pair.medi_cal_plan, data)

    # then the member is matched (by MBI), gets the CIN, and is aligned: a card is requested
    assert run.status == ImportStatus.SUCCEEDED, run.errors
    member.refresh_from_db()
    assert member.medi_cal_cin == cin
    assert member.medi_cal_aid_code == "10"
    assert run.counts["members_added"] == 0
    assert run.counts["matched_by_mbi"] == 1
    assert member_alignment(member=member, on=dt.date(2026, 6, 1)).status == "exclusively_aligned"
    assert run.counts["newly_aligned"] == 1
    assert requested == [(member.pk, "new_enrollment")]
    assert run.counts["cards_requested"] == 1


def test_termination_keeps_history_and_queues_the_member(pair, import_834):
    member = aligned_member(pair)
    data = build_834([Member834("X", cin=member.medi_cal_cin, maintenance="024", end="20260331")])

    run = import_834(pair.medi_cal_plan, data)

    assert run.status == ImportStatus.SUCCEEDED, run.errors
    medi_cal = Enrollment.objects.get(member=member, plan=pair.medi_cal_plan)
    assert medi_cal.end_date == dt.date(2026, 3, 31)
    assert run.counts["enrollments_terminated"] == 1
    # effective-dated history: on March 3 both plans, on June 1 only Medicare
    from apps.ingest.selectors import enrollments_as_of

    assert {e.plan for e in enrollments_as_of(member=member, on=dt.date(2026, 3, 3))} == {
        pair.medicare_plan,
        pair.medi_cal_plan,
    }
    assert [e.plan for e in enrollments_as_of(member=member, on=dt.date(2026, 6, 1))] == [pair.medicare_plan]
    item = EnrollmentWorkItem.objects.get(member=member)
    assert (item.kind, item.alignment_before, item.alignment_after, item.parent_organization) == (
        "lost_medi_cal",
        "exclusively_aligned",
        "medicare_only",
        pair.parent,
    )
    assert run.result["alignment_changes"][0]["kind"] == "lost_medi_cal"
    assert run.result["alignment_changes"][0]["member_id"] == member.member_id


def test_enrollment_in_another_plan_makes_the_member_misaligned(pair, other_pair, import_834):
    member = aligned_member(pair)
    data = build_834([Member834("X", cin=member.medi_cal_cin, start="20260501")])

    run = import_834(other_pair.medi_cal_plan, data)

    assert run.status == ImportStatus.SUCCEEDED, run.errors
    assert member_alignment(member=member, on=dt.date(2026, 6, 1)).status == "misaligned"
    item = EnrollmentWorkItem.objects.get(member=member)
    assert item.kind == "became_misaligned"
    assert item.parent_organization == other_pair.parent
    assert pair.medi_cal_plan.code in item.reason


def test_reinstatement_reopens_the_terminated_enrollment(pair, import_834):
    member = aligned_member(pair)
    import_834(
        pair.medi_cal_plan,
        build_834(
            [Member834("X", cin=member.medi_cal_cin, maintenance="024", end="20260331")], control="000000001"
        ),
    )
    data = build_834(
        [Member834("X", cin=member.medi_cal_cin, maintenance="025", start="")], control="000000002"
    )

    run = import_834(pair.medi_cal_plan, data)

    assert run.status == ImportStatus.SUCCEEDED, run.errors
    assert Enrollment.objects.get(member=member, plan=pair.medi_cal_plan).end_date is None
    assert run.counts["enrollments_reinstated"] == 1
    assert member_alignment(member=member, on=dt.date(2026, 6, 1)).status == "exclusively_aligned"


def test_invalid_records_refuse_the_whole_file(pair, import_834, x12_data):
    before = (Member.objects.count(), Enrollment.objects.count())

    run = import_834(pair.medicare_plan, x12_data / "bad_records.834")

    assert run.status == ImportStatus.FAILED
    assert (Member.objects.count(), Enrollment.objects.count()) == before
    problems = {(p["line"], p["segment"], p["field"], p["code"]) for p in run.errors}
    assert any(p[:3] == (20, "REF", "REF02") and p[3].startswith("identifiers.mbi.") for p in problems)
    assert (35, "DMG", "DMG02", "x12.invalid_date") in problems
    assert any(p[0] == 43 and p[3] == "x12.segment_out_of_order" for p in problems)
    assert all(p["file"] == "bad_records.834" for p in run.errors)
    assert run.counts == {"records": 4, "rejected": 3}
    ack = ImportAcknowledgment.objects.get(run=run)
    assert ack.status == "R"
    assert "IK3*REF*18*2000*8~" in ack.text
    assert "IK5*R*5~" in ack.text


def test_skip_invalid_applies_the_good_records_and_lists_the_rejects(pair, import_834, x12_data):
    run = import_834(pair.medicare_plan, x12_data / "bad_records.834", skip_invalid=True)

    assert run.status == ImportStatus.SUCCEEDED_WITH_ERRORS
    assert list(Member.objects.values_list("last_name", flat=True)) == ["GOOD"]
    assert run.counts["rejected"] == 3
    assert run.counts["applied"] == 1
    assert {p["record_line"] for p in run.errors} == {18, 28, 38}
    assert [w["code"] for w in run.warnings] == ["x12.unknown_segment"]
    ack = ImportAcknowledgment.objects.get(run=run)
    assert ack.status == "E"
    assert "AK9*E*1*1*1~" in ack.text


@pytest.mark.parametrize(
    ("name", "code", "segment"),
    [
        ("broken_se_count.834", "x12.count_mismatch", "SE"),
        ("broken_truncated.834", "x12.truncated", "DMG"),
        ("broken_segment_order.834", "x12.segment_out_of_order", "HD"),
    ],
)
def test_structurally_broken_file_applies_nothing(pair, import_834, x12_data, name, code, segment):
    run = import_834(pair.medicare_plan, x12_data / name)

    assert run.status == ImportStatus.FAILED
    assert Member.objects.count() == 0
    [error] = run.errors
    assert (error["file"], error["code"], error["segment"]) == (name, code, segment)
    assert error["line"] >= 1
    assert ImportAcknowledgment.objects.get(run=run).status == "R"


def test_same_file_twice_is_a_no_op(pair, import_834):
    data = build_834([Member834("S1", mbi=identifiers.mbi())])
    first = import_834(pair.medicare_plan, data)
    updated_at = Member.objects.get().updated_at

    second = import_834(pair.medicare_plan, data)

    assert first.status == ImportStatus.SUCCEEDED
    assert second.status == ImportStatus.DUPLICATE
    assert second.result["duplicate_of"] == str(first.pk)
    assert Member.objects.get().updated_at == updated_at
    assert Enrollment.objects.count() == 1


def test_same_content_with_a_new_control_number_changes_nothing(pair, import_834):
    members = [Member834("S1", mbi=identifiers.mbi(), npi="1234567893")]
    import_834(pair.medicare_plan, build_834(members, control="000000010"))

    run = import_834(pair.medicare_plan, build_834(members, control="000000011"))

    assert run.status == ImportStatus.SUCCEEDED
    assert run.counts["members_updated"] == 0
    assert run.counts["enrollments_added"] == run.counts["enrollments_updated"] == 0
    assert run.counts["pcp_assigned"] == 0


def test_changes_update_demographics_and_pcp(pair, import_834):
    mbi = identifiers.mbi()
    import_834(
        pair.medicare_plan, build_834([Member834("S1", mbi=mbi, npi="1234567893")], control="000000020")
    )
    changed = Member834(
        "S1", mbi=mbi, maintenance="001", last="GARCIA-LOPEZ", npi="1558598797", start="20260101"
    )
    changed.extra = []

    run = import_834(pair.medicare_plan, build_834([changed], control="000000021"))

    member = Member.objects.get(mbi=mbi)
    assert member.last_name == "GARCIA-LOPEZ"
    assert run.counts["members_updated"] == 1
    # same start date: the PCP on file is replaced
    assert list(PcpAssignment.objects.filter(member=member).values_list("npi", "end_date")) == [
        ("1558598797", None)
    ]


def test_full_file_reports_absent_members_and_terminates_only_with_the_flag(pair, import_834):
    present = aligned_member(pair)
    absent = aligned_member(pair)
    data = build_834(
        [Member834("X", cin=present.medi_cal_cin, maintenance="030")], action="4", file_date="20260501"
    )

    run = import_834(pair.medi_cal_plan, data)

    assert run.status == ImportStatus.SUCCEEDED, run.errors
    assert run.result["full_file"] is True
    assert run.result["absent_members"] == [str(absent.pk)]
    assert Enrollment.objects.get(member=absent, plan=pair.medi_cal_plan).end_date is None
    assert EnrollmentWorkItem.objects.get(member=absent).kind == "absent_from_full_file"

    flagged = import_834(
        pair.medi_cal_plan,
        build_834(
            [Member834("X", cin=present.medi_cal_cin, maintenance="030")],
            action="4",
            file_date="20260501",
            control="000000099",
        ),
        terminate_absent=True,
    )

    assert flagged.counts["absent_terminated"] == 1
    assert Enrollment.objects.get(member=absent, plan=pair.medi_cal_plan).end_date == dt.date(2026, 4, 30)
    assert Enrollment.objects.get(member=present, plan=pair.medi_cal_plan).end_date is None


def test_termination_for_an_unknown_member_is_a_warning(pair, import_834):
    run = import_834(
        pair.medi_cal_plan,
        build_834([Member834("X", cin=identifiers.cin(), maintenance="024", end="20260331")]),
    )

    assert run.status == ImportStatus.SUCCEEDED
    assert [w["code"] for w in run.warnings] == ["enrollment.member_not_found"]
    assert Member.objects.count() == 0


def test_dhcs_sample_applies_on_a_medi_cal_plan(pair, import_834, x12_data):
    run = import_834(pair.medi_cal_plan, x12_data / "dhcs_medi_cal.834")

    assert run.status == ImportStatus.SUCCEEDED, run.errors
    maria = Member.objects.get(medi_cal_cin="91234567S")
    assert (maria.medi_cal_aid_code, maria.county_fips, maria.address_line1) == ("3N", "06067", "PO BOX 55")
    assert PcpAssignment.objects.get(member=maria).npi == "1234567893"
    assert (
        run.counts["members_added"] == 2
    )  # the added and the changed member; the termination has no one to end
    assert [w["code"] for w in run.warnings] == ["enrollment.member_not_found"]


def test_pcp_change_sends_one_confirmation_after_commit(pair, import_834, django_capture_on_commit_callbacks):
    from apps.notices.models import Notice

    # given a member whose first PCP came with their enrollment (no confirmation for a first PCP)
    mbi = identifiers.mbi()
    with django_capture_on_commit_callbacks(execute=True):
        first = import_834(
            pair.medicare_plan, build_834([Member834("S1", mbi=mbi, npi="1234567893")], control="000000030")
        )
    member = Member.objects.get(mbi=mbi)
    assert first.counts["pcp_changes"] == 0
    assert not Notice.objects.filter(member=member, kind="pcp_change_confirmation").exists()
    # when a later file gives them another PCP
    changed = Member834("S1", mbi=mbi, maintenance="001", npi="1558598797")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run = import_834(pair.medicare_plan, build_834([changed], control="000000031"))
    # then, once the import committed, the member gets one PCP change confirmation for the new assignment
    assert run.status == ImportStatus.SUCCEEDED
    assert run.counts["pcp_changes"] == 1
    assert len(callbacks) >= 1
    assignment = PcpAssignment.objects.get(member=member, end_date__isnull=True)
    notice = Notice.objects.get(member=member, kind="pcp_change_confirmation")
    assert notice.context["assignment_id"] == str(assignment.pk)
    assert notice.context["pcp_name"] == assignment.name
    # and confirming the same assignment again sends nothing twice
    from apps.ingest.enrollment.services import _schedule_pcp_confirmations

    with django_capture_on_commit_callbacks(execute=True):
        assert _schedule_pcp_confirmations([assignment.pk]) == 1
    assert Notice.objects.filter(member=member, kind="pcp_change_confirmation").count() == 1


def test_a_failing_pcp_confirmation_does_not_undo_the_import(
    pair, import_834, django_capture_on_commit_callbacks, monkeypatch
):
    import apps.notices.services as notice_services
    from apps.notices.models import Notice

    mbi = identifiers.mbi()
    with django_capture_on_commit_callbacks(execute=True):
        import_834(
            pair.medicare_plan, build_834([Member834("S1", mbi=mbi, npi="1234567893")], control="000000040")
        )

    def broken(**kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("notices are down")

    monkeypatch.setattr(notice_services, "notice_issue", broken)
    changed = Member834("S1", mbi=mbi, maintenance="001", last="GARCIA-LOPEZ", npi="1558598797")
    with django_capture_on_commit_callbacks(execute=True):
        run = import_834(pair.medicare_plan, build_834([changed], control="000000041"))

    assert run.status == ImportStatus.SUCCEEDED
    member = Member.objects.get(mbi=mbi)
    assert member.last_name == "GARCIA-LOPEZ"
    assert PcpAssignment.objects.get(member=member, end_date__isnull=True).npi == "1558598797"
    assert not Notice.objects.filter(member=member, kind="pcp_change_confirmation").exists()


def test_pcp_change_from_a_later_date_ends_the_old_pcp_and_is_confirmed(
    pair, import_834, django_capture_on_commit_callbacks
):
    from apps.notices.models import Notice

    mbi = identifiers.mbi()
    with django_capture_on_commit_callbacks(execute=True):
        import_834(
            pair.medicare_plan, build_834([Member834("S1", mbi=mbi, npi="1234567893")], control="000000050")
        )
    later = Member834("S1", mbi=mbi, maintenance="001", npi="1558598797", start="20260301")
    with django_capture_on_commit_callbacks(execute=True):
        run = import_834(pair.medicare_plan, build_834([later], control="000000051"))

    member = Member.objects.get(mbi=mbi)
    history = list(PcpAssignment.objects.filter(member=member).order_by("start_date"))
    assert [(p.npi, p.end_date) for p in history] == [
        ("1234567893", dt.date(2026, 2, 28)),
        ("1558598797", None),
    ]
    assert run.counts["pcp_changes"] == 1
    notice = Notice.objects.get(member=member, kind="pcp_change_confirmation")
    assert notice.context["assignment_id"] == str(history[1].pk)
    assert notice.context["effective_on"] == "2026-03-01"


def test_pcp_confirmations_are_queued_in_chunks_not_issued_inside_the_import(
    db, monkeypatch, django_capture_on_commit_callbacks
):
    """A large file's letters are issued by the workers, a chunk of assignment ids per task (ids only)."""
    import apps.notices.tasks as notice_tasks
    from apps.ingest.enrollment import services as enrollment_services

    sent: list[list[str]] = []
    monkeypatch.setattr(notice_tasks.pcp_change_confirmations_task, "delay", sent.append)
    ids = [uuid.uuid4() for _ in range(enrollment_services.PCP_CONFIRMATION_CHUNK * 2 + 1)]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert enrollment_services._schedule_pcp_confirmations(ids) == 3
    assert sent == []  # nothing is queued before the import commits
    for callback in callbacks:
        callback()
    assert [len(chunk) for chunk in sent] == [enrollment_services.PCP_CONFIRMATION_CHUNK] * 2 + [1]
    assert [i for chunk in sent for i in chunk] == [str(i) for i in ids]
