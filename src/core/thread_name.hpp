#pragma once
// Names the calling thread (Linux keeps 15 characters), so that top -H, perf and gdb show
// which part of CIS a thread belongs to: "cis-io", "cis-commit", "cis-out-0", ...
#include <string>

namespace cis {

void name_this_thread(const std::string& name);

}  // namespace cis
