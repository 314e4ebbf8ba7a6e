"""References written in passages: where they sit, what they say, what they resolve to."""
