#!/usr/bin/env bash
# Tests of the tree-sitter grammar for .gov (needs the `tree-sitter` CLI, Node and a C compiler):
#   1. the committed parser (src/) is what grammar.js generates, and it has every keyword;
#   2. the corpus tests (test/corpus/*.txt);
#   3. every examples/*.gov and stdlib/*.gov parses without an ERROR or MISSING node;
#   4. the queries (highlights, locals, folds) compile against the grammar;
#   5. the Neovim plugin's queries (symlinks) resolve to these, and the plugin
#      registers the parser with nvim-treesitter (a stub of it) and is a no-op without it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$here"
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { failed=$((failed + 1)); echo "FAILED: $*"; }

command -v tree-sitter >/dev/null || { echo "tree-sitter CLI not found" >&2; exit 1; }
echo "tree-sitter: $(tree-sitter --version)"

# 1. Regenerate; src/ must not change.
# ABI 14, so the parser also loads in Neovim 0.9 and 0.10 (tree-sitter 0.20-0.22 runtimes).
tree-sitter generate --abi 14
# (Compared with git's index, so a regenerated parser that is staged passes before its commit.)
if git -C "$here" diff --quiet --exit-code -- src \
  && [ -z "$(git -C "$here" ls-files --others --exclude-standard -- src)" ]; then
  ok "src/ is what grammar.js generates"
else
  git -C "$here" status --short -- src
  fail "src/ differs from the generated parser: run `tree-sitter generate --abi 14` here and commit src/"
fi

# The grammar knows every keyword of the compiler's lexer.
missing=()
count=0
while read -r kw; do
  count=$((count + 1))
  grep -q "'$kw'" grammar.js || missing+=("$kw")
done < <(sed -n '/^pub const KEYWORDS/,/^];/p' "$root/syntax/src/lexer.rs" | grep -o '"[a-z_]*"' | tr -d '"')
if [ "$count" -lt 50 ]; then
  fail "found only $count keywords in syntax/src/lexer.rs"
elif [ "${#missing[@]}" -eq 0 ]; then
  ok "grammar.js has every keyword of syntax/src/lexer.rs"
else
  fail "grammar.js lacks keywords: ${missing[*]}"
fi

# 2. Corpus.
if tree-sitter test; then ok "corpus tests"; else fail "corpus tests"; fi

# 3. Every shipped .gov file parses cleanly.
files=("$root"/examples/*.gov "$root"/stdlib/*.gov)
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
for f in "${files[@]}"; do
  name="${f#"$root"/}"
  if tree-sitter parse "$f" >"$out" 2>&1 && ! grep -qE '\((ERROR|MISSING)' "$out"; then
    ok "parses $name"
  else
    grep -nE '\((ERROR|MISSING)' "$out" | head -5 || true
    fail "parses $name"
  fi
done

# 4. The queries compile (a query that names an unknown node or field is an error).
for q in highlights locals folds; do
  if tree-sitter query "queries/$q.scm" "$root/examples/org.gov" >/dev/null; then
    ok "queries/$q.scm compiles"
  else
    fail "queries/$q.scm compiles"
  fi
done

# 5. Neovim: the plugin's queries are these, and its registration works.
nvim_plugin="$root/editors/nvim"
for q in highlights locals folds; do
  if cmp -s "queries/$q.scm" "$nvim_plugin/queries/gov/$q.scm"; then
    ok "editors/nvim/queries/gov/$q.scm is identical"
  else
    fail "editors/nvim/queries/gov/$q.scm differs from queries/$q.scm (it should be a symlink to it)"
  fi
done
if command -v nvim >/dev/null; then
  stub="$(mktemp -d)"
  mkdir -p "$stub/lua/nvim-treesitter"
  cat >"$stub/lua/nvim-treesitter/parsers.lua" <<'LUA'
local configs = {}
return { get_parser_configs = function() return configs end }
LUA
  check='lua local ok, p = pcall(require, "nvim-treesitter.parsers");'
  check+=' local c = ok and p.get_parser_configs().gov;'
  check+=' io.stdout:write(c and (c.install_info.url .. "|" .. c.install_info.files[1] .. "|" .. c.filetype) or "none")'
  with="$(nvim --headless -u NONE --cmd "set rtp^=$nvim_plugin" --cmd "set rtp^=$stub" \
    +'runtime! plugin/govc_treesitter.lua' +"$check" +qa 2>&1)"
  without="$(nvim --headless -u NONE --cmd "set rtp^=$nvim_plugin" \
    +'runtime! plugin/govc_treesitter.lua' +"$check" +qa 2>&1)"
  rm -rf "$stub"
  if [ "$with" = "$here|src/parser.c|gov" ] && [ -f "${with%%|*}/src/parser.c" ]; then
    ok "nvim plugin registers the parser with nvim-treesitter"
  else
    fail "nvim plugin registers the parser with nvim-treesitter (got: $with)"
  fi
  if [ "$without" = "none" ]; then
    ok "nvim plugin is a no-op without nvim-treesitter"
  else
    fail "nvim plugin is a no-op without nvim-treesitter (got: $without)"
  fi
else
  echo "nvim not found: skipping the plugin registration check"
fi

echo "tree-sitter-gov: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
