"""Text the way Go's standard library writes it, where grpcurl's output shows it: strconv.Quote
(%q in messages), encoding/json strings and strconv.FormatFloat(f, 'g', -1, bits)."""

import math
import struct

_SHORT_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v",
                  "\\": "\\\\", '"': '\\"'}


def quote(text):
    """strconv.Quote: a double-quoted Go string literal (printable runes kept, others escaped)."""
    out = []
    for char in text:
        code = ord(char)
        if char in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[char])
        elif char.isprintable() and not 0xD800 <= code <= 0xDFFF:
            out.append(char)
        elif code < 0x80:
            out.append(f"\\x{code:02x}")
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def json_string(text):
    """encoding/json's string: HTML-safe (<, >, & escaped), U+2028/U+2029 escaped, \\b and \\f as
    \\u0008 and \\u000c (Go before 1.22), other control characters as \\u00XX."""
    out = []
    for char in text:
        code = ord(char)
        if char == '"':
            out.append('\\"')
        elif char == "\\":
            out.append("\\\\")
        elif char == "\n":
            out.append("\\n")
        elif char == "\r":
            out.append("\\r")
        elif char == "\t":
            out.append("\\t")
        elif code < 0x20 or char in "<>&" or code in (0x2028, 0x2029):
            out.append(f"\\u{code:04x}")
        elif 0xD800 <= code <= 0xDFFF:
            out.append("\ufffd")  # invalid UTF-8 on the wire: Go writes the replacement character
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _shortest_float32_digits(value):
    """The shortest decimal (as '%e' text) that reads back as the same float32."""
    for precision in range(1, 10):
        text = f"{value:.{precision - 1}e}"
        if struct.unpack("<f", struct.pack("<f", float(text)))[0] == value:
            return text
    return f"{value:.8e}"


def format_float(value, bits):
    """strconv.FormatFloat(value, 'g', -1, bits) of a finite value: the shortest digits that read
    back as the same float32 or float64, in exponent form when the exponent is below -4 or at
    least 6 (Go's rule for the shortest precision)."""
    if value == 0:
        return "-0" if math.copysign(1, value) < 0 else "0"
    negative, digits, exponent = _digits_and_exponent(_shortest_float32_digits(value) if bits == 32 else repr(value))
    sign = "-" if negative else ""
    if exponent < -4 or exponent >= 6:
        rest = f".{digits[1:]}" if len(digits) > 1 else ""
        return f"{sign}{digits[0]}{rest}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"
    point = exponent + 1
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return f"{sign}{digits}{'0' * (point - len(digits))}"
    return f"{sign}{digits[:point]}.{digits[point:]}"


def _digits_and_exponent(text):
    """'-1.25e-07' or '0.000125' -> (negative, '125', exponent of the first digit: -7 or -4)."""
    negative = text.startswith("-")
    mantissa, _, exponent_text = text.lstrip("-+").lower().partition("e")
    whole, _, fraction = mantissa.partition(".")
    all_digits = whole + fraction
    significant = all_digits.lstrip("0")
    exponent = (int(exponent_text) if exponent_text else 0) + len(whole) - 1 - (len(all_digits) - len(significant))
    return negative, significant.rstrip("0") or "0", exponent
