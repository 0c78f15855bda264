#pragma once
// First-start chores of an installation.
#include "store/store.hpp"

namespace cis::app {

// On the very first start, when no API key exists, creates an admin key and prints it
// once on stdout (never again, and never stored in clear).
void bootstrap_admin_key(store::Store& store);

}  // namespace cis::app
