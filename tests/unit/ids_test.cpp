// Random identifiers: URL-safe, the promised length, and never starting with '-' — ids
// are typed on command lines (`cis event show ID`, `cis key revoke ID`), where a leading
// '-' reads as an option (it made tests fail about once in 64 runs).
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "services/ids.hpp"

using cis::services::new_event_id;
using cis::services::random_token;

TEST(Ids, EventIdsAreUrlSafeAndUnique) {
    std::set<std::string> seen;
    for (int i = 0; i < 2000; ++i) {
        const auto id = new_event_id();
        ASSERT_EQ(id.size(), 22u);
        ASSERT_EQ(id.find_first_not_of(
                      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
                  std::string::npos);
        ASSERT_TRUE(seen.insert(id).second);
    }
}

TEST(Ids, NoTokenStartsWithADash) {
    // With 20 000 draws a leading '-' (1 in 64 before the fix) would show up for certain.
    for (int i = 0; i < 20000; ++i) {
        const auto t = random_token(i % 2 ? 6 : 16);
        ASSERT_NE(t.front(), '-') << t;
    }
}
