"""`site-builder build --preview`: the owner gets pictures of the landing page on three phones, in each
language, light and dark, in output/preview/, written with the rest of the build."""

from __future__ import annotations

import os
import struct
import subprocess
import sys

from PIL import Image, ImageStat

from site_builder.preview import BROWSER_ENV, device_slug

from conftest import copy_example, run_cli
from .conftest import PHONES


def test_build_preview_writes_a_png_per_phone_language_and_scheme(tmp_path, browser, devices):
    folder = copy_example(tmp_path / "site")
    result = run_cli("build", "--preview", cwd=folder)
    assert result.returncode == 0, result.stderr
    preview = folder / "output" / "preview"
    assert "12 PNG" in result.stdout
    expected = {f"{device_slug(phone)}-{lang}-{scheme}.png"
                for phone in PHONES for lang in ("de", "en") for scheme in ("light", "dark")}
    assert {p.name for p in preview.iterdir()} == expected
    assert (folder / "output" / "site" / "index.html").is_file()
    for phone in PHONES:
        width, height = devices[phone]["viewport"]["width"], devices[phone]["viewport"]["height"]
        brightness = {}
        for lang in ("de", "en"):
            for scheme in ("light", "dark"):
                path = preview / f"{device_slug(phone)}-{lang}-{scheme}.png"
                data = path.read_bytes()
                assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
                assert struct.unpack(">II", data[16:24])[0] == width  # one image pixel per CSS pixel
                with Image.open(path) as image:
                    image.load()
                    assert image.width == width and image.height >= height  # the whole page, at least a screen
                    brightness[scheme] = ImageStat.Stat(image.convert("L")).mean[0]
        assert brightness["dark"] < 100 < brightness["light"], brightness


def test_a_missing_chromium_names_the_command_that_installs_it(tmp_path):
    folder = copy_example(tmp_path / "site")
    result = run_cli("build", "--preview", cwd=folder, env={BROWSER_ENV: str(tmp_path / "no-such-chromium"),
                                                           "LANGUAGE": "en"})
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "--preview: browser: Chromium could not be started" in result.stderr
    assert "apt-get install chromium" in result.stderr and BROWSER_ENV in result.stderr
    assert not (folder / "output").exists()  # a failed preview writes nothing


def test_a_missing_playwright_names_the_command_that_installs_it(tmp_path):
    folder = copy_example(tmp_path / "site")
    # The same CLI in a process where `import playwright` fails, as in an install without the extra
    blocked = ("import sys; sys.modules['playwright'] = None; sys.argv[0] = 'site-builder'; "
               "from site_builder.cli import run; run()")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1790000000", "LANGUAGE": "en"}
    result = subprocess.run([sys.executable, "-c", blocked, "build", "--preview"], cwd=folder, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "--preview: playwright: Playwright is not installed" in result.stderr
    assert ".venv/bin/pip install -e '.[preview]'" in result.stderr
    assert not (folder / "output").exists()
