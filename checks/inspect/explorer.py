"""``analyze --html``: one self-contained HTML file that explores an image, and the same explorer for a page.

Rendered from analyze's JSON form (:func:`checks.inspect.analyze.to_dict`, scrubbed before it gets here) and
the folded file tree (:mod:`checks.inspect.filetree`): the layers with their instruction and bytes; the final
image's files by folder, largest first, each file marked with the layer that added, changed or deleted it
(dive's view); dive's wasted bytes; the removable classes with the guide section that removes each; the
packages, when the analysis names them; the secrets, redacted.  No network, no external script, style or
font: the style and a small script are inline, and without the script every folder still opens (``<details>``).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from checks.inspect.analyze import SECRETS_SECTION, Analysis, instruction, to_dict
from checks.inspect.filetree import HTML, Fold, tree
from checks.inspect.redaction import scrubbed
from checks.model.filetree import ADDED, CHANGED, DELETED, Node
from checks.model.i18n import _
from checks.model.links import DEFAULT_DOCS_URL
from checks.model.scrub import scrub_tree
from checks.model.units import megabytes

#: How many of dive's wasted paths, and of the packages, the page lists.
WASTED_ROWS, PACKAGE_ROWS = 20, 40
#: An instruction longer than this is cut, its whole text one click away.
SHORT_INSTRUCTION = 160

STYLE = """
.sx{font:14px/1.45 system-ui,sans-serif;color:#1b1f24;max-width:60em;margin:0 auto;padding:0 .6em}
.sx *{box-sizing:border-box}.sx h1{font-size:1.3em;overflow-wrap:anywhere}.sx h2{font-size:1.1em;margin:1.4em 0 .4em}
.sx code{font:12px/1.4 ui-monospace,monospace;white-space:pre-wrap;overflow-wrap:anywhere}
.sx a{color:#0a58ca}.sx .fig{display:flex;flex-wrap:wrap;gap:.3em 1.2em;margin:0;padding:0;list-style:none}
.sx .fig b{font-size:1.15em}.sx ol.ly{padding:0;list-style:none;margin:0}
.sx .ly li{border-top:1px solid #d0d7de;padding:.35em 0;display:flex;flex-wrap:wrap;gap:0 .6em}
.sx .ly .i{min-width:2.2em;font-weight:600}.sx .ly .s{min-width:5.5em;text-align:right}
.sx .ly .w{flex:1 1 100%;min-width:0}.sx .ly small{color:#57606a;overflow-wrap:anywhere}
.sx .ly button{font:inherit;padding:0 .4em;cursor:pointer}
.sx .ly summary{display:list-item;list-style:inside disclosure-closed}
.sx .ly summary::before{content:none}.sx .ly summary code{display:inline}.sx .ly details+br{display:none}
.sx .tr{border:1px solid #d0d7de;border-radius:4px;padding:.2em .4em}
.sx details>div{padding-left:.7em;border-left:1px dotted #afb8c1;margin-left:.3em}
.sx summary,.sx .r{display:flex;flex-wrap:wrap;gap:0 .5em;padding:.1em 0;cursor:default}
.sx summary{cursor:pointer;list-style:none}.sx summary::-webkit-details-marker{display:none}
.sx summary::before{content:"\\25B8";width:.8em;flex:none}.sx details[open]>summary::before{content:"\\25BE"}
.sx .r::before{content:"";width:.8em;flex:none}
.sx .n{flex:1 1 8em;min-width:0;overflow-wrap:anywhere}.sx .s{flex:none;text-align:right;min-width:5em}
.sx .t{flex:1 1 100%;padding-left:1.3em;font-size:.85em;color:#57606a;display:flex;flex-wrap:wrap;gap:0 .6em}
.sx .t:empty{display:none}.sx .added .t b{color:#1a7f37}.sx .changed .t b{color:#9a6700}
@media (min-width:40em){.sx .tr .t{flex:0 1 auto;order:1;padding:0}.sx .tr .s{order:2}}
.sx .deleted>.n{text-decoration:line-through;color:#cf222e}.sx .deleted .t b{color:#cf222e}
.sx .rm{background:#fff8c5}.sx .rest{color:#57606a;font-style:italic}
.sx .dim{opacity:.3}.sx .on{background:#ddf4ff}
.sx table{border-collapse:collapse;width:100%}.sx td,.sx th{border-top:1px solid #d0d7de;padding:.2em .3em;
text-align:left;vertical-align:top;overflow-wrap:anywhere}.sx td.s,.sx th.s{text-align:right;white-space:nowrap}
@media (max-width:40em){.sx table.st,.sx .st tbody,.sx .st tr,.sx .st td{display:block}.sx .st thead{display:none}
.sx .st tr{border-top:1px solid #d0d7de;padding:.2em 0}.sx .st td{border:0;padding:0 .3em}.sx .st td.s{text-align:left}}
"""

#: Choosing a layer marks what it wrote or deleted and dims the rest; without it the tree reads the same.
SCRIPT = """
(function(){for(const x of document.querySelectorAll('.sx')){const rows=x.querySelectorAll('[data-l]');
const buttons=x.querySelectorAll('button[data-layer]');let cur=null;
for(const b of buttons){b.hidden=false;b.onclick=function(){const l=b.dataset.layer;cur=cur===l?null:l;
for(const r of rows){const on=cur!==null&&r.dataset.l.split(' ').includes(cur);r.classList.toggle('on',on);
r.classList.toggle('dim',cur!==null&&!on);const d=r.closest('details');if(on&&d)d.open=true;}
for(const o of buttons)o.setAttribute('aria-pressed',String(o.dataset.layer===cur));};}}})();
"""


def size(size_bytes: int) -> str:
    """A size for the explorer: bytes under a kilobyte, else as the reports write it."""
    return f"{size_bytes} B" if size_bytes < 1000 else megabytes(size_bytes)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _bold(text: str) -> str:
    return "<b>" + _e(text) + "</b>"


def _heading(anchor: str, text: str) -> str:
    return f'<h2 id="{anchor}">' + _e(text) + "</h2>"


def _figures(data: Mapping[str, Any]) -> str:
    share = data["removable_bytes"] / data["size_bytes"] if data["size_bytes"] else 0.0
    figures = [
        (size(data["size_bytes"]), _("in {count} layers").format(count=len(data["layers"]))),
        (f"{data['efficiency']:.1%}", _("dive's efficiency")),
        (size(data["wasted_bytes"]), _("dive's wasted bytes")),
        (size(data["reclaimable_bytes"]), _("reclaimable (hidden by later layers)")),
        (size(data["removable_bytes"]), _("in removable classes ({share})").format(share=f"{share:.1%}")),
    ]
    return '<ul class="fig">' + "".join(f"<li><b>{_e(a)}</b> {_e(b)}</li>" for a, b in figures) + "</ul>"


def _instruction(created_by: str) -> str:
    text = instruction(created_by)
    if len(text) <= SHORT_INSTRUCTION:
        return f"<code>{_e(text)}</code>"
    return f"<details><summary><code>{_e(text[:SHORT_INSTRUCTION])}…</code></summary><code>{_e(text)}</code></details>"


def layers_section(layers: Sequence[Mapping[str, Any]]) -> str:
    """Each layer: its index (a button that marks what it wrote in the tree), bytes, instruction, top folders."""
    rows = []
    for layer in layers:
        index = layer["index"]
        where = ", ".join(f"/{p['path']} {size(p['size_bytes'])}" for p in layer.get("top_dirs", ())[:3])
        rows.append(
            f'<li><span class="i">{index}</span><span class="s">{size(layer["size_bytes"])}</span>'
            f'<button type="button" data-layer="{index}" aria-pressed="false" hidden>'
            + _e(_("mark in tree"))
            + "</button>"
            f'<span class="w">{_instruction(layer["created_by"])}'
            + (f"<br><small>{_e(where)}</small>" if where else "")
            + "</span></li>"
        )
    return _heading("layers", _("Layers, lowest first")) + '<ol class="ly">' + "".join(rows) + "</ol>"


def _badges(node: Node, urls: Mapping[str, str], inherited: str = "") -> str:
    """What a row says beside its name and bytes: its state and layers, hidden and wasted bytes, and its removable
    class with the guide's section (named where the class starts, not again on every row under it)."""
    out = []
    if node.state == ADDED:
        out.append(_("{added} by {layer}").format(added=_bold(_("added")), layer=node.layer))
    elif node.state == CHANGED:
        out.append(
            _("{changed} by {layer} (copies from {earlier})").format(
                changed=_bold(_("changed")), layer=node.layer, earlier=_layers(node.by)
            )
        )
    elif node.state == DELETED:
        out.append(
            _("{deleted} by {layer} (added by {added})").format(
                deleted=_bold(_("deleted")), layer=_layers(node.by), added=node.layer
            )
        )
    if node.hidden_bytes and node.state != DELETED:
        out.append(_e(_("{size} hidden").format(size=size(node.hidden_bytes))))
    if node.wasted_bytes:
        out.append(_e(_("dive's waste {size}").format(size=size(node.wasted_bytes))))
    if node.removable and node.removable != inherited:
        url = urls.get(node.removable)
        label = _e(node.removable)
        out.append(f'<a href="{_e(url)}">{label}</a>' if url else label)
    return "".join(f"<span>{part}</span>" for part in out)


def _layers(indexes: Iterable[int]) -> str:
    return ", ".join(str(i) for i in indexes)


def _touched(node: Node) -> str:
    """The layers a row answers to when one is marked: those that wrote under it, or the file's and its deleter's."""
    if node.is_dir:
        return " ".join(str(layer) for layer, _ in node.layers)
    return " ".join(str(layer) for layer in dict.fromkeys([node.layer, *node.by]) if layer is not None)


def _row(node: Node, urls: Mapping[str, str], depth: int, out: list[str], inherited: str = "") -> None:
    gone = node.state == DELETED or (node.is_dir and not node.size_bytes and node.hidden_bytes > 0)
    cost = size(node.hidden_bytes if gone else node.size_bytes)
    classes = " ".join(c for c in (DELETED if gone else node.state, "rm" if node.removable else "") if c)
    if depth == 0:  # the whole image: its largest class is named where it is, a level or more down
        inherited = node.removable
    badges = _badges(node, urls, inherited)
    head = (
        f'<span class="n">{_e(node.name or "/")}{"/" if node.is_dir and node.name else ""}</span>'
        f'<span class="s">{cost}</span>' + (f'<span class="t">{badges}</span>' if badges else "")
    )
    touched = f' data-l="{_touched(node)}"'
    if not node.is_dir or (not node.children and not node.rest_files):
        out.append(f'<div class="r {classes}"{touched}>{head}</div>')
        return
    opened = " open" if depth < 2 else ""
    out.append(f'<details{opened}><summary class="{classes}"{touched}>{head}</summary><div>')
    for child in node.children:
        _row(child, urls, depth + 1, out, node.removable if depth else "")
    if node.rest_files:
        files = _("… 1 file") if node.rest_files == 1 else _("… {count} files").format(count=f"{node.rest_files:,}")
        if node.rest_hidden_bytes:
            files = _("{files}, {size} hidden").format(files=files, size=size(node.rest_hidden_bytes))
        out.append(
            f'<div class="r rest"><span class="n">{_e(files)}</span>'
            f'<span class="s">{size(node.rest_bytes)}</span></div>'
        )
    out.append("</div></details>")


def tree_section(root: Node, urls: Mapping[str, str], rule: str) -> str:
    """The file tree, largest first, every folder a ``<details>`` (the top two levels open)."""
    rows: list[str] = []
    _row(root, urls, 0, rows)
    return (
        _heading("files", _("Files, largest first"))
        + "<p>"
        + _e(
            _(
                "Each file says which layer (by its number) added it, changed it (replacing copies of lower layers, "
                "still in the image) or deleted it (hidden, still shipped). Highlighted rows are mostly in a class "
                "a running app rarely needs."
            )
        )
        + f" {_e(rule)}</p>"
        f'<div class="tr">{"".join(rows)}</div>'
    )


def _table(head: Sequence[str], rows: Iterable[Sequence[str]], numeric: frozenset[int] = frozenset()) -> str:
    def cell(tag: str, i: int, text: str) -> str:
        return f'<{tag} class="s">{text}</{tag}>' if i in numeric else f"<{tag}>{text}</{tag}>"

    body = "".join("<tr>" + "".join(cell("td", i, c) for i, c in enumerate(row)) + "</tr>" for row in rows)
    return (
        '<table class="st"><thead><tr>'
        + "".join(cell("th", i, h) for i, h in enumerate(head))
        + f"</tr></thead><tbody>{body}</tbody></table>"
    )


def wasted_section(data: Mapping[str, Any]) -> str:
    rows = data.get("inefficiencies", ())
    if not rows:
        return '<h2 id="wasted">dive\'s wasted bytes</h2><p>No path is in two layers or more.</p>'
    listed = [(f"<code>/{_e(r['path'])}</code>", str(r["count"]), size(r["size_bytes"])) for r in rows[:WASTED_ROWS]]
    more = f"<p>{len(rows) - WASTED_ROWS} more paths.</p>" if len(rows) > WASTED_ROWS else ""
    return (
        '<h2 id="wasted">dive\'s wasted bytes</h2>'
        "<p>Every copy of a path written in two layers or more, the one that ships included (dive's definition).</p>"
        + _table(("path", "copies", "bytes"), listed, frozenset({1, 2}))
        + more
    )


def removable_section(data: Mapping[str, Any]) -> str:
    classes = data.get("classes", {})
    if not classes:
        return (
            _heading("removable", _("What need not be here"))
            + "<p>"
            + _e(_("Nothing in the known removable classes."))
            + "</p>"
        )
    rows = []
    for c in classes.values():
        places = ", ".join(f"/{p['path']} {size(p['size_bytes'])}" for p in c.get("top", ())[:3])
        rows.append(
            (
                _e(c["title"]) + (f"<br><small><code>{_e(places)}</code></small>" if places else ""),
                size(c["size_bytes"]),
                f'<a href="{_e(c["url"])}">' + _e(_("how to remove it")) + "</a>",
            )
        )
    return _heading("removable", _("What need not be here")) + _table(
        (_e(_("class, and where")), _e(_("bytes")), _e(_("guide"))), rows, frozenset({1})
    )


def packages_section(packages: Sequence[Mapping[str, Any]]) -> str:
    """The packages behind the bytes, largest first; files no package owns are the row whose manager is none."""
    ranked = sorted(packages, key=lambda p: (-int(p.get("size_bytes", 0)), str(p.get("name", ""))))
    rows = [
        (
            _e(p.get("manager", "")),
            _e(p.get("name", "")) if p.get("manager") != "none" else "<i>no package</i>",
            _e(p.get("version", "")),
            size(int(p.get("size_bytes", 0))),
            f"{int(p.get('files', 0)):,}",
            _e("" if p.get("layer") is None else p["layer"]),
        )
        for p in ranked[:PACKAGE_ROWS]
    ]
    more = f"<p>{len(ranked) - PACKAGE_ROWS} more packages.</p>" if len(ranked) > PACKAGE_ROWS else ""
    return (
        '<h2 id="packages">Packages, largest first</h2>'
        + _table(("manager", "package", "version", "bytes", "files", "layer"), rows, frozenset({3, 4, 5}))
        + more
    )


def secrets_section(found: Sequence[Mapping[str, Any]], learn: str) -> str:
    if not found:
        return '<h2 id="secrets">Secrets</h2><p>Nothing secret-looking in any layer, the Env or the history.</p>'
    rows = [
        (
            _e(f["rule"]),
            f"<code>{_e(f['path'])}</code>",
            _e("" if f.get("layer") is None else f["layer"]),
            _e(f.get("state", "")),
            f"<code>{_e(f['redacted'])}</code>",
        )
        for f in found
    ]
    return (
        '<h2 id="secrets">Secrets (values redacted)</h2>'
        + _table(("rule", "where", "layer", "state", "value"), rows)
        + f'<p><a href="{_e(learn)}">Keep secrets out of layers</a></p>'
    )


def class_urls(data: Mapping[str, Any]) -> dict[str, str]:
    """Each removable class's guide section, as the analysis links it."""
    return {class_id: c["url"] for class_id, c in data.get("classes", {}).items()}


def body(
    data: Mapping[str, Any], root: Node, *, rule: str, learn_secrets: str, wasted: bool = True, within: str = ""
) -> str:
    """The explorer's sections, inside one ``div.sx`` (its style applies there only); ``wasted``: the table of
    dive's wasted paths (a lab page records dive's figures, not the paths).  ``within`` names the page section
    it is embedded in: its headings are then two levels lower, their ids prefixed with it."""
    text = _sections(data, root, rule=rule, learn_secrets=learn_secrets, wasted=wasted)
    if within:
        text = text.replace("<h1>", "<h3>").replace("</h1>", "</h3>").replace("</h2>", "</h4>")
        text = text.replace('<h2 id="', f'<h4 id="{_e(within)}-')
    return '<div class="sx">' + text + "</div>"


def _sections(data: Mapping[str, Any], root: Node, *, rule: str, learn_secrets: str, wasted: bool) -> str:
    parts = [
        f"<h1>{_e(data['image'])}</h1>",
        _figures(data),
        "".join(f"<p>{_e(note)}</p>" for note in data.get("notes", ())),
        layers_section(data["layers"]),
        tree_section(root, class_urls(data), rule),
        wasted_section(data) if wasted else "",
        removable_section(data),
    ]
    if "packages" in data:
        parts.append(packages_section(data["packages"]))
    if "secrets" in data:
        parts.append(secrets_section(data["secrets"], learn_secrets))
    return "".join(parts)


def page(data: Mapping[str, Any], root: Node, *, rule: str, learn_secrets: str) -> str:
    """The whole HTML file ``analyze --html`` writes: no link to anything but the guide."""
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{_e(data['image'])}: slimlab analyze</title><style>body{{margin:0}}{STYLE}</style></head>"
        f"<body>{body(data, root, rule=rule, learn_secrets=learn_secrets)}<script>{SCRIPT}</script></body></html>"
    )


def rule(fold: Fold, image_bytes: int) -> str:
    """The folding rule in words, with the size it comes to for this image."""
    return _(
        "Each folder lists its {top} largest entries and every other one of at least {least} (1/{share} of the "
        "image); the rest are one row. A folder smaller than that lists none of its entries, and an empty file or "
        "a link has no row of its own."
    ).format(top=fold.top, least=size(fold.least(image_bytes)), share=f"{fold.share:,}")


def document(analysis: Analysis, *, docs_url: str = DEFAULT_DOCS_URL) -> str:
    """``analyze --html``'s file for an analysis whose shown fields are scrubbed already; the paths of its tree,
    made from fields no output shows as they are, are scrubbed here."""
    root = scrub_tree(tree(analysis.files, analysis.hidden, analysis.inefficiencies, fold=HTML), scrubbed)
    return page(
        to_dict(analysis, docs_url=docs_url),
        root,
        rule=rule(HTML, root.image_bytes),
        learn_secrets=SECRETS_SECTION.url(docs_url),
    )
