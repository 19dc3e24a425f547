"""The explorer on a lab's page (``.. image-explorer::``): both variants from the recorded tree, folded, within
the page-weight budget :data:`checks.guide.explorer.BUDGET` states."""

from __future__ import annotations

import re
from pathlib import Path

from checks.guide.explorer import BUDGET

#: One explorer block as the page holds it: from its style to its script.
BLOCK = re.compile(r'<div class="slimlab-explorer[^"]*">.*?</script>', re.DOTALL)


def explorers(built_guide: Path) -> dict[str, list[str]]:
    found = {}
    for page in sorted(built_guide.rglob("*.html")):
        blocks = BLOCK.findall(page.read_text(encoding="utf-8"))
        if blocks:
            found[str(page.relative_to(built_guide))] = blocks
    return found


def test_lab_4_s_page_explores_its_before_and_after_with_layers_and_tree_in_both_editions(built_guide):
    pages = explorers(built_guide)
    for name in ("multi-stage.html", "zh_CN/multi-stage.html"):
        (block,) = pages[name]
        assert block.count('<div class="sx">') == 2
        assert block.count('-layers">') == 2
        assert "usr/</span>" in block  # the before image's /usr, the tool chain under it
        assert "greeter</span>" in block  # the after image's one program
        assert 'href="multi-stage.html#build-toolchain"' in block


def test_every_explorer_keeps_to_the_page_weight_budget(built_guide):
    pages = explorers(built_guide)
    assert pages
    for name, blocks in pages.items():
        weight = sum(len(block.encode()) for block in blocks)
        print(f"{name}: the explorer adds {weight:,} bytes (budget {BUDGET:,})")
        assert weight <= BUDGET, name
