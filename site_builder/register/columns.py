"""The register's columns, in file order: the records' manual register template names them too."""

# `message` (issue 23, point 7): the customer's own words of a consent, withdrawal or opt-out, so that the proof
# survives deleting the chat. Registers written before it have every other column and are still read as registers.
REGISTER_COLUMNS_V1 = (
    "chat", "sender", "date", "time", "event", "consent_id", "source", "purposes", "purposes_label",
    "version_status", "lang", "file", "line",
)
CSV_COLUMNS = (*REGISTER_COLUMNS_V1, "message")
