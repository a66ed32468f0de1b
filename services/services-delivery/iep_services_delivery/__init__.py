"""The services-delivery stage of the IEP lifecycle: service schedules, session logs,
compensatory minutes, goal progress and progress reports."""
