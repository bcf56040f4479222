/**
 * @file Tree-sitter grammar for .gov, the govc policy language.
 * @license Apache-2.0
 *
 * It follows the compiler's own LALR(1) grammar (syntax/src/grammar.lalrpop) rule by
 * rule, and its lexer (syntax/src/lexer.rs) token by token. Where the two differ, the
 * compiler is right: this grammar is for highlighting, folding and structural navigation in
 * editors, and it is a little more lenient (a reserved word such as `on` reads as a plain word
 * where only a word can stand, whereas the compiler rejects it).
 */

/// <reference types="tree-sitter-cli/dsl" />
// @ts-check

// Keywords that may also be used as names (`SoftKeyword` in the compiler's grammar).
const SOFT_KEYWORDS = [
  'absent', 'account', 'action', 'actions', 'all', 'allow', 'any', 'api_keys', 'context',
  'except', 'exempt', 'guarding', 'input_tags', 'invoke', 'is', 'like', 'limits', 'lock',
  'model', 'models', 'not', 'only', 'present', 'principal', 'principals', 'region', 'regions',
  'require', 'resource', 'root', 'service', 'services', 'tags', 'with', 'via_mcp', 'in',
];

const PREC = {
  or: 1,
  and: 2,
  not: 3,
};

/**
 * One or more `rule`s separated by commas (no trailing comma).
 * @param {RuleOrLiteral} rule
 */
function commaSep1(rule) {
  return seq(rule, repeat(seq(',', rule)));
}

module.exports = grammar({
  name: 'gov',

  word: $ => $.word,

  extras: $ => [/\s/, $.comment],

  supertypes: $ => [$._item, $._statement, $._condition, $._value],

  rules: {
    source_file: $ => repeat(seq($._item, repeat(';'))),

    // ------------------------------------------------------------------------------------------
    // Tokens

    // `//` line comments (`///` and `//!` are doc comments) and `/* … */` block comments, which
    // do not nest.
    comment: _ => token(choice(
      seq('//', /[^\n\r]*/),
      seq('/*', /[^*]*\*+([^/*][^*]*\*+)*/, '/'),
    )),

    // A bare word: names, Region codes, model ids and patterns, actions (`svc:Name`), numbers.
    // A single `:` may occur inside (`bedrock:InvokeModel`, `deepseek.r1-v1:0`); `::` never
    // does, so `bedrock::invoke` is a path of two words.
    word: _ => /[A-Za-z0-9_*?]([A-Za-z0-9_.*?\-]|:[A-Za-z0-9_.*?\-])*/,

    string: $ => seq(
      '"',
      repeat(choice($.string_content, $.escape_sequence)),
      token.immediate('"'),
    ),
    string_content: _ => token.immediate(prec(1, /[^"\\\n\r]+/)),
    // `\"`, `\\`, `\n` and `\t` are the escapes; the compiler reports any other as an error.
    escape_sequence: _ => token.immediate(/\\[^\n\r]/),

    // ------------------------------------------------------------------------------------------
    // Names and values

    // A word, or a keyword that is unambiguous in a name position.
    _name: $ => choice(
      alias($.word, $.identifier),
      ...SOFT_KEYWORDS.map(k => alias(k, $.identifier)),
    ),

    // `cris::us`, `models::anthropic`, `bedrock::invoke`.
    path: $ => seq(
      choice(alias($.word, $.identifier), alias('models', $.identifier)),
      repeat1(seq('::', $._name)),
    ),

    _value: $ => choice(
      $.word,
      $.string,
      $.path,
      alias('true', $.boolean),
      alias('false', $.boolean),
      $.list,
    ),

    // Bracketed lists allow a trailing comma.
    list: $ => seq('[', optional(seq(commaSep1($._value), optional(','))), ']'),

    // ------------------------------------------------------------------------------------------
    // Items

    _item: $ => choice(
      $.use_declaration,
      $.org_block,
      $.const_declaration,
      $.condition_declaration,
      $.set_declaration,
      $.scp_block,
      $.identity_block,
      $.rcp_block,
      $.guardrail_block,
      $.control_block,
      $.attach_declaration,
      $.test_block,
      $.rule,
    ),

    use_declaration: $ => seq('use', field('source', choice($.string, $.path))),

    const_declaration: $ => seq('const', field('name', $._name), '=', field('value', $._value)),

    // `const in_org = { context["aws:PrincipalOrgID"] == "o-…" }`: a named condition.
    condition_declaration: $ => seq('const', field('name', $._name), '=', $.condition_block),

    set_declaration: $ => seq('set', field('name', $._name), '=', field('value', $._value)),

    scp_block: $ => seq('scp', field('name', $._name), field('body', $.policy_body)),

    identity_block: $ => seq('identity', field('name', $._name), field('body', $.policy_body)),

    rcp_block: $ => seq('rcp', field('name', $._name), field('body', $.policy_body)),

    policy_body: $ => seq('{', repeat(seq($._statement, repeat(';'))), '}'),

    guardrail_block: $ => seq(
      'guardrail',
      field('name', $._name),
      field('body', $.guardrail_body),
    ),

    guardrail_body: $ => seq('{', repeat(seq($._guardrail_statement, repeat(';'))), '}'),

    control_block: $ => seq(
      'control',
      field('name', $._name),
      'on',
      commaSep1(field('target', $._name)),
      field('body', $.control_body),
    ),

    control_body: $ => seq('{', repeat(seq($._control_statement, repeat(';'))), '}'),

    attach_declaration: $ => seq(
      'attach',
      commaSep1(field('policy', $._name)),
      'to',
      commaSep1(field('target', $._name)),
    ),

    test_block: $ => seq(
      'test',
      field('name', $.string),
      'on',
      field('target', $._name),
      field('body', $.test_body),
    ),

    test_body: $ => seq('{', repeat(seq($.expect_statement, repeat(';'))), '}'),

    // ------------------------------------------------------------------------------------------
    // Organization

    org_block: $ => seq('org', field('body', $.org_body)),

    org_body: $ => seq('{', repeat(seq($._org_entry, repeat(';'))), '}'),

    _org_entry: $ => choice(
      $.root_declaration,
      $.org_id_declaration,
      $.ou_declaration,
      $.account_declaration,
      $.limits_declaration,
    ),

    root_declaration: $ => seq('root', '=', field('id', $.string)),

    // `id = "o-…"`: the organization's id (any word is accepted here; the checker wants `id`).
    org_id_declaration: $ => seq(field('setting', $.word), '=', field('id', $._value)),

    ou_declaration: $ => seq(
      'ou',
      field('name', $._name),
      '=',
      field('id', $.string),
      optional(seq('under', field('parent', $._name))),
    ),

    account_declaration: $ => seq(
      'account',
      field('name', $._name),
      '=',
      field('id', $.string),
      optional(seq('under', field('parent', $._name))),
    ),

    // `limits legacy`, or `limits scp_chars = 5120, scps_per_target = 5`.
    limits_declaration: $ => seq(
      'limits',
      choice(
        field('preset', alias($.word, $.identifier)),
        commaSep1($.limit),
      ),
    ),

    limit: $ => seq(field('key', alias($.word, $.identifier)), '=', field('value', $._value)),

    // ------------------------------------------------------------------------------------------
    // Policy statements (scp, identity and rcp blocks)

    _statement: $ => choice(
      $.require_statement,
      $.require_tags_statement,
      $.require_tags_for_statement,
      $.protect_tags_statement,
      $.deny_models_statement,
      $.only_models_statement,
      $.only_regions_statement,
      $.deny_services_statement,
      $.deny_all_statement,
      $.deny_api_keys_statement,
      $.deny_actions_statement,
      $.allow_statement,
      $.rule,
    ),

    // `require mfa`.
    require_statement: $ => seq('require', field('requirement', $.word)),

    // `require tags CostCenter, Team on inference_profile`.
    require_tags_statement: $ => seq(
      'require',
      'tags',
      commaSep1(field('tag', $._value)),
      'on',
      field('resource', $._name),
    ),

    // `require tags CostCenter, Team for actions ec2:RunInstances on "arn:…" unless …`,
    // `require tags Environment in [prod, dev] for actions ec2:RunInstances`.
    require_tags_for_statement: $ => seq(
      'require',
      'tags',
      choice(
        commaSep1(field('tag', $._value)),
        seq(field('tag', $._value), 'in', field('value', $._value)),
      ),
      'for',
      'actions',
      commaSep1(field('action', $._value)),
      optional(seq('on', commaSep1(field('resource', $._value)))),
      repeat($.clause),
    ),

    // `protect tags CostCenter, Team for services ec2, s3 unless …`,
    // `protect tags Owner for actions s3:PutBucketTagging`.
    protect_tags_statement: $ => seq(
      'protect',
      'tags',
      commaSep1(field('tag', $._value)),
      'for',
      choice(
        seq('services', commaSep1(field('service', $._value))),
        seq('actions', commaSep1(field('action', $._value))),
      ),
      repeat($.clause),
    ),

    deny_models_statement: $ => seq(
      'deny',
      choice('model', 'models'),
      commaSep1(field('model', $._value)),
      repeat($.clause),
    ),

    only_models_statement: $ => seq(
      'only',
      'models',
      commaSep1(field('model', $._value)),
      repeat($.clause),
    ),

    only_regions_statement: $ => seq(
      'only',
      'regions',
      commaSep1(field('region', $._value)),
      optional(choice(
        seq('for', 'services', commaSep1(field('service', $._value))),
        seq('for', 'all', 'services'),
      )),
      repeat($.clause),
    ),

    deny_services_statement: $ => seq(
      'deny',
      choice('service', 'services'),
      commaSep1(field('service', $._value)),
      repeat($.clause),
    ),

    deny_all_statement: $ => seq('deny', 'all', repeat($.clause)),

    deny_api_keys_statement: $ => seq(
      'deny',
      'api_keys',
      optional(field('kind', choice(alias($.word, $.identifier), alias('all', $.identifier)))),
      repeat($.clause),
    ),

    deny_actions_statement: $ => seq(
      'deny',
      choice('action', 'actions'),
      commaSep1(field('action', $._value)),
      optional(seq('on', commaSep1(field('resource', $._value)))),
      repeat($.clause),
    ),

    // `allow invoke on inference_profile …`, `allow actions … on "arn:…"`.
    allow_statement: $ => seq(
      'allow',
      choice(
        'invoke',
        seq(choice('action', 'actions'), commaSep1(field('action', $._value))),
      ),
      'on',
      choice(
        seq(
          field('resource_type', choice(alias('model', $.identifier), alias($.word, $.identifier))),
          commaSep1(field('resource', $._value)),
        ),
        commaSep1(field('resource', $.string)),
      ),
      optional(seq('in', 'account', field('account', $._value))),
      repeat($.clause),
    ),

    // `when region in …`, `unless principal "…"`, `when via_mcp`, `unless { … }`.
    clause: $ => seq(
      choice('when', 'unless'),
      choice(
        $.region_predicate,
        $.principal_predicate,
        $.principal_account_predicate,
        $.via_mcp_predicate,
        $.condition_block,
        field('condition', alias($.word, $.condition_name)),
      ),
    ),

    region_predicate: $ => seq('region', 'in', field('value', $._value)),

    principal_predicate: $ => seq(
      'principal',
      choice(
        field('value', $.string),
        seq('in', field('value', $._value)),
        field('value', $.word),
      ),
    ),

    principal_account_predicate: $ => seq(
      'principal',
      'account',
      choice(
        seq('in', field('value', $._value)),
        field('value', $.string),
        field('value', $.word),
      ),
    ),

    via_mcp_predicate: $ => seq('via_mcp', optional(seq('in', field('value', $._value)))),

    condition_block: $ => seq('{', $._condition, '}'),

    // ------------------------------------------------------------------------------------------
    // Core rules

    // `forbid (principal, action in [...], resource) when { … } unless { … };`
    rule: $ => seq(
      field('effect', choice('forbid', 'permit')),
      field('scope', $.scope),
      repeat($.rule_clause),
    ),

    scope: $ => seq('(', optional(commaSep1($.scope_entry)), ')'),

    scope_entry: $ => seq(
      field('variable', alias(choice('principal', 'action', 'resource'), $.scope_variable)),
      optional(seq(
        field('operator', choice('==', '!=', 'in', 'like', seq('not', 'in'), seq('not', 'like'))),
        field('value', $._value),
      )),
    ),

    rule_clause: $ => seq(choice('when', 'unless'), $.condition_block),

    _condition: $ => choice(
      $.or_condition,
      $.and_condition,
      $.not_condition,
      $.parenthesized_condition,
      $.predicate,
      alias($.word, $.condition_name),
    ),

    or_condition: $ => prec.left(PREC.or, seq(
      field('left', $._condition),
      '||',
      field('right', $._condition),
    )),

    and_condition: $ => prec.left(PREC.and, seq(
      field('left', $._condition),
      '&&',
      field('right', $._condition),
    )),

    not_condition: $ => prec(PREC.not, seq('!', $._condition)),

    parenthesized_condition: $ => seq('(', $._condition, ')'),

    // `context["aws:RequestedRegion"] in [...]`, `any context["…"] like "…"`,
    // `context["…"] is absent`.
    predicate: $ => seq(
      optional(field('quantifier', alias(choice('any', 'all'), $.quantifier))),
      'context',
      '[',
      field('key', $.string),
      ']',
      choice(
        seq('is', choice('absent', 'present')),
        seq(
          field('operator', choice(
            '==', '!=', '<', '<=', '>', '>=', 'in', 'like', seq('not', 'in'), seq('not', 'like'),
          )),
          field('value', $._value),
        ),
      ),
    ),

    // ------------------------------------------------------------------------------------------
    // Guardrails (BEDROCK_POLICY)

    _guardrail_statement: $ => choice(
      $.guardrail_use_statement,
      $.input_tags_statement,
      $.guarding_statement,
      $.models_statement,
      alias('lock', $.lock_statement),
    ),

    // `in us-east-1 use "arn:…:guardrail/abc:1"`.
    guardrail_use_statement: $ => seq(
      'in',
      field('region', $._value),
      'use',
      field('guardrail', $.string),
    ),

    input_tags_statement: $ => seq('input_tags', field('mode', $.word)),

    guarding_statement: $ => seq('guarding', commaSep1($.guarding_filter)),

    guarding_filter: $ => seq(field('filter', $.word), field('strength', $.word)),

    models_statement: $ => seq(
      'models',
      choice('all', commaSep1(field('model', $._value))),
      optional(seq('except', commaSep1(field('exclude', $._value)))),
    ),

    // ------------------------------------------------------------------------------------------
    // Control Tower controls

    _control_statement: $ => choice($.control_regions_statement, $.exempt_statement),

    control_regions_statement: $ => seq('regions', commaSep1(field('region', $._value))),

    exempt_statement: $ => seq(
      'exempt',
      choice('action', 'actions', 'principals'),
      commaSep1(field('value', $._value)),
    ),

    // ------------------------------------------------------------------------------------------
    // Tests

    // `expect deny bedrock:InvokeModel on * in eu-west-1 with { "aws:…": true }`.
    expect_statement: $ => seq(
      'expect',
      field('decision', alias(choice('allow', 'deny'), $.decision)),
      field('action', $._value),
      'on',
      field('resource', $._value),
      optional(seq('in', field('region', $._value))),
      optional(seq('with', $.context_map)),
    ),

    context_map: $ => seq('{', commaSep1($.context_entry), '}'),

    context_entry: $ => seq(field('key', $.string), ':', field('value', $._value)),
  },
});
