#pragma once
// Internal: what the relay client's connections share: the options, the TLS context, the
// queue of messages and the bookkeeping that decides when to open, reuse or retire a
// connection. Not part of the public interface; see client.hpp.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include "smtp/client.hpp"
#include "smtp/client_message.hpp"

namespace cis::smtp::detail {

class RelayConnection;

struct Job {
    RelayEnvelope env;
    WireMessage message;
    std::function<void(DeliveryResult)> done;  // emptied once called
    RelayClient::CommitGate before_dot;        // may be empty
};

// Calls job.done(result) once, here and now; what it throws is swallowed (it runs on an io
// thread, where an exception would take the whole io_context down).
void finish(Job& job, DeliveryResult result);
// The same from any thread: posted to the io_context.
void finish_later(boost::asio::io_context& io, Job job, DeliveryResult result);

// Owned jointly by the RelayClient and every live connection, so connections that finish
// after the client object is gone still have valid options.
class RelayShared : public std::enable_shared_from_this<RelayShared> {
  public:
    using Clock = std::chrono::steady_clock;

    RelayShared(boost::asio::io_context& io, RelayOptions opts);

    // Client side, any thread.
    void submit(Job job);
    void close();

    // Connection side, from the connection's strand. A connection is a member of the pool from
    // its creation until next() says kLeave or it calls leave_after_failure().
    enum class Next { kJob, kIdle, kLeave };
    // kJob: `job` is set. kIdle: wait for wake() or the idle deadline, then ask again (only
    // offered when `can_idle`: an open session that has not idled out). kLeave: retire.
    Next next(RelayConnection& conn, bool can_idle, std::optional<Job>& job);
    // After a failed session set-up. If no other member is left to send them, returns the
    // queued jobs, to be failed with the same result: they would go to the same server.
    std::deque<Job> leave_after_failure();
    void connection_gone() { --alive; }  // fully finished (QUIT said, socket closed)

    boost::asio::io_context& io;
    const RelayOptions opts;
    std::optional<boost::asio::ssl::context> tls;  // unless Tls::Off; read-only once built
    std::atomic<std::size_t> alive{0};             // for RelayClient::active_connections()
    std::atomic<std::size_t> sessions_opened{0};

  private:
    void spawn_locked();
    void unidle_locked(RelayConnection& conn);

    std::mutex mu_;  // guards everything below
    std::deque<Job> queue_;
    std::vector<std::shared_ptr<RelayConnection>> idle_;  // waiting in next_job(), newest last
    std::size_t members_ = 0;
    bool closing_ = false;
    // After a failed set-up the pool does not grow again for a while (unless it is empty):
    // a server that limits concurrent connections would otherwise cost a message per attempt.
    Clock::time_point grow_after_{};
};

}  // namespace cis::smtp::detail
