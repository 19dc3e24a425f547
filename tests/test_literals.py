"""checks.inspect.literals: every place of every literal, overlapping ones included, with Hyperscan or without."""

from __future__ import annotations

import random

import pytest

from checks.inspect import literals
from checks.inspect.literals import Literals

ENGINES = [pytest.param(True, id="hyperscan"), pytest.param(False, id="bytes-find")]


def test_this_machine_has_the_one_pass_engine_the_requirements_pin():
    assert literals.FAST  # requirements.txt pins hyperscan for x86-64, the machine slimlab assumes


@pytest.mark.parametrize("fast", ENGINES)
def test_every_place_of_every_literal_is_found_overlapping_ones_included(fast):
    found = Literals([b"AKIA", b"ASIA", b"xox", b"-----BEGIN "], fast=fast)
    data = b"AKIASIA xoxox -----BEGIN -----BEGIN AKIA"
    assert found.places(data) == [(0, 0), (3, 1), (8, 2), (10, 2), (14, 3), (25, 3), (36, 0)]
    assert found.places(b"") == []
    assert found.places(b"AKI") == []


@pytest.mark.parametrize("fast", ENGINES)
def test_two_literals_that_start_at_one_place_are_both_found_by_place_then_by_order(fast):
    assert Literals([b"abc", b"ab"], fast=fast).places(b"zabc") == [(1, 0), (1, 1)]


def test_both_engines_find_the_same_places_in_random_bytes():
    pick = random.Random(39)
    words = [bytes(pick.choice(b"abAB_-") for _ in range(pick.randrange(1, 5))) for _ in range(12)]
    words = list(dict.fromkeys(words))
    fast, slow = Literals(words, fast=True), Literals(words, fast=False)
    for _ in range(300):
        data = bytes(pick.choice(b"abAB_- \n") for _ in range(pick.randrange(200)))
        assert fast.places(data) == slow.places(data)


def test_an_empty_set_or_an_empty_literal_is_refused():
    with pytest.raises(ValueError, match="non-empty"):
        Literals([])
    with pytest.raises(ValueError, match="non-empty"):
        Literals([b"a", b""])


@pytest.mark.parametrize("fast", ENGINES)
def test_pieces_laid_end_to_end_give_each_piece_s_own_places_and_none_across_two(fast):
    found = Literals([b"AKIA", b"xox"], fast=fast)
    pieces = [
        b"xxAK",
        b"IAxo",
        b"x",
        b"",
        b"AKIAxox",
        b"AKIA",
    ]  # AKIA and xox cross from the first pieces into the next
    ends = [sum(len(piece) for piece in pieces[: i + 1]) for i in range(len(pieces))]
    expected = {i: found.places(piece) for i, piece in enumerate(pieces) if found.places(piece)}
    assert found.places_each(bytearray(b"".join(pieces)), ends) == expected == {4: [(0, 0), (4, 1)], 5: [(0, 0)]}
    assert found.places_each(b"", []) == {}


def test_both_engines_find_the_same_places_in_random_pieces():
    pick = random.Random(39)
    words = list(dict.fromkeys(bytes(pick.choice(b"abAB") for _ in range(pick.randrange(1, 4))) for _ in range(8)))
    fast, slow = Literals(words, fast=True), Literals(words, fast=False)
    for _ in range(200):
        pieces = [bytes(pick.choice(b"abAB ") for _ in range(pick.randrange(12))) for _ in range(pick.randrange(1, 8))]
        ends = [sum(len(piece) for piece in pieces[: i + 1]) for i in range(len(pieces))]
        expected = {i: slow.places(piece) for i, piece in enumerate(pieces) if slow.places(piece)}
        assert fast.places_each(b"".join(pieces), ends) == slow.places_each(b"".join(pieces), ends) == expected
