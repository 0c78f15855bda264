#include "services/rate_limit.hpp"

#include <algorithm>

namespace cis::services {

RateLimiter::RateLimiter(std::int64_t limit, std::int64_t window_seconds, std::size_t max_keys)
    : limit_(std::max<std::int64_t>(limit, 0)),
      window_(std::max<std::int64_t>(window_seconds, 1)),
      interval_ms_(limit_ > 0 ? std::max<std::int64_t>(window_ * 1000 / limit_, 1) : 0),
      max_keys_(std::max<std::size_t>(max_keys, 1)) {}

std::int64_t RateLimiter::hit(std::string_view key, std::int64_t now) {
    if (limit_ == 0) return 0;
    const std::int64_t now_ms = now * 1000;
    std::lock_guard lock(mu_);
    auto it = tat_ms_.find(std::string(key));
    const std::int64_t tat = it == tat_ms_.end() ? now_ms : std::max(it->second, now_ms);
    // Allowed while the new arrival time stays within one window of now: `limit` hits in a
    // burst, then one per interval.
    const std::int64_t next = tat + interval_ms_;
    if (next - now_ms > window_ * 1000) {
        const std::int64_t wait_ms = next - now_ms - window_ * 1000;
        return std::max<std::int64_t>((wait_ms + 999) / 1000, 1);
    }
    if (it != tat_ms_.end()) {
        it->second = next;
    } else {
        if (tat_ms_.size() >= max_keys_) sweep(now_ms);
        // Still full of live keys: forget the whole table rather than grow without bound (an
        // attacker with that many addresses gets at most one window's worth again).
        if (tat_ms_.size() >= max_keys_) tat_ms_.clear();
        tat_ms_.emplace(std::string(key), next);
    }
    return 0;
}

void RateLimiter::sweep(std::int64_t now_ms) {
    std::erase_if(tat_ms_, [now_ms](const auto& kv) { return kv.second <= now_ms; });
}

}  // namespace cis::services
