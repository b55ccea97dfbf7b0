#include "exit_kind.h"

namespace schedrun {

std::string exit_kind_name(int64_t kind) {
  const char *name = "UNKNOWN";
  switch (kind) {
    case 0:
      name = "NONE";
      break;
    case 1:
      name = "DONE";
      break;
    case 64:
      name = "UNREG";
      break;
    case 65:
      name = "UNREG_BPF";
      break;
    case 66:
      name = "UNREG_KERN";
      break;
    case 67:
      name = "SYSRQ";
      break;
    case 68:
      name = "PARENT";
      break;
    case 69:
      name = "PARENT_KILL";
      break;
    case 1024:
      name = "ERROR";
      break;
    case 1025:
      name = "ERROR_BPF";
      break;
    case 1026:
      name = "ERROR_STALL";
      break;
    case 1027:
      name = "ERROR_REENQ";
      break;
    case 1028:
      name = "ERROR_RESCUE";
      break;
    default:
      break;
  }
  return std::string("SCX_EXIT_") + name + " (" + std::to_string(kind) + ")";
}

bool exit_kind_is_error(int64_t kind) {
  return kind >= 1024;
}

}  // namespace schedrun
