#pragma once
// The live connections of one server, so that stop() can reach each of them and the accept
// loop can enforce max_connections. Connections register themselves once they exist and
// deregister in their destructor; the set holds them weakly, so it never keeps one alive.
#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace cis::net {

// What the set needs of a connection (an SMTP or HTTP session).
class Connection {
  public:
    // Thread-safe: asks the connection to finish (politely: a request in progress is answered).
    virtual void request_stop() = 0;

  protected:
    ~Connection() = default;
};

class ConnectionSet {
  public:
    // Registers `c` unless stop_all() has begun; false means "close it".
    bool add(const std::shared_ptr<Connection>& c);
    // Deregisters `c`; a no-op for one that was never added. Safe from a destructor.
    void remove(const Connection* c);
    // Refuses further add()s and asks every registered connection to stop. Idempotent.
    void stop_all();
    bool stopping() const;
    std::size_t size() const { return size_.load(); }

  private:
    mutable std::mutex mu_;  // guards the two members below
    std::unordered_map<const Connection*, std::weak_ptr<Connection>> live_;
    bool stopping_ = false;
    std::atomic<std::size_t> size_{0};  // live_.size(), readable without the lock
};

}  // namespace cis::net
