"""The gate and the filters of issue 22 seen through a whole build: what is published, what the build says it
wrote, and files the gate refuses even for root (a file without read permission, read as another user)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from PIL import Image

from conftest import ROOT, copy_example, run_cli, tree_digest


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return copy_example(tmp_path / "site")


def test_a_png_logo_is_published_re_encoded_without_what_follows_the_image(site):
    picture = io.BytesIO()
    Image.new("RGB", (40, 20), (138, 75, 15)).save(picture, "PNG")
    trailing = b"<html><script>alert(1)</script></html>"
    (site / "logo.png").write_bytes(picture.getvalue() + trailing)
    replace_in(site / "site.toml", 'logo = "logo.svg"', 'logo = "logo.png"')
    result = run_cli("build", cwd=site)
    assert result.returncode == 0, result.stderr
    published = (site / "output/site/logo.png").read_bytes()
    assert b"<script" not in published and published.startswith(b"\x89PNG")
    with Image.open(io.BytesIO(published)) as image:
        assert image.size == (40, 20) and image.getpixel((5, 5)) == (138, 75, 15)


def test_a_theme_script_cannot_end_its_script_element(site):
    static = site / "themes/default/static"
    static.mkdir(parents=True)
    shutil.copy(ROOT / "site_builder/themes/default/static/app.js", static / "app.js")
    with open(static / "app.js", "a", encoding="utf-8") as f:
        f.write('\nvar closing = "</script><img src=x onerror=alert(1)>";\n')
    result = run_cli("build", cwd=site)
    assert result.returncode == 0, result.stderr
    page = (site / "output/site/index.html").read_text(encoding="utf-8")
    script = page.split("<script>", 1)[1]
    assert '"<\\/script><img src=x onerror=alert(1)>"' in script  # inside the string, as the theme wrote it
    assert "</script><img" not in page  # the element ends only where the build ends it


def test_an_archive_that_cannot_be_written_writes_nothing_and_says_so(site):
    assert run_cli("build", cwd=site).returncode == 0
    before = tree_digest(site / "output")
    replace_in(site / "content/de/consent.md", "willige ich ein", "willige ich hiermit ein")  # a new consent text
    shutil.rmtree(site / "consent-versions/de")
    (site / "consent-versions/de").write_text("a file where the folder belongs\n", encoding="utf-8")
    result = run_cli("build", cwd=site)
    assert result.returncode == 1
    assert "could not be archived" in result.stderr and "nothing was written" in result.stderr
    assert tree_digest(site / "output") == before  # true: the previous output is untouched


@pytest.mark.slow
def test_a_file_without_read_permission_is_named(tmp_path):
    """As root every file is readable: the build runs as another user, as a web agency's build user would."""
    if os.geteuid() != 0:
        pytest.skip("needs root to run the build as another user")  # CI runs as root: never skipped there
    folder = Path(tempfile.mkdtemp(prefix="gate-", dir="/tmp"))
    try:
        os.chmod(folder, 0o755)
        site = copy_example(folder / "site")
        for path in [site, *site.rglob("*")]:
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
        os.chmod(site / "content/de/imprint.md", 0o000)
        # the system's Python with the project's packages: the venv's interpreter may lie where that user cannot go
        packages = next(p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir())
        env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C", "PYTHONPATH": f"{ROOT}:{packages}",
               "HOME": str(folder)}
        python = shutil.which("python3", path="/usr/bin") or sys.executable
        result = subprocess.run([python, "-m", "site_builder", "check"], cwd=site, capture_output=True,
                                text=True, env=env, timeout=120, user=65534, group=65534, extra_groups=[])
        assert "Traceback" not in result.stderr, result.stderr
        assert "content/de/imprint.md: file: cannot be read (Permission denied)" in result.stderr
        assert result.returncode == 1
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_a_link_inside_the_site_is_followed(site):
    (site / "bilder").mkdir()
    (site / "logo.svg").rename(site / "bilder/logo.svg")
    (site / "logo.svg").symlink_to("bilder/logo.svg")
    result = run_cli("build", cwd=site)
    assert result.returncode == 0, result.stderr
    assert (site / "output/site/logo.svg").read_bytes().startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<svg')
