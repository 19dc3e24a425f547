"""checks.engine.recompress without skopeo: the arguments it gives skopeo to re-compress a saved image and push it."""

from __future__ import annotations

from pathlib import Path

import pytest

from checks.engine.recompress import layout_arguments, push_arguments
from checks.model.compression import PUSHED, by_key


def test_skopeo_compresses_into_a_new_layout_at_the_level_asked():
    arguments = layout_arguments(by_key("zstd-19"), Path("/s/image.tar"), Path("/s/zstd-19"))
    assert arguments[arguments.index("--dest-compress-format") + 1] == "zstd"
    assert arguments[arguments.index("--dest-compress-level") + 1] == "19"
    assert arguments[-2:] == ["docker-archive:/s/image.tar", "oci:/s/zstd-19:image"]


def test_the_engine_s_own_gzip_is_never_re_compressed():
    with pytest.raises(ValueError, match="engine's own push"):
        layout_arguments(PUSHED, Path("a.tar"), Path("layout"))


def test_the_push_keeps_every_blob_as_compressed_and_speaks_plain_http_to_loopback():
    arguments = push_arguments(Path("/s/zstd-3"), "127.0.0.1:5000/slimlab/lab:before-zstd-3")
    assert "--preserve-digests" in arguments
    assert "--dest-tls-verify=false" in arguments
    assert "--dest-compress-format" not in arguments
    assert arguments[-2:] == ["oci:/s/zstd-3:image", "docker://127.0.0.1:5000/slimlab/lab:before-zstd-3"]
