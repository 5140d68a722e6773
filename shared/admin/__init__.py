"""The administrator's commands of `shuangwan` (shared/cli.py), one module per command group:

- `load.py` — `load organs|cadres FILE` (CSV or XLSX) through the visits API, row-level errors;
- `campaigns.py` — `campaign create|open` and `invitations` through the appraisal API;
- `reports.py` — `export` of a report table, `rebuild` of the reporting projections;
- `client.py`, `sheets.py`, `common.py` — the HTTP client, spreadsheet rows, shared options.

Commands reach the services over HTTP with a short-lived office token they issue from
`SHUANGWAN_TOKEN_SECRET` for `--region` (the office they act for); only `rebuild` works on the
reporting service's own stores, as `python -m services.reporting rebuild` does.
"""
