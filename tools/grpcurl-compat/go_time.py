"""Go's time.Parse(time.RFC3339Nano, text) (Go 1.19): how grpcurl reads a google.protobuf.Timestamp
from JSON, with the same error messages ("parsing time "x" as "2006-...": cannot parse "x" as "2006"",
"parsing time "x": month out of range")."""

import calendar
import datetime

import go_text

LAYOUT = "2006-01-02T15:04:05.999999999Z07:00"
# The layout's elements after grpcurl's own splitting: (literal prefix, element).
ELEMENTS = [("", "2006"), ("-", "01"), ("-", "02"), ("T", "15"), (":", "04"), (":", "05"), ("", ".999999999"),
            ("", "Z07:00")]


class TimeParseError(Exception):
    pass


def _cannot_parse(text, rest, element):
    return TimeParseError(f"parsing time {go_text.quote(text)} as {go_text.quote(LAYOUT)}: cannot parse "
                          f"{go_text.quote(rest)} as {go_text.quote(element)}")


def _out_of_range(text, what):
    return TimeParseError(f"parsing time {go_text.quote(text)}: {what} out of range")


def _two_digits(rest, fixed):
    """Go's getnum: one or two digits (exactly two when fixed); None when it does not parse."""
    if not rest[:1].isdigit() or not rest[:1].isascii():
        return None
    if not rest[1:2].isdigit() or not rest[1:2].isascii():
        return None if fixed else (int(rest[0]), rest[1:])
    return int(rest[:2]), rest[2:]


def parse_rfc3339(text):
    """Seconds since the epoch and nanoseconds, or TimeParseError with Go's message."""
    rest = text
    fields = {}
    offset_seconds = 0
    for prefix, element in ELEMENTS:
        for char in prefix:
            if not rest.startswith(char):
                raise _cannot_parse(text, rest, prefix)
            rest = rest[1:]
        held = rest
        if element == "2006":
            if len(rest) < 4 or not rest[:1].isdigit() or not rest[:4].isascii() or not rest[:4].isdigit():
                raise _cannot_parse(text, held, element)
            fields["year"], rest = int(rest[:4]), rest[4:]
        elif element == ".999999999":
            if len(rest) >= 2 and rest[0] in ".," and "0" <= rest[1] <= "9":
                digits = 0
                while digits + 1 < len(rest) and "0" <= rest[digits + 1] <= "9":
                    digits += 1
                fields["nanos"] = int(rest[1:min(digits, 9) + 1].ljust(9, "0"))
                rest = rest[digits + 1:]
        elif element == "Z07:00":
            if rest.startswith("Z"):
                rest = rest[1:]
                continue
            if len(rest) < 6 or rest[3] != ":" or rest[0] not in "+-":
                raise _cannot_parse(text, held, element)
            hours, minutes = _two_digits(rest[1:3], True), _two_digits(rest[4:6], True)
            if hours is None or minutes is None:
                raise _cannot_parse(text, held, element)
            offset_seconds = (hours[0] * 60 + minutes[0]) * 60 * (1 if rest[0] == "+" else -1)
            rest = rest[6:]
        else:
            parsed = _two_digits(rest, element != "15")
            if parsed is None:
                raise _cannot_parse(text, held, element)
            value, rest = parsed
            name, limit = {"01": ("month", 13), "02": ("day", 32), "15": ("hour", 24), "04": ("minute", 60),
                           "05": ("second", 60)}[element]
            if name == "month" and not 1 <= value <= 12 or name != "month" and name != "day" and value >= limit:
                raise _out_of_range(text, name)
            fields[name] = value
    if rest:
        raise TimeParseError(f"parsing time {go_text.quote(text)}: extra text: {go_text.quote(rest)}")
    year, month, day = fields["year"], fields["month"], fields["day"]
    if year < 1:
        raise _out_of_range(text, "year")  # Go reads year 0, which no Timestamp can hold anyway
    if day < 1 or day > calendar.monthrange(year, month)[1]:
        raise _out_of_range(text, "day")
    moment = datetime.datetime(year, month, day, fields["hour"], fields["minute"], fields["second"],
                               tzinfo=datetime.timezone.utc)
    seconds = calendar.timegm(moment.utctimetuple()) - offset_seconds
    return seconds, fields.get("nanos", 0)
