#pragma once
// Internal: one connection of the relay client: it takes messages from the pool's queue and
// sends them one after another over the same SMTP session, reconnecting when the session
// breaks. Not part of the public interface; see client.hpp.
// Standard headers first, in their own block: Boost 1.74's awaitable.hpp uses std::exchange
// without including <utility>.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include "smtp/client.hpp"
#include "smtp/client_capabilities.hpp"
#include "smtp/client_pool.hpp"
#include "smtp/client_transport.hpp"

namespace cis::smtp::detail {

class RelayConnection : public std::enable_shared_from_this<RelayConnection> {
  public:
    explicit RelayConnection(std::shared_ptr<RelayShared> shared);
    RelayConnection(const RelayConnection&) = delete;
    RelayConnection& operator=(const RelayConnection&) = delete;

    // The whole life of the connection; `self` keeps it alive until it ends. Must be
    // co_spawned on executor().
    static boost::asio::awaitable<void> run(std::shared_ptr<RelayConnection> self);
    // Thread-safe: an idle connection looks at the queue again.
    void wake();
    boost::asio::any_io_executor executor() const { return strand_; }

  private:
    // What one attempt at a transaction came to.
    struct Outcome {
        DeliveryResult result;
        // The session was found dead before the server could have taken the message (closed
        // or 421 at the first command): the message may be retried at once on a new session.
        bool stale = false;
    };

    // client_connection.cpp: the life cycle.
    boost::asio::awaitable<void> serve();
    boost::asio::awaitable<std::optional<Job>> next_job();
    // Sends `job` and finishes it; false when the connection must leave the pool.
    boost::asio::awaitable<bool> deliver(Job& job);
    // After a failed set-up: fails `job`, leaves the pool, and fails the queued jobs too when
    // no other connection is left to send them.
    void give_up(Job& job, const DeliveryResult& failure);
    boost::asio::awaitable<void> quit();
    void drop();  // closes the session without a word (after 421 or on trouble)

    // client_setup.cpp: connect, greeting, EHLO, STARTTLS, AUTH. nullopt = ready to send.
    boost::asio::awaitable<std::optional<DeliveryResult>> setup();
    boost::asio::awaitable<std::optional<DeliveryResult>> ehlo();
    boost::asio::awaitable<std::optional<DeliveryResult>> starttls();
    boost::asio::awaitable<std::optional<DeliveryResult>> auth();
    boost::asio::awaitable<std::optional<DeliveryResult>> auth_login();
    // The refusal `reply` stands for, after leaving the session as the reply requires.
    boost::asio::awaitable<DeliveryResult> reject(const ServerReply& reply, const char* stage);

    // client_transaction.cpp: one message.
    boost::asio::awaitable<Outcome> transact(const Job& job);
    // Writes the body and the final dot, passing the job's commit gate between them.
    boost::asio::awaitable<bool> put_body(const Job& job, Outcome& out);
    // Asks the job's commit gate; true when the final dot may go.
    boost::asio::awaitable<bool> pass_gate(const Job& job);
    boost::asio::awaitable<void> rset();

    // I/O that records a Deferred result in io_failure_ when it fails (the transport is then
    // closed). `what` names the command for the message ("MAIL FROM").
    boost::asio::awaitable<bool> put(std::string_view bytes, const char* stage, const char* what);
    boost::asio::awaitable<std::optional<ServerReply>> get(const char* stage, const char* what);
    std::string where() const;  // "host:port", for messages

    std::shared_ptr<RelayShared> shared_;
    const RelayOptions& opts_;
    boost::asio::any_io_executor strand_;
    ClientTransport transport_;
    boost::asio::steady_timer wake_;  // idle wait; cancelled by wake()

    bool member_ = true;    // still in the pool's count (RelayShared::next/leave_after_failure)
    bool session_ = false;  // greeted, EHLOed, TLS and AUTH done: ready for MAIL
    Capabilities caps_;
    std::size_t sent_on_session_ = 0;
    DeliveryResult io_failure_;
};

}  // namespace cis::smtp::detail
