"""The invoice block: a small code with a line of text beside it, for the business's invoice template,
as vector PDF (fonts embedded, 100 % K), SVG (mm user units) and greyscale PNGs at 300 and 600 dpi."""

from __future__ import annotations

import io
from html import escape

from PIL import Image

from .layout import MM, InvoiceLayout, invoice_layout
from .print_model import InvoiceBlockSpec
from .posters import PNG_LEVEL_FAST, render_pdf
from .qr import BLACK_K, draw_qr, modules_with_quiet_zone, new_canvas, qr_matrix, qr_path_d, _cleared

# The SVG's text is laid out with DejaVu Sans' widths: that font first where it is installed (most Linux
# systems), then Verdana, a wide sans serif like it that Windows and macOS have, then Vera (DejaVu's origin).
SVG_FONT_STACK = "'DejaVu Sans', Verdana, 'Bitstream Vera Sans', Arial, sans-serif"


def invoice_block_pdf(spec: InvoiceBlockSpec) -> bytes:
    """The invoice block as a vector PDF (page = block, no bleed), font embedded."""
    lay = invoice_layout(spec)
    matrix = qr_matrix(spec.qr_url, spec.error_correction, source=spec.source)
    out = io.BytesIO()
    page = new_canvas(out, lay.width_mm * MM, lay.height_mm * MM)
    page.setTitle("WhatsApp QR block")
    draw_qr(page, matrix, lay.qr_x_mm * MM, lay.qr_y_mm * MM, lay.qr_size_mm * MM, logo=spec.qr_logo)
    page.setFillColor(BLACK_K)
    lay.text.draw(page, lay.text_x_mm, lay.text_top_mm, centred=False)
    page.showPage()
    page.save()
    return out.getvalue()


def invoice_block_svg(spec: InvoiceBlockSpec) -> str:
    """The invoice block as SVG in mm user units; text in a system font stack."""
    lay = invoice_layout(spec)
    matrix = qr_matrix(spec.qr_url, spec.error_correction, source=spec.source)
    if spec.qr_logo is not None:
        # the loose qr-*.svg carries the logo picture; the block only leaves its square light
        matrix = _cleared(matrix, spec.qr_logo)
    n = modules_with_quiet_zone(matrix)
    scale = lay.qr_size_mm / n
    qr_top = lay.height_mm - lay.qr_y_mm - lay.qr_size_mm
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(lay.width_mm)}mm" height="{_n(lay.height_mm)}mm" '
        f'viewBox="0 0 {_n(lay.width_mm)} {_n(lay.height_mm)}">'
        f'<g transform="translate({_n(lay.qr_x_mm)} {_n(qr_top)}) scale({scale:.6f})" shape-rendering="crispEdges">'
        f'<rect width="{n}" height="{n}" fill="#fff"/><path fill="#000" d="{qr_path_d(matrix)}"/></g>'
        f'<text font-family="{SVG_FONT_STACK}" font-size="{_n(lay.text.size / MM)}" fill="#000">{_spans(lay)}</text>'
        "</svg>\n"
    )


def _spans(lay: InvoiceLayout) -> str:
    first = lay.height_mm - lay.text_top_mm + lay.text.size * 0.74 / MM
    return "".join(f'<tspan x="{_n(lay.text_x_mm)}" y="{_n(first + i * lay.text.leading_mm)}">'
                   f'{escape(line, quote=False)}</tspan>' for i, line in enumerate(lay.text.lines))


def _n(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".") or "0"


def invoice_block_png(spec: InvoiceBlockSpec, dpi: int = 300, *, pdf: bytes | None = None) -> bytes:
    """The invoice block rasterised from its PDF (greyscale, anti-aliased, dpi stored)."""
    return _grey_png(_raster(pdf if pdf is not None else invoice_block_pdf(spec), dpi), dpi)


def invoice_block_pngs(spec: InvoiceBlockSpec, dpis: tuple[int, ...], *, pdf: bytes | None = None) -> dict[int, bytes]:
    """``invoice_block_png`` at several resolutions: rendered once at the highest and scaled down from it
    (each pixel the average of the pixels it covers: as sharp as rendering it directly, at a third of the cost)."""
    top = max(dpis)
    master = _raster(pdf if pdf is not None else invoice_block_pdf(spec), top)
    out = {}
    for dpi in dpis:
        size = (max(1, round(master.width * dpi / top)), max(1, round(master.height * dpi / top)))
        out[dpi] = _grey_png(master if dpi == top else master.resize(size, Image.Resampling.BOX), dpi)
    return out


def invoice_files(spec: InvoiceBlockSpec, stem: str) -> dict[str, bytes]:
    """``<stem>.svg``, ``<stem>.pdf``, ``<stem>-300dpi.png`` and ``<stem>-600dpi.png``."""
    files = {f"{stem}.svg": invoice_block_svg(spec).encode("utf-8"), f"{stem}.pdf": invoice_block_pdf(spec)}
    for dpi, png in invoice_block_pngs(spec, (300, 600), pdf=files[f"{stem}.pdf"]).items():
        files[f"{stem}-{dpi}dpi.png"] = png
    return files


def _raster(pdf: bytes, dpi: int) -> Image.Image:
    return render_pdf(pdf, dpi, grayscale=True).convert("L")


def _grey_png(image: Image.Image, dpi: int) -> bytes:
    out = io.BytesIO()
    # zlib level 3: 25 KB instead of 21 KB for a block that goes into an invoice template, at 60 % of the time
    image.save(out, format="PNG", dpi=(dpi, dpi), compress_level=PNG_LEVEL_FAST)
    return out.getvalue()
