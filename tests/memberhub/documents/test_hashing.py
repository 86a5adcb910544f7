from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from memberhub.documents.address import AddressError, MailingAddress
from memberhub.documents.canonical import CanonicalJsonError, canonical_json
from memberhub.documents.hashing import content_hash, sha256_hex, sha256_stream, storage_key

KEY = b"k" * 32


def test_canonical_json_is_order_independent_and_compact():
    assert (
        canonical_json({"b": 1, "a": [1, 2]}) == canonical_json({"a": (1, 2), "b": 1}) == b'{"a":[1,2],"b":1}'
    )


def test_canonical_json_handles_dates_decimals_and_unicode():
    out = canonical_json(
        {"d": date(2027, 1, 1), "t": datetime(2027, 1, 1, tzinfo=UTC), "m": Decimal("5.00"), "n": "Peña"}
    )
    assert out == '{"d":"2027-01-01","m":"5","n":"Peña","t":"2027-01-01T00:00:00+00:00"}'.encode()


@pytest.mark.parametrize("bad", [float("nan"), datetime(2027, 1, 1), object(), {1: "x"}])
def test_canonical_json_refuses_ambiguous_values(bad):
    with pytest.raises(CanonicalJsonError):
        canonical_json({"x": bad})


def test_canonical_json_uses_dataclass_canonical():
    @dataclass(frozen=True)
    class C:
        a: int

        def canonical(self):
            return {"a": self.a, "extra": True}

    assert canonical_json(C(1)) == b'{"a":1,"extra":true}'


def test_content_hash_is_keyed_and_covers_kind_and_template_version():
    content = {"member_name": "Maria Garcia", "member_id": "GV1"}
    h = content_hash(key=KEY, kind="id_card", template_version="card-v1", content=content)
    assert len(h) == 64
    assert h == content_hash(key=KEY, kind="id_card", template_version="card-v1", content=dict(content))
    assert h != content_hash(key=b"j" * 32, kind="id_card", template_version="card-v1", content=content)
    assert h != content_hash(key=KEY, kind="id_card", template_version="card-v2", content=content)
    assert h != content_hash(key=KEY, kind="card_carrier", template_version="card-v1", content=content)
    assert h != sha256_hex(canonical_json(content))  # unkeyed hash would reveal guessable PHI


def test_content_hash_refuses_short_keys():
    with pytest.raises(ValueError, match="16 bytes"):
        content_hash(key=b"short", kind="id_card", template_version="v1", content={})


def test_storage_key_is_deterministic_and_reveals_only_the_hash():
    h = "ab" + "0" * 62
    assert storage_key(kind="id_card", content_hash=h) == f"documents/id_card/ab/{h}.pdf"
    assert (
        storage_key(kind="id_card", content_hash=h, extension="png", variant="p1")
        == f"documents/id_card/ab/{h}-p1.png"
    )
    with pytest.raises(ValueError):
        storage_key(kind="../etc", content_hash=h)
    with pytest.raises(ValueError):
        storage_key(kind="id_card", content_hash="xyz")


def test_sha256_helpers_agree():
    assert sha256_hex(b"abcdef") == sha256_stream([b"abc", b"def"])


def test_address_standardization_and_errors():
    a = MailingAddress.standardized(
        name="jose  lopez", line1="45 north oak avenue #3", city="san jose", state="CA", zip_code="95112"
    )
    assert a.window_lines() == ("JOSE LOPEZ", "45 N OAK AVE 3", "SAN JOSE CA  95112")
    assert a.zip5 == "95112"
    with pytest.raises(AddressError) as err:
        MailingAddress.standardized(name="x", line1="1 a st", city="c", state="California", zip_code="95112")
    assert err.value.field == "state"
    with pytest.raises(AddressError) as err:
        MailingAddress.standardized(name="x", line1="1 a st", city="c", state="CA", zip_code="9511")
    assert err.value.field == "zip_code"
