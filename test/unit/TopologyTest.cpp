// schedrun's topology reader, on sysfs trees written here.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "failure.h"
#include "schedc_abi.h"
#include "topology.h"

namespace schedrun {
namespace {

class FakeSysfs {
 public:
  FakeSysfs() {
    char tmpl[] = "/tmp/schedc-topology-XXXXXX";
    root_ = mkdtemp(tmpl);
  }
  ~FakeSysfs() { std::system(("rm -rf " + root_).c_str()); }
  const std::string &root() const { return root_; }

  void write(const std::string &path, const std::string &text) {
    std::string full = root_ + "/" + path;
    for (size_t i = root_.size() + 1; (i = full.find('/', i)) != std::string::npos; i++)
      mkdir(full.substr(0, i).c_str(), 0755);
    std::ofstream(full) << text << "\n";
  }
  // CPU `cpu`: SMT siblings, and caches L1d (its own), L2 and L3 shared lists.
  void cpu(int cpu, const std::string &siblings, const std::string &l2, const std::string &l3) {
    std::string dir = "cpu/cpu" + std::to_string(cpu) + "/";
    write(dir + "topology/thread_siblings_list", siblings);
    write(dir + "cache/index0/level", "1");
    write(dir + "cache/index0/type", "Data");
    write(dir + "cache/index0/shared_cpu_list", std::to_string(cpu));
    write(dir + "cache/index1/level", "1");
    write(dir + "cache/index1/type", "Instruction");
    write(dir + "cache/index1/shared_cpu_list", "0-63");
    write(dir + "cache/index2/level", "2");
    write(dir + "cache/index2/type", "Unified");
    write(dir + "cache/index2/shared_cpu_list", l2);
    if (!l3.empty()) {
      write(dir + "cache/index3/level", "3");
      write(dir + "cache/index3/type", "Unified");
      write(dir + "cache/index3/shared_cpu_list", l3);
    }
  }

 private:
  std::string root_;
};

TEST(TopologyTest, TwoNodesOfTwoLlcsWithSmt) {
  FakeSysfs sys;
  // Two sockets (nodes 0 and 1), each of two LLCs of two SMT cores; the
  // second socket's node is numbered 3 by the firmware.
  for (int c = 0; c < 16; c++) {
    int core = c / 2 * 2, llc = c / 4 * 4;
    sys.cpu(c, std::to_string(core) + "-" + std::to_string(core + 1),
            std::to_string(core) + "-" + std::to_string(core + 1),
            std::to_string(llc) + "-" + std::to_string(llc + 3));
  }
  sys.write("node/node0/cpulist", "0-7");
  sys.write("node/node3/cpulist", "8-15");
  Topology t = read_topology(sys.root(), 16);
  EXPECT_EQ(t.nr_nodes, 2u);
  EXPECT_EQ(t.nr_llcs, 4u);
  EXPECT_EQ(t.nr_cores, 8u);
  EXPECT_EQ(t.llc[5], 1u);
  EXPECT_EQ(t.llc[12], 3u);
  EXPECT_EQ(t.node[7], 0u);
  EXPECT_EQ(t.node[8], 1u);
  EXPECT_EQ(t.core[9], 4u);
  EXPECT_EQ(t.llc_node[2], 1u);
  EXPECT_EQ(describe_topology(t),
            "2 nodes, 4 LLCs, 8 cores, 16 CPUs: node 0 llc 0 = cpus 0-3, llc 1 = cpus 4-7; "
            "node 1 llc 2 = cpus 8-11, llc 3 = cpus 12-15");

  schedc_topology abi;
  fill_abi_topology(t, abi);
  EXPECT_EQ(abi.known, 1u);
  EXPECT_EQ(abi.nr_llcs, 4u);
  EXPECT_EQ(abi.llc[13], 3);
  EXPECT_EQ(abi.node[13], 1);
  EXPECT_EQ(abi.core[13], 6);
  EXPECT_EQ(abi.llc_node[3], 1);
}

TEST(TopologyTest, NoL3MeansTheL2IsTheLlc) {
  FakeSysfs sys;
  for (int c = 0; c < 4; c++) sys.cpu(c, std::to_string(c), c < 2 ? "0-1" : "2-3", "");
  Topology t = read_topology(sys.root(), 4);
  EXPECT_EQ(t.nr_llcs, 2u);
  EXPECT_EQ(t.nr_nodes, 1u);  // no node directories: one node
  EXPECT_EQ(t.llc[3], 1u);
}

TEST(TopologyTest, OfflineCpuIsItsOwnCoreInLlcZero) {
  FakeSysfs sys;
  sys.cpu(0, "0", "0", "0-1");
  sys.cpu(1, "1", "1", "0-1");
  // CPU 2 is possible but offline: no topology or cache files.
  Topology t = read_topology(sys.root(), 3);
  EXPECT_EQ(t.nr_llcs, 1u);
  EXPECT_EQ(t.llc[2], 0u);
  EXPECT_EQ(t.core[2], 2u);
  EXPECT_EQ(t.nr_cores, 3u);
}

TEST(TopologyTest, CpuLists) {
  EXPECT_EQ(parse_cpu_list("0-3,8,10-11"), (std::vector<uint32_t>{0, 1, 2, 3, 8, 10, 11}));
  EXPECT_EQ(format_cpu_list({0, 1, 2, 3, 8, 10, 11}), "0-3,8,10-11");
  EXPECT_THROW(parse_cpu_list("3-1"), Failure);
  EXPECT_THROW(parse_cpu_list("0-x"), Failure);
  EXPECT_THROW(parse_cpu_list("0,,1"), Failure);
}

}  // namespace
}  // namespace schedrun
