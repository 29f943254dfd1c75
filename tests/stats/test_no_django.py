import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_engine_imports_without_django():
    # sys.modules['django'] = None makes any `import django` raise ImportError.
    code = (
        "import sys; sys.modules['django'] = None\n"
        "import stats, stats.design, stats.scoring, stats.explain, stats.bootstrap, stats.compare\n"
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules if sys.modules[m])\n"
        "print('ok')"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_no_engine_file_mentions_django_imports():
    for path in (ROOT / "stats").glob("*.py"):
        text = path.read_text()
        assert "import django" not in text and "from django" not in text, path
