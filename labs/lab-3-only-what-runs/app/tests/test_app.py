"""The app's own tests: needed to develop it, not to run it."""

import unittest

from app import answer


class AnswerTest(unittest.TestCase):
    def test_root_says_hello(self):
        self.assertEqual(answer("/"), (200, "hello from slimlab"))

    def test_size_is_shown_for_people(self):
        self.assertEqual(answer("/size?bytes=130451306"), (200, "130.5 MB"))

    def test_size_needs_a_number(self):
        self.assertEqual(answer("/size?bytes=lots")[0], 400)


if __name__ == "__main__":
    unittest.main()
