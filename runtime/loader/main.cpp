// schedrun: loads a schedc-built sched_ext policy, attaches it and reports on
// it while it runs. See options.cpp for the command line.
#include <bpf/libbpf.h>

#include <cstdio>
#include <exception>

#include "control_socket.h"
#include "failure.h"
#include "libbpf_log.h"
#include "meta.h"
#include "options.h"
#include "preflight.h"
#include "session.h"
#include "tunables.h"
#include "vm_mode.h"

#ifndef SCHEDC_VERSION
#define SCHEDC_VERSION "unknown"
#endif

using namespace schedrun;

namespace {

int run(int argc, char **argv) {
  Options options = parse_options(argc, argv);
  if (options.client == "stats") return read_stats_socket(options.client_socket);
  if (options.client == "switch")
    return request_switch(options.client_socket, options.object, options.sets);
  if (options.client == "set") return request_set(options.client_socket, options.sets);
  if (options.client == "hint")
    return request_hint(options.client_socket, options.hint_pid, options.sets);
  if (options.version) {
    printf("schedrun %s (libbpf %u.%u)\n", SCHEDC_VERSION, libbpf_major_version(),
           libbpf_minor_version());
    return kExitOk;
  }
  if (options.vm) return run_in_vm(options);
  capture_libbpf_log(options.verbose);
  // Object and --set problems are reported before privilege checks: they
  // need no kernel and are the likelier mistake.
  Meta meta = read_meta(options.object);
  std::vector<uint64_t> tunables = resolve_tunables(meta, options.sets);
  check_can_load();
  Session session(options, meta, tunables);
  if (options.verify_only) return session.verify();
  check_no_active_scheduler();
  install_stop_handlers();
  for (;;) {
    SessionResult r = session.run();
    if (!r.restart) return r.exit_code;
  }
}

}  // namespace

int main(int argc, char **argv) {
  try {
    return run(argc, argv);
  } catch (const Failure &f) {
    fprintf(stderr, "schedrun: error: %s\n", f.what());
    if (!f.hint().empty()) fprintf(stderr, "schedrun: hint: %s\n", f.hint().c_str());
    return f.code();
  } catch (const std::exception &e) {
    fprintf(stderr, "schedrun: internal error: %s\n", e.what());
    return kExitInternal;
  }
}
