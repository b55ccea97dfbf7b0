// The schedc policy language (docs/language.md) as an ANTLR4 combined grammar.
// The parse tree is turned into the AST (compiler/ast) by
// compiler/frontend/AstBuilder.cpp; all meaning is checked there and in sema.
grammar Schedc;

// ---------------------------------------------------------------- file

policyFile : policyDecl decl* EOF ;

decl
  : paramDecl
  | hintDecl
  | stateDecl
  | counterDecl
  | queueDecl
  | selectCpuDecl
  | enqueueRule
  | dispatchDecl
  | preemptRule
  | balanceRule
  | timer
  | handler
  | policyDecl      // a second one: rejected with a clear message by the builder
  ;

// A policy name is 1-127 characters of [A-Za-z0-9_.] and may look like a
// number or a keyword (`policy fifo;`), so it is parsed as a run of tokens
// that the builder requires to be adjacent. Words that start a declaration
// are left out so a missing ';' is reported where it is missing.
policyDecl : 'policy' policyName ';' ;
policyName : nameWord+ ;
nameWord
  : IDENT | INT | DURATION | FRACTION | '.' | '..'
  | 'fifo' | 'by' | 'scan' | 'eligible' | 'when' | 'else' | 'head' | 'none'
  | 'into' | 'slice' | 'infinite' | 'local' | 'steal' | 'wakeup' | 'tick'
  | 'let' | 'if' | 'for' | 'in' | 'true' | 'false' | 'default' | 'prev'
  | 'direct' | 'or' | 'balance' | 'every' | 'live' | 'per' | 'process' | 'kick'
  | 'move'
  ;

// ---------------------------------------------------------------- declarations

hintDecl
  : 'hint' ident ':' typeName '=' defaultValue=literal
    ('in' low=literal '..' high=literal)? ('per' scope=('task' | 'process'))? ';'
  ;

paramDecl
  : 'param' ident ':' typeName '=' defaultValue=literal
    ('in' low=literal '..' high=literal)? (orInfinite='or' 'infinite')? live='live'? ';'
  ;

stateDecl : kind=('task' | 'percpu' | 'global') ident ':' typeName ('=' literal)? ';' ;

counterDecl : 'counter' ident (',' ident)* ';' ;

typeName : IDENT ;

// Declaration values are literals, optionally negated.
literal
  : minus='-'? value=(INT | DURATION)
  | value=('true' | 'false')
  ;

queueDecl : 'queue' ident ':' queueKind queueOrder ('scan' scanLimit=INT)? (queueBody | ';') ;

queueKind
  : 'global'
  | 'percpu'
  | kindWord=IDENT ('(' count=INT ')')?    // shards(N), per_llc, per_node
  ;

queueOrder
  : 'fifo'
  | 'by' expr
  ;

queueBody : '{' queueItem* '}' ;

queueItem
  : ident '=' IDENT '(' (expr (',' expr)*)? ')' ';'                  # aggregateDecl
  | 'eligible' 'when' expr ('else' fallback=('head' | 'none'))? ';'   # eligibleDecl
  ;

selectCpuDecl : 'select_cpu' choice=('default' | 'prev' | IDENT) reach? direct='direct'? ';' ;

// `within llc` / `within node`: how far a steal or a CPU search may go.
reach : withinWord=IDENT scope=IDENT ;

enqueueRule : 'enqueue' ('when' expr)? 'into' enqueueTarget ('slice' sliceValue)? ';' ;

enqueueTarget
  : 'local'
  | 'local_on' '(' expr ')'
  | ident ('[' expr ']')?
  ;

sliceValue
  : 'infinite'
  | expr
  ;

// `when COND`: only CPUs where COND holds take work from the sources; the
// others run what is put on them (`local_on`, a timer's `move`).
dispatchDecl : 'dispatch' dispatchSource (',' dispatchSource)* ('when' condition=expr)? ';' ;

dispatchSource : steal='steal'? ident reach? ;

preemptRule : 'preempt' kind=('wakeup' | 'tick') 'when' expr ';' ;

// Load balancing between a queue's instances: `balance rq by load every 32ms
// when COND;` (docs/language.md).
balanceRule : 'balance' ident 'by' by=ident 'every' interval=expr 'when' condition=expr ';' ;

handler : 'on' eventName block ;

// `every 10ms { ... }`: statements run on a timer, with no task in context;
// `every 1ms per cpu { ... }` on each CPU, `every 1ms on cpu C { ... }` on C.
timer : 'every' period=expr timerCpus? block ;
timerCpus
  : 'per' cpuWord=IDENT              # perCpuTimer
  | 'on' cpuWord=IDENT cpu=expr      # onCpuTimer
  ;

// Any word: an unknown one is reported with the list of events.
eventName : ident | 'enqueue' ;

// ---------------------------------------------------------------- statements

block : '{' stmt* '}' ;

stmt
  : 'let' ident (':' typeName)? '=' expr ';'        # letStmt
  | nameRef op=('=' | '+=' | '-=') expr ';'          # assignStmt
  | ifChain                                          # ifStmt
  | 'for' ident 'in' from=loopBound '..' to=loopBound block  # forStmt
  | kind=('kick' | 'preempt') '(' expr ')' ';'       # kickStmt
  | 'move' from=ident 'into' moveTarget ';'          # moveStmt
  ;

moveTarget
  : 'local_on' '(' expr ')'
  | ident
  ;

// A literal, or a param whose declared range bounds the loop.
loopBound : INT | nameRef ;

// `else if` is kept flat here (no recursion per link); the builder nests it.
ifChain
  : 'if' expr block ('else' 'if' expr block)* ('else' block)?
  ;

// ---------------------------------------------------------------- expressions

// Precedence from tightest to loosest, as in Rust: unary, * / %, + -, << >>,
// &, ^, |, comparisons, &&, ||.
expr
  : primary                                                   # primaryExpr
  | op=('-' | '!' | '~') expr                                 # unaryExpr
  | expr op=('*' | '/' | '%') expr                            # binaryExpr
  | expr op=('+' | '-') expr                                  # binaryExpr
  | expr op=('<<' | '>>') expr                                # binaryExpr
  | expr op='&' expr                                          # binaryExpr
  | expr op='^' expr                                          # binaryExpr
  | expr op='|' expr                                          # binaryExpr
  | expr op=('==' | '!=' | '<' | '<=' | '>' | '>=') expr      # binaryExpr
  | expr op='&&' expr                                         # binaryExpr
  | expr op='||' expr                                         # binaryExpr
  ;

primary
  : INT                                       # intLiteral
  | DURATION                                  # durationLiteral
  | value=('true' | 'false')                  # boolLiteral
  | STRING                                    # stringLiteral
  | IDENT '(' (expr (',' expr)*)? ')'         # callExpr
  | nameRef '[' expr closeBracket=']' '.' ident  # indexMemberExpr
  | nameRef '[' expr closeBracket=']'          # indexExpr
  | nameRef '.' ident                         # memberExpr
  | nameRef                                   # nameExpr
  | '(' expr ')'                              # parenExpr
  ;

nameRef : ident ;

// Names. Keywords that only mean something in one position (`slice` after an
// enqueue target, `tick` after `preempt`, ...) can also be names, as in
// `param slice: duration = ...; enqueue into main slice slice;`. Words that
// start a declaration or statement, or could be read either way where they
// appear (`local`, `infinite`, `steal`), cannot.
ident
  : IDENT
  | 'fifo' | 'by' | 'scan' | 'eligible' | 'head' | 'none' | 'slice'
  | 'wakeup' | 'tick' | 'default' | 'prev' | 'direct' | 'every' | 'live'
  | 'per' | 'process' | 'kick' | 'move'
  ;

// ---------------------------------------------------------------- tokens

// Keywords are the quoted literals above; ANTLR gives them priority over IDENT.

// A duration is one token: digits immediately followed by a unit.
DURATION : DIGITS ('ns' | 'us' | 'ms' | 's') ;

INT
  : DIGITS
  | '0' [xX] [0-9a-fA-F_]+
  ;

// Digits running into letters (`10sec`, `0x7fg`): one token, so the error
// names the whole word instead of splitting it.
BAD_NUMBER : [0-9] [0-9A-Za-z_]* ;

// `1.5ms`: one token, so the error can offer the whole-number spelling.
FRACTION : DIGITS '.' DIGITS [A-Za-z_]* ;

IDENT : [A-Za-z_] [A-Za-z0-9_]* ;

STRING : '"' ~["\\\r\n]* '"' ;
UNTERMINATED_STRING : '"' ~["\r\n]* ;

LINE_COMMENT : '//' ~[\r\n]* -> skip ;
// Kept on the hidden channel so an unterminated one can be reported.
BLOCK_COMMENT : '/*' .*? ('*/' | EOF) -> channel(HIDDEN) ;

WS : [ \t\r\n\f]+ -> skip ;

// Anything else; reported by the frontend before parsing.
ERROR_CHAR : . ;

fragment DIGITS : [0-9] [0-9_]* ;
