"""site-builder: a lawful WhatsApp consent page, QR codes, posters and GDPR records from one settings file."""

__version__ = "0.1.0"
