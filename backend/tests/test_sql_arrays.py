"""Lists sent as one array literal come back from PostgreSQL exactly as they were."""

from __future__ import annotations

import pytest
from django.db import connection

from config.sql_arrays import IntegerArray, TextArray

pytestmark = pytest.mark.django_db

TEXTS = [
    "C-1",
    "",
    "NULL",
    'say "hi"',
    "back\\slash",
    "a,b",
    "{braces}",
    " spaced ",
    "Ünïcödé ✓",
    "it's",
    '\\"',
    "tab\there",
]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's array literals")
def test_texts_come_back_as_they_were_sent():
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s, array_length(%s, 1)", [TextArray(TEXTS), TextArray(TEXTS)])
        assert cursor.fetchone() == (TEXTS, len(TEXTS))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's array literals")
def test_integers_come_back_as_they_were_sent_and_an_empty_list_is_an_empty_array():
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s, %s", [IntegerArray([2, 3, 10_000, 2**31 - 1]), IntegerArray([])])
        assert cursor.fetchone() == ([2, 3, 10_000, 2**31 - 1], [])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's array literals")
def test_a_text_array_is_one_literal_not_a_list_of_constants():
    with connection.cursor() as cursor:
        sql = cursor.mogrify("SELECT %s", [TextArray(["a", "b"])]).decode()
    assert sql == """SELECT '{"a","b"}'::text[]"""
