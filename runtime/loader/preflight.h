// Checks made before touching the kernel, so that the common reasons a
// policy cannot run produce a clear message and a hint instead of an errno.
#pragma once

namespace schedrun {

// Throws Failure unless the process may load BPF schedulers (root, or
// CAP_BPF + CAP_SYS_ADMIN) on a kernel with sched_ext.
void check_can_load();

// Throws Failure naming the active scheduler if one is attached.
void check_no_active_scheduler();

}  // namespace schedrun
