#!/usr/bin/env bash
# Rebuilds ../jinja2-suite-corpus.json from the test suite of a Jinja2 checkout whose version is
# the one regenerate.sh renders with (Debian's python3-jinja2), e.g.
#   git clone --branch 3.1.2 https://github.com/pallets/jinja /tmp/jinja
#   bash test/renderer/jinja2/harvest/harvest.sh /tmp/jinja
# then `bash test/renderer/jinja2/regenerate.sh` recomputes the expected outputs.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
checkout="$(cd "${1:?usage: harvest.sh JINJA2_CHECKOUT}" && pwd)"
installed=$(/usr/bin/python3 -c 'import jinja2; print(jinja2.__version__)')
/usr/bin/python3 -c 'import pytest' 2>/dev/null || { echo "needs python3-pytest (apt-get install -y python3-pytest)" >&2; exit 1; }
if [ -d "$checkout/.git" ]; then
  tag=$(git -C "$checkout" describe --tags --exact-match 2>/dev/null || echo unknown)
  [ "$tag" = "$installed" ] || echo "warning: checkout is at $tag, installed Jinja2 is $installed" >&2
fi
raw="$(mktemp)"
trap 'rm -f "$raw"' EXIT
# The installed Jinja2 runs its own tests (the checkout's src/ is not on the path).
(cd "$checkout" && JINJA2_HARVEST_OUT="$raw" PYTHONPATH="$here" PYTHONDONTWRITEBYTECODE=1 PYTHONHASHSEED=0 \
  /usr/bin/python3 -m pytest -p harvest_plugin -p no:cacheprovider -q tests >/dev/null) || true
/usr/bin/python3 "$here/build_corpus.py" "$raw" "$here/../jinja2-suite-corpus.json" "$installed"
