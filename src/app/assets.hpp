#pragma once
// The public pages' static files: src/app/assets/ compiled into the binary
// (src/CMakeLists.txt) and served at GET /assets/{name} (http_assets.cpp) with a long cache
// life. Pages link them through asset_url(), whose ?v= changes with the bytes, so a new
// binary's pages never run an old script from a browser's cache.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/router.hpp"

namespace cis::app {

// Every file of src/app/assets/ as (name, bytes), as it was at build time.
const std::vector<std::pair<std::string_view, std::string_view>>& asset_files();

// "/assets/pages.js?v=3f2a9c01d4": the path of a compiled-in file with its version.
// Throws std::out_of_range for a name that is not one (a programming error).
const std::string& asset_url(std::string_view name);

// GET /assets/{name}.
void add_asset_routes(http::Router& router);

}  // namespace cis::app
