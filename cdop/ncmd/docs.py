"""docs/ncmd-export.md, written from the published schema and the form definitions, so that
the documentation of every field and every code is the schema's own words."""

from __future__ import annotations

import re
from typing import Any

from cdop.formdefs.loading import definition_files
from cdop.ncmd.schema import SCHEMA_FILE, SCHEMA_VERSION, schema_load

CODES = re.compile(r"`([^`]+)` ([^;]+?)(?:; |\.$)")

INTRO = f"""# The NCMD export

<!-- Written by `manage.py ncmd_schema_docs` from schemas/ncmd/{SCHEMA_FILE}: do not edit. -->

The service sends each case's national data set to the National Child Mortality Database
(NCMD) as one JSON document that follows the published JSON Schema
[`schemas/ncmd/{SCHEMA_FILE}`](../schemas/ncmd/{SCHEMA_FILE}) (draft 2020-12), version
**{SCHEMA_VERSION}**. The document holds the notifications (Notification Form), the Reporting
Forms and supplementary forms returned by agencies, the panel's Analysis Form, and the case's
stage and key dates. It is identifiable: it is the one place such data leaves the service,
and only for NCMD.

## How cases are sent

- **One case**: from the case's NCMD page (`/staff/cases/<reference>/ncmd/`), at any stage:
  a file `ncmd-<reference>-<timestamp>.json`.
- **Every finalised case of a period**: from the area's NCMD page (`/staff/ncmd/<area>/`),
  run in the background, or on the command line:
  `manage.py ncmd_export --area llr --from 2025-04-01 --to 2026-03-31 [--basis finalised]`.
  The period is of dates of death (default) or of the dates reviews were finalised; it
  defaults to the NCMD year to 31 March. The result is one zip file,
  `ncmd-<area code>-<basis>-<from>-<to>-<timestamp>.zip`, holding `cases/<reference>.json`
  for each case and `manifest.json` (the area, the period, the number of cases, and each
  case's file, stage and SHA-256).
- **Transport**: files are handed to a transport (`NCMD_TRANSPORT`, default
  `cdop.ncmd.transport.FileTransport`), which writes them to `NCMD_EXPORT_DIR` (default
  `var/ncmd`) for upload to NCMD's portal. A client for NCMD's supplier interface, when its
  specification is published, is another class with `name` and `send(path, name)`.
- **Records**: each case sent is recorded with when, by whom, the schema version, the version
  of each form it carried, the transport, the file and the SHA-256 of its document.
- **Re-sending**: a case reopened after it was finalised, or changed after it was last sent
  (a new stage, a notification merged in, a form returned, the analysis edited), is listed
  as needing to be sent again on the area's NCMD page; sending it clears the mark.
  A re-sent document says so (`case.resend`), and replaces the earlier one.

## Conventions

- Dates are `YYYY-MM-DD`; date-times are ISO 8601 in UK time with the offset.
- Text is never null: an empty string means not given. A field that can be null says so.
- Codes are lower-case strings; each code list is below, with its labels.
- A new schema version changes the major number when a reader could break (a field removed
  or renamed, a code withdrawn), and the minor number for additions.

"""


def _type(node: dict[str, Any]) -> str:
    if "const" in node:
        return f"`{node['const']}`"
    if "oneOf" in node:
        return " or ".join(_type(o) for o in node["oneOf"])
    kind = node.get("type", "any")
    kinds = kind if isinstance(kind, list) else [kind]
    text = " or ".join(kinds)
    if node.get("format"):
        text += f" ({node['format']})"
    if node.get("pattern"):
        text += f", pattern `{node['pattern']}`"
    if "enum" in node:
        text += ", code"
    return text


def _plain(description: str) -> str:
    return description.split(" Codes")[0].replace("|", "\\|").replace("\n", " ")


def _fields(node: dict[str, Any], path: str, rows: list[str], codes: list[tuple[str, str]]) -> None:
    if "oneOf" in node:
        for option in node["oneOf"]:
            if option.get("type") == "object":
                _fields(option, path, rows, codes)
        return
    required = set(node.get("required", []))
    for name, child in node.get("properties", {}).items():
        here = f"{path}.{name}" if path else name
        description = child.get("description", "")
        kinds = child.get("type")
        is_array = kinds == "array"
        shown = here + ("[]" if is_array else "")
        rows.append(
            f"| `{shown}` | {_type(child)} | {'yes' if name in required else 'no'} | "
            f"{_plain(description)} |"
        )
        if " Codes" in description:
            codes.append((here, description))
        if is_array and isinstance(child.get("items"), dict):
            _fields(child["items"], f"{here}[]", rows, codes)
        else:
            _fields(child, here, rows, codes)


def _forms() -> list[str]:
    lines = [
        "## The questions of the Reporting Form and supplementary forms",
        "",
        "`reporting_forms[].forms[].answers` holds the answers by question id; the form's "
        "`code` and `version` say which definition they were given on. The questions of the "
        "current definitions (cdop/formdefs/definitions/) follow. An answer is "
        '`{"value": ...}` or `{"not_known": true}`; a question left blank is absent.',
        "",
    ]
    for form in definition_files():
        if form["kind"] == "family":
            continue
        lines += [
            f"### {form['title']} (`{form['code']}`, {form['kind']})",
            "",
            "| question | type | label | codes |",
            "| --- | --- | --- | --- |",
        ]
        for section in form["schema"]["sections"]:
            for q in section["questions"]:
                choices = "; ".join(f"`{c['value']}` {c['label']}" for c in q.get("choices", []))
                if q["type"] == "yesno":
                    choices = "`yes` Yes; `no` No"
                label = q["label"].replace("|", "\\|")
                unit = f" ({q['unit']})" if q.get("unit") else ""
                lines.append(f"| `{q['id']}` | {q['type']}{unit} | {label} | {choices} |")
        lines.append("")
    return lines


def schema_markdown() -> str:
    schema = schema_load()
    rows: list[str] = []
    codes: list[tuple[str, str]] = []
    _fields(schema, "", rows, codes)
    lines = [
        INTRO.rstrip("\n"),
        "",
        "## Every field",
        "",
        "| field | type | required | meaning |",
        "| --- | --- | --- | --- |",
        *rows,
        "",
        "## Every code list",
        "",
    ]
    for path, description in codes:
        lines += [
            f"### `{path}`",
            "",
            _plain(description),
            "",
            "| code | meaning |",
            "| --- | --- |",
        ]
        for code, label in CODES.findall(description.split(" Codes", 1)[1]):
            lines.append(f"| `{code}` | {label.strip()} |")
        lines.append("")
    lines += _forms()
    return "\n".join(lines).rstrip("\n") + "\n"
