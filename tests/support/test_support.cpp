#include "support/test_support.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace cis::test {

std::filesystem::path corpus_dir() {
    const char* shared = std::getenv("CIS_SHARED_DIR");
    if (!shared) return {};
    std::filesystem::path p = std::filesystem::path(shared) / "corpus";
    return std::filesystem::is_directory(p) ? p : std::filesystem::path();
}

std::filesystem::path fixtures_dir() {
    if (const char* dir = std::getenv("CIS_FIXTURES_DIR")) return dir;
#ifdef CIS_FIXTURES_SOURCE_DIR
    return CIS_FIXTURES_SOURCE_DIR;  // tests/CMakeLists.txt: the source tree's fixtures
#else
    return "tests/fixtures";
#endif
}

std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + p.string());
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

std::vector<std::filesystem::path> files_in(const std::filesystem::path& dir) {
    std::vector<std::filesystem::path> out;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        if (e.is_regular_file()) out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace cis::test
