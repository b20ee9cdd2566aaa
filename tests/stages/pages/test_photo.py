"""The owner's photo (issue 24): made into the sizes and formats a phone needs, upright, without camera data;
a hostile or broken file is refused with a message naming the key, before anything is decoded."""

from __future__ import annotations

import io
import re
import struct
import time
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image, ImageCms

from conftest import run_cli, tree_digest

ALT = 'photo_alt = { de = "Unsere Werkstatt", en = "Our workshop" }'


def phone_photo(path: Path, size: tuple[int, int] = (1600, 2400)) -> Path:
    """A portrait photo as a phone saves it: stored on its side with EXIF orientation 6 (turn 90 degrees
    clockwise to show), a GPS position, a camera serial number and an embedded colour profile. Shown upright,
    its top half is red and its bottom half blue."""
    upright = Image.new("RGB", size, (200, 30, 30))
    upright.paste((30, 30, 200), (0, size[1] // 2, size[0], size[1]))
    stored = upright.rotate(90, expand=True)  # what orientation 6 turns back clockwise
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation
    exif[0xA431] = "SERIAL-0815"  # body serial number
    exif[0x8825] = {1: "N", 2: (50.0, 7.0, 12.5), 3: "E", 4: (8.0, 40.0, 3.0)}  # GPS: latitude, longitude
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    stored.save(path, "JPEG", quality=90, exif=exif, icc_profile=profile)
    return path


def with_photo(site: Path, name: str = "foto.jpg", alt: str = ALT) -> Path:
    toml = site / "site.toml"
    text = toml.read_text(encoding="utf-8").replace('logo = "logo.svg"\n', f'logo = "logo.svg"\nphoto = "{name}"\n{alt}\n', 1)
    toml.write_text(text, encoding="utf-8")
    return site


class Pictures(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str]]] = []
        self._in = False

    def handle_starttag(self, tag, attrs):
        if tag == "picture":
            self._in = True
        if self._in and tag in ("source", "img"):
            self.found.append((tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag):
        if tag == "picture":
            self._in = False


def test_the_photo_comes_in_three_widths_as_avif_and_jpeg_upright_and_without_camera_data(site):
    phone_photo(with_photo(site) / "foto.jpg")
    result = run_cli("build", cwd=site)
    assert result.returncode == 0, result.stderr
    out = site / "output" / "site"
    made = sorted(p.name for p in out.glob("photo-*"))
    assert made == sorted(f"photo-{w}.{ext}" for w in (480, 800, 1200) for ext in ("avif", "jpg"))
    for path in out.glob("photo-*"):
        data = path.read_bytes()
        with Image.open(io.BytesIO(data)) as image:
            width = int(re.search(r"photo-(\d+)\.", path.name).group(1))
            assert image.format == ("AVIF" if path.suffix == ".avif" else "JPEG")
            assert image.size == (width, width * 3 // 2), path.name  # portrait: turned upright
            rgb = image.convert("RGB")
            top, bottom = rgb.getpixel((width // 2, 5)), rgb.getpixel((width // 2, image.size[1] - 5))
            assert top[0] > 150 > top[2] and bottom[2] > 150 > bottom[0], f"{path.name} is not upright"
            assert len(image.getexif()) == 0 and "icc_profile" not in image.info and "exif" not in image.info
        for trace in (b"SERIAL-0815", b"Exif", b"GPS"):
            assert trace not in data, f"{trace!r} in {path.name}"
    # the build names the photo's bytes apart from the 14 KB of the first load
    line = next(line for line in result.stdout.splitlines() if "photo" in line and "14 KB" in line)
    for width in (480, 800, 1200):
        size = (out / f"photo-{width}.avif").stat().st_size
        assert f"photo-{width}.avif {size / 1024:.1f} KB" in line
    # the landing page of each language offers AVIF first, JPEG as the fallback, with sizes for the column
    for page, prefix in ((out / "index.html", ""), (out / "en" / "index.html", "../")):
        pictures = Pictures()
        pictures.feed(page.read_text(encoding="utf-8"))
        (_, source), (_, img) = pictures.found
        assert source["type"] == "image/avif"
        assert source["srcset"] == ", ".join(f"{prefix}photo-{w}.avif {w}w" for w in (480, 800, 1200))
        assert img["srcset"] == ", ".join(f"{prefix}photo-{w}.jpg {w}w" for w in (480, 800, 1200))
        assert img["src"] == f"{prefix}photo-800.jpg" and (img["width"], img["height"]) == ("800", "1200")
        assert img["loading"] == "lazy" and img["alt"] in ("Unsere Werkstatt", "Our workshop") and img["sizes"]
    # nothing earlier in the page asks for it (no preload): it never counts against the first load
    assert "photo-" not in (out / "index.html").read_text(encoding="utf-8").split("<picture")[0]


def test_a_small_photo_is_never_enlarged_and_gets_a_warning(site):
    phone_photo(with_photo(site) / "foto.jpg", size=(400, 300))
    result = run_cli("build", cwd=site)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (site / "output/site").glob("photo-*")) == ["photo-400.avif", "photo-400.jpg"]
    assert "site.toml: theme.photo: 'foto.jpg' is only 400 pixels wide" in result.stderr


def _png_header(width: int, height: int) -> bytes:
    """A PNG that claims a size in its header, with almost no pixel data behind it."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def _huge(path: Path) -> None:
    with path.open("wb") as f:  # a sparse file: 26 MB on paper, nothing on disk
        f.write(b"\xff\xd8\xff\xe0")
        f.truncate(26_000_000)


def _cut(path: Path) -> None:
    phone_photo(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


CASES = {
    "not-found": (lambda p: None, "theme.photo: file 'foto.jpg' not found"),
    "not-an-image": (lambda p: p.write_text("not a photo", encoding="utf-8"),
                     "theme.photo: 'foto.jpg' is not a JPEG, PNG or WebP photo"),
    "too-big": (_huge, "theme.photo: 'foto.jpg' is 26 MB, more than the 25 MB allowed"),
    "too-many-pixels": (lambda p: p.write_bytes(_png_header(20_000, 20_000)),
                        "theme.photo: 'foto.jpg' has more than 50 megapixels"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_hostile_photo_is_refused_before_decoding(case, site):
    make, message = CASES[case]
    make(with_photo(site) / "foto.jpg")
    started = time.monotonic()
    result = run_cli("check", cwd=site)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"site.toml: {message}" in result.stderr
    assert time.monotonic() - started < 20  # nothing was decoded


def test_a_photo_without_description_is_an_error(site):
    phone_photo(with_photo(site, alt="") / "foto.jpg")
    result = run_cli("check", cwd=site)
    assert result.returncode == 1
    assert "site.toml: theme.photo_alt: the photo 'foto.jpg' has no description" in result.stderr


def test_a_photo_whose_data_breaks_off_stops_the_build_and_keeps_the_previous_output(site):
    assert run_cli("build", cwd=site).returncode == 0
    before = tree_digest(site / "output")
    _cut(with_photo(site) / "foto.jpg")
    result = run_cli("build", cwd=site)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "site.toml: theme.photo: 'foto.jpg' cannot be decoded" in result.stderr
    assert tree_digest(site / "output") == before
