"""checks.inspect.documents: an image's JSON documents, their shapes checked before anything reads them."""

from __future__ import annotations

import json

import pytest

from checks.inspect.documents import (
    descriptor,
    docker_manifest,
    image_config,
    image_manifest,
    index_manifests,
    index_or_manifest,
    parse,
)
from checks.model.errors import MalformedError, UsageError

CONFIG = {
    "rootfs": {"type": "layers", "diff_ids": ["sha256:" + "a" * 64]},
    "history": [{"created_by": "COPY . /"}, {"created_by": "CMD x", "empty_layer": True}],
    "config": {"Env": ["PATH=/bin"]},
}


def raw(document: object) -> bytes:
    return json.dumps(document).encode()


def test_a_good_config_gives_its_layers_history_and_env():
    config = image_config(raw(CONFIG))
    assert config.diff_ids == ("sha256:" + "a" * 64,)
    assert [step["created_by"] for step in config.history] == ["COPY . /", "CMD x"]
    assert config.env == ("PATH=/bin",)


def test_a_config_without_history_env_or_rootfs_is_empty_rather_than_malformed():
    config = image_config(b'{"config": null}')
    assert (config.diff_ids, config.history, config.env) == ((), (), ())


@pytest.mark.parametrize(
    ("document", "says"),
    [
        ([], "the image config is a list, not an object"),
        ({"rootfs": []}, "'rootfs' is a list, not an object"),
        ({"rootfs": {"diff_ids": "sha256:a"}}, "'diff_ids' is text, not a list"),
        ({"rootfs": {"diff_ids": [1]}}, "'diff_ids' holds a number"),
        ({"history": "RUN x"}, "'history' is text, not a list"),
        ({"history": [1]}, "history step 1 is a number"),
        ({"history": [{"created_by": ["RUN", "x"]}]}, "'created_by' is a list, not text"),
        ({"history": [{"empty_layer": 1}]}, "'empty_layer' is a number, not true or false"),
        ({"config": {"Env": "A=1"}}, "'Env' is text, not a list"),
    ],
)
def test_a_config_of_the_wrong_shape_names_the_field(document, says):
    with pytest.raises(MalformedError, match=says):
        image_config(raw(document))


@pytest.mark.parametrize(
    ("document", "says"),
    [
        ({}, "manifest.json is an object, not a list of images"),
        ([1, 2, 3], "manifest.json's image 1 is a number"),
        ([{"Layers": []}], "has no 'Config'"),
        ([{"Config": "c.json"}], "has no 'Layers'"),
        ([{"Config": 5, "Layers": []}], "'Config' is a number, not text"),
    ],
)
def test_a_docker_manifest_of_the_wrong_shape_names_the_field(document, says):
    with pytest.raises(MalformedError, match=says):
        docker_manifest(raw(document))


def test_a_docker_manifest_of_two_images_asks_for_one_naming_their_tags():
    image = {"Config": "c.json", "Layers": [], "RepoTags": ["t:1"]}
    with pytest.raises(UsageError, match=r"holds 2 images \(t:1, \(untagged\)\)"):
        docker_manifest(raw([image, {**image, "RepoTags": None}]))


def test_json_that_is_cut_too_deep_or_not_utf8_is_malformed_not_a_crash():
    for data in (b'[{"Config"', b"[" * 100_000 + b"]" * 100_000, b"\xff\xfe["):
        with pytest.raises(MalformedError, match=r"manifest\.json"):
            parse(data, "manifest.json")


def test_a_document_over_the_limit_is_refused_by_its_size():
    with pytest.raises(MalformedError, match="on a JSON document"):
        parse(b" " * (5 << 20), "index.json")


def test_an_index_lists_descriptors_each_with_a_digest():
    index = {"manifests": [{"digest": "sha256:x", "platform": {"os": "linux", "architecture": "arm64"}}]}
    (found,) = index_manifests(index, "index.json")
    assert (found.digest, found.platform, found.size) == ("sha256:x", ("linux", "arm64"), -1)
    with pytest.raises(MalformedError, match=r"index\.json's manifest 1 has no 'digest'"):
        index_manifests({"manifests": [{"mediaType": "x"}]}, "index.json")
    with pytest.raises(MalformedError, match=r"index\.json is a list"):
        index_or_manifest(b"[]", "index.json")
    with pytest.raises(MalformedError, match="below 0"):
        descriptor({"digest": "d", "size": -4}, "d")


def test_an_image_manifest_of_another_media_type_is_refused_and_one_with_none_is_read():
    layer = {"digest": "sha256:l", "mediaType": "application/vnd.oci.image.layer.v1.tar"}
    manifest = {"config": {"digest": "sha256:c"}, "layers": [layer]}
    config, layers = image_manifest(manifest, "m")
    assert (config.digest, [d.digest for d in layers]) == ("sha256:c", ["sha256:l"])
    with pytest.raises(MalformedError, match=r"media type 'application/vnd\.cncf\.helm\.config\.v1"):
        image_manifest({**manifest, "mediaType": "application/vnd.cncf.helm.config.v1+json"}, "m")
    with pytest.raises(MalformedError, match="'layers' is an object"):
        image_manifest({**manifest, "layers": {}}, "m")
