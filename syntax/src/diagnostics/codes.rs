//! The diagnostic code registry. `docs/diagnostics.md` is generated from this table and a test
//! fails when the two differ, so the index cannot drift from the code.

/// How serious a diagnostic is; each [`Code`] has a fixed one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// The program is rejected (exit status 1): nothing is compiled.
    Error,
    /// Reported, but the program still compiles (unless `--deny-warnings`).
    Warning,
}

impl Severity {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

macro_rules! codes {
    ($( $code:ident : $sev:ident, $title:literal, $explain:literal; )*) => {
        /// A stable diagnostic code. `E…` codes are errors, `W…` codes warnings.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code { $( #[doc = $title] $code, )* }

        impl Code {
            /// Every code, in registry order (the order of docs/diagnostics.md).
            pub const ALL: &'static [Code] = &[ $( Code::$code, )* ];

            /// The code as written: `E0001`, `W0223`.
            pub fn as_str(self) -> &'static str {
                match self { $( Code::$code => stringify!($code), )* }
            }

            /// Whether the code is an error or a warning.
            pub fn severity(self) -> Severity {
                match self { $( Code::$code => Severity::$sev, )* }
            }

            /// One line: what the code means.
            pub fn title(self) -> &'static str {
                match self { $( Code::$code => $title, )* }
            }

            /// The long explanation printed by `govc explain`.
            pub fn explanation(self) -> &'static str {
                match self { $( Code::$code => $explain, )* }
            }

            /// Accepts `E0200`, `e0200` and `0200`-style input from the command line.
            pub fn parse(s: &str) -> Option<Code> {
                let s = s.trim();
                Code::ALL.iter().copied().find(|c| {
                    c.as_str().eq_ignore_ascii_case(s) || c.as_str().get(1..) == Some(s)
                })
            }
        }
    };
}

codes! {
    E0001: Error, "unexpected character",
"The lexer met a character that cannot start any token: a control character, a NUL byte, a
non-ASCII letter outside a string, or punctuation the language does not use.

    deny model deepseek€        // `€` is not part of any word

Names, region codes, model ids and actions are plain ASCII words. Anything else belongs inside
double quotes.";

    E0002: Error, "unterminated string",
"A string literal has no closing `\"` before the end of its line. Strings cannot span lines.

    deny service bedrock unless principal \"arn:aws:iam::111111111111:role/Admin

Add the closing quote on the same line.";

    E0003: Error, "unterminated block comment",
"A `/*` comment is never closed with `*/`, so the rest of the file is a comment. Block comments
do not nest. Close it with `*/`, or use `//` line comments.";

    E0004: Error, "unexpected token",
"The parser found a token that cannot appear at this point. The help line lists what could.
Common causes: a missing `{` or `}`, a list item missing its comma, or a keyword used as a
value. Keywords (`all`, `model`, `regions`, …) can be used as values by quoting them:

    require tags \"all\" on inference_profile

The parser recovers at the next statement or block, so later errors are still reported.";

    E0005: Error, "unexpected end of file",
"The file ends in the middle of a block or statement, usually because a `}` is missing. The
help line lists what was expected.";

    E0006: Error, "file is not valid UTF-8",
"Source files must be UTF-8. The bytes at the reported position are not; they were replaced by
U+FFFD to keep checking the rest of the file. Re-save the file as UTF-8.";

    E0008: Error, "brackets nested too deep",
"Brackets, braces and parentheses may nest at most 64 levels. No policy needs more; the limit
keeps the compiler's memory and stack use bounded for any input. Conditions joined with `&&`
or `||` need no extra parentheses: `a && b && c` is one flat list.";

    E0009: Error, "unknown escape in string",
"Strings know four escapes: `\\\"`, `\\\\`, `\\n` and `\\t`. Any other backslash sequence is
rejected rather than guessed at. Write `\\\\` for a literal backslash.";

    E0010: Error, "file too large",
"A source file may be at most 256 MiB. Split the policies across several files and join them
with `use \"other.gov\"`.";

    E0011: Error, "formatting would change the program",
"`govc fmt` checks its own work: the formatted text must parse to the same program, with the
same comments, as the original. It did not, so the file was left unchanged. This is a bug in
the formatter, not in the file; please report it with the file that triggered it.";

    E0012: Error, "too many diagnostics",
"govc collects at most 1,000 diagnostics per file in each phase (syntax, names and types, the
back end) and counts the rest, so that memory and output stay proportional to what is shown,
whatever the input. This diagnostic stands for the ones not collected, at the first of them.
Fix the reported ones and run again.";

    W0013: Warning, "too many warnings",
"As E0012, when every diagnostic not collected is a warning: govc collects at most 1,000
diagnostics per file in each phase and counts the rest, and this warning stands for them, at
the first of them. The program still compiles (unless `--deny-warnings`), as it would with
every warning shown. A large organization can reach the limit with one lint repeated across
thousands of policies; fix the rule the first warnings point at and the rest usually go too.";

    E0100: Error, "unknown name",
"A name is used that is not declared in this file, in a file it `use`s, or in the standard
library. Targets (`root`, `ou`, `account`), policies (`scp`, `guardrail`, `identity`),
controls and constants must be declared in the file or in a file it `use`s; the order of
declarations does not matter.

    attach models to prod        // `prod` must be declared in an `org` block

If the declaration lives in another file, add `use \"that-file.gov\"`.";

    E0101: Error, "duplicate name",
"Two declarations have the same name. Policy, target and constant names share one namespace
across the whole program (every file given to govc and every file they `use`), because
policy names become output file names. Rename one of them.";

    E0102: Error, "`use` cycle",
"Files `use` each other in a cycle. A cycle has no first file to read, so it is refused; move
the shared declarations into a third file that both `use`.";

    E0103: Error, "file not found",
"A `use \"path.gov\"` names a file that does not exist or cannot be read. Paths are relative to
the file that contains the `use`. Only regular files are read through `use`: a device such as
`/dev/zero` or `/dev/stdin`, or a named pipe, is refused.";

    E0104: Error, "unknown standard-library module",
"`use std::NAME` (or a path like `NAME::item`) names a module that is not in the standard
library. The modules are listed in `stdlib/README.md`; `govc explain E0104` cannot list them
for you, but the help line suggests the closest one.";

    E0105: Error, "wrong kind of name",
"A name refers to a declaration of the wrong kind, for example attaching an `identity` policy
(IAM policies are attached to roles, not to organization targets), attaching a constant, or
naming a policy where a target is expected.

    attach playground to root    // `playground` is an identity policy

`attach` takes `scp` and `guardrail` policies and organization targets.";

    E0106: Error, "core rule outside a policy",
"A `forbid`/`permit` rule must be written inside an `scp` or `identity` block, because the
block decides which document the rule lands in and where it is attached:

    scp direct_models {
      forbid (action in bedrock::invoke, resource like \"arn:aws:bedrock:*::foundation-model/*\")
        when { context[\"bedrock:InferenceProfileArn\"] is absent };
    }";

    E0107: Error, "organization declared twice",
"A program has one organization. Two `org` blocks, two `root` entries, or two targets with the
same id are refused because the compiler could not tell which one attachments refer to.";

    E0108: Error, "invalid name",
"Declared names are identifiers: letters, digits and `_`, not starting with a digit. Names
become output file names and JSON keys, so `us-east-1` or `my.policy` are refused.";

    E0109: Error, "unknown requirement",
"`require` takes `application_inference_profile` (all Bedrock invocation must go through an
application inference profile) or `tags K1, K2 on KIND`.";

    E0110: Error, "invalid rule scope",
"A core rule's scope names `principal`, `action` and `resource` at most once each, in that
order, as in Cedar. SCPs cannot name principals directly: `principal == \"arn…\"` and
`principal like \"arn…\"` become `aws:PrincipalArn` conditions.";

    E0111: Error, "statement not allowed here",
"The statement cannot appear in this kind of block. `scp` blocks take surface statements
(`deny …`, `only …`, `require …`) and core rules; `identity` blocks take `allow …` statements
and `permit`/`forbid` rules; `rcp` blocks take `deny service`, `deny all`, `deny actions`,
`only regions … for services …` and `forbid` rules. An IAM identity policy cannot express
`only regions` or `only models` allow-lists, an SCP cannot grant with `allow …` (it only
filters), and a resource control policy can only deny (AWS allows `Allow` in no RCP but its own
RCPFullAWSAccess) and only on the services RCPs govern, so the Bedrock statements (`deny
model`, `only models`, `deny api_keys`, `require …`) and `permit` have no place in it.";

    E0112: Error, "missing required setting",
"A block lacks a setting without which its output would be invalid or unsafe: a guardrail with
no `in REGION use \"ARN\"` line, or a control with no `regions` list. The message names it.";

    E0114: Error, "organization hierarchy cycle",
"An OU or account is declared `under` itself, directly or through other OUs. The organization
is a tree under its root.";

    E0115: Error, "OUs nested too deep",
"AWS Organizations allows five levels of OUs under the root (docs/aws.md §1.1). The OU named here is
at a deeper level and could not be created.";

    E0116: Error, "test on a target with no accounts",
"A `test` on an OU or the root runs its expectations for every account under it (an `account`
runs them for itself). This target has no account under it, so the test would check nothing.
Name an account, or declare the accounts under the OU.";

    E0117: Error, "constants nested too deep",
"A constant refers to a constant that refers to a constant… more than 64 levels deep. govc
expands constants to the literal values they stand for, and stops at that depth rather than
recurse without bound; a chain this deep is refused instead of being cut short, because a value
cut short would silently govern less than it names. Refer to the values more directly (one set
holding the list, or fewer intermediate constants).";

    E0118: Error, "name too long",
"A name may be at most 96 characters. Policy names become the names of the policies govc writes,
and AWS allows 128 characters in an Organizations or IAM policy name; a policy split into
several documents, or several policies packed into one, gets a suffix of up to 16 more
(`NAME+12-more-2`). The same bound holds for every name so that none reaches AWS too long.";

    E0200: Error, "unknown region",
"The region code is not in the embedded region list (from botocore's partition data, see
`docs/catalog.md`). Region codes are lowercase, like `us-east-1`. The help line suggests the
closest known code.";

    E0201: Error, "unknown service",
"The service prefix is not an IAM service prefix in the embedded Service Authorization
Reference data. Prefixes are lowercase, like `bedrock`, `bedrock-mantle`, `bedrock-agentcore`.";

    E0202: Error, "unknown action",
"The action is not listed for its service in the embedded Service Authorization Reference
data. Action names are matched case-insensitively, as IAM does. If AWS added the action after
the catalog was generated, refresh the catalog (`docs/catalog.md`).";

    E0203: Error, "not an IAM action",
"The name is an API operation, not an IAM action: AWS authorises it as another action, so a
statement that names it matches nothing. `bedrock:Converse`, `bedrock:StartAsyncInvoke` and
`bedrock:InvokeModelWithBidirectionalStream` are authorised as `bedrock:InvokeModel`;
`bedrock:ConverseStream` as `bedrock:InvokeModelWithResponseStream` (docs/aws.md §4.1). Name the
action that is authorised; the help line says which.";

    E0204: Error, "unknown condition key",
"The condition key is neither a global `aws:` key nor a key of its service in the embedded
Service Authorization Reference data. Key names are case-insensitive; tag keys are written
`aws:RequestTag/NAME`, `aws:ResourceTag/NAME`, `aws:PrincipalTag/NAME`.";

    E0205: Error, "unknown model id",
"Here an exact Bedrock model id is needed (guardrail model lists and identity policies name
base model ids, not patterns), and this one is not in the embedded model list. Model ids look
like `anthropic.claude-3-opus-20240229-v1:0`. AWS adds models weekly; if the model is new,
refresh the catalog.";

    W0206: Warning, "model pattern matches no known model",
"No model in the embedded list matches this pattern, so the statement has no effect on any
model known today. Check the spelling (model ids are `provider.name`, lowercase). If the
pattern is meant for future models, the warning can be ignored.";

    E0207: Error, "value of the wrong type for its condition key",
"The value cannot be a value of the key's type: a Bool key takes `true`/`false`, a Numeric key
a number, an ARN key an `arn:` string, a Date key an ISO 8601 date or epoch seconds, an
IPAddress key an IP or CIDR. A mistyped value makes IAM's comparison always false, which in a
Deny silently lets the request through.";

    E0208: Error, "set qualifier on a single-valued key",
"`any`/`all` (`ForAnyValue:`/`ForAllValues:`) are for multivalued keys (SAR type `ArrayOf…`).
On a single-valued key AWS warns that they 'might result in overly permissive policies':
`ForAllValues` is true when the key is missing. Remove the qualifier.";

    E0209: Error, "multivalued key needs `any` or `all`",
"The key is multivalued (SAR type `ArrayOf…`); comparing it without a set qualifier is an
error in IAM Access Analyzer (MISSING_QUALIFIER). Say `any context[\"aws:TagKeys\"] in [..]`
(some value matches, `ForAnyValue:`) or `all context[…] in [..]` (every value matches,
`ForAllValues:`, also true when the key is absent).";

    E0210: Error, "invalid identifier format",
"An organization id has the wrong shape. Account ids are 12 digits; OU ids look like
`ou-a1b2-33333333`; root ids like `r-a1b2`.";

    E0211: Error, "invalid ARN",
"The string is not an ARN of the expected shape: `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`.
Principal exemptions expect IAM or STS ARNs (`arn:aws:iam::111111111111:role/Name`).";

    E0212: Error, "invalid guardrail identifier",
"A `BEDROCK_POLICY` guardrail identifier must be a guardrail ARN with a numeric version
(`arn:aws:bedrock:REGION:ACCOUNT:guardrail/ID:VERSION`, not DRAFT), created in the region it
is enforced in (docs/aws.md §2.1). AWS says a malformed identifier makes all Bedrock calls across
the target fail.";

    E0213: Error, "unknown resource kind",
"The resource kind is not one the statement knows. In `allow … on KIND`, kinds are Bedrock
resource types written with `_`: `model` (foundation models), `inference_profile` (system
inference profiles), `application_inference_profile`, `guardrail`, …. In
`require tags … on KIND`, the kind is `inference_profile` or `application_inference_profile`;
both mean application inference profiles, the only inference profiles that can be created
and tagged (system profiles carry no tags, docs/aws.md §4.4).";

    W0214: Warning, "action pattern matches no action",
"No action in the embedded catalog matches this wildcard, so the statement covers nothing
known today. Check the spelling; if the actions are newer than the catalog, refresh it.";

    E0215: Error, "operator does not apply to this key's type",
"The comparison is not defined for the key's type: `<`/`>` need a Numeric or Date key, `like`
a String or ARN key. The message names the key's type.";

    E0216: Error, "invalid limit",
"`limits` takes a preset (`current`: 10,240 characters and 10 SCPs per target; `legacy`: 5,120
and 5) or settings `scp_size = N` (1–10,240) and `scp_per_target = N` (1–10). Limits cannot be
raised above what AWS accepts (docs/aws.md §1.1).";

    E0217: Error, "invalid setting value",
"The value is not one of those the setting accepts; the help line lists them. For example
`input_tags` takes `honor` or `ignore`, `guarding` takes `system`/`messages` with
`selective`/`comprehensive`, and `deny api_keys` takes `long_term`, `short_term` or `all`.";

    W0218: Warning, "model is retired",
"The model id was removed from Bedrock (the catalog records the date it disappeared). A
policy naming it does no harm but no longer matches anything in use.";

    E0219: Error, "expected a single value",
"A list was given where the statement takes one value, such as a test's action or resource.";

    W0222: Warning, "condition key never present for these actions",
"According to the Service Authorization Reference, requests for the named actions never carry
this condition key. A positive comparison on a missing key is false, so a `forbid` rule whose
`when` tests it never applies to those actions and the request goes through; a negated
comparison is true, so it denies them unconditionally (docs/aws.md §3.3). IAM Access Analyzer
reports the same as UNSUPPORTED_ACTION_FOR_CONDITION_KEY. Name only actions that carry the
key, or split the rule.

    forbid (action in [bedrock:InvokeModelWithResponseStream], resource)
      when { context[\"bedrock:ModelArn\"] like \"*deepseek*\" };   // the key is never set";

    E0220: Error, "inference-profile id where a model is meant",
"Model patterns (`deny model`, `only models`, `allow … on model`) name base foundation models,
such as `deepseek.r1-v1:0` or `deepseek*`. `us.deepseek*` is the id of a cross-Region
inference profile: no foundation model is called that, so the pattern would match nothing and
the statement would deny (or allow) nothing. A call through a profile is authorised on the
foundation model in every Region the profile routes to (docs/semantics.md, \"Calls through
inference profiles\"), so the base model's pattern already covers every profile:

    deny model us.deepseek*     // matches no model: the calls go through
    deny model deepseek*        // denies DeepSeek however it is called

To allow invoking a system inference profile in an identity policy, write
`allow invoke on inference_profile us.deepseek*`.";

    E0221: Error, "principal ARN that `aws:PrincipalArn` never holds",
"For a role session, `aws:PrincipalArn` holds the role's ARN (`arn:aws:iam::111111111111:role/
Admin`), never the session's `arn:aws:sts::…:assumed-role/Admin/session` ARN (AWS IAM User
Guide, \"AWS global condition context keys\", aws:PrincipalArn). A principal clause or exemption
written with an `assumed-role` ARN therefore never matches: an `unless principal` exemption
never exempts, and a `when principal` deny never denies. The fix names the role, which covers
every session of it (add the role's path if it has one).";

    E0222: Error, "wildcard compared exactly",
"`principal == \"…\"` and `principal in [..]` compare the ARN exactly (`StringEquals`), so a `*`
or `?` in the value is an ordinary character, and no principal ARN contains one: the rule never
matches (or, with `!=`, always does). Compare as an ARN pattern with `like`:

    forbid (principal == \"arn:aws:iam::*:role/Admin\", …)     // matches no principal
    forbid (principal like \"arn:aws:iam::*:role/Admin\", …)   // every account's Admin role";

    W0223: Warning, "wildcard in a value compared exactly",
"`==`, `!=`, `in` and `not in` on a String key compare exactly (`StringEquals`), so the `*` or
`?` in this value matches only the character itself. If the value is a pattern, write `like`
(or `not like`). ARN keys are different: their `==` is `ArnEquals`, which IAM matches like
`ArnLike`.";

    W0224: Warning, "wildcard in an action's service prefix",
"AWS documents `*` and `?` anywhere in the action *name* (`bedrock:*Model*`), not in the service
prefix (AWS IAM User Guide, \"IAM JSON policy elements: Action\"; AWS Organizations User Guide,
\"SCP syntax\"). How `*:Delete*` is matched is therefore not documented, and govc's evaluator,
Access Analyzer and AWS may disagree on it. Name the services (`deny actions s3:Delete*,
dynamodb:Delete*`), or use `*` alone.";

    E0225: Error, "allow-list pattern matches no known model",
"An `only models` pattern that matches no model in the catalog admits nothing, so the model
the list was meant to allow is blocked on every target it is attached to. This is usually a
typo (`anthropic.cluade*`). If the model is newer than the catalog (`govc --version` names its
date), write the id as a quoted string to accept it with a warning (W0206), or refresh the
catalog.";

    E0226: Error, "service not governed by resource control policies",
"A resource control policy (an `rcp` block) acts only on the services AWS lists as supporting
RCPs: `rcp::services` in the standard library (Amazon S3, AWS STS, AWS KMS, Amazon SQS, AWS
Secrets Manager, Amazon Cognito, CloudWatch Logs, DynamoDB, Amazon ECR, OpenSearch Serverless;
docs/aws.md §1.6). A statement about another service would be accepted by AWS and have no
effect, so a rule meant to protect data would silently protect nothing. Name actions of those
services (`deny actions s3:PutObject`), or put a restriction on what the organization's own
principals may do in an `scp` block. An action pattern whose service prefix has a wildcard
(`s*:Get*`) is refused too: name the services. `only regions` in an `rcp` must say `for services
…`, since its default services (`bedrock`, `bedrock-mantle`) are not governed by RCPs.";

    E0227: Error, "excluded actions in a resource control policy",
"RCPs have no `NotAction` element (the AWS Organizations User Guide's \"RCP syntax\" page lists
none), so `action != …`, `action not in […]` and `action not like …` cannot be written in an
`rcp` block. List the actions the rule is about (`action in [s3:PutObject, s3:DeleteObject]`),
or deny whole services with `deny service`.";

    W0228: Warning, "action or service not in the catalog, kept as written",
"A quoted action (`\"s3:NewApi\"`) or service that the embedded Service Authorization Reference
data does not know is kept as written instead of refused (unquoted, it is E0202 or E0201,
since a typo is the likelier cause). Use this for an action AWS added after the catalog's date
(`govc --version`), or for a retired one that a published policy still names: the statement
matches requests for exactly that name, as AWS would. Refresh the catalog to make the warning
go away for new actions (docs/catalog.md).";

    E0229: Error, "service without tag-removal actions",
"`protect tags K for services S` denies the actions of S that remove tags, found in the
catalog by AWS's naming (`Untag…`, `DeleteTags`, `RemoveTags…`). This service has none, so the
statement would protect nothing there: some services remove tags through another action
(`s3:PutBucketTagging` replaces a bucket's whole tag set) or do not support tags. Name the
actions with `protect tags K for actions A, …`, or leave the service out.";

    E0300: Error, "control target must be an OU",
"`CT.MULTISERVICE.PV.1` (the OU region deny control) can only be enabled on organizational
units, not on the root or on accounts (seed 003; docs/aws.md §6).";
    E0400: Error, "rule cannot be written as IAM statements",
"A core rule is lowered to IAM statements by putting its condition in disjunctive normal form:
each `||` alternative becomes its own statement, and each statement's condition is an AND of
IAM operators (docs/aws.md §3.2). Two limits apply. A rule may expand to at most 64 statements (a
long chain of `||` inside `&&` multiplies out). And one statement cannot hold more than two
positive tests of the same key under the same operator (IAM's JSON allows each key once per
operator; the compiler uses the `…IfExists` form for a second test), nor negate a test that IAM
has no negated operator for (`BinaryEquals`).

Split the rule into several rules, or combine the tests into one (`context[k] like [a, b]`).";

    E0401: Error, "statement too large for any document",
"A single IAM statement, minified, is larger than the document size quota (10,240 characters
for an SCP by default, 5,120 with `limits legacy`, 6,144 for an IAM policy; docs/aws.md §1.1). The
compiler splits such a statement where that keeps its meaning: a Deny's or Allow's `Action` or
`Resource` list, or the values of a positive condition (values are ORed, so each part decides
its share of the requests). It refuses where splitting would change what is decided: values
under a negated operator (`StringNotEquals`, `StringNotLike`, … are NORed: every value must
hold at once) and `ForAllValues` lists.

Shorten the list (a pattern such as `deepseek*` instead of every id), move part of the rule
into another statement, or raise the quota with `limits current` if you planned for legacy.";

    E0402: Error, "target has more SCPs than it may",
"AWS Organizations lets a root, OU or account have at most 10 SCPs attached directly (5 with
`limits legacy`; docs/aws.md §1.1). FullAWSAccess counts unless an allow-list SCP replaces it there,
and so does the SCP of each Control Tower control enabled on an OU. The compiler packs every
scp attached to the same targets into as few documents as fit, so this means the statements
attached to that target do not fit in the slots left.

Attach some policies higher up the tree (a policy attached to an OU applies to every account
under it without using the accounts' slots), remove duplicated rules, or shorten them.";

    E0403: Error, "document exceeds its size quota",
"A BEDROCK_POLICY document is limited to 10,000 characters (docs/aws.md §2.3). The compiler writes a
guardrail block as one document and cannot split it: its configuration key names the policy
across the organization. Use fewer Regions or shorter model lists in one block, or split the
block into two guardrails with different names.";

    E0404: Error, "target has more RCPs than it may",
"AWS Organizations lets a root, OU or account have at most 5 resource control policies attached
directly, and RCPFullAWSAccess, which AWS attaches everywhere and which cannot be detached, is
one of them (docs/aws.md §1.1): 4 slots are left for `rcp` documents. The compiler packs every
`rcp` attached to the same targets into as few documents as fit the RCP size quota (5,120
characters), so this means the statements attached to that target do not fit in 4 documents.

Attach some RCPs to a parent OU or the root instead (an RCP attached higher up applies to every
account under it without using their slots), or shorten the rules.";

    W0410: Warning, "region rule blocks cross-Region inference",
"A geographic cross-Region inference profile (`us.`, `eu.`, `apac.`, …) is authorised in every
destination Region it may route to, with `aws:RequestedRegion` set to that Region (docs/aws.md §5.2).
A rule that denies Bedrock outside a list of Regions that contains a profile's source Region but
not all of its destinations makes that profile fail at random, whenever it routes outside the
list. The `cris` stdlib module lists each geography's destinations: add them
(`only regions us-east-1, us-west-2, cris::us`), or exempt inference through profiles as seed
003 and docs/aws.md §5.3 show.";

    W0411: Warning, "region rule blocks global cross-Region inference",
"A `global.` inference profile is authorised with `aws:RequestedRegion = \"unspecified\"` on the
Region-less foundation-model ARN (docs/aws.md §5.2). No list of Region codes contains `unspecified`,
so a Region restriction on `bedrock` denies every global profile. If that is intended, say so
with a rule of its own; otherwise add `unspecified` to the Regions
(`only regions us-east-1, unspecified`), which keeps direct calls restricted.";

    W0412: Warning, "model deny covers `bedrock` but not `bedrock-mantle`",
"Models can be invoked through the `bedrock-mantle` endpoint (OpenAI/Anthropic-compatible),
where the model is the condition key `bedrock-mantle:Model`, not a resource (docs/aws.md §4.1, seed
001). A rule that denies foundation-model ARNs in the `bedrock` namespace leaves that path
open. Use `deny model P` (both namespaces), or add a rule on `bedrock-mantle:*` with
`context[\"bedrock-mantle:Model\"] like P`.";

    W0413: Warning, "API keys blocked on one endpoint only",
"Bedrock API keys work against two endpoints, each authorised by its own action:
`bedrock:CallWithBearerToken` and `bedrock-mantle:CallWithBearerToken` (docs/aws.md §4.2). Denying one
leaves keys usable on the other. Use `deny api_keys` (both), or deny the other action too.";

    W0414: Warning, "rule never changes a decision",
"Every IAM statement this rule produces is already covered by statements of another rule in
the same documents: the other rule matches every request this one matches, with the same
effect. The rule is shadowed, and removing it changes nothing; it is probably a copy, or meant
to say something narrower. For a `permit`, a `forbid` that covers it on the same targets makes
it contradictory: explicit Deny always wins (docs/aws.md §1.4).";

    W0415: Warning, "allow-list SCP leaves other actions without an Allow",
"An SCP with Allow statements is an allow-list: it replaces FullAWSAccess on its targets, which
must be detached there when deploying (the manifest says so per target), or its Allow makes the
list moot (docs/aws.md §1.4). Once detached, every request that no Allow at that level matches is
denied. The Allow statements of this SCP do not together name every action (one with
`Action: \"*\"`, or a `NotAction` whose exceptions other Allows name), so everything outside
them, other services included, is denied on those targets. `only models` writes Allows that
keep the rest of AWS usable.";

    W0416: Warning, "allow-lists at one level add up",
"Two `only models` lists reach the same target (in one block, or in blocks attached to it).
At one level the Allows of its SCPs add up (AWS Organizations User Guide, \"SCP evaluation\"),
so the target admits a model that either list names: the second list widens the first. Lists
at different levels intersect instead, because every level needs its own Allow. If both lists
must hold, attach one of them to a parent OU or the root; if the union is meant, write one
list. docs/semantics.md, \"Allow-lists and FullAWSAccess\". A list is reported once for each
place where it meets others (its block, each target it is attached to), pointing at the first
list there that differs from it.";

    E0500: Error, "malformed BEDROCK_POLICY document",
"A BEDROCK_POLICY document on an account's path cannot be merged into its effective policy
(docs/aws.md §2.2). `govc effective` and `govc simulate` merge the documents attached from the root
down to the account with the inheritance operators of the management policy types, and stop
here rather than show a configuration AWS would not. The document must be a JSON object whose
keys are groups of settings (`bedrock.guardrail_inference.REGION.NAME`) down to settings; each
setting is written with a value-setting operator:

    \"identifier\": {\"@@assign\": \"arn:aws:bedrock:us-east-1:111111111111:guardrail/abc:1\"}
    \"excluded_models\": {\"@@append\": [\"cohere.embed-english-v3\"]}

`@@assign` takes a string, number, boolean or a list of them; `@@append` and `@@remove` take a
list and apply to lists only, so they cannot change a value a parent assigned as a single
string. A key is either a setting or a group, not both, and no setting may sit above another.
`@@operators_allowed_for_child_policies` takes `[\"@@all\"]`, `[\"@@none\"]`, or a list of
`@@assign`, `@@append`, `@@remove`. Documents `govc compile` writes always have this shape; the
error points at hand-written or edited JSON.";
}
