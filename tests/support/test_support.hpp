#pragma once
// Helpers shared by the C++ tests: where the shared corpus and our fixtures live.
#include <filesystem>
#include <string>
#include <vector>

namespace cis::test {

// ../shared/corpus, or empty when ../shared is absent (tests then GTEST_SKIP).
std::filesystem::path corpus_dir();
std::filesystem::path fixtures_dir();
std::string read_file(const std::filesystem::path& p);
std::vector<std::filesystem::path> files_in(const std::filesystem::path& dir);

}  // namespace cis::test

#define CIS_REQUIRE_CORPUS()                                                         \
    do {                                                                             \
        if (::cis::test::corpus_dir().empty())                                       \
            GTEST_SKIP() << "../shared/corpus is absent: corpus-based test skipped"; \
    } while (0)
