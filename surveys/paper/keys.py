"""The keys that enter a paper sheet's answers (paper-entry.js) and the digits printed under the
sheet's option headings: one digit each for up to nine options, 0 for a blank; two digits each
beyond (01 … 12, 00 for a blank). A 0–10 scale and 不了解 showed keys 10, 11 and 12, which the
page could not take: typing 1 0 chose 10分 and left the next question blank."""


def key_width(count: int) -> int:
    """Digits a key of a question with `count` options takes."""
    return 2 if count > 9 else 1


def option_keys(count: int) -> list[str]:
    """The keys of `count` options, in printed order: "1" … "4", or "01" … "12"."""
    width = key_width(count)
    return [str(n).zfill(width) for n in range(1, count + 1)]


def blank_key(count: int) -> str:
    """The key of 空白 (left blank) for a question with `count` options: "0" or "00"."""
    return "0" * key_width(count)
