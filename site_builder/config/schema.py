"""Every settings key, declared once: its kind, doc (English and German), default, checks, limits.

The docs are the single source of what a key means: `check`'s messages quote them and `init` writes
them as the comments of a new site.toml (in the language of the messages). `find` says where an
owner finds the value; `init` says how the new site.toml shows the key:
"fill" (a <<marker>> to replace), "value" (the `sample` or default, ready to use), "comment" (a
commented-out line), "doc" (a table shown as a commented-out block), "example" (copied from the
example site: texts that are not the business's own, such as the legal basis of the transfer), "" (left out).
"""

from __future__ import annotations

from . import checks
from .bot_schema import bot_table
from .checks import PAPER_FORMATS
from ..graphics.icons import ICONS
from .option import Opt


S = Opt
_ADDRESS_FIND = ("your trade registration (Gewerbeanmeldung) or register entry", "Ihre Gewerbeanmeldung oder Ihr Registereintrag")

SITE = {
    "base_url": S("str", "absolute https address of the folder where output/site/ is uploaded",
                  "vollständige https-Adresse des Ordners, in den output/site/ hochgeladen wird",
                  check=checks.https_url, init="fill", max_len=500,
                  find=("ask your web host or agency; e.g. https://www.example.de/whatsapp/",
                        "fragen Sie Ihren Webhoster oder Ihre Agentur; z. B. https://www.beispiel.de/whatsapp/")),
    "languages": S("list", "language codes of the page, the default first", "Sprachen der Seite, die erste ist die "
                   "Standardsprache", default=["de"], sample='["de", "en"]'),
    "as_of": S("date", 'the "Stand" date of the texts and records, YYYY-MM-DD (no quotes)',
               'das Datum „Stand“ der Texte und Unterlagen, JJJJ-MM-TT (ohne Anführungszeichen)',
               find=("today's date; change it whenever you revise the texts",
                     "das heutige Datum; ändern Sie es, wenn Sie die Texte überarbeiten"), init="today"),
    "title": S("text", "page title; defaults to the business name", "Seitentitel; ohne Angabe der Name des "
               "Betriebs", required=False, init=""),
    "hosting_provider": S("str", "name and address of your web host (check lists it as a to-do while unset)",
                          "Name und Anschrift Ihres Webhosters (check führt ihn als offenen Punkt, solange er fehlt)",
                          required=False, init="fill",
                          find=("your hosting contract or invoice", "Ihr Hosting-Vertrag oder Ihre Rechnung")),
    "log_retention_days": S("int", "days after which your web host deletes its server logs (named in the privacy "
                            "notice)", "Tage, nach denen Ihr Webhoster die Server-Logs löscht (steht in der "
                            "Datenschutzerklärung)", required=False, check=checks.log_days, init="comment",
                            sample="14"),
    # written by `init` ("baeckerei", ... or "example"): `check` warns while that wording is unchanged
    "preset": S("str", "the trade preset init started from; check warns while its texts are unchanged",
                "die Branchenvorlage, mit der init begonnen hat; check warnt, solange deren Texte unverändert sind",
                required=False, check=checks.preset, init="example", max_len=40),
}

BUSINESS = {
    "name": S("str", "full name of the business as registered", "vollständiger Name des Betriebs wie eingetragen",
              init="fill", max_len=120, find=_ADDRESS_FIND),
    "short_name": S("str", "short name used in the WhatsApp message", "Kurzname für die WhatsApp-Nachricht",
                    required=False, init="comment", sample='"..."', max_len=80),
    "legal_form": S("str", "legal form, e.g. Einzelunternehmen, GmbH, e.K.", "Rechtsform, z. B. Einzelunternehmen, "
                    "GmbH, e.K.", init="fill", max_len=80, find=_ADDRESS_FIND),
    "representative": S("str", "owner or managing director(s)", "Inhaber/in oder Geschäftsführung",
                        init="fill", max_len=200, find=_ADDRESS_FIND),
    "street": S("str", "street and number (no PO box, § 5 DDG)", "Straße und Hausnummer (kein Postfach, § 5 DDG)",
                init="fill", max_len=120, find=_ADDRESS_FIND),
    "postal_code": S("str", "postal code", "Postleitzahl", init="fill", max_len=20, find=_ADDRESS_FIND),
    "city": S("str", "city", "Ort", init="fill", max_len=80, find=_ADDRESS_FIND),
    "country": S("str", "two-letter country code, also the default region for phone numbers",
                 "Ländercode mit zwei Buchstaben, auch die Vorwahl-Region für Telefonnummern", default="DE",
                 sample='"DE"', max_len=40),
    # the data protection authority follows from it (site_builder/facts) unless [authority] is set
    "state": S("str", "German Land, e.g. Bayern or Nordrhein-Westfalen; your data protection authority follows "
               "from it", "Bundesland, z. B. Bayern oder Nordrhein-Westfalen; daraus ergibt sich Ihre "
               "Datenschutzaufsicht", required=False, init="fill", max_len=40,
               find=("the Land your business is in", "das Bundesland Ihres Betriebssitzes")),
    "email": S("str", "e-mail address for customers", "E-Mail-Adresse für Kundinnen und Kunden",
               check=checks.email, init="fill", max_len=120,
               find=("an address you read every working day", "eine Adresse, die Sie jeden Arbeitstag lesen")),
    "phone": S("str", 'phone for customers, e.g. "0123 456789" or "+49 123 456789"',
               'Telefon für Kundinnen und Kunden, z. B. "0123 456789" oder "+49 123 456789"', init="fill",
               max_len=40, find=("the number customers can call instead of using WhatsApp",
                                 "die Nummer, die Kunden statt WhatsApp anrufen können")),
    "opening_hours": S("text", "when the phone is answered", "wann das Telefon besetzt ist", required=False,
                       init="fill", max_len=200, find=("your opening hours", "Ihre Öffnungszeiten")),
    # the landing page's header: what a customer trusts, under the name (not imprint data)
    "trade": S("text", "what you are, in a word or two, as the header of the page shows it under your name, e.g. "
               "Malermeister or Elektrotechnik & Smart Home", "was Sie sind, in ein, zwei Worten, wie es der Kopf der "
               "Seite unter Ihrem Namen zeigt, z. B. Malermeister oder Elektrotechnik & Smart Home", required=False,
               init="comment", sample='"..."', max_len=60),
    "credentials": S("text", "what customers trust, shown after the trade, e.g. Meisterbetrieb · Mitglied der "
                     "Maler- und Lackierer-Innung", "was Kunden Vertrauen gibt, hinter dem Beruf, z. B. "
                     "Meisterbetrieb · Mitglied der Maler- und Lackierer-Innung", required=False, init="comment",
                     sample='"..."', max_len=120),
    "register": S("str", "register court, e.g. Amtsgericht Köln", "Registergericht, z. B. Amtsgericht Köln", required=False, init="comment", sample='"..."', max_len=120),
    "register_number": S("str", "e.g. HRB 12345", "z. B. HRB 12345", required=False, init="comment",
                         sample='"..."', max_len=40),
    "economic_id": S("str", "business identification number (Wirtschafts-Identifikationsnummer, § 5 Abs. 1 Nr. 6 "
                     "DDG), once the tax office has issued it", "Wirtschafts-Identifikationsnummer (§ 5 Abs. 1 Nr. 6 "
                     "DDG), sobald das Finanzamt sie vergeben hat", required=False, init="comment",
                     sample='"DE...-00001"', max_len=20),
    "vat_id": S("str", "VAT ID (USt-IdNr.)", "Umsatzsteuer-Identifikationsnummer (USt-IdNr.)", required=False,
                init="comment", sample='"DE..."', max_len=20),
    "chamber": S("str", "e.g. Handwerkskammer zu Köln", "z. B. Handwerkskammer zu Köln", required=False,
                 init="comment", sample='"..."', max_len=200),
    "professional_title": S("text", "e.g. Bäckermeister, awarded in Germany", "z. B. Bäckermeister, verliehen in "
                            "Deutschland", required=False, init="comment", sample='"..."', max_len=200),
    "trade_register": S("str", "e.g. Handwerksrolle der Handwerkskammer", "z. B. Handwerksrolle der "
                        "Handwerkskammer", required=False, init="comment", sample='"..."', max_len=200),
    "supervisory_authority": S("str", "authority for licensed trades (§ 5 DDG)", "Aufsichtsbehörde bei "
                               "erlaubnispflichtigen Tätigkeiten (§ 5 DDG)", required=False, init="comment",
                               sample='"..."', max_len=200),
}

PURPOSE = {
    "id": S("str", "short id, e.g. service or marketing", "kurze Kennung, z. B. service oder marketing", max_len=32),
    "required": S("bool", "true: needed to start the chat at all", "true: nötig, um den Chat überhaupt zu beginnen",
                  default=False),
    "label": S("text", "what the box says", "was neben dem Kästchen steht", max_len=400),
    "short": S("text", "a word or two for the WhatsApp message", "ein, zwei Wörter für die WhatsApp-Nachricht",
               max_len=40),
    "description": S("text", "one sentence: what you do with it", "ein Satz: was Sie damit tun", max_len=600),
    "legal_basis": S("text", "e.g. Art. 6 Abs. 1 lit. a DSGVO", "z. B. Art. 6 Abs. 1 lit. a DSGVO", max_len=300),
    # Art. 9(2)(a) GDPR: health or other special data need explicit consent, given in a box of its own (EDPB
    # Guidelines 05/2020, paras. 93-94: an express statement; legal research notes § 5.5, checked 2026-12-07)
    "special_category": S("bool", "true: the box is the explicit consent to health or other special data (Art. 9(2)(a) "
                          "GDPR); never required, and its legal_basis names Art. 9", "true: das Kästchen ist die "
                          "ausdrückliche Einwilligung in Gesundheits- oder andere besondere Daten (Art. 9 Abs. 2 lit. a "
                          "DSGVO); nie erforderlich, und legal_basis nennt Art. 9", default=False, init=""),
}

RISK = {
    "title": S("text", "the risk in a few words", "das Risiko in wenigen Worten", max_len=200),
    "description": S("text", "what could happen to the people concerned", "was den Betroffenen passieren könnte",
                     max_len=1000),
    "assessment": S("text", "likelihood and severity, e.g. possible; severity low", "Eintrittswahrscheinlichkeit und "
                    "Schwere, z. B. möglich; Schwere gering", required=False, max_len=500),
    "measures": S("text", "what you do about it, e.g. M3 or your own words", "was Sie dagegen tun, z. B. M3 oder "
                  "eigene Worte", required=False, max_len=1000),
}

MEASURE = {
    "title": S("text", "the measure in a few words", "die Maßnahme in wenigen Worten", max_len=200),
    "description": S("text", "how it is done, and by whom", "wie und von wem sie umgesetzt wird", max_len=1000),
}

_APP_LIMITS = {
    "greeting": (500, "greeting message", "Begrüßungsnachricht"),
    "away": (500, "away message", "Abwesenheitsnachricht"),
    "quick_reply": (500, "each quick reply", "jede Schnellantwort"),
    "shortcut": (25, "a quick-reply shortcut", "Kürzel einer Schnellantwort"),
    "profile_description": (256, "business profile description", "Beschreibung im Unternehmensprofil"),
    "website": (256, "business profile website", "Website im Unternehmensprofil"),
}
_APP_TEXTS = ("greeting", "away", "privacy", "consent_confirmed", "withdrawal", "stop_confirmed", "marketing_stopped",
              "profile_description")
_TERMS = "https://www.whatsapp.com/legal/"

RECORDS = {
    "terms_accepted": S("date", "the day you accepted WhatsApp's Business Terms with their data processing terms "
                        "in the app, YYYY-MM-DD (no quotes)", "der Tag, an dem Sie in der App die "
                        "WhatsApp-Business-Nutzungsbedingungen mit den Auftragsverarbeitungsbedingungen akzeptiert "
                        "haben, JJJJ-MM-TT (ohne Anführungszeichen)", required=False, init="fill",
                        find=("the e-mail WhatsApp sent you, or the date you set up WhatsApp Business",
                              "die E-Mail von WhatsApp oder das Datum, an dem Sie WhatsApp Business eingerichtet "
                              "haben")),
    "terms_url": S("str", "WhatsApp Business Terms of Service", "Nutzungsbedingungen von WhatsApp Business",
                   check=checks.https_url, default=_TERMS + "business-terms", init=""),
    "processing_terms_url": S("str", "WhatsApp Business Data Processing Terms", "Auftragsverarbeitungsbedingungen "
                              "von WhatsApp Business", check=checks.https_url,
                              default=_TERMS + "business-data-processing-terms", init=""),
    "security_terms_url": S("str", "WhatsApp Business Data Security Terms", "Datensicherheitsbedingungen von "
                            "WhatsApp Business", check=checks.https_url,
                            default=_TERMS + "business-data-security-terms", init=""),
    "transfer_addendum_url": S("str", "WhatsApp Business Data Transfer Addendum", "Zusatz zur Datenübermittlung "
                               "von WhatsApp Business", check=checks.https_url,
                               default=_TERMS + "business-data-transfer-addendum", init=""),
    # no longer the owner's: the clause map ships with the package (site_builder/facts/processor_terms.toml);
    # still read, so that an older site.toml gets a warning that says so instead of an unknown-key error
    "terms_clauses": S("table", "no longer needed: site-builder ships where WhatsApp's terms cover Art. 28(3)",
                       "nicht mehr nötig: site-builder liefert, wo WhatsApps Bedingungen Art. 28 Abs. 3 abdecken",
                       required=False, init=""),
    "host_dpa_filed": S("date", "the day you filed the data processing agreement with your web host "
                        "(Art. 28 GDPR), YYYY-MM-DD (no quotes)", "der Tag, an dem Sie den Auftragsverarbeitungsvertrag "
                        "mit Ihrem Webhoster abgelegt haben (Art. 28 DSGVO), JJJJ-MM-TT (ohne Anführungszeichen)",
                        required=False, init="comment", sample="2026-01-31",
                        find=("your web host's customer area (often under 'data protection' or 'AV-Vertrag')",
                              "der Kundenbereich Ihres Webhosters (oft unter „Datenschutz“ oder „AV-Vertrag“)")),
    "withdrawal_handler": S("str", "who carries out withdrawals (default: business.representative)",
                            "wer Widerrufe umsetzt (ohne Angabe: business.representative)", required=False,
                            init="fill", max_len=200,
                            find=("the person who reads the WhatsApp chats", "die Person, die die WhatsApp-Chats liest")),
    "withdrawal_deputy": S("str", "who stands in for them", "wer vertritt", required=False, init="comment",
                           sample='"..."', max_len=200),
    "withdrawal_days": S("int", "working days within which a withdrawal is carried out",
                         "Arbeitstage, binnen derer ein Widerruf umgesetzt wird", default=2, check=checks.workdays),
    "review_months": S("int", "review the records every ... months", "Unterlagen alle ... Monate prüfen",
                       default=12, check=checks.review_months),
    "device": S("text", "the phone WhatsApp Business runs on, e.g. a business phone",
                "das Telefon, auf dem WhatsApp Business läuft, z. B. ein Firmen-Smartphone", required=False,
                init="fill", max_len=300, find=("the phone you use for the business's WhatsApp",
                                                "das Telefon, das Sie für das WhatsApp des Betriebs nutzen")),
    "contacts_access": S("str", 'whether the WhatsApp Business app may read the phone\'s contacts: "off" (denied, the '
                         'default and the advice), "customers_only" (on, but only consenting customers are in that '
                         'address book) or "all" (on, with other contacts too)', 'ob die App WhatsApp Business auf die '
                         'Kontakte des Telefons zugreifen darf: "off" (verweigert, Standard und Empfehlung), '
                         '"customers_only" (erlaubt, aber im Adressbuch stehen nur einwilligende Kunden) oder "all" '
                         '(erlaubt, auch mit anderen Kontakten)', default="off", check=checks.contacts_access,
                         init="value", sample='"off"'),
    "special_categories": S("bool", "true if customers send health or other Art. 9 data: then one purpose must be "
                            "their explicit consent (special_category = true), a data protection officer is needed and "
                            "a full DPIA", "true, wenn Kunden Gesundheits- oder andere Daten nach Art. 9 DSGVO senden: "
                            "dann muss ein Zweck deren ausdrückliche Einwilligung sein (special_category = true), und es "
                            "braucht einen Datenschutzbeauftragten und eine vollständige DSFA", default=False),
    # Art. 8(1) GDPR: Germany kept the age of 16 (legal research notes § 5.4, checked 2026-12-07)
    "minors": S("str", 'whether customers may be under 16: "none" (the offer is not for children), "parental_consent" '
                '(the page asks under-16s to let a parent consent; a data protection officer and a DPIA are then '
                'needed) or "other_channel" (the page sends under-16s to phone or e-mail through their parents)',
                'ob Kundinnen und Kunden unter 16 sein können: "none" (kein Angebot für Kinder), "parental_consent" '
                '(die Seite bittet unter 16-Jährige, ein Elternteil einwilligen zu lassen; dann braucht es einen '
                'Datenschutzbeauftragten und eine DSFA) oder "other_channel" (die Seite verweist unter 16-Jährige über '
                'ihre Eltern auf Telefon oder E-Mail)', default="none", check=checks.minors, init="example",
                max_len=40),
    "risks": S("tables", "your own further risks", "Ihre eigenen weiteren Risiken", required=False, default=[],
               children=RISK, init="doc"),
    "measures": S("tables", "your own further measures", "Ihre eigenen weiteren Maßnahmen", required=False,
                  default=[], children=MEASURE, init="doc"),
    "app_limits": S("table", "length limits of the WhatsApp Business app, in characters", "Längengrenzen der "
                    "WhatsApp-Business-App in Zeichen", required=False, default={}, init="doc", children={
                        key: S("int", en, de, default=limit, check=checks.app_limit)
                        for key, (limit, en, de) in _APP_LIMITS.items()}),
    "app_texts": S("table", "your own wording for the app (placeholders: {business}, {landing_url}, {privacy_url}, "
                   "{withdrawal_url}, {phone}, {email}, {opening_hours}, {city})", "eigene Texte für die App "
                   "(Platzhalter wie links)", required=False, default={}, init="doc", children={
                       key: S("text", f"your own {key.replace('_', ' ')} text", f"eigener Text: {key}",
                              required=False, max_len=4096) for key in _APP_TEXTS}),
}

SCHEMA: dict[str, Opt] = {
    "site": S("table", "where and in which languages the page is published", "wo und in welchen Sprachen die Seite "
              "erscheint", children=SITE),
    "business": S("table", "imprint data (§ 5 DDG); leave out optional keys that do not apply",
                  "Angaben für das Impressum (§ 5 DDG); nicht zutreffende optionale Schlüssel weglassen",
                  children=BUSINESS),
    "whatsapp": S("table", "your WhatsApp Business account", "Ihr WhatsApp-Business-Konto", children={
        "number": S("str", "the WhatsApp Business number, e.g. 0170 1234567", "die WhatsApp-Business-Nummer, z. B. "
                    "0170 1234567", init="fill", max_len=40,
                    find=("the number of the phone your WhatsApp Business app runs on",
                          "die Nummer des Telefons, auf dem Ihre WhatsApp-Business-App läuft")),
    }),
    "purposes": S("tables", "one table per purpose; each gets its own unticked box; advertising is never required",
                  "eine Tabelle je Zweck; jeder bekommt ein eigenes, leeres Kästchen; Werbung ist nie Pflicht",
                  children=PURPOSE, init="example"),
    "channels": S("table", "where the QR codes are: name = short code put into the link (?s=code)",
                  "wo die QR-Codes hängen: Name = kurzes Kürzel im Link (?s=Kürzel)", required=False,
                  default={"invoice": "r", "poster": "p"}, init="example"),
    "retention": S("table", "how long chats are kept", "wie lange Chats aufbewahrt werden", children={
        "chat_months": S("int", "months after the last contact before chats are deleted", "Monate nach dem letzten "
                         "Kontakt, bis Chats gelöscht werden", check=checks.months, sample="12"),
        # the statutory periods (§ 147 AO, § 257 HGB, GoBD) are in the shipped texts already (issue 23, point 6)
        "note": S("text", "only your own further retention rule, if you have one (the legal periods are already in the "
                  "texts)", "nur eine eigene weitere Aufbewahrungsregel, falls Sie eine haben (die gesetzlichen "
                  "Fristen stehen schon in den Texten)", required=False, init="comment", sample='{ de = "...", en = "..." }',
                  max_len=1000),
    }),
    "authority": S("table", "only to override the data protection authority that follows from business.state",
                   "nur um die Datenschutzaufsicht zu ersetzen, die sich aus business.state ergibt",
                   required=False, init="doc", children={
                       "name": S("str", "name of the authority", "Name der Behörde", required=False, max_len=200),
                       "address": S("str", "its postal address", "ihre Postanschrift", required=False, max_len=300),
                       "url": S("str", "its website (https)", "ihre Website (https)", check=checks.https_url,
                                required=False, max_len=300),
                       "breach_url": S("str", "its online form for reporting a data breach (https), if any",
                                       "ihr Online-Formular für die Meldung einer Datenpanne (https), falls vorhanden",
                                       check=checks.https_url, required=False, max_len=300),
                   }),
    "dpo": S("table", "data protection officer, only if you have one", "Datenschutzbeauftragte/r, nur falls "
             "benannt", required=False, init="doc", children={
                 "name": S("str", "name", "Name", max_len=200),
                 "email": S("str", "e-mail", "E-Mail", check=checks.email, max_len=120),
                 "phone": S("str", "phone", "Telefon", required=False, max_len=40),
             }),
    "transfer": S("table", "legal basis of the transfer to the USA; check it once a year and update `reviewed`",
                  "Rechtsgrundlage der Übermittlung in die USA; einmal im Jahr prüfen und `reviewed` anpassen",
                  children={
                      # without `basis`, the wording the project keeps (site_builder/facts/transfer.toml)
                      "basis": S("text", "only to override the legal basis of the transfer to the USA that the "
                                 "tool ships", "nur um die mitgelieferte Rechtsgrundlage der Übermittlung in die USA "
                                 "zu ersetzen", required=False, init="comment", sample='{ de = "...", en = "..." }',
                                 max_len=1000),
                      "safeguards": S("text", "fallback safeguards", "zusätzliche Garantien", required=False,
                                      init="", max_len=1000),
                      "reviewed": S("date", "when you last checked the basis, YYYY-MM-DD (no quotes)",
                                    "wann Sie die Grundlage zuletzt geprüft haben, JJJJ-MM-TT (ohne "
                                    "Anführungszeichen)", init="fill",
                                    find=("the day you checked that the EU-US Data Privacy Framework still applies "
                                          "(dataprivacyframework.gov lists Meta Platforms, Inc.)",
                                          "der Tag, an dem Sie geprüft haben, dass das EU-US Data Privacy Framework "
                                          "noch gilt (dataprivacyframework.gov führt Meta Platforms, Inc.)")),
                  }),
    "theme": S("table", "the look of the page: colours, logo or icon, photo", "das Aussehen der Seite: Farben, "
               "Logo oder Symbol, Foto", required=False, default={},
               children={
        "name": S("str", "theme folder", "Ordner des Designs", default="default", init=""),
        "primary": S("str", "button colour, light mode (#rrggbb)", "Farbe der Schaltfläche, helles Design (#rrggbb)",
                     default="#8a4b0f", check=checks.colour, init="example"),
        "primary_dark": S("str", "button colour, dark mode (#rrggbb)", "Farbe der Schaltfläche, dunkles Design "
                          "(#rrggbb)", default="#f4b26b", check=checks.colour, init="example"),
        "logo": S("str", "logo file next to site.toml (SVG, PNG, JPEG or WebP)", "Logo-Datei neben site.toml (SVG, "
                  "PNG, JPEG oder WebP)", required=False, init="comment", sample='"logo.svg"'),
        "icon": S("str", "the picture in the page's header while there is no logo: " + ", ".join(ICONS) +
                  " (leave it out for none)", "das Bild im Kopf der Seite, solange es kein Logo gibt: " +
                  ", ".join(ICONS) + " (weglassen für keines)", required=False, init="example", max_len=40),
        "photo": S("str", "your own photo next to site.toml (JPEG, PNG or WebP: you, your team, your work), shown "
                   "below the chat button; resized and cleaned of camera data when the page is built",
                   "Ihr eigenes Foto neben site.toml (JPEG, PNG oder WebP: Sie, Ihr Team, Ihre Arbeit), unter dem "
                   "Chat-Knopf; beim Erstellen verkleinert und von Kameradaten befreit", required=False,
                   init="comment", sample='"foto.jpg"'),
        "photo_alt": S("text", "what the photo shows, in one sentence, for customers who cannot see it",
                       "was das Foto zeigt, in einem Satz, für Kunden, die es nicht sehen können", required=False,
                       init="comment", sample='"..."', max_len=200),
    }),
    "print": S("table", "posters and QR codes for the print shop", "Plakate und QR-Codes für die Druckerei",
               required=False, default={}, children={
        "formats": S("list", "poster sizes", "Plakatgrößen", default=list(PAPER_FORMATS), check=checks.formats),
        "bleed_mm": S("float", "bleed in mm (0-5); ask your print shop", "Beschnittzugabe in mm (0-5); fragen Sie "
                      "Ihre Druckerei", default=3.0, check=checks.bleed, sample="3"),
        "crop_marks": S("bool", "also write posters with crop marks", "zusätzlich Plakate mit Schnittmarken",
                        default=False),
        "error_correction": S("str", "QR error correction L, M, Q or H", "QR-Fehlerkorrektur L, M, Q oder H",
                              default="M", check=checks.error_correction),
        "qr_logo": S("bool", "put the logo into the centre of the code (needs H)", "Logo in die Mitte des Codes "
                     "(braucht H)", default=False),
        "scan_distance_cm": S("table", "how far people stand from each format (cm)", "aus welcher Entfernung "
                              "gescannt wird, je Format (cm)", default={"A4": 150, "A5": 100, "A6": 60, "invoice": 20},
                              sample="{ A4 = 150, A5 = 100, A6 = 60, invoice = 20 }"),
    }),
    "records": S("table", "internal records in output/records/ (never uploaded)", "interne Unterlagen in "
                 "output/records/ (werden nie hochgeladen)", required=False, default={}, children=RECORDS),
    # the consent bot's keys (config/bot_schema.py); only `site-builder bot` reads the secrets they name
    "bot": bot_table(),
}
