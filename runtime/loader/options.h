// schedrun's command line.
#pragma once

#include <string>
#include <vector>

namespace schedrun {

struct Options {
  std::string object;
  std::vector<std::string> sets;  // NAME=VALUE
  double interval_s = 1.0;
  double duration_s = 0;  // 0: until stopped
  bool json = false;
  bool quiet = false;
  bool verbose = false;
  bool verify_only = false;
  bool version = false;  // --version: nothing else is parsed
  std::string socket;    // --socket PATH: serve statistics and take requests there
  // `schedrun stats PATH` / `schedrun switch PATH OBJ`: a client of a running
  // schedrun's socket (client is "stats" or "switch"; OBJ and --set in
  // object and sets).
  std::string client, client_socket;
  std::string hint_pid;  // `schedrun hint PATH PID ...`
  bool partial = false;
  bool restart = true;                // re-attach when the kernel asks (hotplug); --no-restart
  uint32_t timeout_ms = 0;            // watchdog timeout; 0: the kernel's default
  std::vector<std::string> workload;  // after "--"

  bool vm = false;
  std::vector<std::string> vm_add;  // extra files for the guest
  std::string vm_smp = "2", vm_mem = "1G";
  std::vector<std::string> guest_args;  // options to pass on to schedrun in the VM
};

// Throws Failure (user error) on a malformed command line; exits 0 on --help.
Options parse_options(int argc, char **argv);

}  // namespace schedrun
