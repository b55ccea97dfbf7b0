// trim-debug-info IN.bc OUT.bc: a build step for the runtime bitcode.
//
// Variable locations (dbg records) serve debuggers only; BTF needs line info
// and types. Dropping them here, once, spares every schedc run parsing them
// and the optimizer carrying them. BTF names a function's parameters from
// its subprogram's retained nodes, which clang fills only when optimising,
// and the runtime is compiled at -O0, so the parameters met in the records
// are recorded there first. (The kernel rejects a global function whose
// FUNC_PROTO has an unnamed parameter: "BTF loading error: -22".)
#include <algorithm>
#include <map>
#include <system_error>
#include <vector>

#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/Bitcode/BitcodeWriter.h"
#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

namespace
{

void dropVariableLocations(llvm::Module &module)
{
	std::map<llvm::DISubprogram *, std::vector<llvm::Metadata *>> parameters;
	auto record = [&](llvm::DILocalVariable *variable) {
		if (!variable || !variable->isParameter())
			return;
		llvm::DISubprogram *subprogram = variable->getScope()->getSubprogram();
		if (!subprogram)
			return;
		std::vector<llvm::Metadata *> &list = parameters[subprogram];
		if (std::find(list.begin(), list.end(), variable) == list.end())
			list.push_back(variable);
	};
	for (llvm::Function &function : module)
		for (llvm::BasicBlock &block : function)
			for (llvm::Instruction &instruction : llvm::make_early_inc_range(block)) {
				for (llvm::DbgVariableRecord &location :
				     llvm::filterDbgVars(instruction.getDbgRecordRange()))
					record(location.getVariable());
				instruction.dropDbgRecords();
				if (auto *intrinsic = llvm::dyn_cast<llvm::DbgVariableIntrinsic>(
					    &instruction)) {
					record(intrinsic->getVariable());
					instruction.eraseFromParent();
				}
			}
	for (auto &[subprogram, list] : parameters)
		if (subprogram->getRetainedNodes().empty())
			subprogram->replaceRetainedNodes(
				llvm::MDTuple::get(module.getContext(), list));
}

} // namespace

int main(int argc, char **argv)
{
	if (argc != 3) {
		llvm::errs() << "usage: trim-debug-info IN.bc OUT.bc\n";
		return 2;
	}
	auto buffer = llvm::MemoryBuffer::getFile(argv[1]);
	if (!buffer) {
		llvm::errs() << argv[1] << ": " << buffer.getError().message() << "\n";
		return 1;
	}
	llvm::LLVMContext context;
	auto module = llvm::parseBitcodeFile((*buffer)->getMemBufferRef(), context);
	if (!module) {
		llvm::errs() << argv[1] << ": " << llvm::toString(module.takeError()) << "\n";
		return 1;
	}
	dropVariableLocations(**module);
	if (llvm::verifyModule(**module, &llvm::errs()))
		return 1;
	std::error_code error;
	llvm::raw_fd_ostream out(argv[2], error);
	if (error) {
		llvm::errs() << argv[2] << ": " << error.message() << "\n";
		return 1;
	}
	llvm::WriteBitcodeToFile(**module, out);
	return 0;
}
