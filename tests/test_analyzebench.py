"""tools/analyzebench.py's pure part: the generated image is the same every time and reads as what it holds; the
figures are medians, and ratios are taken round by round."""

from __future__ import annotations

import pytest
from analyzebench import Run, medians, paired_ratios, report, small_file, write_generated

from checks.inspect.analyze import analysis_of
from checks.inspect.layout import read_path


def test_the_generated_image_is_byte_for_byte_the_same_each_time(tmp_path):
    one, two = write_generated(tmp_path / "one.tar", 300), write_generated(tmp_path / "two.tar", 300)
    assert one.read_bytes() == two.read_bytes()


def test_the_generated_image_holds_its_small_files_in_one_layer_as_the_checker_reads_it(tmp_path):
    result = analysis_of(read_path(str(write_generated(tmp_path / "image.tar", 2500))))
    sizes = [len(small_file(number)[1]) for number in range(2500)]
    assert len(result.layers) == 1
    assert result.size_bytes == sum(sizes)
    assert (min(sizes), max(sizes)) == (1, 600)
    assert small_file(1234)[0] == "data/d0001/f001234.txt"


def test_ratios_are_the_median_of_each_round_s_ratio_not_the_ratio_of_medians():
    ours = [Run(1.0, 100, 0), Run(4.0, 100, 0), Run(2.0, 300, 0)]
    dive = [Run(1.0, 200, 1), Run(2.0, 100, 1), Run(8.0, 100, 1)]
    assert medians(ours) == (2.0, 100)
    assert medians(dive) == (2.0, 100)
    assert paired_ratios(ours, dive) == (1.0, 1.0)  # rounds: 1.0, 2.0, 0.25 in time; 0.5, 1.0, 3.0 in peak


def test_the_report_prints_each_command_s_medians_and_its_ratio_to_dive():
    runs = {"checks analyze (text)": [Run(1.0, 2**20, 0)], "dive --ci": [Run(4.0, 2**21, 1)]}
    lines = report("an image", list(runs), runs)
    assert lines[0] == "an image, 1 rounds, medians:"
    assert "1.00 s" in lines[1]
    assert "1.0 MiB peak" in lines[1]
    assert "/ dive: time 0.25x, peak 0.50x" in lines[1]
    assert "(exit 1)" in lines[2]


def test_a_round_that_is_one_short_is_refused_rather_than_paired_wrongly():
    with pytest.raises(ValueError, match="shorter"):
        paired_ratios([Run(1.0, 1, 0)], [])
