"""The register's columns, in file order: the records' manual register template names them too."""

CSV_COLUMNS = (
    "chat", "sender", "date", "time", "event", "consent_id", "source", "purposes", "purposes_label",
    "version_status", "lang", "file", "line",
)
