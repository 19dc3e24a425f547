"""checks.guide.chrome: furo's own words put in the edition's language, and the English edition left alone."""

from __future__ import annotations

from checks.guide import chrome
from checks.model import i18n

FURO = (
    '<input type="checkbox" class="sidebar-toggle" name="__toc" id="__toc" '
    'aria-label="Toggle table of contents sidebar">\n'
    '<a class="skip-to-content muted-link" href="#furo-main-content">Skip to content</a>\n'
    '<span>Back to top</span><div class="context">\n  <span>Next</span>\n</div>\n'
    '<div class="copyright">\n  Copyright &#169; the slimlab authors\n</div>\n'
    'Made with <a href="https://www.sphinx-doc.org/">Sphinx</a> and '
    '<a class="muted-link" href="https://pradyunsg.me">@pradyunsg</a>\'s\n'
    '            <a href="https://github.com/pradyunsg/furo">Furo</a>'
)
CHINESE = {
    (None, "Toggle table of contents sidebar"): "打开或关闭本页目录侧栏",
    (None, "Skip to content"): "跳到正文",
    (None, "Back to top"): "回到顶部",
    (None, "Next"): "下一页",
    (None, "Copyright"): "版权所有",
    (None, "Made with {sphinx} and {author}'s {furo}"): "本站用 {sphinx} 和 {author} 的 {furo} 主题制作",
}


def test_furos_words_are_put_in_the_catalogs_language_where_furo_wrote_them():
    with i18n.speaking(i18n.Catalog("zh_CN", CHINESE)):
        shown = chrome.translator("zh_CN")(FURO)
    assert 'aria-label="打开或关闭本页目录侧栏"' in shown
    assert 'href="#furo-main-content">跳到正文</a>' in shown
    assert "<span>回到顶部</span>" in shown
    assert "<span>下一页</span>" in shown
    assert "版权所有 &#169; the slimlab authors" in shown
    assert (
        '本站用 <a href="https://www.sphinx-doc.org/">Sphinx</a> 和 '
        '<a class="muted-link" href="https://pradyunsg.me">@pradyunsg</a> 的 '
        '<a href="https://github.com/pradyunsg/furo">Furo</a> 主题制作'
    ) in shown
    assert chrome.untranslated(shown) == []


def test_the_english_edition_is_left_byte_for_byte_as_furo_wrote_it():
    assert chrome.translator(i18n.SOURCE)(FURO) == FURO


def test_what_is_left_in_english_is_named():
    assert chrome.untranslated(FURO) == [
        "Toggle table of contents sidebar",
        "Skip to content",
        "Back to top",
        "Next",
        "Copyright",
        "Made with",
    ]
