"""One validator loads each map once and validates any number of sets with it."""

from __future__ import annotations

from pathlib import Path

from x12_validation_support import DATA, GOOD_SAMPLES, read_sets

from adapters.x12.validation import TransactionSetValidator


def test_a_validator_parses_each_map_once_however_many_sets_it_validates(x12_map_dir: Path):
    validator = TransactionSetValidator(x12_map_dir)
    sets = [found for sample in GOOD_SAMPLES for found in read_sets(DATA / sample)]
    assert validator.maps_loaded == 0

    results = [
        validator.validate(found.segments, found.delimiters, found.envelope)
        for _ in range(50)
        for found in sets
    ]

    assert all(result.accepted for result in results)
    assert len(results) == 50 * len(sets)
    assert validator.maps_loaded == 4


def test_a_validator_loads_only_the_maps_its_sets_need(x12_map_dir: Path):
    validator = TransactionSetValidator(x12_map_dir)
    [first, *_] = read_sets(DATA / "maps-856-4010-good.x12")

    validator.validate(first.segments, first.delimiters, first.envelope)

    assert validator.maps_loaded == 1
    assert validator.map_dir == x12_map_dir
