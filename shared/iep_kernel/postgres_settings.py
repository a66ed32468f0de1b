"""The PostgreSQL server settings the platform needs wherever it runs: the embedded server
(`iep up`, the tests), docker-compose and the CloudNativePG cluster all apply these.

PostgreSQL's own log must never receive personal data. An error report can carry it in
three places: the statement and its bind parameters (written with errors by default), the
DETAIL and CONTEXT lines (a unique key's value, the JSON text being parsed), and the
primary message itself (`invalid input syntax for type uuid: "<the value>"`). So statements
and parameters are never written, and errors caused by a client's statement are not written
at all (`log_min_messages = log` keeps the server's own LOG, FATAL and PANIC messages): the
services log each failure themselves, by type and correlation id, without its text.
"""

LOG_SETTINGS: dict[str, str] = {
    "log_min_messages": "log",
    "log_min_error_statement": "panic",
    "log_error_verbosity": "terse",
    "log_statement": "none",
    "log_min_duration_statement": "-1",
    "log_min_duration_sample": "-1",
    "log_transaction_sample_rate": "0",
    "log_parameter_max_length": "0",
    "log_parameter_max_length_on_error": "0",
}
