#!/usr/bin/env bash
# Regenerates docs/img/nvim-diagnostics-completion.png: Neovim with this plugin, in xterm under
# Xvfb, on demo.gov (a misspelt Region), with the completion menu open on a new statement.
# Needs Debian's xvfb, xterm, imagemagick, x11-utils and neovim, and a built govc
# (GOVC=/path/to/govc, default target/debug/govc). Not part of CI.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
govc="${GOVC:-$repo/target/debug/govc}"
out="${1:-$repo/docs/img/nvim-diagnostics-completion.png}"
display=":${SCREENSHOT_DISPLAY:-77}"
work="$(mktemp -d)"
cp "$here/demo.gov" "$work/"

Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
term=""
cleanup() {
  [ -n "$term" ] && kill "$term" 2>/dev/null || true
  kill "$xvfb" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
sleep 1

cd "$work"
DISPLAY="$display" XDG_CACHE_HOME="$work/cache" XDG_STATE_HOME="$work/state" \
  xterm -name govcshot -geometry 104x22+0+0 -fa 'DejaVu Sans Mono' -fs 13 \
  -bg '#1c1c1c' -fg '#d0d0d0' -tn xterm-256color -e nvim --clean \
  --cmd "set rtp^=$repo/editors/nvim" --cmd "let g:govc_path = '$govc'" \
  -c "luafile $here/init.lua" -c 'doautocmd User GovcDemo' demo.gov &
term=$!
# Give the server time to publish and the completion menu time to open.
sleep "${SCREENSHOT_WAIT:-8}"
window="$(DISPLAY="$display" xwininfo -root -tree | awk '/"govcshot"/ { print $1; exit }')"
mkdir -p "$(dirname "$out")"
DISPLAY="$display" import -window "${window:-root}" "$out"
echo "wrote $out"
