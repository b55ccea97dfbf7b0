// schedrun's reading of an ejection: from the kernel's message and debug dump
// (which task stalled, which DSQ held it) and the policy's own statistics, a
// few lines that name the queue and say what likely went wrong.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "meta.h"

namespace schedrun {

// A queue's statistics at the ejection, in metadata order.
struct QueueActivity {
  uint64_t dispatched = 0;  // since attach
  uint64_t waiting = 0;     // tasks in its DSQs
};

// The lines to print (without a trailing newline each), or none when the
// message names no stalled task.
std::vector<std::string> explain_ejection(const std::string &message, const std::string &dump,
                                          const Meta &meta,
                                          const std::vector<QueueActivity> &queues);

// The ejection as one JSON line for --json (docs: "schedrun --json"):
// {"policy":..,"event":"ejected","exit_kind":..,"exit_code":..,"reason":..,
//  "message":..,"reading":[..]}.
std::string ejection_json(const std::string &policy, const std::string &exit_kind,
                          long long exit_code, const std::string &reason,
                          const std::string &message, const std::vector<std::string> &reading);

// `text` as a JSON string literal, quotes included.
std::string json_string(const std::string &text);

}  // namespace schedrun
