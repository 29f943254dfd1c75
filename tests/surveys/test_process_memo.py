"""The per-process memo behind the submission path's survey state and answering times."""

from surveys import process_memo
from surveys.process_memo import ProcessMemo


def test_a_value_is_loaded_once_until_it_is_too_old_or_asked_for_fresh(monkeypatch):
    clock = [100.0]
    monkeypatch.setattr(process_memo.time, "monotonic", lambda: clock[0])
    loads = []

    def load():
        loads.append(clock[0])
        return len(loads)

    memo = ProcessMemo(ttl=30)
    assert memo.get("survey-1", load) == 1
    clock[0] += 29
    assert memo.get("survey-1", load) == 1  # still young: not loaded again
    assert memo.get("survey-1", load, fresh=True) == 2
    clock[0] += 30.5
    assert memo.get("survey-1", load) == 3  # the fresh load's 30 s are over
    assert memo.get("survey-2", load) == 4  # another key, its own entry
    memo.clear()
    assert memo.get("survey-1", load) == 5


def test_a_full_memo_starts_again_empty():
    memo = ProcessMemo(ttl=60, max_entries=2)
    memo.get("a", lambda: "A")
    memo.get("b", lambda: "B")
    memo.get("c", lambda: "C")  # full: emptied, then "c" kept
    assert memo.get("c", lambda: "new C") == "C"
    assert memo.get("a", lambda: "new A") == "new A"
