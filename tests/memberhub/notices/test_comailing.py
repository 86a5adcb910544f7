from dataclasses import replace
from datetime import date

from memberhub.notices import MailPiece, comail_plan_build

DAY = date(2026, 3, 2)


def piece(pid, member="m1", day=DAY, kind="welcome", pages=2, comail=True, seq=0, address="addr-1"):
    return MailPiece(
        piece_id=pid,
        member_id=member,
        address_key=address,
        mail_date=day,
        kind=kind,
        pages=pages,
        comail=comail,
        sequence=seq,
    )


def test_two_pieces_for_one_member_on_one_day_share_an_envelope(notice_config):
    plan = comail_plan_build(
        [piece("letter", seq=2), piece("card", kind="id_card", pages=2, seq=5)], rules=notice_config.comailing
    )
    assert plan.envelope_count == 1
    # the card goes first in the envelope
    assert plan.envelopes[0].piece_ids == ("card", "letter")
    assert plan.envelopes_saved == 1
    assert plan.postage_saved_cents == notice_config.comailing.postage_per_envelope_cents


def test_different_days_members_or_addresses_never_share(notice_config):
    pieces = [
        piece("a"),
        piece("b", day=date(2026, 3, 3)),
        piece("c", member="m2"),
        piece("d", address="addr-2"),
    ]
    plan = comail_plan_build(pieces, rules=notice_config.comailing)
    assert plan.envelope_count == 4
    assert plan.postage_saved_cents == 0


def test_pieces_that_may_not_be_comailed_travel_alone(notice_config):
    rules = replace(notice_config.comailing, standalone_kinds=frozenset({"external"}))
    plan = comail_plan_build(
        [piece("a"), piece("b", comail=False), piece("c", kind="external"), piece("d", seq=1)], rules=rules
    )
    assert [env.piece_ids for env in plan.envelopes] == [("a", "d"), ("b",), ("c",)]


def test_envelope_sheet_limit_opens_a_new_envelope(notice_config):
    rules = replace(notice_config.comailing, max_sheets_per_envelope=6, duplex=True)
    # 8 pages duplex = 4 sheets each: two do not fit in one 6-sheet envelope
    plan = comail_plan_build(
        [piece("a", pages=8, seq=1), piece("b", pages=8, seq=2), piece("c", pages=2, seq=3)], rules=rules
    )
    assert [env.piece_ids for env in plan.envelopes] == [("a",), ("b", "c")]
    assert [env.sheets for env in plan.envelopes] == [4, 5]


def test_plan_is_deterministic_and_maps_pieces_to_envelopes(notice_config):
    pieces = [piece("x", member="m2"), piece("y"), piece("z", member="m2", kind="id_card")]
    first = comail_plan_build(pieces, rules=notice_config.comailing)
    second = comail_plan_build(list(reversed(pieces)), rules=notice_config.comailing)
    assert first == second
    assert first.envelope_of() == {"y": 1, "z": 2, "x": 2}
