import pytest

from memberhub.directory.address import PostalAddress, address_key, normalize_address, zip5


@pytest.mark.parametrize(
    ("_case", "left", "right"),
    [
        (
            "suffix, suite and zip+4",
            PostalAddress(("123 Main Street", "Suite 200"), "Los Angeles", "CA", "90012-1234"),
            PostalAddress(("123 MAIN ST.", "STE 200"), "los angeles", "ca", "90012"),
        ),
        (
            "directional and hash unit",
            PostalAddress(("1200 North Alvarado Street #5",), "Los Angeles", "CA", "90026"),
            PostalAddress(("1200 N. Alvarado St., Suite 5",), "Los Angeles", "CA", "90026"),
        ),
        (
            "ordinal floor",
            PostalAddress(("500 Wilshire Boulevard", "2nd Floor"), "Santa Monica", "CA", "90401"),
            PostalAddress(("500 Wilshire Blvd", "Floor 2"), "Santa Monica", "CA", "904011234"),
        ),
    ],
)
def test_address_key_equal_for_spellings_of_one_address(_case, left, right):
    assert address_key(left) == address_key(right)


def test_address_key_differs_for_other_suite():
    one = PostalAddress(("123 Main St", "Suite 200"), "Fresno", "CA", "93721")
    other = PostalAddress(("123 Main St", "Suite 300"), "Fresno", "CA", "93721")
    assert address_key(one) != address_key(other)


def test_address_key_format_and_empty():
    # given an address with lower case and punctuation
    key = address_key(PostalAddress(("1 Market Street",), "San Francisco", "Ca", "94105"))
    # then the key is line|city|state|zip5
    assert key == "1 MARKET ST|SAN FRANCISCO|CA|94105"
    assert address_key(None) == ""
    assert address_key(PostalAddress((), "", "CA", "")) == ""


def test_normalize_address_and_zip5():
    norm = normalize_address(PostalAddress(("42 East Avenue",), "Fresno", "ca", "93721-0001"))
    assert norm == PostalAddress(("42 E AVE",), "FRESNO", "CA", "93721")
    assert zip5("9372") == ""
    assert zip5(None) == ""
    assert zip5("93721 0001") == "93721"
