// Tokenises every .gov file of the repository with the extension's TextMate grammar (the
// same engine VS Code uses: vscode-textmate + the Oniguruma WASM build) and checks that the
// grammar agrees with the compiler's lexer on what is a comment, a string and a keyword.
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import vsctm from "vscode-textmate";
import oniguruma from "vscode-oniguruma";

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const extensionRoot = join(here, "..");
const repoRoot = join(extensionRoot, "..", "..");

await oniguruma.loadWASM(readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm")).buffer);
const registry = new vsctm.Registry({
  onigLib: Promise.resolve({
    createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
    createOnigString: (s) => new oniguruma.OnigString(s),
  }),
  loadGrammar: async (scopeName) => {
    if (scopeName !== "source.gov") return null;
    const path = join(extensionRoot, "syntaxes", "gov.tmLanguage.json");
    return vsctm.parseRawGrammar(readFileSync(path, "utf8"), path);
  },
});
const grammar = await registry.loadGrammar("source.gov");
assert.ok(grammar, "grammar loads");

/** Tokens of a whole text: [{line, text, scopes}] */
function tokenize(text) {
  const out = [];
  let state = vsctm.INITIAL;
  text.split(/\r?\n/).forEach((line, i) => {
    const r = grammar.tokenizeLine(line, state);
    for (const t of r.tokens) {
      out.push({ line: i + 1, text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    }
    state = r.ruleStack;
  });
  return out;
}
const has = (tok, prefix) => tok.scopes.some((s) => s.startsWith(prefix));
const scopeOf = (tokens, text) => {
  const t = tokens.find((t) => t.text === text);
  assert.ok(t, `token ${JSON.stringify(text)} found`);
  return t.scopes.join(" ");
};

// The keywords, straight from the compiler's lexer, so a new keyword fails this test until the
// grammar knows it.
const lexer = readFileSync(join(repoRoot, "syntax", "src", "lexer.rs"), "utf8");
const kwBlock = lexer.match(/pub const KEYWORDS: &\[&str\] = &\[([\s\S]*?)\];/);
assert.ok(kwBlock, "KEYWORDS found in lexer.rs");
const KEYWORDS = [...kwBlock[1].matchAll(/"([a-z_]+)"/g)].map((m) => m[1]);
assert.ok(KEYWORDS.length > 40, `read ${KEYWORDS.length} keywords`);
const keywordish = (t) =>
  has(t, "keyword.") || has(t, "storage.type") || has(t, "constant.language");
// A soft keyword written as a declared name (`scp regions { … }`) or a path segment.
const nameish = (t) => has(t, "entity.name.") || has(t, "variable.other.path") || has(t, "variable.other.constant");

let checks = 0;
function check(cond, message) {
  checks += 1;
  assert.ok(cond, message);
}

// 1. Every keyword of the lexer, alone, is highlighted as one.
for (const kw of KEYWORDS) {
  const [t, ...rest] = tokenize(kw);
  check(rest.length === 0 && t.text === kw && keywordish(t), `keyword ${kw}: ${t.scopes.join(" ")}`);
}

// 2. Every .gov file of the repository.
function govFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return govFiles(path);
    return name.endsWith(".gov") ? [path] : [];
  });
}
const examples = govFiles(join(repoRoot, "examples"));
assert.ok(examples.length >= 5, "examples found");
const others = [...govFiles(join(repoRoot, "stdlib")), ...govFiles(join(repoRoot, "tests", "bad"))];

const totals = { comment: 0, string: 0, keyword: 0 };
for (const path of [...examples, ...others]) {
  const name = relative(repoRoot, path);
  const text = readFileSync(path, "latin1");
  const tokens = tokenize(text);
  const isExample = examples.includes(path);
  for (const t of tokens) {
    const where = `${name}:${t.line} ${JSON.stringify(t.text)} [${t.scopes.join(" ")}]`;
    const inComment = has(t, "comment.");
    const inString = has(t, "string.");
    if (inComment) totals.comment += 1;
    if (inString) totals.string += 1;
    if (isExample) {
      // Valid files have nothing the lexer would reject.
      check(!has(t, "invalid."), `no invalid token in an example: ${where}`);
    }
    if (inComment || inString) continue;
    const word = t.text.trim();
    if (t.text.startsWith("//") || t.text.startsWith("/*")) {
      check(false, `comment start outside a comment: ${where}`);
    }
    if (t.text.startsWith('"')) check(false, `quote outside a string: ${where}`);
    if (KEYWORDS.includes(word)) {
      totals.keyword += 1;
      check(keywordish(t) || nameish(t), `keyword highlighted: ${where}`);
    }
  }
  // Each line comment starts a comment token where the lexer would see one.
  text.split(/\r?\n/).forEach((line, i) => {
    const trimmed = line.trimStart();
    if (trimmed.startsWith("//")) {
      const first = tokens.find((t) => t.line === i + 1 && t.text.trim() !== "");
      check(first && has(first, "comment."), `${name}:${i + 1} is a comment line`);
    }
  });
}
for (const [kind, n] of Object.entries(totals)) {
  assert.ok(n > 100, `${kind} tokens seen in the .gov files: ${n}`);
}

// 3. Scopes of the things the lexer and grammar distinguish, on a fixed text.
const sample = tokenize(
  [
    "/// The permitted Regions.",
    "const home = [us-east-1, eu-west-2, us-gov-west-1, eusc-de-east-1, us-est-1]",
    "/* a block",
    "   comment */ scp regions {",
    '  deny model deepseek*, anthropic.claude-3-opus-20240229-v1:0, us.deepseek.r1-v1:0 unless principal "arn:aws:iam::111111111111:role/Admin"',
    "  deny actions bedrock:InvokeModel on bedrock::foundation_models when { context[\"aws:RequestedRegion\"] == \"us-east-1\" && !(any context[\"aws:TagKeys\"] like \"x*\") }",
    "}",
    'org { limits max_scp_chars = 5120; account dev = "222222222222" under sandbox }',
    'test "bad \\q escape, unterminated',
    "scp after_string {}",
    "rcp perimeter {",
    "  deny services s3",
    "}",
    "scp tagging {",
    '  require tags CostCenter, Team for actions ec2:RunInstances, ec2:CreateVolume on "arn:aws:ec2:*:*:instance/*", "arn:aws:ec2:*:*:volume/*" unless principal "arn:aws:iam::*:role/Admin"',
    "  require tags Environment in [prod, staging, dev] for actions ec2:RunInstances",
    '  protect tags CostCenter, Team for services ec2, s3 unless principal "arn:aws:iam::*:role/FinOps"',
    "  protect tags Owner for actions s3:PutBucketTagging",
    "}",
  ].join("\n"),
);
const expectScope = (text, scope) => {
  const scopes = scopeOf(sample, text);
  check(scopes.includes(scope), `${JSON.stringify(text)} has ${scope}: ${scopes}`);
};
expectScope("/// The permitted Regions.".slice(3), "comment.line.documentation.gov");
expectScope("const", "storage.type.const.gov");
expectScope("home", "variable.other.constant.gov");
expectScope("us-east-1", "support.constant.region.gov");
expectScope("us-gov-west-1", "support.constant.region.gov");
expectScope("eusc-de-east-1", "support.constant.region.gov");
// A misspelt Region does not look like one.
expectScope("us-est-1", "variable.other.gov");
expectScope(" a block", "comment.block.gov");
expectScope("   comment ", "comment.block.gov");
expectScope("scp", "storage.type.policy.gov");
expectScope("regions", "entity.name.type.policy.gov");
expectScope("rcp", "storage.type.policy.gov");
expectScope("perimeter", "entity.name.type.policy.gov");
expectScope("deny", "keyword.control.effect.gov");
expectScope("model", "keyword.other.selector.gov");
expectScope("deepseek*", "variable.other.gov");
expectScope("anthropic.claude-3-opus-20240229-v1:0", "support.constant.model.gov");
expectScope("us.deepseek.r1-v1:0", "support.constant.model.gov");
expectScope("unless", "keyword.control.clause.gov");
expectScope("iam", "support.type.service.gov");
expectScope("111111111111", "constant.numeric.account-id.gov");
expectScope("bedrock:InvokeModel", "support.function.action.gov");
expectScope("bedrock", "entity.name.namespace.gov");
expectScope("foundation_models", "variable.other.path.gov");
expectScope("aws:RequestedRegion", "variable.other.condition-key.gov");
expectScope("==", "keyword.operator.comparison.gov");
expectScope("&&", "keyword.operator.logical.gov");
expectScope("any", "keyword.operator.word.gov");
expectScope("5120", "constant.numeric.integer.gov");
expectScope("dev", "entity.name.type.target.gov");
expectScope("222222222222", "constant.numeric.account-id.gov");
expectScope("\\q", "invalid.illegal.escape.gov");
// An unterminated string ends at its line, as in the lexer: the next line is code again.
expectScope("after_string", "entity.name.type.policy.gov");
// Tag policies: `require tags … for actions …` and `protect tags … for services|actions …`.
expectScope("tagging", "entity.name.type.policy.gov");
expectScope("require", "keyword.control.effect.gov");
expectScope("tags", "keyword.other.selector.gov");
expectScope("CostCenter", "variable.other.gov");
expectScope("Environment", "variable.other.gov");
expectScope("ec2:RunInstances", "support.function.action.gov");
expectScope("ec2:CreateVolume", "support.function.action.gov");
expectScope("s3:PutBucketTagging", "support.function.action.gov");
{
  const protects = sample.filter((t) => t.text === "protect");
  check(protects.length === 2, `both protect statements tokenised: ${protects.length}`);
  for (const t of protects) {
    check(has(t, "keyword.control.effect.gov"), `"protect" is an effect keyword: ${t.scopes.join(" ")}`);
  }
  const line = protects[0].line;
  const onLine = (text) => sample.find((t) => t.line === line && t.text === text);
  check(has(onLine("services"), "keyword.other.selector.gov"), "services after protect is a selector");
  check(has(onLine("ec2"), "variable.other.gov"), "a service after protect is a value");
  check(has(onLine("for"), "keyword.control.clause.gov"), "for after protect is a clause keyword");
}

console.log(
  `grammar ok: ${KEYWORDS.length} keywords, ${examples.length} examples + ${others.length} other files, ` +
    `${totals.keyword} keyword / ${totals.string} string / ${totals.comment} comment tokens, ${checks} checks`,
);
