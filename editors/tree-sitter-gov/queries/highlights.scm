; Highlights for .gov (tree-sitter-gov). Capture names follow the common set that Neovim,
; Helix and `tree-sitter highlight` understand. A node is captured by one pattern only where it
; matters (`tree-sitter highlight` keeps the first match for a node, Neovim the last).

; Declarations and references --------------------------------------------------------------

(scp_block name: (identifier) @function)
(identity_block name: (identifier) @function)
(rcp_block name: (identifier) @function)
(guardrail_block name: (identifier) @function)
(control_block name: (identifier) @function)
(attach_declaration policy: (identifier) @function)

(ou_declaration name: (identifier) @type)
(account_declaration name: (identifier) @type)
(ou_declaration parent: (identifier) @type)
(account_declaration parent: (identifier) @type)
(attach_declaration target: (identifier) @type)
(control_block target: (identifier) @type)
(test_block target: (identifier) @type)

(const_declaration name: (identifier) @constant)
(condition_declaration name: (identifier) @constant)
(condition_name) @constant
(set_declaration name: (identifier) @constant)

(limits_declaration preset: (identifier) @constant.builtin)
(limit key: (identifier) @property)

(path (identifier) @module . "::")
(path "::" (identifier) @constant)

(scope_variable) @variable.builtin
(decision) @keyword

; Region codes, model ids and patterns, services and actions ---------------------------------

(only_regions_statement region: (word) @constant)
(control_regions_statement region: (word) @constant)
(guardrail_use_statement region: (word) @constant)
(region_predicate value: (word) @constant)
(expect_statement region: (word) @constant)
(deny_models_statement model: (word) @constant)
(only_models_statement model: (word) @constant)
(models_statement model: (word) @constant)
(models_statement exclude: (word) @constant)
(allow_statement resource_type: (identifier) @type.builtin)
(allow_statement resource: (word) @constant)
(deny_services_statement service: (word) @constant)
(only_regions_statement service: (word) @constant)
(deny_actions_statement action: (word) @function.builtin)
(allow_statement action: (word) @function.builtin)
(expect_statement action: (word) @function.builtin)
(exempt_statement value: (word) @constant)
(require_tags_statement tag: (word) @property)
(require_tags_statement resource: (identifier) @type.builtin)
(require_tags_for_statement tag: (word) @property)
(require_tags_for_statement action: (word) @function.builtin)
(protect_tags_statement tag: (word) @property)
(protect_tags_statement service: (word) @constant)
(protect_tags_statement action: (word) @function.builtin)
(require_statement requirement: (word) @constant.builtin)
(deny_api_keys_statement kind: (identifier) @constant.builtin)
(input_tags_statement mode: (word) @constant.builtin)
(guarding_filter filter: (word) @property)
(guarding_filter strength: (word) @constant.builtin)

; Literals ------------------------------------------------------------------------------------

((word) @number
  (#match? @number "^[0-9]+$"))

(boolean) @boolean

(string) @string
(escape_sequence) @string.escape

((comment) @comment
  (#not-match? @comment "^//[/!]"))
((comment) @comment.documentation
  (#match? @comment.documentation "^//[/!]"))

; Keywords -------------------------------------------------------------------------------------

[
  "use"
  "org"
  "const"
  "set"
  "scp"
  "identity"
  "rcp"
  "guardrail"
  "control"
  "attach"
  "test"
  "root"
  "ou"
  "account"
  "limits"
  "under"
  "to"
  "on"
  "for"
  "require"
  "protect"
  "tags"
  "deny"
  "allow"
  "only"
  "model"
  "models"
  "regions"
  "region"
  "service"
  "services"
  "all"
  "api_keys"
  "action"
  "actions"
  "invoke"
  "principal"
  "principals"
  "via_mcp"
  "context"
  "input_tags"
  "guarding"
  "except"
  "exempt"
  "expect"
  "with"
] @keyword

(lock_statement) @keyword

[
  "forbid"
  "permit"
] @keyword

[
  "when"
  "unless"
] @keyword.conditional

[
  "in"
  "like"
  "not"
  "is"
  "absent"
  "present"
] @keyword.operator

(quantifier) @keyword.operator

; Operators and punctuation ----------------------------------------------------------------------

[
  "="
  "=="
  "!="
  "<"
  "<="
  ">"
  ">="
  "&&"
  "||"
  "!"
] @operator

[
  "{"
  "}"
  "("
  ")"
  "["
  "]"
] @punctuation.bracket

[
  ","
  ";"
  ":"
  "::"
] @punctuation.delimiter
