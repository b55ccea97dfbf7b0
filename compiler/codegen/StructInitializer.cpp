#include "codegen/StructInitializer.h"

#include "llvm/BinaryFormat/Dwarf.h"

namespace schedc {
namespace {

// Looks through const, volatile and typedefs to the type they qualify.
const llvm::DIType *unqualified(const llvm::DIType *type) {
  while (auto *derived = llvm::dyn_cast_or_null<llvm::DIDerivedType>(type)) {
    unsigned tag = derived->getTag();
    if (tag != llvm::dwarf::DW_TAG_const_type && tag != llvm::dwarf::DW_TAG_volatile_type &&
        tag != llvm::dwarf::DW_TAG_typedef)
      break;
    type = derived->getBaseType();
  }
  return type;
}

// Explicit padding the frontend may add to an IR struct: [N x i8].
bool isPadding(llvm::Type *type) {
  auto *array = llvm::dyn_cast<llvm::ArrayType>(type);
  return array && array->getElementType()->isIntegerTy(8);
}

}  // namespace

const llvm::DICompositeType *debugStructOf(const llvm::GlobalVariable &global) {
  llvm::SmallVector<llvm::DIGlobalVariableExpression *, 1> expressions;
  global.getDebugInfo(expressions);
  for (llvm::DIGlobalVariableExpression *expression : expressions) {
    auto *type = llvm::dyn_cast_or_null<llvm::DICompositeType>(
        unqualified(expression->getVariable()->getType()));
    if (type && type->getTag() == llvm::dwarf::DW_TAG_structure_type) return type;
  }
  return nullptr;
}

StructInitializer::StructInitializer(const llvm::DataLayout &dataLayout, llvm::StructType *type,
                                     const llvm::DICompositeType *debugType)
    : type_(type),
      name_(debugType ? debugType->getName().str() : type->getName().str()),
      values_(type->getNumElements(), nullptr) {
  if (!debugType || debugType->getTag() != llvm::dwarf::DW_TAG_structure_type) {
    fail("the runtime carries no debug info for it");
    return;
  }
  const llvm::StructLayout *layout = dataLayout.getStructLayout(type);
  if (debugType->getSizeInBits() != layout->getSizeInBits()) {
    fail("its debug info and its IR type differ in size");
    return;
  }
  std::vector<bool> named(type->getNumElements(), false);
  for (const llvm::DINode *node : debugType->getElements()) {
    auto *member = llvm::dyn_cast<llvm::DIDerivedType>(node);
    if (!member || member->getTag() != llvm::dwarf::DW_TAG_member) continue;
    std::string name = member->getName().str();
    uint64_t offset = member->getOffsetInBits() / 8;
    if (member->isBitField() || member->getOffsetInBits() % 8 != 0 ||
        member->getOffsetInBits() + member->getSizeInBits() > layout->getSizeInBits()) {
      fail("field '" + name + "' is not a whole element");
      continue;
    }
    unsigned element = layout->getElementContainingOffset(offset);
    if (layout->getElementOffset(element) != offset ||
        dataLayout.getTypeSizeInBits(type->getElementType(element)) != member->getSizeInBits() ||
        named[element] || !fields_.emplace(name, Field{element, member->getBaseType()}).second) {
      fail("field '" + name + "' matches no element of its IR type");
      continue;
    }
    named[element] = true;
  }
  for (unsigned i = 0; i < named.size(); ++i)
    if (!named[i] && !isPadding(type->getElementType(i)))
      fail("IR element " + std::to_string(i) + " has no field in the debug info");
}

void StructInitializer::fail(const std::string &message) {
  if (error_.empty()) error_ = "struct " + name_ + " in the runtime: " + message;
}

void StructInitializer::failWith(const StructInitializer &nested) {
  if (error_.empty()) error_ = nested.error();
}

const StructInitializer::Field *StructInitializer::find(const std::string &field) {
  auto found = fields_.find(field);
  if (found != fields_.end()) return &found->second;
  fail("no field '" + field + "' (the compiler and schedc_policy.h disagree)");
  return nullptr;
}

llvm::Type *StructInitializer::fieldType(const std::string &field) {
  const Field *f = find(field);
  return f ? type_->getElementType(f->element) : nullptr;
}

llvm::StructType *StructInitializer::elementStruct(const std::string &field) {
  auto *array = llvm::dyn_cast_or_null<llvm::ArrayType>(fieldType(field));
  auto *element = array ? llvm::dyn_cast<llvm::StructType>(array->getElementType()) : nullptr;
  if (!element) fail("field '" + field + "' is not an array of structs");
  return element;
}

const llvm::DICompositeType *StructInitializer::elementDebugStruct(const std::string &field) {
  const Field *f = find(field);
  if (!f) return nullptr;
  auto *array = llvm::dyn_cast_or_null<llvm::DICompositeType>(unqualified(f->debugType));
  if (!array || array->getTag() != llvm::dwarf::DW_TAG_array_type) {
    fail("field '" + field + "' is not an array in the debug info");
    return nullptr;
  }
  auto *element = llvm::dyn_cast_or_null<llvm::DICompositeType>(unqualified(array->getBaseType()));
  if (!element || element->getTag() != llvm::dwarf::DW_TAG_structure_type) {
    fail("field '" + field + "' is not an array of structs in the debug info");
    return nullptr;
  }
  return element;
}

void StructInitializer::set(const std::string &field, llvm::Constant *value) {
  const Field *f = find(field);
  if (!f) return;
  if (values_[f->element]) {
    fail("field '" + field + "' is set twice");
    return;
  }
  if (!value || value->getType() != type_->getElementType(f->element)) {
    fail("field '" + field + "' is given a value of another type");
    return;
  }
  values_[f->element] = value;
}

llvm::Constant *StructInitializer::finish() {
  for (const auto &[name, field] : fields_)
    if (!values_[field.element]) fail("field '" + name + "' is not set by the compiler");
  if (!error_.empty()) return nullptr;
  std::vector<llvm::Constant *> values = values_;
  for (unsigned i = 0; i < values.size(); ++i)
    if (!values[i]) values[i] = llvm::Constant::getNullValue(type_->getElementType(i));
  return llvm::ConstantStruct::get(type_, values);
}

}  // namespace schedc
