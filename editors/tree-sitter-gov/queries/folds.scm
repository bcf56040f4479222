; Foldable regions of a .gov file.
[
  (org_body)
  (policy_body)
  (guardrail_body)
  (control_body)
  (test_body)
  (condition_block)
  (context_map)
  (list)
  (comment)
] @fold
