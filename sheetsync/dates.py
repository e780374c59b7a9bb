"""UK dates as plans write them, read by explicit day-first rules: never a silent guess.

Real Excel dates and serial numbers, ISO dates, "27/03/25", "27.03.2025", "27 Mar 2025", "21st November 2024",
"Nov-24", "November 2024". Anything else is kept raw (how="invalid") for validation to flag, and a date that
cannot exist ("31/02/2025") is how="impossible".
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

How = Literal["excel", "serial", "iso", "dmy", "month", "ordinal", "empty", "invalid", "impossible"]

MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"),
     ("nov", "november"), ("dec", "december")), start=1):
    for _name in _names:
        MONTHS[_name] = _number

_MONTH = (r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?"
          r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[t ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"), "iso"),
    (re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$"), "dmy"),
    (re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-]+(?:of\s+)?" + _MONTH + r"\.?,?[\s\-]+(\d{2}|\d{4})$"),
     "ordinal"),
    (re.compile(r"^" + _MONTH + r"\.?[\s\-]+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$"), "mdy-words"),
    (re.compile(r"^" + _MONTH + r"\.?[\s\-/']+(\d{2}|\d{4})$"), "month"),
)
# Excel's 1900 date system (with its phantom 29 Feb 1900): serial 1 = 1900-01-01; serial 60 does not exist.
_EXCEL_EPOCH = date(1899, 12, 30)
SERIAL_RANGE = (36526, 73051)  # 2000-01-01 .. 2099-12-31: numbers outside this are not taken as dates


@dataclass(frozen=True, slots=True)
class DateParse:
    """What one Date cell says: the date (or None), the text as typed, and by which rule it was read."""

    date: date | None
    raw: str | None
    how: How
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.date is not None


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if len(text) == 2 else year


def _make(year: int, month: int, day: int, raw: str, how: How) -> DateParse:
    try:
        return DateParse(date=date(year, month, day), raw=raw, how=how)
    except ValueError:
        return DateParse(date=None, raw=raw, how="impossible",
                         message=f"'{raw}' is not a real date (day {day}, month {month}, year {year})")


def from_serial(number: float) -> date | None:
    """An Excel serial day number as a date, or None when it is outside the plausible range."""
    if not SERIAL_RANGE[0] <= number <= SERIAL_RANGE[1]:
        return None
    return _EXCEL_EPOCH + timedelta(days=int(number))


def parse_date(value: object) -> DateParse:
    """Read one Date cell. `value` may be a date, datetime, number (Excel serial) or text."""
    if value is None:
        return DateParse(date=None, raw=None, how="empty")
    if isinstance(value, datetime):
        return DateParse(date=value.date(), raw=value.date().isoformat(), how="excel")
    if isinstance(value, date):
        return DateParse(date=value, raw=value.isoformat(), how="excel")
    if isinstance(value, bool):
        return DateParse(date=None, raw=str(value), how="invalid", message=f"'{value}' is not a date")
    if isinstance(value, int | float):
        raw = f"{value:g}"
        serial = from_serial(float(value))
        if serial is None:
            return DateParse(date=None, raw=raw, how="invalid",
                             message=f"the number {raw} is not a date (as an Excel serial it is out of range)")
        return DateParse(date=serial, raw=raw, how="serial")
    raw = str(value)
    text = " ".join(raw.replace("\u00a0", " ").split()).strip(" ,.").casefold()
    if not text:
        return DateParse(date=None, raw=raw if raw else None, how="empty")
    if re.fullmatch(r"\d{5}(?:\.\d+)?", text):
        return dataclasses.replace(parse_date(float(text)), raw=raw)
    for pattern, rule in _RULES:
        match = pattern.match(text)
        if not match:
            continue
        groups = match.groups()
        if rule == "iso":
            return _make(int(groups[0]), int(groups[1]), int(groups[2]), raw, "iso")
        if rule == "dmy":
            return _make(_year(groups[2]), int(groups[1]), int(groups[0]), raw, "dmy")
        if rule == "ordinal":
            return _make(_year(groups[2]), MONTHS[groups[1][:3] if groups[1][:4] != "sept" else "sep"],
                         int(groups[0]), raw, "ordinal")
        if rule == "mdy-words":
            return _make(int(groups[2]), MONTHS[groups[0][:3]], int(groups[1]), raw, "ordinal")
        if rule == "month":
            return _make(_year(groups[1]), MONTHS[groups[0][:3]], 1, raw, "month")
    return DateParse(date=None, raw=raw, how="invalid",
                     message=f"'{raw}' is not a date sheetsync can read; write it as 27/03/2025")


def long_date(value: date | None) -> str:
    """27 March 2025: how every report, message and finding writes a date (UK style, no leading zero); '' for
    None."""
    return f"{value.day} {value:%B %Y}" if value else ""


__all__ = ["DateParse", "from_serial", "long_date", "parse_date"]
