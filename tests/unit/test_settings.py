from __future__ import annotations

from pathlib import Path

import pytest

from indexer.config import Settings


def test_the_onnx_export_is_cached_per_user_not_per_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FOOTNOTE_ONNX_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    one = Settings(data_dir=tmp_path / "a", _env_file=None)  # type: ignore[call-arg]
    other = Settings(data_dir=tmp_path / "b", _env_file=None)  # type: ignore[call-arg]

    assert one.embed_backend == "onnx-int8" and one.query_runtime == "onnx-int8"
    assert one.onnx_dir == other.onnx_dir == tmp_path / "cache" / "footnote" / "onnx"


def test_without_xdg_the_cache_is_under_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FOOTNOTE_ONNX_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))

    assert Settings(_env_file=None).onnx_dir == tmp_path / ".cache" / "footnote" / "onnx"  # type: ignore[call-arg]


def test_an_explicit_cache_dir_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FOOTNOTE_ONNX_CACHE_DIR", str(tmp_path / "models"))

    assert Settings(_env_file=None).onnx_dir == tmp_path / "models"  # type: ignore[call-arg]
