"""The compact form of a response's answers: one character per item of a questionnaire version.

Kept separate and Django-free so the scoring adapter can turn a million stored strings into a
numpy matrix in one step.
"""

SYMBOLS = "0123456789abcdefghijklmnopqrstuvwxyz"
BLANK = "-"
MAX_OPTIONS = len(SYMBOLS)


def encode_answers(answers: dict[str, str | None], *, item_codes: list[str], option_codes: list[str]) -> str:
    """Encode {item code: option code or None}; items not named are blank.

    The caller has validated the codes: an unknown one here is a programming error.
    """
    position = {code: SYMBOLS[i] for i, code in enumerate(option_codes)}
    return "".join(position[answers[c]] if answers.get(c) else BLANK for c in item_codes)


def answers_fit(encoded: str, *, item_count: int, option_count: int) -> bool:
    """Whether a stored string can be answers to a version of item_count items and option_count
    options: one symbol per item, each an option's position or BLANK."""
    allowed = set(SYMBOLS[:option_count]) | {BLANK}
    return isinstance(encoded, str) and len(encoded) == item_count and not set(encoded) - allowed


def decode_answers(encoded: str, *, item_codes: list[str], option_codes: list[str]) -> dict[str, str | None]:
    assert len(encoded) == len(item_codes), "answers do not match the questionnaire version"
    return {
        code: None if symbol == BLANK else option_codes[SYMBOLS.index(symbol)]
        for code, symbol in zip(item_codes, encoded, strict=True)
    }
