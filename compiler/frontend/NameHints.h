// "did you mean ...?" for misspelt names.
#pragma once
#include <string>
#include <vector>

namespace schedc {

// The candidate closest to `name` by edit distance, if it is close enough to
// be a likely typo (at most a third of the name's length, and at least 1);
// otherwise "".
std::string closestName(const std::string &name, const std::vector<std::string> &candidates);

// The hint text for `closestName`, or "" if nothing is close.
std::string didYouMean(const std::string &name, const std::vector<std::string> &candidates);

}  // namespace schedc
