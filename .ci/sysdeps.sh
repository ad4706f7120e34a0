#!/usr/bin/env bash
# Install the Debian packages the tests need, only when missing:
#   fonts-noto-cjk  Chinese glyphs in matplotlib plots
#   chromium        browser tests (/usr/bin/chromium, driven by playwright)
# Not root and something missing: print how to install it and carry on; the tests that need it
# skip (unless REQUIRE_BROWSER=1, which makes them fail).
set -euo pipefail

# Arguments choose the packages (`make lab` needs only the fonts); none: all of them.
pkgs=("$@")
[ ${#pkgs[@]} -gt 0 ] || pkgs=(fonts-noto-cjk chromium)

if ! command -v dpkg-query >/dev/null; then
    echo "sysdeps: not a Debian/Ubuntu system; install a CJK font (Noto Sans CJK) and chromium yourself." >&2
    exit 0
fi

missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    cat >&2 <<MSG
sysdeps: missing Debian packages: ${missing[*]}
  install with: sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}
  until then, plots lack Chinese glyphs and browser tests skip (they fail if REQUIRE_BROWSER=1).
MSG
    exit 0
fi

echo "sysdeps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"

# matplotlib caches its font list and never rescans: drop the cache so the new CJK font is seen.
if [[ " ${missing[*]} " == *" fonts-noto-cjk "* ]]; then
    rm -rf "${XDG_CACHE_HOME:-$HOME/.cache}/matplotlib"
    # MPLCONFIGDIR also holds the user's matplotlibrc: remove only the font list there.
    [ -n "${MPLCONFIGDIR:-}" ] && rm -f "$MPLCONFIGDIR"/fontlist-*.json
fi
exit 0
