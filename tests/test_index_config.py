"""Which index: flag > PIP_INDEX_URL > pip config > pip's default. Never reads the real user config."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from interlock.index import IndexConfigError, _pip_probe, configured_index, configured_index_url
from interlock.index import config as config_module

FLAG = "http://127.0.0.1:1/flag/simple"
ENV = "http://127.0.0.1:2/env/simple"
FILE = "http://127.0.0.1:3/file/simple"


@pytest.fixture(autouse=True)
def isolated_pip(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A pip config file of our own: while PIP_CONFIG_FILE names an existing file, pip skips the user's."""
    for variable in ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_CERT"):
        monkeypatch.delenv(variable, raising=False)
    config = tmp_path / "pip.conf"
    config.write_text("")
    monkeypatch.setenv("PIP_CONFIG_FILE", str(config))
    return config


def pip_default() -> str:
    from pip._internal.models.index import PyPI

    return PyPI.simple_url


def test_flag_beats_everything(monkeypatch: pytest.MonkeyPatch, isolated_pip: Path) -> None:
    isolated_pip.write_text(f"[global]\nindex-url = {FILE}\n")
    monkeypatch.setenv("PIP_INDEX_URL", ENV)
    assert configured_index_url(FLAG) == FLAG
    settings = configured_index(f"  {FLAG}  ")
    assert (settings.index_url, settings.source) == (FLAG, "--index-url")


def test_environment_beats_config_file(monkeypatch: pytest.MonkeyPatch, isolated_pip: Path) -> None:
    isolated_pip.write_text(f"[global]\nindex-url = {FILE}\n")
    monkeypatch.setenv("PIP_INDEX_URL", ENV)
    assert configured_index_url() == ENV
    assert configured_index().source == "PIP_INDEX_URL"


def test_empty_environment_value_is_ignored(monkeypatch: pytest.MonkeyPatch, isolated_pip: Path) -> None:
    isolated_pip.write_text(f"[global]\nindex-url = {FILE}\n")
    monkeypatch.setenv("PIP_INDEX_URL", "  ")
    assert configured_index_url("") == FILE


def test_config_file_names_its_source(isolated_pip: Path) -> None:
    isolated_pip.write_text(f"[global]\nindex_url = {FILE}\n")  # pip accepts underscores too
    settings = configured_index()
    assert settings.index_url == FILE
    assert "global.index-url" in settings.source and str(isolated_pip) in settings.source


def test_install_section_beats_global(isolated_pip: Path) -> None:
    isolated_pip.write_text(f"[install]\nindex-url = {FILE}\n[global]\nindex-url = {ENV}\n")
    assert configured_index_url() == FILE


def test_pip_default_comes_from_pip(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)  # no config files at all
    settings = configured_index()
    assert settings.index_url == pip_default()
    assert settings.source == "pip's default"
    assert settings.extra_index_urls == ()


def test_extra_indexes_and_cert(monkeypatch: pytest.MonkeyPatch, isolated_pip: Path) -> None:
    isolated_pip.write_text(f"[global]\nextra-index-url =\n    {ENV}\n    {FILE}\ncert = /etc/ca.pem\n")
    settings = configured_index()
    assert (settings.extra_index_urls, settings.cert) == ((ENV, FILE), "/etc/ca.pem")
    monkeypatch.setenv("PIP_EXTRA_INDEX_URL", FLAG)
    monkeypatch.setenv("PIP_CERT", "/other.pem")
    settings = configured_index()
    assert (settings.extra_index_urls, settings.cert) == ((FLAG,), "/other.pem")


def test_unreadable_config_file_is_a_config_error(isolated_pip: Path) -> None:
    isolated_pip.write_text("[global\nindex-url = nope\n")
    with pytest.raises(IndexConfigError, match="pip's configuration could not be read"):
        configured_index_url()


def test_flag_and_environment_never_import_pip(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail() -> None:
        raise AssertionError("pip was asked")

    monkeypatch.setattr(config_module, "_ask_pip", fail)
    assert configured_index_url(FLAG) == FLAG
    monkeypatch.setenv("PIP_INDEX_URL", ENV)
    assert configured_index_url() == ENV


def _without_pip_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pip() -> None:
        raise ImportError("No module named 'pip'")

    monkeypatch.setattr(_pip_probe, "probe", no_pip)


def test_without_pip_in_process_a_python_on_path_is_asked(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, isolated_pip: Path
) -> None:
    isolated_pip.write_text(f"[global]\nindex-url = {FILE}\n")
    _without_pip_in_process(monkeypatch)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    wrapper = bin_dir / "python3"  # a different executable that still has pip
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pip").mkdir()  # a hostile 'pip' package in the working directory is not imported
    (tmp_path / "pip" / "__init__.py").write_text("raise SystemExit('imported from cwd')\n")
    assert configured_index_url() == FILE


def test_without_any_pip_the_error_says_what_to_do(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _without_pip_in_process(monkeypatch)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(IndexConfigError, match="pass --index-url or set PIP_INDEX_URL"):
        configured_index_url()
