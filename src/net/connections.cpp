#include "net/connections.hpp"

#include <vector>

namespace cis::net {

bool ConnectionSet::add(const std::shared_ptr<Connection>& c) {
    std::lock_guard lock(mu_);
    if (stopping_) return false;
    if (live_.emplace(c.get(), c).second) ++size_;
    return true;
}

void ConnectionSet::remove(const Connection* c) {
    std::lock_guard lock(mu_);
    if (live_.erase(c) > 0) --size_;
}

void ConnectionSet::stop_all() {
    std::vector<std::shared_ptr<Connection>> connections;
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
        for (const auto& [ptr, weak] : live_) {
            if (auto c = weak.lock()) connections.push_back(std::move(c));
        }
    }
    // Outside the lock: a connection that ends at once deregisters (and needs the lock).
    for (const auto& c : connections) c->request_stop();
}

bool ConnectionSet::stopping() const {
    std::lock_guard lock(mu_);
    return stopping_;
}

}  // namespace cis::net
