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

}  // namespace schedrun
