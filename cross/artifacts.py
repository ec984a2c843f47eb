#!/usr/bin/env python3
"""Reads `cargo test --no-run --message-format=json` on stdin and prints the
path of every test executable (unit and integration tests), one per line.
The plain binary artifacts (profile.test == false) are left out."""
import json
import sys

seen = set()
for line in sys.stdin:
    try:
        msg = json.loads(line)
    except ValueError:
        continue
    if msg.get("reason") != "compiler-artifact":
        continue
    exe = msg.get("executable")
    if exe and msg.get("profile", {}).get("test") and exe not in seen:
        seen.add(exe)
        print(exe)
