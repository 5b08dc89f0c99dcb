#!/usr/bin/python3
"""The Go behaviour tools/grpcurl-compat imitates, checked without a server or a real grpcurl
(grpcurl_compat_test.py compares whole outputs when a real grpcurl is there). The expected values
are what grpcurl v1.8.7 printed for the same input, or (floats it never printed here: 1e+06...) what
Go's strconv.FormatFloat documents."""

import os
import struct
import sys
import unittest

sys.dont_write_bytecode = True  # the source tree may be read-only (CI)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "grpcurl-compat"))

import go_json_scanner  # noqa: E402
import go_text  # noqa: E402
import go_time  # noqa: E402


def float32(value):
    return struct.unpack("<f", struct.pack("<f", value))[0]


class FormatFloatTest(unittest.TestCase):
    def test_shortest_digits_in_gos_g_form(self):
        cases = [(float32(0.05), 32, "0.05"), (float32(1e-6), 32, "1e-06"), (float32(0.95), 32, "0.95"),
                 (float32(-0.0536775), 32, "-0.0536775"), (float32(1.2585473), 32, "1.2585473"),
                 (0.25638298399693576, 64, "0.25638298399693576"), (1e6, 64, "1e+06"), (123456.0, 64, "123456"),
                 (0.0001, 64, "0.0001"), (0.00001, 64, "1e-05"), (100.0, 64, "100"), (0.0, 64, "0"),
                 (float32(3.4e38), 32, "3.4e+38")]
        for value, bits, expected in cases:
            with self.subTest(value=value, bits=bits):
                self.assertEqual(go_text.format_float(value, bits), expected)


class JsonScannerTest(unittest.TestCase):
    def first_error(self, text):
        data, position = text.encode(), 0
        try:
            while True:
                _, position = go_json_scanner.next_value(data, position)
        except go_json_scanner.EndOfInput:
            return None
        except go_json_scanner.JsonSyntaxError as error:
            return str(error)

    def test_errors_read_like_gos_decoder(self):
        cases = [('{"user_id": 42, "k": 5', "unexpected EOF"), ("{", "unexpected EOF"),
                 ('{"user_id" 42}', "invalid character '4' after object key"),
                 ('{"user_id": 42  "k": 5}', "invalid character '\"' after object key:value pair"),
                 ('{"user_id": 01}', "invalid character '1' after object key:value pair"),
                 ("{'user_id': 1}", "invalid character '\\'' looking for beginning of object key string"),
                 ('{"user_id": 1,}', "invalid character '}' looking for beginning of object key string"),
                 ('{"user_id": tru}', "invalid character '}' in literal true (expecting 'e')"),
                 ('{"k": 5}}', "invalid character '}' looking for beginning of value"),
                 ('{"k": 5} x', "invalid character 'x' looking for beginning of value"),
                 ('{"k": 5} {"k": 6}', None), ("  ", None)]
        for text, expected in cases:
            with self.subTest(text=text):
                self.assertEqual(self.first_error(text), expected)

    def test_values_split_where_gos_decoder_splits_them(self):
        data = b' {"k": [1, {"a": "}"}]} 5 "x"'
        first, position = go_json_scanner.next_value(data, 0)
        second, position = go_json_scanner.next_value(data, position)
        third, position = go_json_scanner.next_value(data, position)
        self.assertEqual((first, second, third), (b'{"k": [1, {"a": "}"}]}', b"5", b'"x"'))
        with self.assertRaises(go_json_scanner.EndOfInput):
            go_json_scanner.next_value(data, position)


class TimeParseTest(unittest.TestCase):
    def test_errors_read_like_gos_time_parse(self):
        layout = '"2006-01-02T15:04:05.999999999Z07:00"'
        cases = [("tomorrow", f'parsing time "tomorrow" as {layout}: cannot parse "tomorrow" as "2006"'),
                 ("2030-01-01T03:00:00", f'parsing time "2030-01-01T03:00:00" as {layout}: cannot parse "" as '
                                         '"Z07:00"'),
                 ("2030-13-01T03:00:00Z", 'parsing time "2030-13-01T03:00:00Z": month out of range'),
                 ("2030-01-01 03:00:00Z", f'parsing time "2030-01-01 03:00:00Z" as {layout}: cannot parse '
                                          '" 03:00:00Z" as "T"')]
        for text, expected in cases:
            with self.subTest(text=text):
                with self.assertRaises(go_time.TimeParseError) as raised:
                    go_time.parse_rfc3339(text)
                self.assertEqual(str(raised.exception), expected)

    def test_offsets_and_fractions(self):
        self.assertEqual(go_time.parse_rfc3339("2030-01-01T03:00:00Z"), (1893466800, 0))
        self.assertEqual(go_time.parse_rfc3339("2030-01-01T03:00:00.5+01:00"), (1893463200, 500000000))


if __name__ == "__main__":
    unittest.main()
