// The helpers, kfuncs and maps of sim_kernel.h: what the host build of the
// runtime calls instead of the kernel. Maps live here, keyed by the address
// of their declaration in the JIT-compiled policy.
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "Maps.h"
#include "Sim.h"
#include "schedc_abi.h"

namespace schedsim {
namespace {

struct MapStore {
  sim_map_shape shape{};
  uint32_t entries = 0;
  std::vector<uint8_t> array;  // ARRAY: entries values; PERCPU_ARRAY: per CPU
  std::map<std::string, std::unique_ptr<std::vector<uint8_t>>> hash;
  std::unordered_map<const void *, std::unique_ptr<std::vector<uint8_t>>> byTask;
};

struct MapRegistry {
  std::unordered_map<const void *, MapStore> maps;
  uint32_t slots = SCHEDC_DEFAULT_SLOTS;
  int cpus = 1;
};

MapRegistry &registry() {
  static MapRegistry r;
  return r;
}

// The loader sizes the per-instance maps by the slots it chose; so does this.
uint32_t entriesFor(const sim_map_shape &shape) {
  const MapRegistry &r = registry();
  if (shape.max_entries == SCHEDC_DEFAULT_SLOTS) return r.slots;
  if (shape.max_entries == SCHEDC_MAX_QUEUES * SCHEDC_DEFAULT_SLOTS)
    return SCHEDC_MAX_QUEUES * r.slots;
  return shape.max_entries;
}

MapStore &store(const void *map, const sim_map_shape &shape) {
  MapRegistry &r = registry();
  auto [it, added] = r.maps.try_emplace(map);
  if (added) {
    it->second.shape = shape;
    it->second.entries = entriesFor(shape);
    size_t copies = shape.type == BPF_MAP_TYPE_PERCPU_ARRAY ? static_cast<size_t>(r.cpus) : 1;
    if (shape.type == BPF_MAP_TYPE_ARRAY || shape.type == BPF_MAP_TYPE_PERCPU_ARRAY)
      it->second.array.assign(copies * it->second.entries * shape.value_size, 0);
  }
  return it->second;
}

std::string keyBytes(const void *key, uint32_t size) {
  return std::string(static_cast<const char *>(key), size);
}

}  // namespace

void resetMaps(uint32_t slots, int cpus) {
  MapRegistry &r = registry();
  r.maps.clear();
  r.slots = slots;
  r.cpus = cpus;
}

std::vector<uint64_t> percpuValues(const void *map, uint32_t key) {
  MapRegistry &r = registry();
  std::vector<uint64_t> out(static_cast<size_t>(r.cpus), 0);
  auto it = r.maps.find(map);
  if (it == r.maps.end() || key >= it->second.entries || it->second.shape.value_size != 8)
    return out;
  const MapStore &s = it->second;
  for (int c = 0; c < r.cpus; c++)
    std::memcpy(&out[c], &s.array[(static_cast<size_t>(c) * s.entries + key) * 8], 8);
  return out;
}

}  // namespace schedsim

using schedsim::current;

extern "C" {

void *sim_map_lookup_elem(void *map, sim_map_shape shape, const void *key) {
  schedsim::MapStore &s = schedsim::store(map, shape);
  if (shape.type == BPF_MAP_TYPE_HASH) {
    auto it = s.hash.find(schedsim::keyBytes(key, shape.key_size));
    return it == s.hash.end() ? nullptr : it->second->data();
  }
  uint32_t index;
  std::memcpy(&index, key, sizeof index);
  if (index >= s.entries) return nullptr;
  size_t base = 0;
  if (shape.type == BPF_MAP_TYPE_PERCPU_ARRAY)
    base = static_cast<size_t>(current()->currentCpu()) * s.entries;
  return &s.array[(base + index) * shape.value_size];
}

long sim_map_update_elem(void *map, sim_map_shape shape, const void *key, const void *value,
                         u64 flags) {
  (void)flags;
  schedsim::MapStore &s = schedsim::store(map, shape);
  if (shape.type != BPF_MAP_TYPE_HASH) {
    void *slot = sim_map_lookup_elem(map, shape, key);
    if (!slot) return -7;  // -E2BIG
    std::memcpy(slot, value, shape.value_size);
    return 0;
  }
  auto &entry = s.hash[schedsim::keyBytes(key, shape.key_size)];
  if (!entry) {
    if (s.hash.size() > shape.max_entries) {
      s.hash.erase(schedsim::keyBytes(key, shape.key_size));
      return -7;
    }
    entry = std::make_unique<std::vector<uint8_t>>(shape.value_size);
  }
  std::memcpy(entry->data(), value, shape.value_size);
  return 0;
}

long sim_map_delete_elem(void *map, sim_map_shape shape, const void *key) {
  schedsim::MapStore &s = schedsim::store(map, shape);
  return s.hash.erase(schedsim::keyBytes(key, shape.key_size)) ? 0 : -2;
}

void *sim_task_storage_get(void *map, u32 value_size, void *task, void *value, u64 flags) {
  sim_map_shape shape{BPF_MAP_TYPE_TASK_STORAGE, 4, value_size, 0};
  schedsim::MapStore &s = schedsim::store(map, shape);
  auto it = s.byTask.find(task);
  if (it != s.byTask.end()) return it->second->data();
  if (!(flags & BPF_LOCAL_STORAGE_GET_F_CREATE)) return nullptr;
  auto bytes = std::make_unique<std::vector<uint8_t>>(value_size, 0);
  if (value) std::memcpy(bytes->data(), value, value_size);
  void *out = bytes->data();
  s.byTask.emplace(task, std::move(bytes));
  return out;
}

u64 bpf_ktime_get_ns(void) {
  return current()->now();
}
u32 bpf_get_smp_processor_id(void) {
  return static_cast<u32>(current()->currentCpu());
}
u32 bpf_get_prandom_u32(void) {
  return current()->random();
}

long bpf_probe_read_kernel(void *dst, u32 size, const void *src) {
  std::memcpy(dst, src, size);
  return 0;
}

long bpf_probe_read_kernel_str(void *dst, u32 size, const void *src) {
  if (!size) return 0;
  const char *from = static_cast<const char *>(src);
  size_t n = from ? strnlen(from, size - 1) : 0;
  if (n) std::memcpy(dst, from, n);
  static_cast<char *>(dst)[n] = 0;
  return static_cast<long>(n + 1);
}

// One simulated CPU runs at a time: locks are never contended.
void sim_spin_lock(bpf_spin_lock *lock) {
  (void)lock;
}
void sim_spin_unlock(bpf_spin_lock *lock) {
  (void)lock;
}

long sim_timer_init(bpf_timer *timer, void *map, sim_map_shape shape, u64 flags) {
  (void)flags;
  schedsim::MapStore &s = schedsim::store(map, shape);
  schedsim::SimTimer &t = current()->timer(timer);
  t.map = map;
  t.value = timer;  // the runtime's timer structs begin with their bpf_timer
  auto *at = reinterpret_cast<uint8_t *>(timer);
  if (!s.array.empty() && at >= s.array.data() && at < s.array.data() + s.array.size())
    t.key = static_cast<int>((at - s.array.data()) / shape.value_size);
  return 0;
}

long sim_timer_set_callback(bpf_timer *timer, void *callback) {
  current()->timer(timer).callback = callback;
  return 0;
}

long bpf_timer_start(bpf_timer *timer, u64 nsecs, u64 flags) {
  (void)flags;
  current()->startTimer(timer, nsecs);
  return 0;
}

int bpf_iter_num_new(bpf_iter_num *it, int start, int end) {
  int *state = reinterpret_cast<int *>(it);
  state[0] = start - 1;
  state[1] = end;
  return 0;
}

int *bpf_iter_num_next(bpf_iter_num *it) {
  int *state = reinterpret_cast<int *>(it);
  if (state[0] + 1 >= state[1]) return nullptr;
  state[0]++;
  return &state[0];
}

void bpf_iter_num_destroy(bpf_iter_num *it) {
  (void)it;
}

s32 scx_bpf_create_dsq(u64 dsq_id, s32 node) {
  (void)node;
  return current()->createDsq(dsq_id);
}

s32 scx_bpf_select_cpu_dfl(task_struct *p, s32 prev_cpu, u64 wake_flags, bool *is_idle) {
  (void)wake_flags;
  return current()->selectCpuDfl(p, prev_cpu, is_idle);
}

void scx_bpf_dsq_insert(task_struct *p, u64 dsq_id, u64 slice, u64 enq_flags) {
  current()->insert(p, dsq_id, slice, 0, false, enq_flags);
}

void scx_bpf_dsq_insert_vtime(task_struct *p, u64 dsq_id, u64 slice, u64 vtime, u64 enq_flags) {
  current()->insert(p, dsq_id, slice, vtime, true, enq_flags);
}

bool scx_bpf_dsq_move_to_local(u64 dsq_id) {
  return current()->moveToLocal(dsq_id);
}

bool scx_bpf_dsq_move(bpf_iter_scx_dsq *it, task_struct *p, u64 dsq_id, u64 enq_flags) {
  (void)enq_flags;
  return current()->moveFromIter(it, p, dsq_id, false);
}

bool scx_bpf_dsq_move_vtime(bpf_iter_scx_dsq *it, task_struct *p, u64 dsq_id, u64 enq_flags) {
  (void)enq_flags;
  return current()->moveFromIter(it, p, dsq_id, true);
}

void scx_bpf_dsq_move_set_vtime(bpf_iter_scx_dsq *it, u64 vtime) {
  current()->setIterVtime(it, vtime);
}

void scx_bpf_kick_cpu(s32 cpu, u64 flags) {
  current()->kick(cpu, flags);
}
s32 scx_bpf_dsq_nr_queued(u64 dsq_id) {
  return current()->nrQueued(dsq_id);
}
u32 scx_bpf_nr_cpu_ids(void) {
  return static_cast<u32>(current()->nrCpus());
}
s32 scx_bpf_pick_idle_cpu(const cpumask *cpus_allowed, u64 flags) {
  (void)flags;
  return current()->pickIdle(cpus_allowed);
}
// No SMT is simulated: a whole core is idle when its one CPU is.
const cpumask *scx_bpf_get_idle_smtmask(void) {
  return current()->idleMask();
}
void scx_bpf_put_idle_cpumask(const cpumask *cpumask) {
  (void)cpumask;
}
bool scx_bpf_test_and_clear_cpu_idle(s32 cpu) {
  return current()->testAndClearIdle(cpu);
}
s32 scx_bpf_task_cpu(const task_struct *p) {
  return current()->taskCpu(p);
}
bool scx_bpf_task_running(const task_struct *p) {
  return current()->taskRunning(p);
}

void scx_bpf_error_bstr(char *fmt, unsigned long long *data, u32 data_len) {
  std::string message = fmt ? fmt : "";
  for (u32 i = 0; i < data_len / 8; i++) message += " " + std::to_string(data[i]);
  current()->error("scx_bpf_error: " + message);
}

bool bpf_cpumask_test_cpu(u32 cpu, const cpumask *mask) {
  return cpu < 1024 && (mask->bits[cpu / 64] & (1UL << (cpu % 64)));
}

int bpf_iter_scx_dsq_new(bpf_iter_scx_dsq *it, u64 dsq_id, u64 flags) {
  (void)flags;
  current()->iterNew(it, dsq_id);
  return 0;
}

task_struct *bpf_iter_scx_dsq_next(bpf_iter_scx_dsq *it) {
  return current()->iterNext(it);
}
void bpf_iter_scx_dsq_destroy(bpf_iter_scx_dsq *it) {
  current()->iterDestroy(it);
}

// No cgroups are simulated: every task is in the root cgroup.
cgroup *scx_bpf_task_cgroup(task_struct *p) {
  (void)p;
  return nullptr;
}
void bpf_cgroup_release(cgroup *cgrp) {
  (void)cgrp;
}

}  // extern "C"
