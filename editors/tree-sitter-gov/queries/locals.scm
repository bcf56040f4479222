; Scopes, definitions and references for .gov. Names are global to a program (every file it
; `use`s), so the whole file is one scope.

(source_file) @local.scope

(const_declaration name: (identifier) @local.definition)
(condition_declaration name: (identifier) @local.definition)
(set_declaration name: (identifier) @local.definition)
(scp_block name: (identifier) @local.definition)
(identity_block name: (identifier) @local.definition)
(rcp_block name: (identifier) @local.definition)
(guardrail_block name: (identifier) @local.definition)
(control_block name: (identifier) @local.definition)
(ou_declaration name: (identifier) @local.definition)
(account_declaration name: (identifier) @local.definition)

(identifier) @local.reference
(word) @local.reference
