"""Splits `-d` text into JSON values the way Go's encoding/json Decoder does, with its error
messages ("unexpected EOF", "invalid character 'x' looking for beginning of value"...): grpcurl
reads each request with Decoder.Decode before it looks at any field. A port of the state machine
of Go's encoding/json/scanner.go (Go 1.19, the one grpcurl v1.8.7 is built with)."""

import go_text


class JsonSyntaxError(Exception):
    pass


class EndOfInput(Exception):
    """Only white space was left: io.EOF for grpcurl, "no (more) requests"."""


_SPACE = b" \t\r\n"
_OBJECT_KEY, _OBJECT_VALUE, _ARRAY_VALUE = range(3)


def quote_char(byte):
    """encoding/json's quoteChar: 'x', '\\'', '"', or a strconv.Quote escape such as '\\n'."""
    if byte == ord("'"):
        return "'\\''"
    if byte == ord('"'):
        return "'\"'"
    return "'" + go_text.quote(chr(byte))[1:-1] + "'"


class _Scanner:
    def __init__(self):
        self.stack = []
        self.step = self.begin_value
        self.ended = None  # "after" the current byte (a closed object or array), or "before" it (a scalar)

    def error(self, byte, context):
        raise JsonSyntaxError(f"invalid character {quote_char(byte)} {context}")

    def push(self, kind, step):
        self.stack.append(kind)
        self.step = step

    def pop(self):
        self.stack.pop()
        if not self.stack:
            self.ended = "after"
        else:
            self.step = self.end_value

    def begin_value_or_empty(self, byte):
        if byte in _SPACE:
            return
        if byte == ord("]"):
            self.pop()
            return
        self.begin_value(byte)

    def begin_value(self, byte):
        if byte in _SPACE:
            return
        char = chr(byte)
        if char == "{":
            self.push(_OBJECT_KEY, self.begin_string_or_empty)
        elif char == "[":
            self.push(_ARRAY_VALUE, self.begin_value_or_empty)
        elif char == '"':
            self.step = self.in_string
        elif char == "-":
            self.step = self.negative
        elif char == "0":
            self.step = self.zero
        elif "1" <= char <= "9":
            self.step = self.digits
        elif char in "tfn":
            self.step = self.literal({"t": "rue", "f": "alse", "n": "ull"}[char], {"t": "true", "f": "false",
                                                                                "n": "null"}[char])
        else:
            self.error(byte, "looking for beginning of value")

    def literal(self, rest, word):
        def expect(byte):
            if byte != ord(rest[0]):
                self.error(byte, f"in literal {word} (expecting {quote_char(ord(rest[0]))})")
            self.step = self.literal(rest[1:], word) if len(rest) > 1 else self.end_value
        return expect

    def begin_string_or_empty(self, byte):
        if byte in _SPACE:
            return
        if byte == ord("}"):
            self.stack[-1] = _OBJECT_VALUE
            self.end_value(byte)
            return
        self.begin_string(byte)

    def begin_string(self, byte):
        if byte in _SPACE:
            return
        if byte != ord('"'):
            self.error(byte, "looking for beginning of object key string")
        self.step = self.in_string

    def in_string(self, byte):
        if byte == ord('"'):
            self.step = self.end_value
        elif byte == ord("\\"):
            self.step = self.in_string_escape
        elif byte < 0x20:
            self.error(byte, "in string literal")

    def in_string_escape(self, byte):
        if chr(byte) in 'bfnrt\\/"':
            self.step = self.in_string
        elif byte == ord("u"):
            self.step = self.unicode_escape(4)
        else:
            self.error(byte, "in string escape code")

    def unicode_escape(self, left):
        def expect(byte):
            if chr(byte) not in "0123456789abcdefABCDEF":
                self.error(byte, "in \\u hexadecimal character escape")
            self.step = self.unicode_escape(left - 1) if left > 1 else self.in_string
        return expect

    def negative(self, byte):
        if byte == ord("0"):
            self.step = self.zero
        elif ord("1") <= byte <= ord("9"):
            self.step = self.digits
        else:
            self.error(byte, "in numeric literal")

    def digits(self, byte):
        if ord("0") <= byte <= ord("9"):
            return
        self.zero(byte)

    def zero(self, byte):
        if byte == ord("."):
            self.step = self.dot
        elif byte in b"eE":
            self.step = self.exponent
        else:
            self.end_value(byte)

    def dot(self, byte):
        if ord("0") <= byte <= ord("9"):
            self.step = self.fraction
        else:
            self.error(byte, "after decimal point in numeric literal")

    def fraction(self, byte):
        if ord("0") <= byte <= ord("9"):
            return
        if byte in b"eE":
            self.step = self.exponent
        else:
            self.end_value(byte)

    def exponent(self, byte):
        if byte in b"+-":
            self.step = self.exponent_sign
        else:
            self.exponent_sign(byte)

    def exponent_sign(self, byte):
        if ord("0") <= byte <= ord("9"):
            self.step = self.exponent_digits
        else:
            self.error(byte, "in exponent of numeric literal")

    def exponent_digits(self, byte):
        if ord("0") <= byte <= ord("9"):
            return
        self.end_value(byte)

    def end_value(self, byte):
        if not self.stack:
            self.ended = "before"  # a complete top-level scalar, ended by this byte
            return
        if byte in _SPACE:
            self.step = self.end_value
            return
        kind = self.stack[-1]
        if kind == _OBJECT_KEY:
            if byte != ord(":"):
                self.error(byte, "after object key")
            self.stack[-1] = _OBJECT_VALUE
            self.step = self.begin_value
        elif kind == _OBJECT_VALUE:
            if byte == ord(","):
                self.stack[-1] = _OBJECT_KEY
                self.step = self.begin_string
            elif byte == ord("}"):
                self.pop()
            else:
                self.error(byte, "after object key:value pair")
        elif byte == ord(","):
            self.step = self.begin_value
        elif byte == ord("]"):
            self.pop()
        else:
            self.error(byte, "after array element")


def next_value(data, start):
    """The next JSON value of `data` (bytes) from `start`: (value bytes, where the next one may
    start). Raises EndOfInput when only white space is left, JsonSyntaxError otherwise."""
    position = start
    while position < len(data) and data[position] in _SPACE:
        position += 1
    if position == len(data):
        raise EndOfInput()
    begin = position
    scanner = _Scanner()
    while position < len(data):
        scanner.step(data[position])
        if scanner.ended == "after":
            position += 1
        if scanner.ended:
            return data[begin:position], position
        position += 1
    try:
        scanner.step(ord(" "))  # what Go's Decoder does at the end of the input: ends a number
    except JsonSyntaxError:
        pass
    if scanner.ended:
        return data[begin:position], position
    raise JsonSyntaxError("unexpected EOF")
