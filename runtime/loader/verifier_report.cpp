#include "verifier_report.h"

#include <regex>
#include <sstream>
#include <vector>

namespace schedrun {
namespace {

const char kBegin[] = "': -- BEGIN PROG LOAD LOG --\n";
const char kEnd[] = "-- END PROG LOAD LOG --";

// An instruction line of the verifier trace: "12: (61) r1 = ...".
const std::regex kInsn(R"(^\d+: \([0-9a-f]{2}\) )");
// A source annotation: "; text @ file:line".
const std::regex kSource(R"(^;\s*(.*?)\s*@\s*(\S+:\d+)\s*$)");
// Summary lines that follow the error and are not the error itself.
const std::regex kTrailer(
    R"(^(processed \d+ insns|verification time|stack depth|max_states_per_insn|-- ))");

std::vector<std::string> split_lines(const std::string &text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The program name from "libbpf: prog 'NAME': -- BEGIN ..." ending at pos.
std::string program_before(const std::string &out, size_t pos) {
  size_t open = out.rfind("prog '", pos);
  return open == std::string::npos ? "" : out.substr(open + 6, pos - open - 6);
}

}  // namespace

std::optional<Rejection> find_rejection(const std::string &out) {
  size_t begin = out.find(kBegin);
  if (begin == std::string::npos) return std::nullopt;
  Rejection r;
  r.program = program_before(out, begin);
  size_t body = begin + sizeof(kBegin) - 1;
  size_t end = out.find(kEnd, body);
  std::vector<std::string> lines =
      split_lines(out.substr(body, end == std::string::npos ? end : end - body));

  // The error follows the last instruction the verifier walked.
  size_t last_insn = lines.size();
  for (size_t i = 0; i < lines.size(); i++)
    if (std::regex_search(lines[i], kInsn)) last_insn = i;
  size_t from = last_insn == lines.size() ? 0 : last_insn + 1;
  for (size_t i = from; i < lines.size() && r.error.empty(); i++) {
    const std::string &l = lines[i];
    if (!l.empty() && l[0] != ';' && !std::regex_search(l, kTrailer)) r.error = l;
  }
  if (r.error.empty() && !lines.empty()) r.error = lines.back();

  std::smatch m;
  for (size_t i = 0; i < lines.size() && i <= last_insn; i++)
    if (std::regex_match(lines[i], m, kSource)) {
      r.source_text = m[1];
      r.source = m[2];
    }
  return r;
}

}  // namespace schedrun
