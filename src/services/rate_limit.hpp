#pragma once
// Per-key rate limits for the public pages and CTA links (SPEC §5): "at most `limit` hits
// per `window` seconds per IP address (or per recipient)", with bursts up to `limit`.
//
// GCRA (the generic cell rate algorithm, as in ATM networks and redis-cell): each key keeps
// one instant, its "theoretical arrival time", so memory is one entry per active key and a
// key whose instant has passed is as good as absent. In memory, per process: a restart
// forgets the counts, and several `cis` nodes count apart (docs/pages.md says so).
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace cis::services {

class RateLimiter {
  public:
    // `limit` hits per `window` seconds; a limit of 0 turns the limiter off.
    RateLimiter(std::int64_t limit, std::int64_t window_seconds, std::size_t max_keys = 200000);

    // Counts one hit for `key` at `now` (epoch seconds) when it is allowed and returns 0;
    // when it is not, counts nothing and returns the seconds to wait (at least 1).
    std::int64_t hit(std::string_view key, std::int64_t now);

    std::int64_t limit() const { return limit_; }
    std::int64_t window() const { return window_; }

  private:
    std::int64_t limit_, window_;
    std::int64_t interval_us_;  // window / limit: the cost of one hit, in microseconds
    std::size_t max_keys_;      // beyond it (after dropping expired keys) new keys go uncounted
    std::mutex mu_;
    std::unordered_map<std::string, std::int64_t> tat_us_;  // key → theoretical arrival time
    std::int64_t last_sweep_ = 0;
};

}  // namespace cis::services
