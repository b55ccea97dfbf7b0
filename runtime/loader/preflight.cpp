#include "preflight.h"

#include <linux/capability.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <string>

#include "failure.h"
#include "sched_ext_sysfs.h"

#ifndef CAP_BPF
#define CAP_BPF 39
#endif

namespace schedrun {
namespace {

bool has_effective_cap(int cap) {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  if (syscall(SYS_capget, &header, data) != 0) return false;
  return data[cap / 32].effective & (1u << (cap % 32));
}

}  // namespace

void check_can_load() {
  if (!sched_ext_available()) {
    utsname u{};
    uname(&u);
    user_error(std::string("this kernel (") + u.release +
                   ") has no sched_ext: /sys/kernel/sched_ext is missing",
               "run the policy in a VM instead: schedrun --vm OBJ [-- CMD...]");
  }
  if (geteuid() != 0 && !(has_effective_cap(CAP_BPF) && has_effective_cap(CAP_SYS_ADMIN)))
    user_error("permission denied: loading a BPF scheduler needs root (CAP_BPF and CAP_SYS_ADMIN)",
               "run schedrun as root, e.g. with sudo");
}

void check_no_active_scheduler() {
  std::string state = sched_ext_state();
  if (state == "disabled" || state.empty()) return;
  std::string ops = active_ops();
  user_error("another sched_ext scheduler is attached: " + (ops.empty() ? "(unknown)" : ops) +
                 " (state " + state + ")",
             "stop it first; only one root scheduler can run at a time");
}

}  // namespace schedrun
