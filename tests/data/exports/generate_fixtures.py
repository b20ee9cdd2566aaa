"""Regenerate the synthetic WhatsApp export fixtures in this folder (run: python generate_fixtures.py)."""

from __future__ import annotations

import zipfile
from pathlib import Path

HERE = Path(__file__).parent
LRM, NNBSP, NBSP, LTR_EMBED, POP = "\u200e", "\u202f", "\u00a0", "\u202a", "\u202c"
BOM = "\ufeff"

# (year, month, day, hour, minute, second, sender or None for a system line, text)
DE = [
    (2026, 11, 28, 14, 0, 0, None, "Nachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt. Niemand außerhalb dieses Chats, nicht einmal WhatsApp, kann sie lesen oder anhören. Tippe, um mehr zu erfahren."),
    (2026, 11, 28, 14, 5, 9, "Anna Schmidt", "Hallo Bäckerei Müller, ich willige in WhatsApp-Kontakt ein für: Anfragen & Aufträge. (Einwilligung 3f2a9c1b)"),
    (2026, 11, 28, 14, 6, 30, "Bäckerei Müller", "Danke, Frau Schmidt! Zur Info, der Text lautet: Hallo Bäckerei Müller, ich willige in WhatsApp-Kontakt ein für: Anfragen & Aufträge, Angebote & Neuigkeiten. (Einwilligung 3f2a9c1b)"),
    (2026, 11, 29, 9, 15, 0, "Jürgen Weiß", "Hallo Bäckerei Müller, ich willige in WhatsApp-Kontakt ein für: Anfragen & Aufträge, Angebote & Neuigkeiten. (Einwilligung 3f2a9c1b)"),
    (2026, 11, 29, 9, 20, 41, f"{LTR_EMBED}+49 151 23456789{POP}", "Hallo Bäckerei Müller,\nich willige in WhatsApp-Kontakt ein für:\nAnfragen & Aufträge, Angebote & Neuigkeiten.\n(Einwilligung 3f2a9c1b/r)"),
    (2026, 11, 30, 10, 0, 5, "Zoë Schäfer", "Hallo Bäckerei Müller, ich willige in WhatsApp-Kontakt ein für: Anfragen & Aufträge. (Einwilligung a1b2c3d4)"),
    (2026, 11, 30, 10, 1, 0, "Zoë Schäfer", f"Hallo{NBSP}Bäckerei Müller, ich willige in WhatsApp-Kontakt ein für: Anfragen & Aufträge. (Einwilligung deadbeef)"),
    (2026, 12, 1, 8, 0, 0, "Anna Schmidt", "Was passiert eigentlich mit meiner Einwilligung, wenn ich umziehe?"),
    (2026, 12, 1, 8, 1, 12, "Anna Schmidt", "<MEDIA>"),
    (2026, 12, 1, 8, 2, 0, "Jürgen Weiß", "hallo, ich willige in WhatsApp-Kontakt ein für: Anfragen & Aufträge (Einwilligung 3f2a9c1b)"),
    (2026, 12, 13, 18, 45, 0, "Jürgen Weiß", "Bitte keine Werbung mehr per WhatsApp von Bäckerei Müller. STOP Werbung"),
    (2026, 12, 14, 7, 30, 0, f"{LTR_EMBED}+49 151 23456789{POP}", "Stop!"),
    (2026, 12, 24, 12, 0, 0, "Zoë Schäfer", "Ich widerrufe meine Einwilligung in WhatsApp-Kontakt mit Baeckerei Mueller.\nSTOP"),
    (2026, 12, 24, 12, 5, 0, "Bäckerei Müller", "Ich widerrufe meine Einwilligung in WhatsApp-Kontakt mit Bäckerei Müller. STOP"),
]

EN = [
    (2026, 11, 28, 14, 0, 0, None, "Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them. Tap to learn more."),
    (2026, 11, 28, 14, 5, 9, "Emma Clarke", "Hello Bäckerei Müller, I consent to WhatsApp contact for: Enquiries & orders. (consent 7c4e2d10)"),
    (2026, 11, 28, 14, 6, 30, "Bäckerei Müller", "Thanks! For the record, the text reads: Hello Bäckerei Müller, I consent to WhatsApp contact for: Enquiries & orders. (consent 7c4e2d10)"),
    (2026, 11, 29, 9, 15, 0, "Oliver Brown", "Hello Bäckerei Müller, I consent to WhatsApp contact for: Enquiries & orders, Offers & news. (consent 7c4e2d10)"),
    (2026, 11, 29, 21, 20, 41, f"{LTR_EMBED}+44 7700 900123{POP}", "Hello Bäckerei Müller,\nI consent to WhatsApp contact for:\nEnquiries & orders, Offers & news.\n(consent 7c4e2d10/r)"),
    (2026, 11, 30, 10, 0, 5, "Zoë O'Neill", "Hello Bäckerei Müller, I consent to WhatsApp contact for: Enquiries & orders. (consent 0badc0de)"),
    (2026, 11, 30, 10, 1, 0, "Zoë O'Neill", f"Hello{NBSP}Bäckerei Müller, I consent to WhatsApp contact for: Enquiries & orders. (consent 12ab34cd)"),
    (2026, 12, 1, 0, 0, 0, "Emma Clarke", "Do you need my consent again for the delivery next week?"),
    (2026, 12, 1, 0, 1, 12, "Emma Clarke", "<MEDIA>"),
    (2026, 12, 1, 12, 2, 0, "Oliver Brown", "hi, I consent to WhatsApp contact for: Enquiries & orders (consent 7c4e2d10)"),
    (2026, 12, 13, 18, 45, 0, "Oliver Brown", "Please no more marketing on WhatsApp from Bäckerei Müller. STOP marketing"),
    (2026, 12, 14, 7, 30, 0, f"{LTR_EMBED}+44 7700 900123{POP}", "stop"),
    (2026, 12, 24, 12, 0, 0, "Zoë O'Neill", "I withdraw my consent to WhatsApp contact with Mueller bakery.\nSTOP"),
    (2026, 12, 24, 12, 5, 0, "Bäckerei Müller", "I withdraw my consent to WhatsApp contact with Bäckerei Müller. STOP"),
]


def _h12(hour: int) -> tuple[int, str]:
    """12-hour clock hour and AM/PM."""
    return (hour % 12 or 12), ("AM" if hour < 12 else "PM")


def android_de(y, mo, d, h, mi, s):
    return f"{d:02d}.{mo:02d}.{y % 100:02d}, {h:02d}:{mi:02d} - "


def android_us(y, mo, d, h, mi, s):
    hh, ap = _h12(h)
    return f"{mo}/{d}/{y % 100:02d}, {hh}:{mi:02d}{NNBSP}{ap} - "


def android_uk(y, mo, d, h, mi, s):
    return f"{d:02d}/{mo:02d}/{y}, {h:02d}:{mi:02d} - "


def ios_de(y, mo, d, h, mi, s):
    return f"[{d:02d}.{mo:02d}.{y % 100:02d}, {h:02d}:{mi:02d}:{s:02d}] "


def ios_uk(y, mo, d, h, mi, s):
    return f"[{d:02d}/{mo:02d}/{y}, {h:02d}:{mi:02d}:{s:02d}] "


def ios_us(y, mo, d, h, mi, s):
    hh, ap = _h12(h)
    return f"[{mo}/{d}/{y % 100:02d}, {hh}:{mi:02d}:{s:02d}{NNBSP}{ap}] "


def render(scenario, stamp, *, ios: bool, chat: str, media: str, malformed_before: int | None = None,
           malformed: str = "") -> str:
    """The export text of a scenario in one timestamp format."""
    lines = []
    for i, (y, mo, d, h, mi, s, sender, text) in enumerate(scenario):
        if i == malformed_before:
            lines.append(malformed)
        if text == "<MEDIA>":
            text = media
        head = stamp(y, mo, d, h, mi, s)
        if ios:
            # iOS files system notices under the chat name and marks them (and media) with U+200E.
            if sender is None:
                lines.append(f"{head}{chat}: {LRM}{text}")
            elif text.startswith(LRM):
                lines.append(f"{LRM}{head}{sender}: {text}")
            else:
                lines.append(f"{head}{sender}: {text}")
        else:
            lines.append(f"{head}{text}" if sender is None else f"{head}{sender}: {text}")
    return "\n".join(lines) + "\n"


def write_txt(name: str, text: str, *, crlf: bool = False, bom: bool = False) -> None:
    """Write one fixture text file with the requested line ends and BOM."""
    if crlf:
        text = text.replace("\n", "\r\n")
    path = HERE / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(((BOM if bom else "") + text).encode("utf-8"))


def write_zip(name: str, members: dict[str, bytes]) -> None:
    """Write a zip with fixed timestamps so regenerating gives the same bytes."""
    with zipfile.ZipFile(HERE / name, "w", zipfile.ZIP_DEFLATED) as zf:
        for member, data in members.items():
            info = zipfile.ZipInfo(member, date_time=(2026, 12, 31, 12, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)


def main() -> None:
    """Write every fixture."""
    write_txt("WhatsApp-Chat mit Anna Schmidt.txt",
              render(DE, android_de, ios=False, chat="Anna Schmidt", media="<Medien ausgeschlossen>",
                     malformed_before=12, malformed="32.13.26, 25:99 - X: y\nzweite Zeile der kaputten Nachricht"),
              crlf=True, bom=True)
    write_txt("WhatsApp Chat with Emma Clarke.txt",
              render(EN, android_us, ios=False, chat="Emma Clarke", media="<Media omitted>"))
    write_txt("WhatsApp Chat with Oliver Brown.txt",
              render(EN, android_uk, ios=False, chat="Oliver Brown", media="<Media omitted>"), crlf=True)
    ios_de_text = render(DE, ios_de, ios=True, chat="Jürgen Weiß", media=f"{LRM}Bild weggelassen")
    write_zip("WhatsApp Chat - Jürgen Weiß.zip", {
        "_chat.txt": (BOM + ios_de_text).encode("utf-8"),
        "00000012-PHOTO-2026-12-01-08-01-12.jpg": b"\xff\xd8\xff\xe0 not really a jpeg",
    })
    write_txt("WhatsApp Chat - Zoë O'Neill/_chat.txt",
              render(EN, ios_uk, ios=True, chat="Zoë O'Neill", media=f"{LRM}<attached: 00000012-PHOTO.jpg>"), crlf=True)
    write_zip("WhatsApp Chat - Jack Miller.zip", {
        "_chat.txt": render(EN, ios_us, ios=True, chat="Jack Miller", media=f"{LRM}image omitted").encode("utf-8"),
    })
    write_txt("WhatsApp Chat with Ambiguous Slash.txt",
              "03/04/26, 10:00 - Max Mustermann: Hello Bäckerei Müller, I consent to WhatsApp contact for: Enquiries & orders. (consent 7c4e2d10)\n"
              "05/04/26, 11:30 - Max Mustermann: thanks\n")
    write_txt("WhatsApp Chat with Ambiguous AMPM.txt",
              f"03/04/26, 10:00{NNBSP}AM - Max Mustermann: Hello Bäckerei Müller, I consent to WhatsApp contact for: Enquiries & orders. (consent 7c4e2d10)\n"
              f"05/04/26, 11:30{NNBSP}PM - Max Mustermann: thanks\n")


if __name__ == "__main__":
    main()
