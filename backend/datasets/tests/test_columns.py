"""Column parsers: what each accepts, what it stores, and what a person is told otherwise."""

import datetime as dt
from decimal import Decimal

import pytest

from datasets.columns import (
    DATE_FORMATS,
    DAY_FIRST_FORMATS,
    CellError,
    ParseOptions,
    boolean,
    choice,
    date,
    datetime_,
    decimal,
    email,
    parser_for_job,
    phone,
)

UTC = dt.UTC


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, micro: int = 0
) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, micro, tzinfo=UTC)


def assert_refused(parse, value: str, *fragments: str) -> None:
    with pytest.raises(CellError) as caught:
        parse(value)
    message = str(caught.value)
    assert repr(value) in message
    for fragment in fragments:
        assert fragment in message


# --- datetime_ ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # Local (Asia/Dubai is UTC+4 all year) in each day-first form.
        ("13-11-2023 14:00", utc(2023, 11, 13, 10, 0)),
        ("13-11-2023 14:00:05", utc(2023, 11, 13, 10, 0, 5)),
        ("13/11/2023 14:00", utc(2023, 11, 13, 10, 0)),
        ("13.11.2023 14:00", utc(2023, 11, 13, 10, 0)),
        ("13/11/2023 14:00:05", utc(2023, 11, 13, 10, 0, 5)),
        ("12-11-2023 11:59 PM", utc(2023, 11, 12, 19, 59)),
        ("12-11-2023 11:59:30 PM", utc(2023, 11, 12, 19, 59, 30)),
        ("14-11-2023 12:00PM", utc(2023, 11, 14, 8, 0)),
        ("14-11-2023 12:00AM", utc(2023, 11, 13, 20, 0)),
        ("14/11/2023 12:00 am", utc(2023, 11, 13, 20, 0)),
        ("14.11.2023 3:05pm", utc(2023, 11, 14, 11, 5)),
        ("14-11-2023 3:05 p.m.", utc(2023, 11, 14, 11, 5)),
        ("1-2-2023 9:05", utc(2023, 2, 1, 5, 5)),
        # ISO with a zone or offset: that moment, whatever the column's zone.
        ("2023-11-13T09:34:56Z", utc(2023, 11, 13, 9, 34, 56)),
        ("2023-11-13 09:34:56Z", utc(2023, 11, 13, 9, 34, 56)),
        ("2023-11-13t09:34:56z", utc(2023, 11, 13, 9, 34, 56)),
        ("2023-11-13T09:34:56+04:00", utc(2023, 11, 13, 5, 34, 56)),
        ("2023-11-13T09:34:56-0130", utc(2023, 11, 13, 11, 4, 56)),
        ("2023-11-13 09:34:56 +04:00", utc(2023, 11, 13, 5, 34, 56)),
        ("2023-11-13T09:34:56.250Z", utc(2023, 11, 13, 9, 34, 56, 250000)),
        # ISO without a zone: local.
        ("2023-11-13T09:34:56", utc(2023, 11, 13, 5, 34, 56)),
        ("2023-11-13 09:34", utc(2023, 11, 13, 5, 34)),
    ],
)
def test_datetime_reads_iso_and_day_first_times_in_the_columns_zone(value, expected):
    parsed = datetime_(timezone="Asia/Dubai")(value)

    assert parsed == expected
    assert parsed.tzinfo is UTC


@pytest.mark.parametrize(
    "value",
    [
        "31-02-2023 10:00",  # no such day
        "2023-02-31T10:00:00Z",
        "13-13-2023 10:00",
        "13-11-2023 25:00",
        "13-11-2023 14:00PM",  # 14 on a 12-hour clock
        "13-11-2023 00:30 AM",
        "13-11-23 14:00",  # 2-digit year
        "13-11-02023 14:00",
        "13-11-2023",  # a date alone is not a moment
        "2023-11-13",
        "20231113T093456",
        "2023-W46-1T10:00",
        "2023-11-13T09",
        "11/13/2023 14:00",  # month first
        "13-11-2023 14h00",
        "yesterday",
    ],
)
def test_datetime_refuses_what_is_not_a_date_and_time_and_names_it(value):
    assert_refused(datetime_(), value, "must be a date and time such as 2023-11-13T09:34:56Z or 13-11-2023 14:00")


def test_datetime_message_gives_the_first_declared_format_as_example():
    parse = datetime_(formats=("%m/%d/%Y %H:%M",))

    assert parse("11/13/2023 14:00") == utc(2023, 11, 13, 14, 0)
    assert_refused(parse, "13-11-2023 14:00", "such as 2023-11-13T09:34:56Z or 11/13/2023 14:00,")


def test_datetime_without_formats_reads_only_iso():
    parse = datetime_(formats=())

    assert parse("2023-11-13T09:34:56Z") == utc(2023, 11, 13, 9, 34, 56)
    assert_refused(parse, "13-11-2023 14:00", "such as 2023-11-13T09:34:56Z, got")


def test_datetime_defaults_to_utc_for_times_without_zone():
    assert datetime_()("13-11-2023 14:00") == utc(2023, 11, 13, 14, 0)


def test_datetime_keeps_reading_correctly_when_the_format_changes_between_rows():
    parse = datetime_()

    assert parse("13/11/2023 14:00") == utc(2023, 11, 13, 14, 0)
    assert parse("13-11-2023 14:00") == utc(2023, 11, 13, 14, 0)
    assert parse("12-11-2023 11:59 PM") == utc(2023, 11, 12, 23, 59)
    assert parse("13/11/2023 15:00") == utc(2023, 11, 13, 15, 0)
    assert_refused(parse, "13/11/2023")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # London is on GMT in November and BST in July; only times without a zone move.
        ("13-11-2023 14:00", utc(2023, 11, 13, 14, 0)),
        ("13-07-2023 14:00", utc(2023, 7, 13, 13, 0)),
        ("2023-07-13T14:00:00", utc(2023, 7, 13, 13, 0)),
        ("2023-11-13T09:34:56Z", utc(2023, 11, 13, 9, 34, 56)),
        ("2023-11-13T09:34:56+04:00", utc(2023, 11, 13, 5, 34, 56)),
    ],
)
def test_datetime_for_job_reads_times_without_zone_in_the_imports_zone(value, expected):
    column_parse = datetime_(timezone="Asia/Dubai")

    assert parser_for_job(column_parse, ParseOptions(timezone="Europe/London"))(value) == expected


def test_datetime_for_job_with_empty_zone_keeps_the_columns_zone():
    parse = parser_for_job(datetime_(timezone="Asia/Dubai"), ParseOptions(timezone=""))

    assert parse("13-11-2023 14:00") == utc(2023, 11, 13, 10, 0)


def test_datetime_for_job_leaves_the_declared_parser_unchanged():
    column_parse = datetime_(timezone="Asia/Dubai")
    parser_for_job(column_parse, ParseOptions(timezone="Europe/London"))

    assert column_parse("13-11-2023 14:00") == utc(2023, 11, 13, 10, 0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # 29 October 2023, 03:00 CEST becomes 02:00 CET: 02:30 happens twice; the first is taken.
        ("29-10-2023 02:30", utc(2023, 10, 29, 0, 30)),
        ("29-10-2023 01:59", utc(2023, 10, 28, 23, 59)),
        ("29-10-2023 03:00", utc(2023, 10, 29, 2, 0)),
        # An explicit offset picks the second one.
        ("2023-10-29T02:30:00+01:00", utc(2023, 10, 29, 1, 30)),
        # 26 March 2023, 02:00 CET becomes 03:00 CEST: 02:30 never happens; it is read with the
        # offset before the change (+01:00), i.e. as 03:30 summer time.
        ("26-03-2023 02:30", utc(2023, 3, 26, 1, 30)),
        ("26-03-2023 03:30", utc(2023, 3, 26, 1, 30)),
        ("26-03-2023 01:30", utc(2023, 3, 26, 0, 30)),
    ],
)
def test_datetime_around_daylight_saving_changes(value, expected):
    assert datetime_(timezone="Europe/Berlin")(value) == expected


@pytest.mark.parametrize("zone", ["Mars/Olympus", "", "../etc/passwd"])
def test_datetime_refuses_an_unknown_zone_when_declared(zone):
    with pytest.raises(ValueError, match="unknown time zone"):
        datetime_(timezone=zone)


def test_datetime_for_job_refuses_an_unknown_zone():
    with pytest.raises(ValueError, match="unknown time zone 'Mars/Olympus'"):
        parser_for_job(datetime_(), ParseOptions(timezone="Mars/Olympus"))


def test_day_first_formats_cover_each_separator_and_clock():
    assert "%d-%m-%Y %H:%M" in DAY_FIRST_FORMATS
    assert "%d/%m/%Y %I:%M %p" in DAY_FIRST_FORMATS
    assert "%d.%m.%Y %H:%M:%S" in DAY_FIRST_FORMATS


# --- date --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-11-13", dt.date(2023, 11, 13)),
        ("13-11-2023", dt.date(2023, 11, 13)),
        ("13/11/2023", dt.date(2023, 11, 13)),
        ("13.11.2023", dt.date(2023, 11, 13)),
        ("1.2.2023", dt.date(2023, 2, 1)),
        ("29-02-2024", dt.date(2024, 2, 29)),
    ],
)
def test_date_reads_iso_and_day_first(value, expected):
    assert date()(value) == expected


@pytest.mark.parametrize(
    "value",
    ["29-02-2023", "2023-02-30", "31/04/2023", "13-11-23", "11/13/2023", "20231113", "2023-W46-1", "13-11-2023 14:00"],
)
def test_date_refuses_impossible_or_unknown_dates_and_names_them(value):
    assert_refused(date(), value, "must be a date such as 2023-11-13 or 13-11-2023, got")


def test_date_with_other_formats():
    parse = date(formats=("%m/%d/%Y",))

    assert parse("11/13/2023") == dt.date(2023, 11, 13)
    assert parse("2023-11-13") == dt.date(2023, 11, 13)
    assert_refused(parse, "13/11/2023", "such as 2023-11-13 or 11/13/2023")


def test_date_formats_are_day_first():
    assert DATE_FORMATS == ("%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y")


# --- phone -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("585949014", "+971585949014"),
        ('"0585949014"', "+971585949014"),  # the quotes are in the cell text
        ('" 0585949014 "', "+971585949014"),
        ("0585949014", "+971585949014"),
        ("058 594 9014", "+971585949014"),
        ("(058) 594-9014", "+971585949014"),
        ("+971 58 594 9014", "+971585949014"),
        ("971585949014   ", "+971585949014"),
        ("971585949014", "+971585949014"),
        ("00971585949014", "+971585949014"),
        ("971534534534", "+971534534534"),
        ("+44 20 7946 0958", "+442079460958"),
        ("+1 (650) 253-0000", "+16502530000"),
    ],
)
def test_phone_stores_e164_reading_national_numbers_in_the_region(value, expected):
    assert phone(region="AE")(value) == expected


@pytest.mark.parametrize("value", ["12", '""', "abc", "+971 12", "0585949014585949014"])
def test_phone_refuses_impossible_numbers_and_names_them(value):
    assert_refused(phone(region="AE"), value, "is not a possible phone number")


def test_phone_refuses_an_extension_rather_than_dropping_it():
    assert_refused(phone(region="AE"), "+971 58 594 9014 ext. 12", "extension")


def test_phone_without_region_needs_the_country_code():
    parse = phone()

    assert parse("+971 58 594 9014") == "+971585949014"
    assert_refused(parse, "0585949014", "must start with + and the country code")
    assert_refused(parse, "971585949014", "must start with + and the country code")
    assert_refused(parse, "+12", "is not a possible phone number")


@pytest.mark.parametrize(
    ("declared", "job_region", "value", "expected"),
    [
        ("AE", "GB", "020 7946 0958", "+442079460958"),
        ("AE", "GB", "+971 58 594 9014", "+971585949014"),
        ("AE", "", "0585949014", "+971585949014"),
        ("", "AE", "0585949014", "+971585949014"),
        ("", "gb", "020 7946 0958", "+442079460958"),
    ],
)
def test_phone_for_job_reads_national_numbers_in_the_imports_region(declared, job_region, value, expected):
    parse = parser_for_job(phone(region=declared), ParseOptions(phone_region=job_region))

    assert parse(value) == expected


def test_phone_region_is_case_insensitive():
    assert phone(region="ae")("0585949014") == "+971585949014"


def test_phone_refuses_an_unknown_region():
    with pytest.raises(ValueError, match="unknown phone region 'XX'"):
        phone(region="XX")
    with pytest.raises(ValueError, match="unknown phone region 'UAE'"):
        parser_for_job(phone(), ParseOptions(phone_region="UAE"))


# --- choice ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [("red", "red"), ("Red", "red"), ("GREEN", "green"), ("blue", "blue")],
)
def test_choice_from_a_tuple_ignores_case_and_stores_the_declared_spelling(value, expected):
    assert choice(choices=("red", "green", "blue"))(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("M", "male"), ("m", "male"), ("Man", "male"), ("F", "female"), ("female", "female"), ("FEMALE", "female")],
)
def test_choice_from_a_mapping_stores_the_canonical_value(value, expected):
    parse = choice(choices={"M": "male", "Man": "male", "F": "female", "Woman": "female"})

    assert parse(value) == expected


def test_choice_spelling_in_the_mapping_wins_over_a_canonical_value():
    parse = choice(choices={"a": "b", "b": "c"})

    assert parse("a") == "b"
    assert parse("b") == "c"
    assert parse("c") == "c"


def test_choice_case_sensitive():
    parse = choice(choices=("EUR", "USD"), case_sensitive=True)

    assert parse("EUR") == "EUR"
    assert_refused(parse, "eur", "must be one of 'EUR', 'USD', got")


@pytest.mark.parametrize("value", ["pink", "re d", "reds"])
def test_choice_refuses_other_values_and_lists_the_allowed_ones(value):
    assert_refused(choice(choices=("red", "green", "blue")), value, "must be one of 'red', 'green', 'blue', got")


def test_choice_lists_canonical_values_once():
    assert_refused(choice(choices={"M": "male", "Man": "male"}), "x", "must be one of 'male', got")


@pytest.mark.parametrize(
    "choices",
    [(), {}, ("a", "A"), {"x": "a", "X": "b"}, {"x": "A", "y": "a"}],
)
def test_choice_refuses_empty_or_ambiguous_declarations(choices):
    with pytest.raises(ValueError):
        choice(choices=choices)


def test_choice_case_sensitive_allows_values_differing_only_in_case():
    parse = choice(choices=("a", "A"), case_sensitive=True)

    assert (parse("a"), parse("A")) == ("a", "A")


# --- decimal -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1234.5", Decimal("1234.5")),
        ("-3", Decimal("-3")),
        ("+3", Decimal("3")),
        (".5", Decimal("0.5")),
        ("-.5", Decimal("-0.5")),
        ("5.", Decimal("5")),
        ("0001.10", Decimal("1.10")),
        ("123456789012345678901234567890.123456789", Decimal("123456789012345678901234567890.123456789")),
    ],
)
def test_decimal_reads_plain_numbers_exactly(value, expected):
    parsed = decimal()(value)

    assert parsed == expected
    assert str(parsed) == str(expected)


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("1,234.5", "without thousands separators"),
        ("1,234", "without thousands separators"),
        ("1.234,5", "without thousands separators"),
        ("1 234", "without thousands separators"),
        ("1'234.5", "without thousands separators"),
        ("1_000", "without thousands separators"),
        ("1.234.567", "without thousands separators"),
        ("1,5", "with a point for decimals"),
        ("1e3", "without an exponent"),
        ("1.23457E+11", "without an exponent"),
        ("NaN", "must be a number such as 1234.5"),
        ("Infinity", "must be a number such as 1234.5"),
        ("-inf", "must be a number such as 1234.5"),
        ("12abc", "must be a number such as 1234.5"),
        ("١٢٣", "must be a number such as 1234.5"),
        ("--1", "must be a number such as 1234.5"),
        (".", "must be a number such as 1234.5"),
        ("$12", "must be a number such as 1234.5"),
    ],
)
def test_decimal_refuses_ambiguous_or_non_numbers_saying_why(value, fragment):
    assert_refused(decimal(), value, fragment)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("999.99", Decimal("999.99")),
        ("-999.99", Decimal("-999.99")),
        ("0.5", Decimal("0.5")),
        ("1.50", Decimal("1.50")),
        ("1.500", Decimal("1.50")),  # zeros past the last place are dropped, not refused
        ("7.000000", Decimal("7.00")),
        ("00999.99", Decimal("999.99")),
    ],
)
def test_decimal_within_digits_and_places(value, expected):
    parsed = decimal(max_digits=5, decimal_places=2)(value)

    assert parsed == expected
    assert str(parsed) == str(expected)


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("1.234", "must have at most 2 decimal places"),
        ("0.001", "must have at most 2 decimal places"),
        ("1000", "must have at most 3 digits before the decimal point"),
        ("1000.5", "must have at most 3 digits before the decimal point"),
    ],
)
def test_decimal_refuses_too_many_digits_or_places(value, fragment):
    assert_refused(decimal(max_digits=5, decimal_places=2), value, fragment)


def test_decimal_max_digits_without_places_counts_all_digits():
    parse = decimal(max_digits=3)

    assert parse("1.25") == Decimal("1.25")
    assert_refused(parse, "12.25", "must have at most 3 digits")


def test_decimal_with_no_places_drops_a_zero_fraction():
    parse = decimal(decimal_places=0)

    assert str(parse("12.00")) == "12"
    assert_refused(parse, "12.5", "must have at most 0 decimal places")


@pytest.mark.parametrize(
    ("kwargs", "value", "fragment"),
    [
        ({"minimum": 0, "maximum": 100}, "-0.01", "must be between 0 and 100, got"),
        ({"minimum": 0, "maximum": 100}, "100.01", "must be between 0 and 100, got"),
        ({"minimum": "0.5"}, "0.49", "must be at least 0.5, got"),
        ({"maximum": 0.1}, "0.11", "must be at most 0.1, got"),
        ({"maximum": Decimal("1E+3")}, "1001", "must be at most 1E+3, got"),
    ],
)
def test_decimal_refuses_values_out_of_bounds(kwargs, value, fragment):
    assert_refused(decimal(**kwargs), value, fragment)


def test_decimal_bounds_are_inclusive_and_exact():
    parse = decimal(minimum=0, maximum=0.1)

    assert parse("0") == 0
    assert parse("0.1") == Decimal("0.1")
    assert parse("0.10000") == Decimal("0.1")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_digits": 0},
        {"decimal_places": -1},
        {"max_digits": 2, "decimal_places": 3},
        {"minimum": 2, "maximum": 1},
    ],
)
def test_decimal_refuses_inconsistent_declarations(kwargs):
    with pytest.raises(ValueError):
        decimal(**kwargs)


# --- boolean -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("true", True),
        ("TRUE", True),
        ("True", True),
        ("yes", True),
        ("Y", True),
        ("1", True),
        ("t", True),
        ("On", True),
        ("false", False),
        ("FALSE", False),
        ("no", False),
        ("n", False),
        ("0", False),
        ("F", False),
        ("off", False),
    ],
)
def test_boolean_reads_common_words_in_any_case(value, expected):
    assert boolean()(value) is expected


@pytest.mark.parametrize("value", ["maybe", "2", "yess", "1.0", "-1", "oui"])
def test_boolean_refuses_other_words_and_lists_the_accepted_ones(value):
    assert_refused(boolean(), value, "must be true or false (or yes/no, y/n, 1/0, t/f, on/off)")


# --- email -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ann@example.com", "ann@example.com"),
        ("Ann.Lee@Example.COM", "Ann.Lee@example.com"),
        ("ann+news@mail.example.co.uk", "ann+news@mail.example.co.uk"),
        ("ann@localhost", "ann@localhost"),
        ("ann@Bücher.DE", "ann@bücher.de"),
    ],
)
def test_email_lowercases_only_the_domain(value, expected):
    assert email()(value) == expected


@pytest.mark.parametrize(
    "value",
    ["ann", "ann@", "@example.com", "ann@example", "ann@@example.com", "ann lee@example.com", "ann@exa mple.com"],
)
def test_email_refuses_invalid_addresses_and_names_them(value):
    assert_refused(email(), value, "is not a valid e-mail address: ")


# --- parser_for_job ----------------------------------------------------------------------------


@pytest.mark.parametrize("factory", [boolean, email, lambda: choice(choices=("a",)), decimal, date])
def test_parsers_without_options_are_used_as_they_are(factory):
    parse = factory()

    assert parser_for_job(parse, ParseOptions(timezone="Europe/London", phone_region="GB")) is parse


# ---- phone: the fast path answers exactly as phonenumbers does --------------------------------


def _written_forms(region: str, rng) -> list[str]:
    import phonenumbers

    country = str(phonenumbers.country_code_for_region(region))
    forms = []
    for _ in range(400):
        example = phonenumbers.example_number_for_type(region, rng.choice(list(phonenumbers.PhoneNumberType.values())))
        national = str(example.national_number) if example else "5" * 9
        # Random digits of a plausible length, and real example numbers with a digit changed.
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(4, 13)))
        mutated = national[:-1] + rng.choice("0123456789")
        for number in (digits, national, mutated, "0" + national, national[1:]):
            forms += [number, "0" + number, country + number, "+" + country + number, "00" + country + number]
            forms += ["+" + number, f"+{country} {number[:2]} {number[2:]}", f'"0{number}"', "011" + country + number]
    return forms


@pytest.mark.parametrize("region", ["AE", "GB", "US", "DE", "IN", "FR", "IT", "BR", "CN", "AU"])
def test_the_phone_fast_path_never_disagrees_with_phonenumbers(region):
    import random

    import phonenumbers

    from datasets.columns import _PHONE_DIGITS, _PHONE_NOISE, _phone_fast_path

    fast = _phone_fast_path(region)
    if fast is None:
        assert region not in ("AE", "GB", "US", "DE", "IN")
        return
    rng = random.Random(region)
    answered = 0
    for written in _written_forms(region, rng):
        plain = written.translate(_PHONE_NOISE)
        if not _PHONE_DIGITS.fullmatch(plain):
            continue
        found = fast(plain)
        if found is None:
            continue
        answered += 1
        number = phonenumbers.parse(written.replace('"', ""), region)
        assert phonenumbers.is_possible_number(number), written
        assert phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) == found, written
    assert answered > 100


def test_the_day_first_fast_path_reads_exactly_what_strptime_reads():
    import datetime as dt
    import itertools
    import random

    from datasets.columns import _MERIDIEM, _day_first_fast, _format_reader

    slow = _format_reader(DAY_FIRST_FORMATS)
    rng = random.Random(7)
    pieces = {
        "day": ["1", "01", "09", "29", "30", "31", "32", "0", "00"],
        "month": ["1", "02", "12", "13", "0"],
        "year": ["2023", "2024", "1999", "202"],
        "clock": ["0:00", "00:00", "9:05", "23:59", "24:00", "12:60", "12:00:59", "1:5", "12:00PM", "12:00 am",
                  "11:59 PM", "0:30 PM", "13:00 PM", "3:05pm", "3:05 p.m.", "07:15:30 AM"],
    }  # fmt: skip
    answered = 0
    for day, month, year, clock in itertools.product(*pieces.values()):
        for sep in rng.sample("-/.", 2):
            value = f"{day}{sep}{month}{sep}{year} {clock}"
            fast = _day_first_fast(value)
            if fast is None:
                continue
            answered += 1
            cleaned = _MERIDIEM.sub(r" \1M", value) if value[-1] in "mM." else value
            assert slow(cleaned) == fast, value
            assert isinstance(fast, dt.datetime)
    assert answered > 500
