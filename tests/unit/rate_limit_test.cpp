// services::RateLimiter: `limit` hits per window in a burst, then one per interval; keys
// are counted apart; a refusal counts nothing and says how long to wait.
#include <gtest/gtest.h>

#include "services/rate_limit.hpp"

namespace cis::services {
namespace {

TEST(RateLimiter, AllowsTheLimitInABurstThenOnePerInterval) {
    RateLimiter limiter(3, 60);  // 3 per minute: one every 20 s
    const std::int64_t t = 1'800'000'000;
    EXPECT_EQ(limiter.hit("1.2.3.4", t), 0);
    EXPECT_EQ(limiter.hit("1.2.3.4", t), 0);
    EXPECT_EQ(limiter.hit("1.2.3.4", t), 0);
    EXPECT_EQ(limiter.hit("1.2.3.4", t), 20);
    EXPECT_EQ(limiter.hit("1.2.3.4", t + 5), 15);  // refusals do not count
    EXPECT_EQ(limiter.hit("5.6.7.8", t), 0);       // another key has its own budget
    EXPECT_EQ(limiter.hit("1.2.3.4", t + 20), 0);
    EXPECT_EQ(limiter.hit("1.2.3.4", t + 20), 20);
    EXPECT_EQ(limiter.hit("1.2.3.4", t + 200), 0);  // a quiet key starts afresh
}

TEST(RateLimiter, ZeroMeansNoLimit) {
    RateLimiter limiter(0, 60);
    for (int i = 0; i < 1000; ++i) ASSERT_EQ(limiter.hit("k", 1), 0);
}

TEST(RateLimiter, StaysBoundedUnderManyKeysAndKeepsTheCountsItHas) {
    RateLimiter limiter(1, 3600, 100);
    for (int i = 0; i < 10'000; ++i) ASSERT_EQ(limiter.hit(std::to_string(i), 1000), 0);
    // A flood of new keys does not reset the ones already counted.
    EXPECT_GT(limiter.hit("0", 1000), 0);
    EXPECT_GT(limiter.hit("99", 1000), 0);
    // Once their hour has passed, room frees up and new keys are counted again.
    EXPECT_EQ(limiter.hit("new", 1000 + 3601), 0);
    EXPECT_GT(limiter.hit("new", 1000 + 3601), 0);
}

TEST(RateLimiter, AHighLimitAllowsExactlyItsBurst) {
    RateLimiter limiter(600, 1);  // an interval below a millisecond
    int allowed = 0;
    for (int i = 0; i < 2000; ++i) allowed += limiter.hit("k", 5) == 0;
    EXPECT_EQ(allowed, 600);
}

}  // namespace
}  // namespace cis::services
