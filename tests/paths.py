"""Where the tests find things. The tests read their own fixed copy of the five real plans
(tests/plans), never the working corpus/, so documents a user adds there change nothing here."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLANS = ROOT / "tests" / "plans"
LAWS = ROOT.parent / "shared" / "legal" / "corpus"   # evaluation data beside the checkout, when present
