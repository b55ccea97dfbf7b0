// A constant of one of the runtime's C structs, built field by field by name.
//
// The names and offsets come from the runtime's debug info: the
// DICompositeType clang wrote for the struct. Each member is matched to the
// IR struct element at its offset, so a field moved in schedc_policy.h takes
// its value along. A field the compiler does not know, does not set, sets
// twice or with the wrong type is an internal error, never a wrong object.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "llvm/IR/Constants.h"
#include "llvm/IR/DataLayout.h"
#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/GlobalVariable.h"

namespace schedc {

class StructInitializer {
 public:
  // `debugType` must describe `type`; if not, error() says why.
  StructInitializer(const llvm::DataLayout &dataLayout, llvm::StructType *type,
                    const llvm::DICompositeType *debugType);

  // The struct type of the elements of array field `field` (queues[N] and
  // the like), as IR and debug types; null, with error() set, if it has none.
  llvm::StructType *elementStruct(const std::string &field);
  const llvm::DICompositeType *elementDebugStruct(const std::string &field);
  llvm::Type *fieldType(const std::string &field);

  void set(const std::string &field, llvm::Constant *value);
  // The constant, or null with error() set. Elements no member names
  // (explicit padding) are zero.
  llvm::Constant *finish();

  const std::string &error() const { return error_; }
  // Fails with the error of a nested struct's initializer.
  void failWith(const StructInitializer &nested);

 private:
  struct Field {
    unsigned element;
    const llvm::DIType *debugType;
  };
  const Field *find(const std::string &field);
  void fail(const std::string &message);  // keeps the first error

  llvm::StructType *type_;
  std::string name_;
  std::map<std::string, Field> fields_;
  std::vector<llvm::Constant *> values_;
  std::string error_;
};

// The struct a global is declared with in the runtime's debug info (const
// and typedefs looked through); null if the global carries none.
const llvm::DICompositeType *debugStructOf(const llvm::GlobalVariable &global);

}  // namespace schedc
