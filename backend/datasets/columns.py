"""Column types for dataset declarations.

A parser receives the trimmed, non-empty cell text and returns the stored value, or raises
``CellError`` with a message a person can act on. Parsers are plain functions so a job can
compile a dataset into one flat per-row function.

Factories such as ``integer()`` or ``phone()`` check their own arguments when the dataset is
declared and raise ``ValueError`` for a mistake there (an unknown time zone or phone region),
so a bad declaration fails at start-up rather than as an error on every row. ``for_job()``
does the same with the options of an import.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator


class CellError(ValueError):
    """A cell's value is not acceptable; the message names what is wrong."""


Parser = Callable[[str], Any]


@dataclass(frozen=True)
class ParseOptions:
    """What one import sets that changes how cells read, resolved once per job.

    A parser that depends on it carries a ``for_job(options)`` method returning the parser to
    use for that job; plain parsers are used as they are.
    """

    # IANA name of the zone for date-times written without one.
    timezone: str = "UTC"
    # Default region (ISO 3166 alpha-2) for phone numbers written without a country code.
    phone_region: str = ""


def parser_for_job(parse: Parser, options: ParseOptions) -> Parser:
    bind = getattr(parse, "for_job", None)
    return bind(options) if bind is not None else parse


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    parse: Parser
    label: str = ""
    required: bool = False
    max_length: int | None = None
    aliases: tuple[str, ...] = ()
    description: str = ""
    example: str = ""
    # The model field that receives the value; defaults to the column name.
    field: str = ""

    @property
    def model_field(self) -> str:
        return self.field or self.name

    @property
    def display_label(self) -> str:
        return self.label or self.name.replace("_", " ").capitalize()


def text(value: str) -> str:
    return value


_INTEGRAL = re.compile(r"[+-]?[0-9]+(?:\.0*)?")


def integer(*, minimum: int | None = None, maximum: Callable[[], int] | int | None = None) -> Parser:
    """An integer, also written as an integral decimal such as ``1997.0`` (spreadsheets do that).

    The returned parser has a ``for_job()`` method giving the same parser with a callable bound
    resolved once, so an import does not ask the clock for "next year" on every row.
    """

    def bound(upper: int | None) -> Parser:
        def parse_bound(value: str) -> int:
            if value.isascii() and value.isdigit():
                number = int(value)
            elif _INTEGRAL.fullmatch(value):
                number = int(value.split(".", 1)[0])
            else:
                raise CellError(f"must be a whole number, got {value!r}")
            if (minimum is not None and number < minimum) or (upper is not None and number > upper):
                raise CellError(f"must be between {minimum} and {upper}, got {number}")
            return number

        # What the columnar fast path checks in bulk (imports/pipeline/columnar.py).
        parse_bound.columnar = ("integer", minimum, upper)  # type: ignore[attr-defined]
        return parse_bound

    def parse(value: str) -> int:
        return bound(maximum() if callable(maximum) else maximum)(value)

    parse.for_job = lambda options: bound(maximum() if callable(maximum) else maximum)  # type: ignore[attr-defined]
    return parse


def _format_reader(formats: tuple[str, ...]) -> Callable[[str], dt.datetime | None]:
    """A reader trying ``formats`` in turn with strptime; ``None`` when none fits.

    A file is nearly always written in one format, so the format that fitted last is tried
    first: a row then costs one strptime instead of one per format before it.
    """
    strptime = dt.datetime.strptime
    order = [formats]

    def read(value: str) -> dt.datetime | None:
        current = order[0]
        for fmt in current:
            try:
                parsed = strptime(value, fmt)
            except ValueError:
                continue
            if fmt != current[0]:
                # A new tuple rather than a reorder in place, so a reader never sees a half-moved list.
                order[0] = (fmt, *(f for f in formats if f != fmt))
            return parsed
        return None

    return read


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}") from None


# Day, month, 4-digit year; 24-hour or 12-hour clock; "-", "/" or "." between the date parts.
DAY_FIRST_FORMATS: tuple[str, ...] = tuple(
    f"%d{sep}%m{sep}%Y {clock}" for sep in "-/." for clock in ("%H:%M", "%H:%M:%S", "%I:%M %p", "%I:%M:%S %p")
)

# A complete date with at least hours and minutes; fromisoformat alone would also take a bare
# date (midnight), week dates and the compact 20231113T0934 form.
_ISO_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)?"
    r" ?(?:[Zz]|[+-][0-9]{2}(?::?[0-9]{2})?)?"
)
# strptime's %p needs a space before AM/PM; spreadsheets often write 12:00PM or 12:00 p.m.
_MERIDIEM = re.compile(r"(?<=[0-9])\s*([AaPp])\.?[Mm]\.?\Z")
_EXAMPLE_TIME = dt.datetime(2023, 11, 13, 14, 0)


# The day-first forms of DAY_FIRST_FORMATS, read without strptime (about 6 µs a cell, the most
# expensive part of a feed's row). Stricter than strptime: anything it does not take, or a date
# that does not exist, goes to the strptime formats, which give the row error.
_DAY_FIRST = re.compile(
    r"(0?[1-9]|[12][0-9]|3[01])([-/.])(0?[1-9]|1[0-2])\2([0-9]{4}) "
    r"([01]?[0-9]|2[0-3]):([0-5][0-9])(?::([0-5][0-9]))?(?: ?([AaPp])\.?[Mm]\.?)?"
)


def _day_first_fast(value: str) -> dt.datetime | None:
    match = _DAY_FIRST.fullmatch(value)
    if match is None:
        return None
    day, _, month, year, hour, minute, second, meridiem = match.groups()
    hours = int(hour)
    if meridiem is not None:
        if not 1 <= hours <= 12:
            return None
        hours = hours % 12 + (12 if meridiem in "Pp" else 0)
    try:
        return dt.datetime(int(year), int(month), int(day), hours, int(minute), int(second or 0))
    except ValueError:
        return None


def datetime_(*, formats: tuple[str, ...] = DAY_FIRST_FORMATS, timezone: str = "UTC") -> Parser:
    """A moment, stored as an aware datetime in UTC.

    Read as ISO 8601 (``2023-11-13T09:34:56Z``, ``2023-11-13 09:34:56+04:00``) or with one of
    the strptime ``formats``. A time without a zone or offset is in ``timezone`` (an IANA
    name); ``for_job(options)`` uses ``options.timezone`` instead when it is set. A local time
    that happens twice as the clocks go back is the first one (fold=0); one that does not exist
    as they go forward is read with the offset before the change, so 02:30 on the night Berlin
    moves to summer time is stored as 01:30 UTC, which is 03:30 there.
    """
    utc = dt.UTC
    fromisoformat = dt.datetime.fromisoformat
    example = f" or {_EXAMPLE_TIME.strftime(formats[0])}" if formats else ""
    message = f"must be a date and time such as 2023-11-13T09:34:56Z{example}, got "

    day_first_fast = _day_first_fast if formats == DAY_FIRST_FORMATS else None

    def in_zone(zone: ZoneInfo) -> Parser:
        read = _format_reader(formats)

        def parse(value: str) -> dt.datetime:
            parsed = None
            if _ISO_DATETIME.fullmatch(value):
                try:
                    parsed = fromisoformat(value.upper())
                except ValueError:
                    pass
            elif day_first_fast is not None:
                parsed = day_first_fast(value)
            if parsed is None:
                parsed = read(_MERIDIEM.sub(r" \1M", value) if value[-1] in "mM." else value)
                if parsed is None:
                    raise CellError(f"{message}{value!r}")
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=zone)
            return parsed.astimezone(utc)

        return parse

    parse = in_zone(_zone(timezone))
    parse.for_job = lambda options: in_zone(_zone(options.timezone or timezone))  # type: ignore[attr-defined]
    return parse


DATE_FORMATS: tuple[str, ...] = ("%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y")
_EXAMPLE_DATE = dt.date(2023, 11, 13)


def date(*, formats: tuple[str, ...] = DATE_FORMATS) -> Parser:
    """A calendar date: ISO ``2023-11-13`` or one of the strptime ``formats`` (day first)."""
    fromisoformat = dt.date.fromisoformat
    read = _format_reader(formats)
    example = f" or {_EXAMPLE_DATE.strftime(formats[0])}" if formats else ""
    message = f"must be a date such as 2023-11-13{example}, got "

    def parse(value: str) -> dt.date:
        # Only the extended form; fromisoformat would also take 20231113 and week dates.
        if len(value) == 10 and value[4] == "-" and value[7] == "-":
            try:
                return fromisoformat(value)
            except ValueError:
                pass
        parsed = read(value)
        if parsed is None:
            raise CellError(f"{message}{value!r}")
        return parsed.date()

    return parse


def _phone_region(code: str) -> str | None:
    if not code:
        return None
    region = code.upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError(f"unknown phone region {code!r}")
    return region


# Separators people write inside numbers; the quotes are spreadsheets keeping a leading zero.
_PHONE_NOISE = str.maketrans("", "", " -().\"'\t")
_PHONE_DIGITS = re.compile(r"\+?[0-9]{4,17}")


def _phone_fast_path(region: str) -> Callable[[str], str | None] | None:
    """E.164 for the plainest ways of writing a number of ``region``, or None for anything else.

    phonenumbers' parse costs about 20 µs a cell, which alone would cap a feed of mobiles near
    50 000 rows a second. The forms answered here (``+CC NSN``, ``00CC NSN``, ``CC NSN``,
    ``0 NSN``, ``NSN``) are only answered when the library's own rules leave no doubt: the
    national number matches the region's general pattern and has a possible length, and the
    written form is not one of the prefixes the library would read differently. Everything
    else goes to the library; a test compares both on many numbers of several regions.
    """
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if metadata is None or metadata.general_desc is None or not metadata.general_desc.national_number_pattern:
        return None
    country = str(metadata.country_code)
    pattern = re.compile(metadata.general_desc.national_number_pattern)
    lengths = frozenset(metadata.general_desc.possible_length or ())
    national_prefix = metadata.national_prefix or ""
    for_parsing = re.compile(metadata.national_prefix_for_parsing) if metadata.national_prefix_for_parsing else None
    # Only a plain-digit international prefix (00, 011) can be recognised by a startswith.
    international = metadata.international_prefix if (metadata.international_prefix or "").isdigit() else None
    if metadata.national_prefix_transform_rule or metadata.leading_digits:
        return None  # regions whose prefixes rewrite the number: the library alone

    def national_ok(number: str) -> bool:
        return (
            len(number) in lengths
            and pattern.fullmatch(number) is not None
            and (for_parsing is None or for_parsing.match(number) is None)
        )

    def fast(written: str) -> str | None:
        if written[0] == "+":
            rest = written[1:]
            if rest.startswith(country) and national_ok(rest[len(country) :]):
                return "+" + rest
            return None
        if international and written.startswith(international):
            rest = written[len(international) :]
            if rest.startswith(country) and national_ok(rest[len(country) :]):
                return "+" + rest
            return None
        if written.startswith(country):
            if pattern.fullmatch(written) is None and national_ok(written[len(country) :]):
                return "+" + written
            return None
        if national_prefix and written.startswith(national_prefix):
            if pattern.fullmatch(written) is None and national_ok(written[len(national_prefix) :]):
                return "+" + country + written[len(national_prefix) :]
            return None
        if national_ok(written):
            return "+" + country + written
        return None

    return fast


def phone(*, region: str = "") -> Parser:
    """A phone number, stored in E.164 form such as ``+971585949014``.

    A number without a country code is read in ``region`` (ISO 3166 alpha-2);
    ``for_job(options)`` uses ``options.phone_region`` instead when it is set. Without a region,
    only numbers written with ``+`` and the country code are accepted. The number must be
    possible (the right length for its country), not necessarily assigned.
    """
    parse_number = phonenumbers.parse
    is_possible = phonenumbers.is_possible_number
    format_number = phonenumbers.format_number
    e164 = phonenumbers.PhoneNumberFormat.E164

    def in_region(code: str) -> Parser:
        default = _phone_region(code)
        fast = _phone_fast_path(default) if default else None
        plain = _PHONE_DIGITS.fullmatch

        def parse(value: str) -> str:
            if fast is not None:
                written = value.translate(_PHONE_NOISE)
                if plain(written):
                    found = fast(written)
                    if found is not None:
                        return found
            # Spreadsheets quote numbers to keep their leading zero; the quotes reach us as text.
            cleaned = value.replace('"', "").strip()
            try:
                number = parse_number(cleaned, default)
            except phonenumbers.NumberParseException:
                number = None
            if number is None or not is_possible(number):
                if default is None and not cleaned.startswith("+"):
                    raise CellError(f"must start with + and the country code, got {value!r}")
                raise CellError(f"is not a possible phone number: {value!r}")
            if number.extension:
                # E.164 has no room for an extension; dropping it silently would lose data.
                raise CellError(f"must not have an extension, got {value!r}")
            return format_number(number, e164)

        return parse

    parse = in_region(region)
    parse.for_job = lambda options: in_region(options.phone_region or region)  # type: ignore[attr-defined]
    return parse


def choice(*, choices: tuple[str, ...] | Mapping[str, str], case_sensitive: bool = False) -> Parser:
    """One of ``choices``, stored in its canonical spelling.

    With a mapping, each key is an accepted spelling of its value, and the canonical values are
    accepted as they are too, so a file exported from the stored data reads back.
    """
    pairs = list(choices.items()) if isinstance(choices, Mapping) else [(c, c) for c in choices]
    canonical = list(dict.fromkeys(value for _, value in pairs))
    if not canonical:
        raise ValueError("choice() needs at least one choice")

    def key(value: str) -> str:
        return value if case_sensitive else value.casefold()

    lookup: dict[str, str] = {}
    for spelling, value in pairs:
        if lookup.setdefault(key(spelling), value) != value:
            raise ValueError(f"choice() spelling {spelling!r} means both {lookup[key(spelling)]!r} and {value!r}")
    explicit = set(lookup)
    for value in canonical:
        # An explicit spelling in the mapping wins over a canonical value read the same way.
        if key(value) not in explicit and lookup.setdefault(key(value), value) != value:
            raise ValueError(f"choice() values {lookup[key(value)]!r} and {value!r} read the same")
    message = f"must be one of {', '.join(repr(c) for c in canonical)}, got "

    def parse(value: str) -> str:
        try:
            return lookup[value if case_sensitive else value.casefold()]
        except KeyError:
            raise CellError(f"{message}{value!r}") from None

    return parse


_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)")
_DECIMAL_EXPONENT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)[eE][+-]?[0-9]+")
# Between digits: 1,234.5 / 1.234,5 / 1 234,5 / 1'234.5 / 1_234 (which Decimal() itself would take).
_DIGIT_GROUPING = re.compile(r"(?<=[0-9])[,.' _\u00a0\u202f](?=[0-9])")


def decimal(
    *,
    max_digits: int | None = None,
    decimal_places: int | None = None,
    minimum: Decimal | int | float | str | None = None,
    maximum: Decimal | int | float | str | None = None,
) -> Parser:
    """A decimal number such as ``1234.5``, ``-3`` or ``.5``, stored as ``Decimal``.

    ``max_digits`` and ``decimal_places`` mean what they mean on Django's DecimalField, except
    that zeros after the last allowed decimal place are dropped rather than refused: with one
    place, ``1.50`` is stored as ``1.5``. Refused, each with its own message: thousands
    separators and decimal commas (``1,234`` could be either), exponents (a spreadsheet writes
    ``1.23457E+11`` when it has already rounded the number), NaN and infinities.
    """
    if max_digits is not None and max_digits < 1:
        raise ValueError("decimal() max_digits must be at least 1")
    if decimal_places is not None and (decimal_places < 0 or (max_digits is not None and decimal_places > max_digits)):
        raise ValueError("decimal() decimal_places must be from 0 to max_digits")
    # Through str() so that a float bound such as 0.1 means 0.1, not its binary neighbour.
    low = None if minimum is None else Decimal(str(minimum))
    high = None if maximum is None else Decimal(str(maximum))
    if low is not None and high is not None and low > high:
        raise ValueError("decimal() minimum is above maximum")
    if low is not None and high is not None:
        range_message = f"must be between {low} and {high}, got "
    elif low is not None:
        range_message = f"must be at least {low}, got "
    else:
        range_message = f"must be at most {high}, got "
    max_whole = None if max_digits is None or decimal_places is None else max_digits - decimal_places

    def parse(value: str) -> Decimal:
        if not _DECIMAL.fullmatch(value):
            if _DECIMAL.fullmatch(_DIGIT_GROUPING.sub("", value)):
                raise CellError(
                    f"must be written without thousands separators and with a point for decimals, got {value!r}"
                )
            if _DECIMAL_EXPONENT.fullmatch(value):
                raise CellError(f"must be written out without an exponent, got {value!r}")
            raise CellError(f"must be a number such as 1234.5, got {value!r}")
        whole, _, fraction = value.lstrip("+-").partition(".")
        text_value = value
        if decimal_places is not None and len(fraction) > decimal_places:
            if fraction[decimal_places:].strip("0"):
                raise CellError(f"must have at most {decimal_places} decimal places, got {value!r}")
            fraction = fraction[:decimal_places]
            text_value = value[: value.index(".") + 1 + decimal_places]
        whole_digits = len(whole.lstrip("0"))
        if max_whole is not None and whole_digits > max_whole:
            raise CellError(f"must have at most {max_whole} digits before the decimal point, got {value!r}")
        if max_digits is not None and whole_digits + len(fraction) > max_digits:
            raise CellError(f"must have at most {max_digits} digits, got {value!r}")
        number = Decimal(text_value)
        if (low is not None and number < low) or (high is not None and number > high):
            raise CellError(f"{range_message}{value!r}")
        return number

    return parse


_BOOLEAN_WORDS = {
    **dict.fromkeys(("true", "yes", "y", "1", "t", "on"), True),
    **dict.fromkeys(("false", "no", "n", "0", "f", "off"), False),
}


def boolean() -> Parser:
    """Yes or no, written as true/false, yes/no, y/n, 1/0, t/f or on/off in any case."""
    words = _BOOLEAN_WORDS

    def parse(value: str) -> bool:
        try:
            return words[value.lower()]
        except KeyError:
            raise CellError(f"must be true or false (or yes/no, y/n, 1/0, t/f, on/off), got {value!r}") from None

    return parse


def email() -> Parser:
    """An e-mail address as Django's EmailValidator accepts it, stored with its domain in lower case.

    The part before the @ is kept as written: whether it is case-sensitive is up to its server.
    """
    validate = EmailValidator()

    def parse(value: str) -> str:
        local, at, domain = value.rpartition("@")
        address = f"{local}{at}{domain.lower()}"
        try:
            validate(address)
        except ValidationError:
            raise CellError(f"is not a valid e-mail address: {value!r}") from None
        return address

    return parse
