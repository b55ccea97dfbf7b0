# cmake -DGEN_DIR=<dir> -P LazyParserTables.cmake
#
# The C++ code ANTLR 4.7 generates deserializes the lexer's and the parser's
# ATN tables in a static initializer, before main: about a millisecond of
# every schedc run, and one that nothing else can overlap. This moves each
# into a function-local static of the class's constructor, so the tables are
# built when the first lexer and parser are, on the thread that parses (while
# the compiler's second thread loads the runtime). It also turns off ANTLR's
# check of the tables' structure on every load (a fifth of building them):
# the tables are generated at build time, and ParserTest runs that check.
# Fails the build if the generated code no longer has the expected shape.
foreach(class SchedcLexer SchedcParser)
  set(file ${GEN_DIR}/${class}.cpp)
  file(READ ${file} text)
  set(eager "${class}::Initializer ${class}::_init;")
  string(FIND "${text}" "${eager}" at)
  string(REGEX MATCH "${class}::${class}\\([A-Za-z]+ \\*input\\) : [A-Za-z]+\\(input\\) {" constructor "${text}")
  if(at EQUAL -1 OR NOT constructor)
    message(FATAL_ERROR "${file}: no static table initializer or constructor where expected")
  endif()
  string(REPLACE "${eager}" "// The tables are built by the constructor (LazyParserTables.cmake)." text "${text}")
  string(REPLACE "${constructor}" "${constructor}\n  static Initializer tables;\n  (void)tables;" text "${text}")
  set(verifying "  atn::ATNDeserializer deserializer;\n")
  string(FIND "${text}" "${verifying}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${file}: no ATN deserializer where expected")
  endif()
  string(REPLACE "${verifying}"
         "  atn::ATNDeserializationOptions options;\n  options.setVerifyATN(false);\n  atn::ATNDeserializer deserializer(options);\n"
         text "${text}")
  file(WRITE ${file} "${text}")
endforeach()
