"""Demo data for enrollment: two real 834 imports over the seeded demo members (idempotent).

1. A Medi-Cal 834 for MC-SUNRISE-LA (applied with --skip-invalid): terminates two seeded members' Medi-Cal
   (they land in the reps' work queue as "lost Medi-Cal"), adds one new member, and carries one record with
   an invalid CIN (rejected, listed on the run and in its 999).
2. A Medi-Cal 834 for MC-SUNRISE-OC enrolling one LA member there (misaligned: queued for reps).

Re-running imports the same bytes again, which the import recognizes as a duplicate (no-op).
"""

from __future__ import annotations

import io
from typing import Any

from apps.ingest.enrollment.services import import_834_create, import_834_execute
from apps.members.models import Member
from apps.plans.models import Plan


def _file(members: list[list[str]], *, control: int, receiver: str) -> bytes:
    isa = (
        "ISA*00*          *00*          *ZZ*CALIFORNIA DHCS*ZZ*"
        f"{receiver:<15.15}*260301*0400*!*00501*{control:09d}*0*T*:~"
    )
    body = [
        f"BGN*00*DHCS834-DA-20260301-{receiver}-{control:03d}.dat*20260301*0400****2",
        "N1*P5*CALIFORNIA DHCS*FI*680317191",
        f"N1*IN*{receiver}*FI*953456789",
    ]
    for segments in members:
        body += segments
    segments = [f"GS*BE*DHCS*{receiver}*20260301*0400*{control}*X*005010X220A1", "ST*834*0001*005010X220A1"]
    segments += [*body, f"SE*{len(body) + 2}*0001", f"GE*1*{control}", f"IEA*1*{control:09d}"]
    return (isa + "\r\n" + "~\r\n".join(segments) + "~\r\n").encode()


def _member(
    member: Member | None, *, cin: str, maintenance: str, date: str, last: str = "", first: str = ""
) -> list[str]:
    last = last or (member.last_name.upper() if member else "DEMO")
    first = first or (member.first_name.upper() if member else "DEMO")
    birth = member.date_of_birth.strftime("%Y%m%d") if member else "19520314"
    lines = [f"INS*Y*18*{maintenance}*AI*A*C***TE", f"REF*0F*{cin}", "REF*3H*1910000000001;A"]
    if maintenance == "024":
        lines.append(f"DTP*357*D8*{date}")
    else:
        lines.append(f"DTP*356*D8*{date}")
    lines += [
        f"NM1*IL*1*{last}*{first}",
        "N3*100 W 1ST ST",
        "N4*LOS ANGELES*CA*90012**CY*19",
        f"DMG*D8*{birth}*F",
    ]
    if maintenance == "024":
        lines += ["HD*024**HLT*305;01*IND", f"DTP*349*D8*{date}"]
    else:
        lines += [f"HD*{maintenance}**HLT*305;01*IND", f"DTP*348*D8*{date}", "REF*CE*10;101"]
    return lines


def load_demo(*, stdout: Any) -> None:
    try:
        la = Plan.objects.get(code="MC-SUNRISE-LA")
        oc = Plan.objects.get(code="MC-SUNRISE-OC")
    except Plan.DoesNotExist:
        stdout.write("ingest demo: demo plans missing (run seed_demo first); skipped")
        return
    # The same three seeded members every time (whatever earlier runs did to their enrollments), fixed dates:
    # the files are byte-identical on a re-run, which the import answers as a duplicate (no-op).
    seeded = list(
        Member.objects.filter(enrollments__plan=la, medi_cal_cin__isnull=False)
        .order_by("member_id")
        .distinct()[:3]
    )
    if len(seeded) < 3:
        stdout.write("ingest demo: not enough seeded members in MC-SUNRISE-LA; skipped")
        return
    end, start = "20260331", "20260401"
    first, second, mover = seeded
    la_file = _file(
        [
            _member(first, cin=first.medi_cal_cin or "", maintenance="024", date=end),
            _member(second, cin=second.medi_cal_cin or "", maintenance="024", date=end),
            _member(None, cin="90000001D", maintenance="021", date=start, last="NUEVO", first="ALMA"),
            _member(None, cin="ABC123", maintenance="021", date=start, last="BROKEN", first="CIN"),
        ],
        control=9101,
        receiver="SUNRISELA",
    )
    oc_file = _file(
        [_member(mover, cin=mover.medi_cal_cin or "", maintenance="021", date=start)],
        control=9102,
        receiver="SUNRISEOC",
    )
    for plan, data, name in (
        (la, la_file, "DHCS834-DA-SUNRISELA-9101.dat"),
        (oc, oc_file, "DHCS834-DA-SUNRISEOC-9102.dat"),
    ):
        run = import_834_create(plan=plan, source=io.BytesIO(data), name=name, skip_invalid=True)
        run = import_834_execute(run_id=run.pk)
        stdout.write(f"ingest demo: {name} -> {run.status} {run.counts}")
