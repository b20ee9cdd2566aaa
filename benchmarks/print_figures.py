"""Print figures for the print module: module sizes, file sizes, timing, blur tolerance.

Run: python benchmarks/print_figures.py
"""

from __future__ import annotations

import time

from PIL import ImageFilter

from pathlib import Path

from site_builder.stages.printing.print_model import PAPER_FORMATS, Channel, PosterSpec, PrintSet
from site_builder.stages.printing.posters import poster_layout, render_pdf
from site_builder.stages.printing.qr import MIN_MODULE_MM, decode, module_size_mm, qr_matrix, qr_pdf
from site_builder.stages.printing.print_wording import poster_texts
from site_builder.stages.printing.draw_print import print_set_files
from site_builder.wording import Wording

SHIPPED = Wording(Path(__file__).parent / "no-site", "default")  # the built-in wording only

BASE = "https://www.schreinerei-muster.de/whatsapp/"
INVOICE_URL = BASE + "?s=r"
POSTER_URL = BASE + "?s=p"


def shipped_texts(lang: str):
    problems: list = []
    found = poster_texts(SHIPPED, lang, {}, problems)
    assert found is not None, problems
    return found


def make_print_set(print_set: PrintSet) -> dict[str, bytes]:
    return print_set_files(print_set, SHIPPED)


def main() -> None:
    TEXTS_DE, TEXTS_EN = shipped_texts("de"), shipped_texts("en")
    print_set = PrintSet(
        business_name="Schreinerei Muster – Möbel nach Maß",
        display_url="schreinerei-muster.de/whatsapp",
        channels=(Channel("invoice", INVOICE_URL, 20), Channel("poster", POSTER_URL, 50)),
        texts=(TEXTS_DE, TEXTS_EN),
        formats=tuple(PAPER_FORMATS),
        bleed_mm=3,
        crop_marks=True,
        primary_color="#8a4b0f",
    )

    print(f"URL: {INVOICE_URL} ({len(INVOICE_URL)} characters), error correction M")
    matrix = qr_matrix(INVOICE_URL)
    print(f"symbol: {len(matrix)}x{len(matrix)} modules + 4 quiet-zone modules per side")
    print(f"minimum module (4 dots at 300 dpi): {MIN_MODULE_MM:.4f} mm\n")

    print("module sizes")
    print(f"  invoice code  20.0 mm  module {module_size_mm(matrix, 20):.3f} mm")
    for name, paper in PAPER_FORMATS.items():
        layout = poster_layout(PosterSpec(print_set.business_name, POSTER_URL, print_set.display_url, TEXTS_DE,
                                           paper=name))
        print(
            f"  poster {name}     {layout.qr_size_mm:5.1f} mm  module {layout.module_mm:.3f} mm"
            f"  (scan distance {paper.scan_distance_cm:g} cm)"
        )

    make_print_set(print_set)  # warm up fonts and imports
    runs = 5
    start = time.perf_counter()
    for _ in range(runs):
        files = make_print_set(print_set)
    elapsed = (time.perf_counter() - start) / runs
    print(f"\nmake_print_set: {len(files)} files in {elapsed * 1000:.0f} ms (mean of {runs}; 3 formats x 2 languages, crop marks on)")
    print("\nfile sizes")
    for name, data in files.items():
        print(f"  {name:32s} {len(data):8,d} bytes")
    print(f"  {'total':32s} {sum(map(len, files.values())):8,d} bytes")

    print("\ndecoding at 300 dpi after Gaussian blur (vector PDF rasterised by pdfium, zxing-cpp)")
    sigmas = (0.5, 1.0, 1.5, 2.0, 2.5, 3.0)
    print("  size    module   " + "  ".join(f"σ={s:<3g}" for s in sigmas))
    for size in (12, 15, 20):
        image = render_pdf(qr_pdf(matrix, size), 300, grayscale=True).convert("L")
        px = module_size_mm(matrix, size) / 25.4 * 300
        cells = []
        for sigma in sigmas:
            ok = decode(image.filter(ImageFilter.GaussianBlur(sigma))) == [INVOICE_URL]
            cells.append(f"{'yes' if ok else 'NO':6s}")
        print(f"  {size:2d} mm  {px:4.2f} px  " + " ".join(cells))


if __name__ == "__main__":
    main()
