#include "services/key_cache.hpp"

#include "services/api_keys.hpp"

namespace cis::services {

std::optional<store::ApiKey> KeyCache::authenticate(store::Store& store, std::string_view presented,
                                                    Clock::time_point now) {
    const std::string text(presented);
    {
        std::lock_guard lock(mutex_);
        auto it = entries_.find(text);
        if (it != entries_.end() && now - it->second.checked < ttl_) return it->second.key;
    }
    std::optional<store::ApiKey> key;
    store.read([&](store::Tx& tx) { key = services::authenticate(tx, presented); });
    std::lock_guard lock(mutex_);
    if (!key) {
        entries_.erase(text);
        return std::nullopt;
    }
    if (entries_.size() >= capacity_) entries_.clear();  // rare: more live keys than room
    entries_[text] = Entry{*key, now};
    return key;
}

void KeyCache::forget() {
    std::lock_guard lock(mutex_);
    entries_.clear();
}

}  // namespace cis::services
