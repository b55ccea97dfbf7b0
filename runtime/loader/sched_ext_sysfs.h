// What the kernel says about sched_ext in /sys/kernel/sched_ext.
#pragma once

#include <string>

namespace schedrun {

bool sched_ext_available();     // the kernel was built with sched_ext
std::string sched_ext_state();  // "disabled", "enabling", "enabled", "disabling"; "" if unknown
std::string active_ops();       // name of the attached root scheduler, "" if none

}  // namespace schedrun
