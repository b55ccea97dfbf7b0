// schedrun --vm: try a policy on a host without sched_ext by running
// schedrun itself inside the test VM (test/vm/run), streaming its output.
#pragma once

#include "options.h"

namespace schedrun {

// Returns the exit status of schedrun in the guest (or of the VM runner).
int run_in_vm(const Options &options);

}  // namespace schedrun
