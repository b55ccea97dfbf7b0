// Rejects input that is not a text file we can lex: too large, NUL bytes,
// invalid UTF-8. Runs before ANTLR sees the bytes.
#pragma once
#include <string>

#include "diag/Diagnostics.h"

namespace schedc {

bool checkInput(const std::string &source, Diagnostics &diags);

}  // namespace schedc
