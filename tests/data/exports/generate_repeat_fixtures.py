"""Regenerate the two exports of one chat used for "STOPP" and repeated-export tests
(run: python generate_repeat_fixtures.py).

"WhatsApp-Chat mit Lena Vogel.txt" is an Android export made in March; "WhatsApp-Chat mit
Lena Vogel (1).zip" is the same chat exported again in April (the browser added " (1)" to the
download), so it holds every March message again plus the April ones."""

from __future__ import annotations

from generate_fixtures import BOM, android_de, render, write_txt, write_zip

# (year, month, day, hour, minute, second, sender or None for a system line, text)
MARCH = [
    (2026, 3, 2, 9, 0, 0, None, "Nachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt. Niemand außerhalb dieses Chats, nicht einmal WhatsApp, kann sie lesen oder anhören. Tippe, um mehr zu erfahren."),
    (2026, 3, 2, 9, 5, 0, "Lena Vogel", "Hallo Bäckerei Müller, ich willige in WhatsApp-Kontakt ein für: Anfragen & Aufträge, Angebote & Neuigkeiten. (Einwilligung 3f2a9c1b)"),
    (2026, 3, 2, 9, 7, 0, "Bäckerei Müller", "Danke, Frau Vogel! Abmelden geht jederzeit: einfach STOPP schreiben."),
    (2026, 3, 15, 11, 30, 0, "Lena Vogel", "Können Sie die Lieferung für Freitag stoppen?"),
    (2026, 3, 15, 11, 31, 0, "Lena Vogel", "Stopp, ich meinte Samstag, nicht Freitag!"),
    # sent twice within one minute: two messages, so two rows
    (2026, 3, 20, 18, 0, 0, "Lena Vogel", "Stopp Werbung"),
    (2026, 3, 20, 18, 0, 0, "Lena Vogel", "stopp werbung!"),
]
APRIL = [
    (2026, 4, 2, 10, 0, 0, "Lena Vogel", "Hallo Bäckerei Müller, ich willige in WhatsApp-Kontakt ein für: Anfragen & Aufträge, Angebote & Neuigkeiten. (Einwilligung 3f2a9c1b)"),
    (2026, 4, 10, 8, 15, 0, "Lena Vogel", "Bitte keine Werbung mehr per WhatsApp von Bäckerei Müller. STOPP Werbung"),
    (2026, 4, 11, 19, 40, 0, "Lena Vogel", "<MEDIA>"),
    (2026, 4, 12, 7, 5, 0, "Lena Vogel", "STOPP"),
    (2026, 4, 12, 7, 6, 0, "Lena Vogel", "Ich widerrufe meine Einwilligung in WhatsApp-Kontakt mit Bäckerei Müller. STOPP"),
]


def main() -> None:
    """Write both exports."""
    media = "<Medien ausgeschlossen>"
    march = render(MARCH, android_de, ios=False, chat="Lena Vogel", media=media)
    write_txt("WhatsApp-Chat mit Lena Vogel.txt", march, crlf=True, bom=True)
    april = render(MARCH + APRIL, android_de, ios=False, chat="Lena Vogel", media=media).replace("\n", "\r\n")
    write_zip("WhatsApp-Chat mit Lena Vogel (1).zip", {
        "WhatsApp-Chat mit Lena Vogel.txt": (BOM + april).encode("utf-8"),
        "IMG-20260411-WA0003.jpg": b"\xff\xd8\xff\xe0 not really a jpeg",
    })


if __name__ == "__main__":
    main()
