#!/usr/bin/env bash
# Regenerates fixtures.json from corpus.json, and jinja2-suite-fixtures.json from
# jinja2-suite-corpus.json (cases harvested from Jinja2's own tests, see harvest/), with real
# Jinja2 (Debian's python3-jinja2): StrictUndefined, autoescape off, default whitespace handling.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if ! /usr/bin/python3 -c 'import jinja2' 2>/dev/null; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "python3-jinja2 is missing; install it: sudo apt-get install -y python3-jinja2" >&2
    exit 1
  fi
  apt-get install -y python3-jinja2 || { apt-get update && apt-get install -y python3-jinja2; }
fi
/usr/bin/python3 "$here/generate.py" "$here/corpus.json" "$here/fixtures.json"
# A fixed hash seed: a few cases print sets, whose order depends on it.
PYTHONHASHSEED=0 /usr/bin/python3 "$here/generate.py" --mark-repr "$here/jinja2-suite-corpus.json" "$here/jinja2-suite-fixtures.json"
