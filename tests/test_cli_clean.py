"""`python -m checks clean` removes this checkout's images and containers, never another checkout's (a fake engine
answers the API calls, as the engine would for labels and names; no engine needed)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest

from checks import cli
from checks.engine import docker
from checks.model import checkout
from checks.model.checkout import HERE, Checkout

OTHER = Checkout("4567ef01" if HERE.id != "4567ef01" else "0123abcd")
LAB = "lab-4-go-multistage"


def lab_labels(who: Checkout | None, lab: str = LAB) -> dict[str, str]:
    """What a lab image carries: today's with its checkout's id, one from before checkouts had ids without."""
    return {docker.MANAGED_LABEL: "true", "org.slimlab.lab": lab, **({checkout.LABEL: who.id} if who else {})}


@dataclass
class FakeEngine:
    """The engine's image and container API as clean calls it: filters by label, removal by name or id."""

    images_: dict[str, tuple[list[str], Mapping[str, str]]]  # id -> (tags, labels)
    containers_: dict[str, Mapping[str, str]] = field(default_factory=dict)  # id -> labels
    removed: list[str] = field(default_factory=list)

    @staticmethod
    def _match(labels: Mapping[str, str], wanted: Iterable[str]) -> bool:
        return all(labels.get(k) == v if sep else k in labels for k, sep, v in (w.partition("=") for w in wanted))

    def images(self, **options: Any) -> list[dict[str, Any]]:
        wanted = (options.get("filters") or {}).get("label", [])
        return [
            {"Id": "sha256:" + i, "RepoTags": list(tags), "RepoDigests": []}
            for i, (tags, labels) in self.images_.items()
            if self._match(labels, wanted)
        ]

    def containers(self, **options: Any) -> list[dict[str, Any]]:
        wanted = (options.get("filters") or {}).get("label", [])
        return [{"Id": i} for i, labels in self.containers_.items() if self._match(labels, wanted)]

    def remove_container(self, name: str, force: bool = False) -> None:
        self.containers_.pop(next(i for i in self.containers_ if i.startswith(name)))

    def remove_image(self, ref: str) -> None:
        """As the engine does: a name is untagged, and the image goes with its last one; an id removes the image."""
        self.removed.append(ref)
        for image_id, (tags, _) in list(self.images_.items()):
            if ref in tags:
                tags.remove(ref)
                if not tags:
                    del self.images_[image_id]
            elif image_id.startswith(ref):
                del self.images_[image_id]

    def names(self) -> set[str]:
        return {tag for tags, _ in self.images_.values() for tag in tags} | {
            i[:12] for i, (tags, _) in self.images_.items() if not tags
        }


def digits(c: str) -> str:
    return c * 64


@pytest.fixture
def engine(monkeypatch) -> FakeEngine:
    """An engine two checkouts share, with stand-ins, a user's image and images from before checkouts had ids."""
    fake = FakeEngine(
        images_={
            digits("a"): ([HERE.tag(LAB, "after")], lab_labels(HERE)),
            digits("b"): ([HERE.tag(f"{LAB}-grade", "yours")], lab_labels(HERE, f"{LAB}-grade")),
            digits("c"): ([], lab_labels(HERE)),  # ours, left untagged when its variant was built anew
            digits("d"): ([OTHER.tag(LAB, "after")], lab_labels(OTHER)),
            digits("e"): ([], lab_labels(OTHER)),  # the other checkout's untagged image
            digits("f"): (["slimlab/lab-4-go-multistage:after"], lab_labels(None)),
            digits("0"): (
                ["slimlab-base/golang-1.27-trixie:56997237e832"],
                {docker.MANAGED_LABEL: "true", docker.STAND_IN_LABEL: "golang:1.27-trixie"},
            ),
            digits("1"): (["mine:child"], lab_labels(HERE)),  # a user's image built on ours inherits our labels
        },
        containers_={
            digits("7"): {docker.CONTAINER_LABEL: "smoke", checkout.LABEL: HERE.id},
            digits("8"): {docker.CONTAINER_LABEL: "smoke", checkout.LABEL: OTHER.id},  # the other one's verify runs
        },
    )
    monkeypatch.setattr(docker, "api", lambda *args, **kwargs: fake)
    return fake


THEIRS = {OTHER.tag(LAB, "after"), digits("e")[:12]}
KEPT_ALWAYS = THEIRS | {"slimlab/lab-4-go-multistage:after", "mine:child"}


def test_clean_removes_this_checkout_s_images_and_containers_and_nothing_of_another_checkout(engine, capsys):
    assert cli.main(["clean"]) == 0
    assert engine.names() == KEPT_ALWAYS | {"slimlab-base/golang-1.27-trixie:56997237e832"}
    assert set(engine.containers_) == {digits("8")}
    said = capsys.readouterr().out
    assert "removed 1 container(s) and 3 image(s)" in said
    assert f"{HERE.namespace}/*" in said


def test_clean_of_one_lab_removes_only_that_lab_s_images_of_this_checkout(engine):
    assert cli.main(["clean", "--lab", LAB]) == 0
    assert engine.names() == KEPT_ALWAYS | {
        HERE.tag(f"{LAB}-grade", "yours"),
        "slimlab-base/golang-1.27-trixie:56997237e832",
    }
    assert set(engine.containers_) == {digits("7"), digits("8")}  # a verify of this checkout may be running


def test_clean_with_bases_removes_the_shared_stand_ins_only_when_asked(engine, capsys):
    assert cli.main(["clean", "--bases"]) == 0
    assert engine.names() == KEPT_ALWAYS
    assert "and the stand-in bases (slimlab-base/*)" in capsys.readouterr().out


def test_no_removal_names_another_checkout_s_image(engine):
    cli.main(["clean", "--bases"])
    assert not THEIRS & set(engine.removed)
    assert all(ref.startswith((HERE.namespace, "slimlab-base/")) or len(ref) == 12 for ref in engine.removed)
