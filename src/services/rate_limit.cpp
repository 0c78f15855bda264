#include "services/rate_limit.hpp"

#include <algorithm>

namespace cis::services {

namespace {
constexpr std::int64_t kMicros = 1'000'000;
constexpr std::int64_t kMaxWindow = 366 * 86400;  // keeps the arithmetic far from overflow
}  // namespace

RateLimiter::RateLimiter(std::int64_t limit, std::int64_t window_seconds, std::size_t max_keys)
    : limit_(std::max<std::int64_t>(limit, 0)),
      window_(std::clamp<std::int64_t>(window_seconds, 1, kMaxWindow)),
      interval_us_(limit_ > 0 ? std::max<std::int64_t>(window_ * kMicros / limit_, 1) : 0),
      max_keys_(std::max<std::size_t>(max_keys, 1)) {}

std::int64_t RateLimiter::hit(std::string_view key, std::int64_t now) {
    if (limit_ == 0) return 0;
    const std::int64_t now_us = now * kMicros;
    std::lock_guard lock(mu_);
    auto it = tat_us_.find(std::string(key));
    const std::int64_t tat = it == tat_us_.end() ? now_us : std::max(it->second, now_us);
    // Allowed while the new arrival time stays within `limit` intervals of now: exactly
    // `limit` hits in a burst, then one per interval.
    const std::int64_t next = tat + interval_us_;
    const std::int64_t tolerance = interval_us_ * limit_;
    if (next - now_us > tolerance) {
        const std::int64_t wait_us = next - now_us - tolerance;
        return std::max<std::int64_t>((wait_us + kMicros - 1) / kMicros, 1);
    }
    if (it != tat_us_.end()) {
        it->second = next;
        return 0;
    }
    if (tat_us_.size() >= max_keys_ && now > last_sweep_) {  // at most once a second
        last_sweep_ = now;
        std::erase_if(tat_us_, [now_us](const auto& kv) { return kv.second <= now_us; });
    }
    // Still full of live keys: the new one goes uncounted until room frees up. The keys
    // already counted keep their counts (a flood of new addresses cannot reset them).
    if (tat_us_.size() < max_keys_) tat_us_.emplace(std::string(key), next);
    return 0;
}

}  // namespace cis::services
