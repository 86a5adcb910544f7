# ruff: noqa: S608  -- SQL here is built only from constant table/column names; values are always parameters.
"""Apply one 834 to members, enrollments and PCP assignments, set-based.

Records stream from the reader into a temporary staging table with COPY (PERFORMANCE.md: COPY is
~30x bulk_create), then a handful of SQL statements match, insert and update in bulk. The caller
runs all of this in one transaction: a structural error or refused records roll everything back.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.conf import settings
from django.db import connection

from apps.members.models import Member, PcpAssignment
from apps.plans.models import AlignedPlanPair, Plan, PlanKind
from memberhub.plans.alignment import Alignment, AlignmentStatus, EnrollmentFact, PairFact, alignment_on
from memberhub.plans.alignment import PlanKind as DomainPlanKind
from memberhub.x12 import Issue, MemberRecord, PackedLayout, Reader834, TransactionHeader
from memberhub.x12.mapping import MemberChange, Side, member_change_from_record

STAGE = "ingest_stage_834"
_STAGE_COLUMNS = (
    "seq",
    "line",
    "mt",
    "grp",
    "rejected",
    "mbi",
    "cin",
    "subscriber_id",
    "first_name",
    "middle_name",
    "last_name",
    "suffix",
    "birth_date",
    "sex",
    "death_date",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "zip_code",
    "county_fips",
    "phone",
    "email",
    "spoken_language",
    "written_language",
    "aid_code",
    "start_date",
    "end_date",
    "pcp_npi",
    "pcp_name",
    "pcp_start",
)
_STAGE_DDL = f"""
CREATE TEMP TABLE {STAGE} (
    seq integer PRIMARY KEY, line integer NOT NULL, mt text NOT NULL, grp text NOT NULL,
    rejected boolean NOT NULL, mbi text NOT NULL, cin text NOT NULL, subscriber_id text NOT NULL,
    first_name text NOT NULL, middle_name text NOT NULL, last_name text NOT NULL, suffix text NOT NULL,
    birth_date date, sex text NOT NULL, death_date date,
    address_line1 text NOT NULL, address_line2 text NOT NULL, city text NOT NULL, state text NOT NULL,
    zip_code text NOT NULL, county_fips text NOT NULL, phone text NOT NULL, email text NOT NULL,
    spoken_language text NOT NULL, written_language text NOT NULL, aid_code text NOT NULL,
    start_date date, end_date date, pcp_npi text NOT NULL, pcp_name text NOT NULL, pcp_start date,
    member_pk uuid, matched_by text NOT NULL DEFAULT ''
) ON COMMIT DROP
"""
_MEMBER_ID_LOCK = 834_001  # advisory lock key: member_id numbering
_PLAN_LOCK = 834_002  # advisory lock key (with the plan): one 834 apply per plan at a time


@dataclass
class RecordProblem:
    line: int
    subscriber_id_present: bool
    issues: list[Issue]


@dataclass
class ApplyOutcome:
    headers: list[TransactionHeader] = field(default_factory=list)
    records: int = 0
    staged: int = 0
    rejected: list[RecordProblem] = field(default_factory=list)
    extra_issues: dict[tuple[str, str], list[Issue]] = field(default_factory=dict)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    alignment_changes: list[dict[str, str]] = field(default_factory=list)
    newly_aligned: list[uuid.UUID] = field(default_factory=list)
    absent_members: list[uuid.UUID] = field(default_factory=list)
    pcp_changed: list[uuid.UUID] = field(default_factory=list)  # new PcpAssignment ids replacing another PCP
    full_file: bool = False
    timings: dict[str, float] = field(default_factory=dict)


def side_of(plan: Plan) -> Side:
    return "medicare" if plan.kind == PlanKind.MEDICARE_DSNP else "medi_cal"


def packed_layout() -> PackedLayout:
    return PackedLayout.from_mapping(settings.ENROLLMENT_834["PACKED_LAYOUT"])


def _row(change: MemberChange, *, side: Side) -> tuple[Any, ...]:
    key = change.mbi if side == "medicare" else change.cin
    group = key or (f"sub:{change.subscriber_id}" if change.subscriber_id else f"seq:{change.sequence}")
    return (
        change.sequence,
        change.line,
        change.maintenance_type,
        group,
        False,
        change.mbi,
        change.cin,
        change.subscriber_id,
        change.first_name,
        change.middle_name,
        change.last_name,
        change.suffix,
        change.birth_date,
        change.sex,
        change.death_date,
        change.address_line1,
        change.address_line2,
        change.city,
        change.state,
        change.zip_code,
        change.county_fips,
        change.phone,
        change.email,
        change.spoken_language,
        change.written_language,
        change.aid_code,
        change.start_date,
        change.end_date,
        change.pcp_npi,
        change.pcp_name,
        change.pcp_start,
    )


def _rejected_row(record: MemberRecord, sequence: int) -> tuple[Any, ...]:
    # Kept only so a full-file audit does not report a refused member as "absent".
    return (
        sequence,
        record.position.line,
        record.maintenance_type,
        f"seq:{sequence}",
        True,
        "",
        "",
        record.subscriber_id[:40],
        *([""] * 4),
        None,
        "",
        None,
        *([""] * 11),
        None,
        None,
        "",
        "",
        None,
    )


def _insert_defaults(model: type[Any], provided: dict[str, str]) -> tuple[list[str], list[str], list[Any]]:
    """Columns and SQL expressions for an INSERT .. SELECT: provided expressions, else the field default."""
    columns: list[str] = []
    expressions: list[str] = []
    params: list[Any] = []
    for model_field in model._meta.concrete_fields:
        column = model_field.column
        columns.append(column)
        if column in provided:
            expressions.append(provided[column])
        else:
            expressions.append("%s")
            params.append(model_field.get_default())
    return columns, expressions, params


class Applier:
    """One 834 apply inside the caller's transaction."""

    def __init__(
        self,
        *,
        plan: Plan,
        run_id: uuid.UUID,
        today: dt.date,
        skip_invalid: bool,
        terminate_absent: bool,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        self.plan = plan
        self.side = side_of(plan)
        self.run_id = run_id
        self.today = today
        self.skip_invalid = skip_invalid
        self.terminate_absent = terminate_absent
        self.progress = progress
        self.outcome = ApplyOutcome()
        self.options = settings.ENROLLMENT_834
        self.reader: Reader834 | None = None

    # ---- stage ------------------------------------------------------------------------------------

    def stage(self, stream: BinaryIO, *, name: str, size: int | None = None) -> Reader834:
        reader = Reader834(stream, name=name, layout=packed_layout())
        self.reader = reader
        started = time.perf_counter()
        outcome = self.outcome
        every = int(self.options["PROGRESS_EVERY"])
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
            cursor.execute(_STAGE_DDL)
            with cursor.copy(f"COPY {STAGE} ({', '.join(_STAGE_COLUMNS)}) FROM STDIN") as copy:
                for event in reader:
                    if isinstance(event, TransactionHeader):
                        outcome.headers.append(event)
                        continue
                    if not isinstance(event, MemberRecord):
                        continue
                    outcome.records += 1
                    sequence = outcome.records
                    change, issues = member_change_from_record(
                        event, side=self.side, sequence=sequence, today=self.today
                    )
                    added = [issue for issue in issues if issue not in event.issues]
                    if added:
                        key = (event.group_control_number, event.transaction_control_number)
                        outcome.extra_issues.setdefault(key, []).extend(added)
                    if change is None:
                        outcome.rejected.append(
                            RecordProblem(
                                line=event.position.line,
                                subscriber_id_present=bool(event.subscriber_id),
                                issues=[i for i in issues if i.is_error],
                            )
                        )
                        copy.write_row(_rejected_row(event, sequence))
                    else:
                        copy.write_row(_row(change, side=self.side))
                        outcome.staged += 1
                    for note in event.unknown_segments:
                        outcome.warnings.append(
                            {
                                "file": name,
                                "line": note.position.line,
                                "segment": note.segment_id,
                                "field": "",
                                "code": "x12.unknown_segment",
                                "message": f"Unknown segment {note.segment_id} in loop {note.loop_id} kept and ignored.",
                            }
                        )
                    if self.progress is not None and sequence % every == 0:
                        self.progress(sequence, reader.tokenizer.bytes_read)
            cursor.execute(f"ANALYZE {STAGE}")
        outcome.timings["parse_and_stage"] = round(time.perf_counter() - started, 3)
        outcome.full_file = any(h.is_full_file for h in outcome.headers) or self._all_audit()
        return reader

    def _all_audit(self) -> bool:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FILTER (WHERE mt <> '030'), count(*) FROM {STAGE}")
            other, total = cursor.fetchone()
        return bool(total) and other == 0

    # ---- apply ------------------------------------------------------------------------------------

    def apply(self) -> ApplyOutcome:
        outcome = self.outcome
        timings = outcome.timings
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [_PLAN_LOCK, str(self.plan.pk)])
            started = time.perf_counter()

            def step(name: str) -> None:
                nonlocal started
                now = time.perf_counter()
                timings[name] = round(now - started, 3)
                started = now

            self._match(cursor)
            self._find_absent(cursor)
            step("match")
            before = self._alignment(cursor, extra=outcome.absent_members)
            step("alignment_before")
            self._create_members(cursor)
            step("create_members")
            self._update_members(cursor)
            step("update_members")
            self._upsert_enrollments(cursor)
            step("enrollments")
            self._terminate(cursor)
            self._reinstate(cursor)
            self._full_file_audit(cursor)
            step("terminate_reinstate_audit")
            self._pcp(cursor)
            step("pcp")
            after = self._alignment(cursor, extra=outcome.absent_members, only_touched=True)
            step("alignment_after")
        self._diff(before, after)
        return outcome

    def _count(self, cursor: Any, key: str, sql: str, params: Iterable[Any] = ()) -> int:
        cursor.execute(sql, list(params))
        value = cursor.rowcount if cursor.rowcount is not None else 0
        self.outcome.counts[key] = self.outcome.counts.get(key, 0) + max(value, 0)
        return value

    def _match(self, cursor: Any) -> None:
        id_column, stage_key = ("mbi", "mbi") if self.side == "medicare" else ("medi_cal_cin", "cin")
        self._count(
            cursor,
            f"matched_by_{stage_key}",
            f"""UPDATE {STAGE} s SET member_pk = m.id, matched_by = %s FROM members_member m
                WHERE s.{stage_key} <> '' AND m.{id_column} = s.{stage_key}""",
            [stage_key],
        )
        self._count(
            cursor,
            "matched_by_subscriber_id",
            f"""UPDATE {STAGE} s SET member_pk = e.member_id, matched_by = 'subscriber_id'
                FROM (SELECT DISTINCT ON (subscriber_id) subscriber_id, member_id FROM members_enrollment
                      WHERE plan_id = %s AND subscriber_id <> '' ORDER BY subscriber_id, start_date DESC) e
                WHERE s.member_pk IS NULL AND s.subscriber_id <> '' AND e.subscriber_id = s.subscriber_id""",
            [self.plan.pk],
        )
        if self.side == "medi_cal":
            # A Medi-Cal file that also carries the MBI (REF*F6) finds a member known from the Medicare side.
            self._count(
                cursor,
                "matched_by_mbi",
                f"""UPDATE {STAGE} s SET member_pk = m.id, matched_by = 'mbi' FROM members_member m
                    WHERE s.member_pk IS NULL AND NOT s.rejected AND s.mbi <> '' AND m.mbi = s.mbi""",
            )
        if self.options["MATCH_BY_NAME_AND_BIRTH_DATE"]:
            matched = self._count(
                cursor,
                "matched_by_name_and_birth_date",
                f"""UPDATE {STAGE} s SET member_pk = c.id, matched_by = 'name_birth_date'
                    FROM (SELECT id, upper(last_name) AS ln, upper(first_name) AS fn, date_of_birth,
                                 count(*) OVER (PARTITION BY upper(last_name), upper(first_name), date_of_birth) AS n
                          FROM members_member WHERE {id_column} IS NULL) c
                    WHERE s.member_pk IS NULL AND NOT s.rejected AND s.birth_date IS NOT NULL AND c.n = 1
                      AND c.ln = upper(s.last_name) AND c.fn = upper(s.first_name)
                      AND c.date_of_birth = s.birth_date""",
            )
            if matched:
                cursor.execute(f"SELECT line FROM {STAGE} WHERE matched_by = 'name_birth_date' ORDER BY seq")
                for (line,) in cursor.fetchall():
                    self._warn(
                        line,
                        "INS",
                        "enrollment.matched_by_name",
                        "Matched to a member by name and birth date.",
                    )

    def _warn(self, line: int, segment: str, code: str, message: str) -> None:
        self.outcome.warnings.append(
            {"file": "", "line": line, "segment": segment, "field": "", "code": code, "message": message}
        )

    def _create_members(self, cursor: Any) -> None:
        creatable = (
            "member_pk IS NULL AND NOT rejected AND mt IN ('021', '001', '030', '025') "
            "AND birth_date IS NOT NULL AND last_name <> '' AND first_name <> ''"
        )
        # One new member per group key (MBI/CIN, else subscriber id): the id is derived from run + key, so
        # every record of the same person gets the same new member without a self-join.
        cursor.execute(
            f"""UPDATE {STAGE} SET member_pk = md5(%s || grp)::uuid, matched_by = 'created'
                WHERE {creatable}""",
            [str(self.run_id)],
        )
        cursor.execute(f"SELECT line, mt FROM {STAGE} WHERE member_pk IS NULL AND NOT rejected ORDER BY seq")
        for line, maintenance_type in cursor.fetchall():
            if maintenance_type in {"024", "025"}:
                message = "No member matches this record: nothing to terminate or reinstate."
            else:
                message = "No member matches this record and it lacks the name or birth date to add one."
            self._warn(line, "INS", "enrollment.member_not_found", message)
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_MEMBER_ID_LOCK])
        provided = {
            "id": "s.member_pk",
            "created_at": "now()",
            "updated_at": "now()",
            "member_id": "'MH' || lpad(s.rn::text, 8, '0')",
            "first_name": "s.first_name",
            "middle_name": "s.middle_name",
            "last_name": "s.last_name",
            "suffix": "s.suffix",
            "date_of_birth": "s.birth_date",
            "sex": "COALESCE(NULLIF(s.sex, ''), 'U')",
            "date_of_death": "s.death_date",
            "mbi": "NULLIF(s.mbi, '')",
            "medi_cal_cin": "NULLIF(s.cin, '')",
            "medi_cal_aid_code": "s.aid_code",
            "address_line1": "s.address_line1",
            "address_line2": "s.address_line2",
            "city": "s.city",
            "state": "COALESCE(NULLIF(s.state, ''), 'CA')",
            "zip_code": "s.zip_code",
            "county_fips": "s.county_fips",
            "phone": "s.phone",
            "email": "s.email",
            "spoken_language": "COALESCE(NULLIF(s.spoken_language, ''), 'en')",
            "written_language": "COALESCE(NULLIF(s.written_language, ''), NULLIF(s.spoken_language, ''), 'en')",
        }
        columns, expressions, params = _insert_defaults(Member, provided)
        cursor.execute(
            "SELECT COALESCE(MAX(substring(member_id FROM 3)::bigint), 0) FROM members_member "
            "WHERE member_id ~ '^MH[0-9]{8}$'"
        )
        base = int(cursor.fetchone()[0])
        self._count(
            cursor,
            "members_added",
            f"""WITH latest AS MATERIALIZED (
                    SELECT DISTINCT ON (member_pk) * FROM {STAGE}
                    WHERE matched_by = 'created' ORDER BY member_pk, seq DESC),
                 s AS MATERIALIZED (SELECT latest.*, %s::bigint + row_number() OVER (ORDER BY seq) AS rn FROM latest)
                INSERT INTO members_member ({", ".join(columns)})
                SELECT {", ".join(expressions)} FROM s""",
            [base, *params],
        )

    def _update_members(self, cursor: Any) -> None:
        other_mbi = "NOT EXISTS (SELECT 1 FROM members_member o WHERE o.mbi = s.mbi AND o.id <> m.id)"
        other_cin = (
            "NOT EXISTS (SELECT 1 FROM members_member o WHERE o.medi_cal_cin = s.cin AND o.id <> m.id)"
        )
        new_values = {
            "first_name": "COALESCE(NULLIF(s.first_name, ''), m.first_name)",
            "middle_name": "CASE WHEN s.first_name <> '' THEN s.middle_name ELSE m.middle_name END",
            "last_name": "COALESCE(NULLIF(s.last_name, ''), m.last_name)",
            "suffix": "CASE WHEN s.last_name <> '' THEN s.suffix ELSE m.suffix END",
            "date_of_birth": "COALESCE(s.birth_date, m.date_of_birth)",
            "sex": "COALESCE(NULLIF(s.sex, ''), m.sex)",
            "date_of_death": "COALESCE(s.death_date, m.date_of_death)",
            # CASE evaluates in order: the uniqueness probe runs only when the identifier would change.
            "mbi": f"CASE WHEN s.mbi = '' OR m.mbi = s.mbi THEN m.mbi WHEN {other_mbi} THEN s.mbi ELSE m.mbi END",
            "medi_cal_cin": (
                f"CASE WHEN s.cin = '' OR m.medi_cal_cin = s.cin THEN m.medi_cal_cin "
                f"WHEN {other_cin} THEN s.cin ELSE m.medi_cal_cin END"
            ),
            "medi_cal_aid_code": "COALESCE(NULLIF(s.aid_code, ''), m.medi_cal_aid_code)",
            "address_line1": "CASE WHEN s.address_line1 <> '' THEN s.address_line1 ELSE m.address_line1 END",
            "address_line2": "CASE WHEN s.address_line1 <> '' THEN s.address_line2 ELSE m.address_line2 END",
            "city": "CASE WHEN s.address_line1 <> '' THEN s.city ELSE m.city END",
            "state": "CASE WHEN s.address_line1 <> '' AND s.state <> '' THEN s.state ELSE m.state END",
            "zip_code": "CASE WHEN s.address_line1 <> '' THEN s.zip_code ELSE m.zip_code END",
            "county_fips": "COALESCE(NULLIF(s.county_fips, ''), m.county_fips)",
            "phone": "COALESCE(NULLIF(s.phone, ''), m.phone)",
            "email": "COALESCE(NULLIF(s.email, ''), m.email)",
            "spoken_language": "COALESCE(NULLIF(s.spoken_language, ''), m.spoken_language)",
            "written_language": "COALESCE(NULLIF(s.written_language, ''), m.written_language)",
        }
        assignments = ", ".join(f"{column} = {expression}" for column, expression in new_values.items())
        new_tuple = ", ".join(new_values.values())
        old_tuple = ", ".join(f"m.{column}" for column in new_values)
        self._count(
            cursor,
            "members_updated",
            f"""UPDATE members_member m SET {assignments}, updated_at = now()
                FROM (SELECT DISTINCT ON (member_pk) * FROM {STAGE}
                      WHERE member_pk IS NOT NULL AND NOT rejected AND matched_by <> 'created'
                      ORDER BY member_pk, seq DESC) s
                WHERE m.id = s.member_pk AND ({new_tuple}) IS DISTINCT FROM ({old_tuple})""",
        )
        cursor.execute(
            f"""SELECT s.line FROM {STAGE} s JOIN members_member m ON m.id = s.member_pk
                WHERE NOT s.rejected AND ((s.mbi <> '' AND m.mbi IS DISTINCT FROM s.mbi)
                      OR (s.cin <> '' AND m.medi_cal_cin IS DISTINCT FROM s.cin)) ORDER BY s.seq"""
        )
        for (line,) in cursor.fetchall():
            self._warn(
                line,
                "REF",
                "enrollment.identifier_conflict",
                "The record's MBI or CIN already belongs to another member; it was not copied.",
            )

    def _upsert_enrollments(self, cursor: Any) -> None:
        source = "834"
        cursor.execute(
            f"""WITH s AS (
                    SELECT DISTINCT ON (member_pk, start_date) * FROM {STAGE}
                    WHERE member_pk IS NOT NULL AND NOT rejected AND start_date IS NOT NULL AND mt <> '024'
                    ORDER BY member_pk, start_date, seq DESC),
                 upserted AS (
                    INSERT INTO members_enrollment
                        (id, created_at, updated_at, member_id, plan_id, start_date, end_date, subscriber_id,
                         source, import_run_id)
                    SELECT gen_random_uuid(), now(), now(), s.member_pk, %s, s.start_date, s.end_date,
                           s.subscriber_id, %s, %s FROM s
                    ON CONFLICT (member_id, plan_id, start_date) DO UPDATE SET
                        end_date = EXCLUDED.end_date,
                        subscriber_id = CASE WHEN EXCLUDED.subscriber_id <> '' THEN EXCLUDED.subscriber_id
                                             ELSE members_enrollment.subscriber_id END,
                        updated_at = now(), import_run_id = EXCLUDED.import_run_id
                    WHERE members_enrollment.end_date IS DISTINCT FROM EXCLUDED.end_date
                       OR (EXCLUDED.subscriber_id <> ''
                           AND members_enrollment.subscriber_id <> EXCLUDED.subscriber_id)
                    RETURNING (xmax = 0) AS inserted, end_date)
                SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted),
                       count(*) FILTER (WHERE NOT inserted AND end_date IS NULL)
                FROM upserted""",
            [self.plan.pk, source, self.run_id],
        )
        inserted, updated, reopened = cursor.fetchone()
        counts = self.outcome.counts
        counts["enrollments_added"] = inserted
        counts["enrollments_updated"] = updated
        # A newer enrollment in the same plan ends the older open one the day before it starts.
        self._count(
            cursor,
            "enrollments_superseded",
            f"""UPDATE members_enrollment e SET end_date = s.start_date - 1, updated_at = now(), import_run_id = %s
                FROM (SELECT member_pk, max(start_date) AS start_date FROM {STAGE}
                      WHERE member_pk IS NOT NULL AND NOT rejected AND start_date IS NOT NULL AND mt <> '024'
                      GROUP BY member_pk) s
                WHERE e.member_id = s.member_pk AND e.plan_id = %s AND e.start_date < s.start_date
                  AND (e.end_date IS NULL OR e.end_date >= s.start_date)""",
            [self.run_id, self.plan.pk],
        )
        del reopened

    def _terminate(self, cursor: Any) -> None:
        self._count(
            cursor,
            "enrollments_terminated",
            f"""UPDATE members_enrollment e SET end_date = s.end_date, updated_at = now(), import_run_id = %s
                FROM (SELECT DISTINCT ON (member_pk) member_pk, end_date FROM {STAGE}
                      WHERE mt = '024' AND NOT rejected AND member_pk IS NOT NULL AND end_date IS NOT NULL
                      ORDER BY member_pk, seq DESC) s
                WHERE e.member_id = s.member_pk AND e.plan_id = %s AND e.start_date <= s.end_date
                  AND (e.end_date IS NULL OR e.end_date > s.end_date)""",
            [self.run_id, self.plan.pk],
        )
        cursor.execute(
            f"""SELECT s.line FROM {STAGE} s WHERE s.mt = '024' AND NOT s.rejected AND s.member_pk IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM members_enrollment e WHERE e.member_id = s.member_pk
                                  AND e.plan_id = %s AND e.start_date <= s.end_date)
                ORDER BY s.seq""",
            [self.plan.pk],
        )
        for (line,) in cursor.fetchall():
            self._warn(
                line, "INS", "enrollment.nothing_to_terminate", "The member has no enrollment to terminate."
            )

    def _reinstate(self, cursor: Any) -> None:
        self._count(
            cursor,
            "enrollments_reinstated",
            f"""UPDATE members_enrollment e SET end_date = s.end_date, updated_at = now(), import_run_id = %s
                FROM (SELECT DISTINCT ON (member_pk) member_pk, end_date FROM {STAGE}
                      WHERE mt = '025' AND NOT rejected AND member_pk IS NOT NULL AND start_date IS NULL
                      ORDER BY member_pk, seq DESC) s
                WHERE e.id = (SELECT x.id FROM members_enrollment x WHERE x.member_id = s.member_pk
                              AND x.plan_id = %s ORDER BY x.start_date DESC LIMIT 1)
                  AND e.end_date IS NOT NULL AND e.end_date IS DISTINCT FROM s.end_date""",
            [self.run_id, self.plan.pk],
        )
        # Reinstatements that carried a start date were upserted with the additions (end date cleared).
        cursor.execute(
            f"SELECT count(*) FROM {STAGE} WHERE mt = '025' AND NOT rejected AND start_date IS NOT NULL"
        )
        self.outcome.counts["enrollments_reinstated"] += cursor.fetchone()[0]

    def _as_of(self) -> dt.date:
        headers = self.outcome.headers
        as_of = next((h.file_effective_date for h in headers if h.file_effective_date), None)
        return as_of or next((h.created for h in headers if h.created), None) or self.today

    def _find_absent(self, cursor: Any) -> None:
        """Full (audit) file: members enrolled in the plan on the file date but not in the file."""
        if not self.outcome.full_file:
            return
        as_of = self._as_of()
        cursor.execute(
            f"""SELECT DISTINCT e.member_id FROM members_enrollment e
                WHERE e.plan_id = %s AND e.start_date <= %s AND (e.end_date IS NULL OR e.end_date >= %s)
                  AND NOT EXISTS (SELECT 1 FROM {STAGE} s WHERE s.member_pk = e.member_id)
                  AND NOT EXISTS (SELECT 1 FROM {STAGE} s WHERE s.rejected AND s.subscriber_id <> ''
                                  AND s.subscriber_id = e.subscriber_id)""",
            [self.plan.pk, as_of, as_of],
        )
        absent = [row[0] for row in cursor.fetchall()]
        self.outcome.absent_members = absent
        self.outcome.counts["absent_from_full_file"] = len(absent)

    def _full_file_audit(self, cursor: Any) -> None:
        absent = self.outcome.absent_members
        as_of = self._as_of()
        if self.terminate_absent and absent:
            self._count(
                cursor,
                "absent_terminated",
                """UPDATE members_enrollment SET end_date = %s, updated_at = now(), import_run_id = %s
                   WHERE plan_id = %s AND member_id = ANY(%s) AND start_date <= %s
                     AND (end_date IS NULL OR end_date >= %s)""",
                [
                    as_of - dt.timedelta(days=1),
                    self.run_id,
                    self.plan.pk,
                    absent,
                    as_of - dt.timedelta(days=1),
                    as_of,
                ],
            )

    def _pcp(self, cursor: Any) -> None:
        latest = f"""SELECT DISTINCT ON (member_pk) member_pk, pcp_npi, pcp_name,
                            COALESCE(pcp_start, start_date, %s) AS pcp_start FROM {STAGE}
                     WHERE member_pk IS NOT NULL AND NOT rejected AND pcp_npi <> '' ORDER BY member_pk, seq DESC"""
        self._count(
            cursor,
            "pcp_ended",
            f"""UPDATE members_pcpassignment p SET end_date = s.pcp_start - 1, updated_at = now()
                FROM ({latest}) s
                WHERE p.member_id = s.member_pk AND p.end_date IS NULL AND p.npi <> s.pcp_npi
                  AND p.start_date < s.pcp_start""",
            [self.today],
        )
        provided = {
            "id": "gen_random_uuid()",
            "created_at": "now()",
            "updated_at": "now()",
            "member_id": "s.member_pk",
            "npi": "s.pcp_npi",
            "name": "s.pcp_name",
            "start_date": "s.pcp_start",
            "end_date": "NULL",
        }
        columns, expressions, params = _insert_defaults(PcpAssignment, provided)
        self._count(
            cursor,
            "pcp_assigned",
            f"""INSERT INTO members_pcpassignment ({", ".join(columns)})
                SELECT {", ".join(expressions)} FROM ({latest}) s
                WHERE NOT EXISTS (SELECT 1 FROM members_pcpassignment p WHERE p.member_id = s.member_pk
                                  AND p.npi = s.pcp_npi AND p.start_date <= s.pcp_start
                                  AND (p.end_date IS NULL OR p.end_date >= s.pcp_start))
                ON CONFLICT (member_id, start_date) DO UPDATE SET npi = EXCLUDED.npi, name = EXCLUDED.name,
                    end_date = NULL, updated_at = now()
                RETURNING id, member_id, (xmax <> 0) AS replaced""",
            [*params, self.today],
        )
        written = cursor.fetchall()
        if written:
            # a change = the member had another PCP (or this start date said another PCP); a first PCP is not
            cursor.execute(
                """SELECT a.id FROM unnest(%s::uuid[], %s::uuid[], %s::bool[]) AS a(id, member_id, replaced)
                   WHERE a.replaced OR EXISTS (SELECT 1 FROM members_pcpassignment p
                                               WHERE p.member_id = a.member_id AND p.id <> a.id)""",
                [[r[0] for r in written], [r[1] for r in written], [bool(r[2]) for r in written]],
            )
            self.outcome.pcp_changed = [row[0] for row in cursor.fetchall()]

    # ---- alignment --------------------------------------------------------------------------------

    def _alignment(
        self, cursor: Any, extra: list[uuid.UUID] | None = None, *, only_touched: bool = False
    ) -> dict[uuid.UUID, Alignment]:
        """Alignment of the file's members (before), or of those whose enrollments this run changed (after):
        a member whose enrollments did not change cannot change alignment."""
        if only_touched:
            members = (
                "SELECT DISTINCT member_id FROM members_enrollment WHERE import_run_id = %s "
                "UNION SELECT unnest(%s::uuid[])"
            )
            params: list[Any] = [self.run_id, list(extra or [])]
        else:
            members = f"SELECT DISTINCT member_pk FROM {STAGE} WHERE member_pk IS NOT NULL AND NOT rejected"
            params = []
        cursor.execute("CREATE TEMP TABLE IF NOT EXISTS ingest_alignment_834 (member_id uuid) ON COMMIT DROP")
        cursor.execute("TRUNCATE ingest_alignment_834")
        cursor.execute(f"INSERT INTO ingest_alignment_834 {members}", params)
        cursor.execute("ANALYZE ingest_alignment_834")
        cursor.execute(
            """SELECT e.member_id, p.code, p.kind, e.start_date, e.end_date
               FROM members_enrollment e JOIN plans_plan p ON p.id = e.plan_id
               WHERE e.member_id IN (SELECT member_id FROM ingest_alignment_834)"""
        )
        facts: dict[uuid.UUID, list[EnrollmentFact]] = {}
        for member_id, code, kind, start, end in cursor.fetchall():
            facts.setdefault(member_id, []).append(EnrollmentFact(code, DomainPlanKind(kind), start, end))
        cursor.execute("SELECT member_id FROM ingest_alignment_834")
        for (member_id,) in cursor.fetchall():
            facts.setdefault(member_id, [])
        pairs = [
            PairFact(code=c, medicare_plan_code=m, medi_cal_plan_code=mc, plan_year=y)
            for c, m, mc, y in AlignedPlanPair.objects.values_list(
                "code", "medicare_plan__code", "medi_cal_plan__code", "plan_year"
            )
        ]
        return {pk: alignment_on(enrollments=fs, pairs=pairs, on=self.today) for pk, fs in facts.items()}

    def _diff(self, before: dict[uuid.UUID, Alignment], after: dict[uuid.UUID, Alignment]) -> None:
        has_medicare = {
            AlignmentStatus.EXCLUSIVELY_ALIGNED,
            AlignmentStatus.MISALIGNED,
            AlignmentStatus.MEDICARE_ONLY,
        }
        has_medi_cal = {
            AlignmentStatus.EXCLUSIVELY_ALIGNED,
            AlignmentStatus.MISALIGNED,
            AlignmentStatus.MEDI_CAL_ONLY,
        }
        counts = self.outcome.counts
        for key in ("newly_aligned", "became_misaligned", "lost_medicare", "lost_medi_cal", "lost_coverage"):
            counts.setdefault(key, 0)
        for member_id, now in after.items():
            was = before.get(member_id)
            was_status = was.status if was else AlignmentStatus.NOT_ENROLLED
            if now.status == was_status:
                continue
            if now.status == AlignmentStatus.EXCLUSIVELY_ALIGNED:
                self.outcome.newly_aligned.append(member_id)
                counts["newly_aligned"] += 1
                continue
            lost_medicare = was_status in has_medicare and now.status not in has_medicare
            lost_medi_cal = was_status in has_medi_cal and now.status not in has_medi_cal
            kind = ""
            if now.status == AlignmentStatus.MISALIGNED:
                kind = "became_misaligned"
            elif lost_medicare and lost_medi_cal:
                kind = "lost_coverage"
            elif lost_medicare:
                kind = "lost_medicare"
            elif lost_medi_cal:
                kind = "lost_medi_cal"
            if kind:
                counts[kind] += 1
                self.outcome.alignment_changes.append(
                    {
                        "member": str(member_id),
                        "kind": kind,
                        "before": str(was_status),
                        "after": str(now.status),
                        "reason": now.reason[:300],
                    }
                )
