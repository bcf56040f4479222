" Syntax highlighting for .gov files, following syntax/src/lexer.rs: the keyword
" groups below hold every entry of lexer::KEYWORDS (tests/nvim_e2e.rs checks this).
if exists('b:current_syntax')
  finish
endif

" A word is [A-Za-z0-9_*?] then [A-Za-z0-9_.*?-] (a single ':' may join two parts, which
" keywords never contain); with these keyword characters `us-east-1` is one word.
syntax iskeyword @,48-57,_,*,?,.,-
syntax case match

" Declarations name what follows: `nextgroup` makes the name win over a keyword spelling
" (`scp regions { … }`).
syntax keyword govDeclaration org test
syntax keyword govDeclaration scp identity rcp guardrail control nextgroup=govDeclName skipwhite skipnl
syntax keyword govDeclaration const set nextgroup=govConstName skipwhite skipnl
syntax keyword govInclude     use attach
syntax keyword govEffect      deny allow forbid permit only require protect expect lock exempt
syntax keyword govClause      when unless on to in under for with except
syntax keyword govOperatorWord is not like any all
syntax keyword govConstant    true false absent present
syntax keyword govSelector    model models region regions service services action actions
syntax keyword govSelector    principal principals resource root tags api_keys
syntax keyword govSelector    account ou nextgroup=govTargetName skipwhite skipnl
syntax keyword govSelector    context via_mcp input_tags guarding limits invoke

" Values. Later matches win when they start at the same place, so the most specific go last.
syntax match govNumber  /\v<[0-9]+>/
" Region codes by their shape (a misspelt direction such as `us-est-1` stays plain text).
syntax match govRegion  /\v(<|[^A-Za-z0-9_.*?:-])@<=[a-z]{2,4}(-(gov|iso[a-z]?|de))?-(north|south|east|west|central|northeast|northwest|southeast|southwest)-[0-9]+([A-Za-z0-9_.*?-]|:[A-Za-z0-9_.*?-])@!/
syntax match govAction  /\v(<|[^A-Za-z0-9_.*?:-])@<=[a-z0-9][a-z0-9-]*:[A-Za-z0-9_*?][A-Za-z0-9_*?-]*([A-Za-z0-9_.*?-]|:[A-Za-z0-9_.*?-])@!/
syntax match govModel   /\v(<|[^A-Za-z0-9_.*?:-])@<=[a-z][a-z0-9-]*\.([A-Za-z0-9_.*?-]|:[A-Za-z0-9_.*?-])*/
syntax match govPath    /\v<[A-Za-z_][A-Za-z0-9_]*(::[A-Za-z_][A-Za-z0-9_]*)+/ contains=govPathSep
syntax match govPathSep /::/ contained

" Declared names (only right after their keyword).
syntax match govDeclName   /\v[A-Za-z0-9_*?][A-Za-z0-9_.*?-]*/ contained
syntax match govConstName  /\v[A-Za-z0-9_*?][A-Za-z0-9_.*?-]*(\s*\=[^=])@=/ contained
syntax match govTargetName /\v[A-Za-z0-9_*?][A-Za-z0-9_.*?-]*(\s*\=[^=])@=/ contained

syntax match govOperator /\v\=\=|!\=|\<\=|\>\=|\<|\>|\&\&|\|\||!|\=/
syntax match govDelimiter /[{}()\[\],;]/

" Strings end at their closing quote or, unterminated, at the end of the line (as in the lexer).
syntax region govString start=/"/ skip=/\\\\\|\\"/ end=/"\|$/ contains=govEscape,govBadEscape,govArn,govAccountId,govConditionKey oneline
syntax match govBadEscape /\\./ contained
syntax match govEscape /\\["\\nt]/ contained
syntax match govArn /\varn:[A-Za-z0-9*-]*:[A-Za-z0-9*-]*:[A-Za-z0-9*-]*:[0-9*]*:[^"\\ \t]*/ contained
syntax match govAccountId /\v"@<=[0-9]{12}"@=/ contained
syntax match govConditionKey /\v"@<=[a-z0-9][a-z0-9-]*:[A-Za-z0-9_\/-]+"@=/ contained

" Comments last, so `//` inside a string stays string and a comment hides everything after it.
syntax keyword govTodo TODO FIXME XXX NOTE contained
syntax region govComment    start=+//+ end=/$/ contains=govTodo,@Spell keepend
syntax region govDocComment start=+///\(/\)\@!+ end=/$/ contains=govTodo,@Spell keepend
syntax region govDocComment start=+//!+ end=/$/ contains=govTodo,@Spell keepend
syntax region govBlockComment start=+/\*+ end=+\*/+ contains=govTodo,@Spell

highlight default link govDeclaration  Structure
highlight default link govInclude      Include
highlight default link govEffect       Statement
highlight default link govClause       Conditional
highlight default link govOperatorWord Operator
highlight default link govConstant     Boolean
highlight default link govSelector     Keyword
highlight default link govNumber       Number
highlight default link govRegion       Constant
highlight default link govAction       Function
highlight default link govModel        Constant
highlight default link govPath         Identifier
highlight default link govPathSep      Delimiter
highlight default link govDeclName     Type
highlight default link govConstName    Identifier
highlight default link govTargetName   Type
highlight default link govOperator     Operator
highlight default link govDelimiter    Delimiter
highlight default link govString       String
highlight default link govEscape       SpecialChar
highlight default link govBadEscape    Error
highlight default link govArn          Underlined
highlight default link govAccountId    Number
highlight default link govConditionKey Identifier
highlight default link govTodo         Todo
highlight default link govComment      Comment
highlight default link govDocComment   SpecialComment
highlight default link govBlockComment Comment

let b:current_syntax = 'gov'
