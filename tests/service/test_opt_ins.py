"""The opt-ins and the plan options that record them stay one mapping, for every OptIn."""

from __future__ import annotations

from itertools import combinations

from reconciler.service.requests import OptIn, opt_in_options, opt_ins_of


def test_every_set_of_opt_ins_is_recorded_and_read_back() -> None:
    for size in range(len(OptIn) + 1):
        for chosen in combinations(OptIn, size):
            options = opt_in_options(frozenset(chosen))
            assert opt_ins_of(options) == frozenset(chosen)
            for opt_in in OptIn:
                assert getattr(options, opt_in.option) is (opt_in in chosen)
