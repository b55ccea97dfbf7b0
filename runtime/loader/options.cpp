#include "options.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "failure.h"

namespace schedrun {
namespace {

const char kUsage[] = R"(usage: schedrun [options] OBJ [-- CMD ARGS...]
       schedrun stats SOCKET
       schedrun switch SOCKET OBJ [--set NAME=VALUE]...
       schedrun set SOCKET NAME=VALUE...
       schedrun hint SOCKET PID NAME=VALUE... | --clear

Loads a schedc-built sched_ext policy, attaches it as the system scheduler and
shows its statistics until stopped (Ctrl-C), until --duration elapses, or
until CMD exits (schedrun then exits with CMD's status).

  --set NAME=VALUE   set a tunable (durations: 750us, 3ms, 1s, 20000000 = ns)
  --interval SECS    statistics interval (default 1)
  --duration SECS    detach after SECS seconds
  --json             print one JSON object per interval
  -q, --quiet        no periodic statistics
  --partial          schedule only SCHED_EXT tasks (SCX_OPS_SWITCH_PARTIAL)
  --no-restart       exit when the kernel ejects the policy asking for a
                     restart (a CPU came or went); by default it is re-attached
  --timeout SECS     eject the policy when a runnable task waits SECS without
                     running (the kernel's watchdog; default 30, at most 30)
  --socket PATH      serve statistics and take requests on a UNIX socket:
                     `schedrun stats PATH` prints the statistics as
                     self-describing JSON (any user); `schedrun switch PATH
                     OBJ` replaces the running policy with OBJ, verified
                     before the old one is detached (root); `schedrun set
                     PATH NAME=VALUE` changes a `live` param at once (root);
                     `schedrun hint PATH PID NAME=VALUE` sets a hint of task
                     PID (its owner or root), `--clear` removes them
  --verify-only      load (verify) without attaching and report program sizes
  -v, --verbose      show libbpf's output and the full verifier log
  --version          print schedrun's and libbpf's versions
  --vm               run in a QEMU VM with a sched_ext kernel (test/vm/run)
  --vm-add FILE      copy FILE into the VM (binaries go to /usr/bin)
  --vm-smp N         VM CPUs (default 2)
  --vm-mem SIZE      VM memory (default 1G)

Environment (--vm): SCHEDC_VM_CACHE (where kernels and VM runs are kept:
default the build tree's vm-cache when run from a source tree, else
$XDG_CACHE_HOME/schedc/vm or ~/.cache/schedc/vm), SCHEDC_KERNEL (the Debian
kernel package to boot), SCHEDC_VM_DIR (the VM runner), TMPDIR.
SIGINT or SIGTERM to schedrun --vm stops the VM and removes its files.

Exit status: 0 stopped by --duration; 1 user error (command line, object,
permissions, another scheduler attached); 2 internal error; 3 the kernel
ejected the policy (stall, runtime error); 128+N stopped by signal N (130:
SIGINT, 143: SIGTERM); with CMD, CMD's own status when it exits first.
)";

double parse_seconds(const std::string &opt, const std::string &v) {
  char *end = nullptr;
  double d = strtod(v.c_str(), &end);
  if (v.empty() || *end != '\0' || !(d > 0))
    user_error(opt + " " + v + ": expected a positive number of seconds");
  return d;
}

}  // namespace

Options parse_options(int argc, char **argv) {
  Options o;
  if (argc >= 2 && std::string(argv[1]) == "stats") {
    if (argc != 3) user_error("usage: schedrun stats SOCKET", "the path given to --socket");
    o.client = "stats";
    o.client_socket = argv[2];
    return o;
  }
  if (argc >= 2 && std::string(argv[1]) == "set") {
    if (argc < 4)
      user_error("usage: schedrun set SOCKET NAME=VALUE...",
                 "SOCKET: the path given to --socket of the running schedrun");
    o.client = "set";
    o.client_socket = argv[2];
    o.sets.assign(argv + 3, argv + argc);
    return o;
  }
  if (argc >= 2 && std::string(argv[1]) == "hint") {
    if (argc < 5)
      user_error("usage: schedrun hint SOCKET PID NAME=VALUE... | schedrun hint SOCKET PID --clear",
                 "SOCKET: the path given to --socket of the running schedrun");
    o.client = "hint";
    o.client_socket = argv[2];
    o.hint_pid = argv[3];
    o.sets.assign(argv + 4, argv + argc);
    return o;
  }
  if (argc >= 2 && std::string(argv[1]) == "switch") {
    const char usage[] = "usage: schedrun switch SOCKET OBJ [--set NAME=VALUE]...";
    if (argc < 4) user_error(usage, "SOCKET: the path given to --socket of the running schedrun");
    o.client = "switch";
    o.client_socket = argv[2];
    o.object = argv[3];
    for (int i = 4; i < argc; i++) {
      std::string a = argv[i];
      if (a == "--set" && i + 1 < argc)
        o.sets.push_back(argv[++i]);
      else if (a.rfind("--set=", 0) == 0)
        o.sets.push_back(a.substr(6));
      else
        user_error("unexpected argument " + a, usage);
    }
    return o;
  }
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      size_t eq = a.find('=');
      if (a.rfind("--", 0) == 0 && eq != std::string::npos) {
        std::string v = a.substr(eq + 1);
        a = a.substr(0, eq);
        return v;
      }
      if (i + 1 >= argc) user_error(a + " needs a value", "see schedrun --help");
      return argv[++i];
    };
    // Everything but the VM's own options and the object is passed on to the guest.
    bool for_guest = true;
    std::string raw = a;
    if (a == "--") {
      for (i++; i < argc; i++) o.workload.push_back(argv[i]);
      break;
    } else if (a == "-h" || a == "--help") {
      fputs(kUsage, stdout);
      exit(0);
    } else if (a == "--version") {
      o.version = true;
      return o;
    } else if (a == "--set" || a.rfind("--set=", 0) == 0) {
      o.sets.push_back(value());
      o.guest_args.push_back("--set");
      o.guest_args.push_back(o.sets.back());
      continue;
    } else if (a == "--interval" || a.rfind("--interval=", 0) == 0) {
      std::string v = value();
      o.interval_s = parse_seconds(a, v);
      o.guest_args.insert(o.guest_args.end(), {"--interval", v});
      continue;
    } else if (a == "--duration" || a.rfind("--duration=", 0) == 0) {
      std::string v = value();
      o.duration_s = parse_seconds(a, v);
      o.guest_args.insert(o.guest_args.end(), {"--duration", v});
      continue;
    } else if (a == "--timeout" || a.rfind("--timeout=", 0) == 0) {
      std::string v = value();
      double s = parse_seconds(a, v);
      // The kernel refuses a watchdog timeout over 30 s (SCX_WATCHDOG_MAX_TIMEOUT).
      if (s < 0.001 || s > 30)
        user_error("--timeout " + v + " is out of range", "the kernel allows 0.001 to 30 seconds");
      o.timeout_ms = static_cast<uint32_t>(std::lround(s * 1000));
      o.guest_args.insert(o.guest_args.end(), {"--timeout", v});
      continue;
    } else if (a == "--socket" || a.rfind("--socket=", 0) == 0) {
      o.socket = value();
      o.guest_args.insert(o.guest_args.end(), {"--socket", o.socket});
      continue;
    } else if (a == "--json") {
      o.json = true;
    } else if (a == "-q" || a == "--quiet") {
      o.quiet = true;
    } else if (a == "-v" || a == "--verbose") {
      o.verbose = true;
    } else if (a == "--verify-only") {
      o.verify_only = true;
    } else if (a == "--partial") {
      o.partial = true;
    } else if (a == "--restart") {  // the default; kept for old command lines
      o.restart = true;
    } else if (a == "--no-restart") {
      o.restart = false;
    } else if (a == "--vm") {
      o.vm = true;
      for_guest = false;
    } else if (a == "--vm-add" || a.rfind("--vm-add=", 0) == 0) {
      o.vm_add.push_back(value());
      continue;
    } else if (a == "--vm-smp" || a.rfind("--vm-smp=", 0) == 0) {
      o.vm_smp = value();
      continue;
    } else if (a == "--vm-mem" || a.rfind("--vm-mem=", 0) == 0) {
      o.vm_mem = value();
      continue;
    } else if (a.size() > 1 && a[0] == '-') {
      user_error("unknown option " + a, "see schedrun --help");
    } else if (o.object.empty()) {
      o.object = a;
      for_guest = false;
    } else {
      user_error("unexpected argument " + a,
                 "put the workload after '--': schedrun OBJ -- CMD ARGS");
    }
    if (for_guest) o.guest_args.push_back(raw);
  }
  if (o.object.empty())
    user_error("no policy object given", "usage: schedrun [options] OBJ [-- CMD ARGS...]");
  return o;
}

}  // namespace schedrun
