// --verify-only: what the kernel made of each loaded callback.
#pragma once

#include <cstdio>

struct bpf_object;

namespace schedrun {

// One line per loaded program: verified insns, xlated and jited sizes.
void print_program_report(FILE *out, bpf_object *obj);

}  // namespace schedrun
