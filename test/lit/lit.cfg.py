# lit configuration for schedc's own tests.
import os
import shutil

import lit.formats

config.name = "schedc"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".sched", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.excludes = ["Inputs", "CMakeLists.txt", "README.md"]

schedc_bin = os.path.join(config.schedc_obj_root, "compiler", "schedc")
# `%rc CMD ARGS`: runs CMD and prints "rc=N" (N > 128: killed by a signal), so
# tests can require the exact exit code (1 user error, 2 internal) and no crash.
config.substitutions.append(("%rc", "sh -c '\"$0\" \"$@\"; echo rc=$?'"))
config.substitutions.append(("%schedc", schedc_bin))
config.substitutions.append(("%schedrun", os.path.join(config.schedc_obj_root, "runtime", "loader", "schedrun")))
config.substitutions.append(("%schedsim", os.path.join(config.schedc_obj_root, "runtime", "sim", "schedsim")))
config.substitutions.append(("%stdlib", os.path.join(config.schedc_src_root, "stdlib")))
config.substitutions.append(("%examples", os.path.join(config.schedc_src_root, "examples")))
config.substitutions.append(("%inputs", os.path.join(config.test_source_root, "Inputs")))

# FileCheck, not, llvm-objdump-19 etc. come from LLVM 19 first.
config.environment["PATH"] = os.pathsep.join(
    [config.llvm_tools_dir, "/usr/sbin", config.environment.get("PATH", os.environ.get("PATH", ""))])
for tool in ["bpftool", "llvm-objdump", "llvm-readelf"]:
    found = shutil.which(tool, path=config.environment["PATH"])
    if found:
        config.available_features.add(tool)

# Tests that load into the kernel need a sched_ext host and root.
if os.path.isdir("/sys/kernel/sched_ext") and os.geteuid() == 0:
    config.available_features.add("sched-ext")
