#pragma once
// API keys recently proven, so a busy client does not pay a SHA-256 and a database read
// on every request. An entry is trusted for `ttl` (1 s by default) and then checked
// against the database again: a key revoked by the CLI in another process stops working
// within that time; a revoke through this process's API calls forget() and stops it at
// once. Only valid keys are kept, so garbage keys cannot fill the cache.
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "store/store.hpp"

namespace cis::services {

class KeyCache {
  public:
    using Clock = std::chrono::steady_clock;
    explicit KeyCache(Clock::duration ttl = std::chrono::seconds(1), std::size_t capacity = 4096)
        : ttl_(ttl), capacity_(capacity) {}

    // The key's record when `presented` is a valid, unrevoked key (services::authenticate,
    // or a cached answer younger than the ttl).
    std::optional<store::ApiKey> authenticate(store::Store& store, std::string_view presented,
                                              Clock::time_point now = Clock::now());
    // Every cached key is checked against the database again on its next use.
    void forget();

  private:
    struct Entry {
        store::ApiKey key;
        Clock::time_point checked;
    };
    Clock::duration ttl_;
    std::size_t capacity_;
    std::mutex mutex_;
    std::unordered_map<std::string, Entry> entries_;  // by the presented key
};

}  // namespace cis::services
